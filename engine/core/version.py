"""The engine's version: part of every cache key and of ``care-catalog --version``."""

__version__ = "0.1.0"
