"""Small presentation helpers shared by the page views and the API: links, sources, locations."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from engine.core.location import Location

NOT_PUBLISHED = "not published"


def web_link(source: str) -> str | None:
    """*source* when it is an http(s) address a reader can follow, else None (shown as text)."""
    text = source.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and text == source:
        return text
    return None


def source_view(source: str) -> dict[str, Any]:
    """A source as a link (with its host as the label) or as plain text."""
    href = web_link(source)
    label = urlsplit(href).netloc.removeprefix("www.") if href else source
    return {"href": href, "label": label, "text": source}


def catalog_file(location: Location) -> str:
    """*location* as ``products/mavic-3.yaml:12``: inside the catalog folder, whatever its name."""
    return f"{location.file.partition('/')[2] or location.file}:{location.line}"


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
