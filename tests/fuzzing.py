"""The fuzzing budget: a few thousand examples in the normal run, many more with ``-m fuzz``.

``python -m pytest -m fuzz`` runs only the fuzz tests, each with ``CARE_CATALOG_FUZZ_SCALE`` times
its normal number of examples (30 unless set).
"""

from __future__ import annotations

import os


def budget(examples: int) -> int:
    """*examples*, scaled for a long fuzzing run."""
    return examples * int(os.environ.get("CARE_CATALOG_FUZZ_SCALE", "1"))
