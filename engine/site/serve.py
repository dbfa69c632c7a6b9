"""Previewing a built site: static files on 127.0.0.1 with the site's own 404 page, and a
watcher that rebuilds when the catalog changes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves one folder; a missing page gets the site's ``404.html`` with status 404.

    Only files of the folder are served: a path that leaves it (``..``, encoded or not) resolves
    inside it, as in the standard handler; a folder is never listed (its ``index.html`` is served,
    else 404); a path holding a NUL byte or other characters no file name has is a 400.
    """

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".xml": "application/xml",
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
    }
    quiet = True

    def translate_path(self, path: str) -> str:
        """The file for *path*; a NUL byte (``%00``) is refused here, before the file system."""
        if "\x00" in unquote(path.split("?", 1)[0].split("#", 1)[0]):
            raise _BadPath
        return super().translate_path(path)

    def send_head(self) -> Any:
        """As the standard handler, but a bad path is a 400 and a folder is never listed."""
        try:
            return super().send_head()
        except _BadPath:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return None

    def list_directory(self, path: Any) -> None:
        """Folders are not listed: a missing page."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The site's 404 page for a missing file; the standard error page otherwise."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        """Ask browsers not to cache, so a rebuild shows at once."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests only when the server is not quiet."""
        if not self.quiet:
            super().log_message(format, *args)


class _BadPath(Exception):
    """A request path no file of the site can have."""


def make_server(
    root: Path, port: int = 8000, host: str = "127.0.0.1", quiet: bool = True
) -> ThreadingHTTPServer:
    """A server for *root* on *host*:*port* (port 0: any free port); call ``serve_forever()``."""
    handler = functools.partial(
        type("Handler", (SiteHandler,), {"quiet": quiet}), directory=str(root)
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class CatalogWatcher:
    """Notices when a file under a catalog folder is added, removed or changed (its cache aside)."""

    def __init__(self, root: Path):
        self.root = root
        self.snapshot = self._scan()

    def _scan(self) -> dict[str, tuple[int, int]]:
        found = {}
        for path in self.root.rglob("*"):
            if ".cache" in path.relative_to(self.root).parts:
                continue
            try:
                stat = path.stat()
            except OSError:  # removed while scanning
                continue
            if path.is_file():
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changed(self) -> bool:
        """Whether anything changed since the last call (or since the watcher was made)."""
        now = self._scan()
        if now == self.snapshot:
            return False
        self.snapshot = now
        return True


def watch(
    watcher: CatalogWatcher,
    rebuild: Callable[[], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Call *rebuild* after each change the watcher sees, until *stop* is set."""
    while not stop.wait(interval):
        if watcher.changed():
            rebuild()
