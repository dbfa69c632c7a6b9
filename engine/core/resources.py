"""Where the shipped catalog, schemas and site templates live: a checkout or an installed wheel."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # engine/


def data_path(name: str) -> str:
    """``catalog``, ``schema`` or ``site``: beside the package in a checkout, else inside the wheel."""
    top = os.path.dirname(_PACKAGE)
    checkout = os.path.join(top, name)
    if os.path.isfile(os.path.join(top, "pyproject.toml")) and os.path.isdir(checkout):
        return checkout
    return os.path.join(_PACKAGE, "_data", name)


def data_dir(name: str) -> Path:
    """``data_path(name)`` as a Path."""
    from pathlib import Path

    return Path(data_path(name))
