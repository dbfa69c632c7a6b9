"""Where the shipped catalog, schemas and site templates live: a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # engine/


def data_dir(name: str) -> Path:
    """``catalog``, ``schema`` or ``site``: beside the package in a checkout, else inside the wheel."""
    checkout = _PACKAGE.parent / name
    if (_PACKAGE.parent / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return _PACKAGE / "_data" / name
