"""Every benchmark's figures, written at the end of the run as JSON and as a markdown table.

``python -m pytest -m benchmark tests/benchmarks -s`` leaves ``test-output/benchmarks.json`` and
``test-output/benchmarks.md`` (the tables the README's speed section is taken from).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import pytest

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
FIGURES: dict[str, Any] = {}


def record(name: str, figures: Any) -> Any:
    """Keep *figures* (sizes to timings, or named timings in seconds) for the report; return them."""
    FIGURES[name] = figures
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def _markdown() -> str:
    lines = [
        f"Benchmarks on {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores",
        "",
    ]
    load = FIGURES.get("load")
    if load:
        lines += [
            "| products | C-parse floor | cold check | warm check | one file edited |",
            "|---:|---:|---:|---:|---:|",
        ]
        for size, f in sorted(load.items()):
            lines.append(
                f"| {size:,} | {_ms(f['parse_floor'])} | {_ms(f['cold'])} ({f['cold'] / f['parse_floor']:.2f}x) "
                f"| {_ms(f['warm'])} ({f['warm'] / f['parse_floor']:.2f}x) | {_ms(f['incremental'])} ({f['incremental'] / f['warm']:.2f}x warm) |"
            )
        lines.append("")
    build = FIGURES.get("build")
    if build:
        lines += [
            "| products | render floor | build | Hugo, product pages (cold / warm) | Hugo, page + API + feed per model (cold / warm) | peak RSS | largest page | no-op rebuild | one-edit rebuild |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size, f in sorted(build.items()):
            hugo = (
                f"{_ms(f['hugo_cold'])} / {_ms(f['hugo_warm'])} (build {f['cold'] / f['hugo_cold']:.2f}x) "
                f"| {_ms(f['hugo_all_cold'])} / {_ms(f['hugo_all_warm'])} (build {f['cold'] / f['hugo_all_cold']:.2f}x)"
                if "hugo_cold" in f
                else "not installed | not installed"
            )
            lines.append(
                f"| {size:,} | {_ms(f['floor'])} | {_ms(f['cold'])} ({f['cold'] / f['floor']:.2f}x floor) | {hugo} "
                f"| {f['rss_mb']:,.0f} MB | {f['largest_page_mb']:.2f} MB | {_ms(f['noop'])} | {_ms(f['edit'])} |"
            )
        lines.append("")
    decide = FIGURES.get("decide")
    if decide:
        lines += [
            "| hand-written rules | compiled rules | decide() | decide(), 100 products | decide(), 1,000 products |",
            "|---:|---:|---:|---:|---:|",
            f"| {decide['handwritten'] * 1e6:.1f} µs | {decide['rules'] * 1e6:.1f} µs | {decide['decide'] * 1e6:.1f} µs "
            f"| {decide['decide_100'] * 1e6:.1f} µs | {decide['decide_1000'] * 1e6:.1f} µs |",
            "",
        ]
    startup = FIGURES.get("startup")
    if startup:
        py = startup["python"]
        lines += [
            "| python -c pass | import engine | care-catalog quote | quote --json | cat.quote: first / another day / repeated |",
            "|---:|---:|---:|---:|---:|",
            f"| {_ms(py)} | {_ms(startup['import'])} ({startup['import'] / py:.2f}x) "
            f"| {_ms(startup['quote'])} ({startup['quote'] / py:.2f}x) "
            f"| {_ms(startup['quote_json'])} ({startup['quote_json'] / py:.2f}x) "
            f"| {startup['in_process_first'] * 1e6:.2f} / {startup['in_process_other_day'] * 1e6:.2f} "
            f"/ {startup['in_process_repeat'] * 1e6:.2f} µs |",
            "",
        ]
    return "\n".join(lines)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not FIGURES:
        return
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "benchmarks.json").write_text(
        json.dumps(FIGURES, indent=2, sort_keys=True, default=str) + "\n"
    )
    (OUTPUT / "benchmarks.md").write_text(_markdown())
