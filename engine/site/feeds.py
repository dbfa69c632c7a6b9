"""What changed, for readers: the "What changed" page and Atom feeds (the whole catalog's, and
one per model).

Entries are the catalog's git history (each commit that touched the catalog, with its
value-level changes, ``engine.catalog.history``) and the changes the catalog itself dates —
plan versions and flyaway-list entries — which appear on their own days even without git. An
entry's id and time come from the commit or the dated change, never from the build, so the same
catalog and history give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from markupsafe import escape

from engine.catalog.history import Revision, catalog_history
from engine.read.cache import cache_dir
from engine.site.freshness import Freshness

# The newest entries a feed holds (readers poll feeds; the page keeps the whole history).
FEED_ENTRIES = 100


class Feeds(Freshness):
    """The history views and feeds of one catalog, for the day *on*."""

    @cached_property
    def revisions(self) -> list[Revision] | None:
        """The catalog's git history, newest first; None when it is not in a git work tree."""
        root = self.catalog.root
        return catalog_history(root, cache_dir(root))

    def whats_new(self) -> dict[str, Any]:
        """The "What changed" page: each commit with its changes, then the dated terms changes."""
        revisions = self.revisions
        return {
            "git": revisions is not None,
            "revisions": [
                {
                    "commit": r.short,
                    "day": r.day,
                    "subject": r.subject,
                    "problem": r.problem,
                    "groups": _grouped(r.changes),
                }
                for r in revisions or []
            ],
            "dated": self._events[:20],
        }

    def feed(self, product_id: str | None) -> dict[str, Any]:
        """An Atom feed: of the whole catalog (*product_id* None) or of one model."""
        cat = self.catalog
        prefix = f"urn:care-catalog:{_slug(cat.title)}"
        entries = []
        revisions = self.revisions or []
        for order, r in enumerate(revisions):
            mine = [c for c in r.changes if product_id is None or c.get("product") == product_id]
            if product_id is not None and not mine:
                continue
            body = "".join(f"<li>{escape(c['text'])}</li>" for c in mine)
            note = f"<p>{escape(r.problem)}</p>" if r.problem else ""
            entries.append(
                {
                    "id": f"{prefix}:commit:{r.commit}",
                    "title": r.subject,
                    "updated": r.time,
                    "link": f"changes.html#c-{r.short}",
                    "order": len(revisions) - order,  # git's order, for commits of one second
                    "html": f"{note}<ul>{body}</ul>"
                    if body
                    else note or "<p>No value changed.</p>",
                }
            )
        events = self._plan_events + (
            self._flyaway_events.get(product_id, [])
            if product_id is not None
            else [e for found in self._flyaway_events.values() for e in found]
        )
        for event in events:
            body = "".join(f"<li>{escape(c)}</li>" for c in event["changes"])
            sources = ", ".join(
                escape(s.get("href") or s.get("text") or "") for s in event["sources"]
            )
            entries.append(
                {
                    "id": f"{prefix}:{event['kind']}:{event['date']}:{_slug(event['title'])}",
                    "title": event["title"],
                    "updated": f"{event['date']}T00:00:00Z",
                    "link": event["link"],
                    "order": 0,
                    "html": (f"<ul>{body}</ul>" if body else "") + f"<p>Sources: {sources}</p>",
                }
            )
        entries.sort(key=lambda e: (e["updated"], e["order"], e["id"]), reverse=True)
        entries = entries[:FEED_ENTRIES]
        name = self.share("summary", product_id)["name"] if product_id else None
        return {
            "id": f"{prefix}:feed" + (f":{product_id}" if product_id else ""),
            "title": f"{cat.title}: {name}" if name else f"{cat.title}: what changed",
            "updated": entries[0]["updated"]
            if entries
            else f"{cat.compiled or self.on.isoformat()}T00:00:00Z",
            "author": cat.title,
            "entries": entries,
            "page": f"products/{product_id}.html" if product_id else "changes.html",
            "self": f"feeds/products/{product_id}.xml" if product_id else "feed.xml",
        }

    @cached_property
    def _plan_events(self) -> list[dict[str, Any]]:
        return [e for e in self._events if e["kind"] != "flyaway"]

    @cached_property
    def _flyaway_events(self) -> dict[str, list[dict[str, Any]]]:
        """Each model's flyaway-list events (a feed per model reads only its own)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for event in self._events:
            if event["kind"] == "flyaway":
                product = event["link"].removeprefix("products/").removesuffix(".html")
                found.setdefault(product, []).append(event)
        return found

    def feed_documents(self) -> Iterator[tuple[str, str, tuple[str, ...] | None, tuple[str, ...]]]:
        """Every feed: (path, the product it is of, the products it shows, the kinds of share
        it uses)."""
        yield "feed.xml", "", None, ("events",)
        for i in self.ids:
            yield f"feeds/products/{i}.xml", i, (i,), ()


def _grouped(found: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for change in found:
        text = change["text"]
        head, _, rest = text.partition(": ")
        groups.setdefault(head if rest else "", []).append(rest or text)
    return [{"title": title, "changes": items} for title, items in groups.items()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
