"""Bulk steps without the cyclic garbage collector.

CPython's collector runs after every few hundred new containers and, every so often, looks at
every container still alive. A step that builds hundreds of thousands of long-lived ones (a
catalog of 10,000 products, a site's lists of every model) makes it look again and again at
what it just built: a quarter to three quarters of such a step. So a bulk step runs with the
collector paused, and what it built is then frozen out of later collections (``gc.freeze``),
which also keeps forked workers from copying the pages it lives on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk() -> Iterator[None]:
    """No collections inside; afterwards everything alive is frozen and collecting resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
