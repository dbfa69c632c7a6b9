"""Publishing and serving under hostile conditions: builds killed at any moment, builds racing
each other, and requests that try to leave the site or break the server."""

from __future__ import annotations

import hashlib
import http.client
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.site.serve import make_server

from .conftest import ROOT
from .sitekit import served

DAY = "2026-11-22"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under *folder* and the digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_command(catalog: Path, out: Path) -> list[str]:
    code = "from engine.cli import main; main()"
    return [sys.executable, "-c", code, "build", str(catalog), "--out", str(out), "--on", DAY]


@pytest.fixture(scope="module")
def two_sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, dict[str, str], dict[str, str]]]:
    """The shipped catalog and an edited copy, with the site each builds."""
    base = tmp_path_factory.mktemp("kill")
    old, new = base / "old" / "catalog", base / "new" / "catalog"
    shutil.copytree(ROOT / "catalog", old, ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(ROOT / "catalog", new, ignore=shutil.ignore_patterns(".cache"))
    product = new / "products" / "mavic-3.yaml"
    product.write_text(product.read_text().replace("fees: [159, 199]", "fees: [169, 209]"))
    sites = {}
    for name, catalog in (("old", old), ("new", new)):
        out = base / f"site-{name}"
        subprocess.run(build_command(catalog, out), check=True, capture_output=True, cwd=base)
        sites[name] = snapshot(out)
    assert sites["old"] != sites["new"]
    yield old, new, sites["old"], sites["new"]


@pytest.mark.parametrize("delay", [0.08 * n for n in range(1, 11)])
def test_a_build_killed_at_any_moment_leaves_a_whole_site(
    delay: float, two_sites: tuple[Path, Path, dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    old, new, old_site, new_site = two_sites
    out = tmp_path / "site"
    subprocess.run(build_command(old, out), check=True, capture_output=True, cwd=tmp_path)
    process = subprocess.Popen(
        build_command(new, out), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Before the swap the old site stands; after it, the new one: never a mix, never less.
    assert snapshot(out) in (old_site, new_site)
    assert not [p for p in out.rglob("*") if ".building-" in p.name]
    # The next build clears what the killed one left beside the folder.
    subprocess.run(build_command(new, out), check=True, capture_output=True, cwd=tmp_path)
    assert snapshot(out) == new_site
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name] == []


def test_two_builds_at_once_into_one_folder_end_with_one_whole_site(
    two_sites: tuple[Path, Path, dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    old, new, old_site, new_site = two_sites
    out = tmp_path / "site"
    first = subprocess.Popen(
        build_command(old, out), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    second = subprocess.Popen(
        build_command(new, out), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert first.wait(120) == 0 and second.wait(120) == 0
    assert snapshot(out) in (old_site, new_site)
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name] == []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    (folder / "index.html").write_text("<!doctype html><title>home</title>")
    (folder / "404.html").write_text("<!doctype html><title>missing</title>")
    (folder / "api").mkdir()
    (folder / "api" / "secret.json").write_text("{}")
    (folder / "static").mkdir()
    (folder.parent / "outside.txt").write_text("not part of the site")
    with served(folder) as url:
        yield url


def get(url: str, path: str) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/index.html%00.json", 400),
        ("/%00", 400),
        ("/api/", 404),
        ("/static/", 404),
        ("/api", 301),
        ("/../outside.txt", 404),
        ("/%2e%2e/outside.txt", 404),
        ("/api/../../outside.txt", 404),
        ("//etc/passwd", 404),
        ("/index.html", 200),
    ],
)
def test_the_preview_server_serves_only_the_sites_files(site: str, path: str, status: int) -> None:
    code, body = get(site, path)
    assert code == status
    assert b"not part of the site" not in body and b"secret.json" not in body
    # The server is still up and answering after every request.
    assert get(site, "/index.html")[0] == 200


def test_the_preview_server_listens_on_the_loopback_address_only(tmp_path: Path) -> None:
    server = make_server(tmp_path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
