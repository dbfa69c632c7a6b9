"""Start-up: ``import engine`` and ``care-catalog quote`` end to end, against ``python -c pass``
in the same run, and a quote in process.

Whole commands are timed by Debian's ``hyperfine`` when it is installed (mean of 40 runs after 5
warm-ups), else by the median of 40 runs here. The quote reads the catalog's quote index, which
the first (full) quote writes; the catalog is a copy of the shipped one, made a while ago.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import pytest

import engine
from engine.catalog import quote_index

from .conftest import record

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
QUOTE = ["quote", "mavic-3", "care-refresh-1y", "--region", "us", "--replacement", "2"]
QUOTE += ["--on", "2022-06-01"]
HYPERFINE = ["hyperfine", "-N", "--warmup", "5", "--runs", "40"]


def seconds(command: list[str], cwd: Path) -> float:
    """Mean wall time of *command* run in *cwd*."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                [*HYPERFINE, "--export-json", out.name, "--", subprocess.list2cmdline(command)],
                cwd=cwd,
                check=True,
                capture_output=True,
            )
            return float(json.loads(Path(out.name).read_text())["results"][0]["mean"])
    times = []
    for _ in range(40):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    folder = tmp_path_factory.mktemp("startup")
    shutil.copytree(ROOT / "catalog", folder / "catalog", ignore=shutil.ignore_patterns(".cache"))
    # A file's change time is its copy's: the index is written once they are settled.
    time.sleep(quote_index.SETTLE_NS / 1e9 + 0.1)
    script = str(Path(sys.executable).with_name("care-catalog"))
    quote = [script, *QUOTE] if Path(script).exists() else [sys.executable, "-m", "engine", *QUOTE]
    full = subprocess.run(quote, cwd=folder, capture_output=True, text=True, check=True)
    assert quote_index.read(str(folder / "catalog")) is not None, full.stderr
    cat = engine.load(folder / "catalog")
    day = dt.date(2022, 6, 1)
    first = dt.date(2020, 1, 1)  # 1,000 days on, the same terms are in force
    ids = iter(range(10**9))
    results = {
        "python": seconds([sys.executable, "-c", "pass"], folder),
        "import": seconds([sys.executable, "-c", "import engine"], folder),
        "quote": seconds(quote, folder),
        "quote_json": seconds([*quote, "--json"], folder),
        # An answer is remembered for ids and the terms in force: a repeat, another day under
        # the same terms, and (fee_quote, never remembered) the work of a first answer.
        "in_process_repeat": min(
            timeit.repeat(
                lambda: cat.quote("mavic-3", "care-refresh-1y", "us", 2, on=day),
                number=20_000,
                repeat=5,
            )
        )
        / 20_000,
        "in_process_other_day": min(
            timeit.repeat(
                lambda: cat.quote(
                    "mavic-3", "care-refresh-1y", "us", 2, on=first + dt.timedelta(days=next(ids))
                ),
                number=200,
                repeat=5,
            )
        )
        / 200,
        "in_process_first": min(
            timeit.repeat(
                lambda: cat.fee_quote("mavic-3", "care-refresh-1y", "us", 2, on=day),
                number=20_000,
                repeat=5,
            )
        )
        / 20_000,
    }
    print(
        f"\nstart-up: python -c pass {results['python'] * 1000:.1f} ms | import engine "
        f"{results['import'] * 1000:.1f} ms ({results['import'] / results['python']:.2f}x) | "
        f"care-catalog quote {results['quote'] * 1000:.1f} ms "
        f"({results['quote'] / results['python']:.2f}x), --json {results['quote_json'] * 1000:.1f} ms "
        f"({results['quote_json'] / results['python']:.2f}x) | cat.quote "
        f"{results['in_process_first'] * 1e6:.2f} µs first, {results['in_process_other_day'] * 1e6:.2f} µs "
        f"another day, {results['in_process_repeat'] * 1e6:.2f} µs repeated"
    )
    return record("startup", results)


def test_a_quote_reads_the_index_not_the_catalog(figures: dict[str, float]) -> None:
    # Loading the catalog costs ~10x Python's start; the index about 2x.
    assert figures["quote"] < figures["python"] * 6, figures


def test_import_engine_loads_next_to_nothing(figures: dict[str, float]) -> None:
    # The façade imports names on first use; importing the loader would cost ~8x.
    assert figures["import"] < figures["python"] * 4, figures
