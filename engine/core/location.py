"""Where something is defined in the catalog: a file, named from the catalog folder, and a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where an object is defined: a catalog file (``catalog/products/mini-3.yaml``) and line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"
