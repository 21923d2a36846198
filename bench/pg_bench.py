"""The whoosh and PostgreSQL backends side by side, in one run, on generated corpora.

    python -m bench.pg_bench [--sizes 10000,50000] [--database URL] [--queries 20]

Per size: build time, one changed file, as-you-type p95 (every keystroke of a word),
and each query kind's p50/p95 with 1 searcher and with 8 concurrent searchers (each a
process with its own engine, as 8 people would be). Without --database a throwaway
cluster is started (tests/pg_cluster.py; PostgreSQL must be installed). Prints a table
and writes bench/results-postgres.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import ensure_corpus  # noqa: E402
from bench.queries import QuerySet, build_queries  # noqa: E402
from bench.workers import percentiles  # noqa: E402
from index.engine import Engine  # noqa: E402

TODAY = dt.date(2026, 11, 23)
KINDS = ("single", "two_words", "phrase", "fuzzy", "typo", "field_filter", "date_range")
CONCURRENT = 8
LIMIT = 20
OUT = REPO / "bench" / "results-postgres.json"


def _engine(folder: Path, index: Path, database: str | None) -> Engine:
    return Engine(folder, index, today=TODAY, database=database)


def _timed_open(engine: Engine) -> float:
    started = time.perf_counter()
    engine.open()
    return time.perf_counter() - started


def _searcher(job: tuple[str, str, str | None, dict[str, Any]]) -> dict[str, list[float]]:
    """One searcher (a process of its own): every query kind, timed, plus as-you-type."""
    folder, index, database, queries = job
    engine = _engine(Path(folder), Path(index), database)
    if not engine.open_existing():
        engine.open()
    engine.anchors()  # (date filters need them; the app has them cached too)
    timings: dict[str, list[float]] = {}
    for kind in KINDS:
        for query in queries[kind]:
            started = time.perf_counter()
            engine.search(query, LIMIT)
            timings.setdefault(kind, []).append(time.perf_counter() - started)
    for prefixes in queries["as_you_type"]:
        for prefix in prefixes:
            started = time.perf_counter()
            engine.search(prefix, LIMIT, as_you_type=True)
            timings.setdefault("as_you_type", []).append(time.perf_counter() - started)
    engine.close()
    return timings


def _search_figures(
    folder: Path, index: Path, database: str | None, queries: QuerySet, searchers: int
) -> dict[str, Any]:
    job = (str(folder), str(index), database, queries.to_json())
    context = multiprocessing.get_context("spawn")
    with context.Pool(searchers) as pool:
        runs = pool.map(_searcher, [job] * searchers)
    merged: dict[str, list[float]] = {}
    for run in runs:
        for kind, samples in run.items():
            merged.setdefault(kind, []).extend(samples)
    return {kind: percentiles(samples) for kind, samples in merged.items()}


def _changed_file(engine: Engine, folder: Path) -> float:
    target = sorted(folder.glob("*.txt"))[len(list(folder.glob("*.txt"))) // 2]
    target.write_text(target.read_text(encoding="utf-8") + "\nA late paragraph.\n")
    return _timed_open(engine)


def run_size(size: int, database: str, work: Path, count: int) -> dict[str, Any]:
    source = ensure_corpus(size)
    results: dict[str, Any] = {"articles": size}
    queries = build_queries(source, count)
    for backend, url in (("whoosh", None), ("postgres", database)):
        folder = work / backend / f"corpus{size}"  # each backend changes its own copy
        shutil.copytree(source, folder)
        index = work / backend / "index"
        engine = _engine(folder, index, url)
        figures: dict[str, Any] = {"build_s": round(_timed_open(engine), 2)}
        figures["changed_file_s"] = round(_changed_file(engine, folder), 3)
        engine.anchors()  # the timeline (cached beside the index) before searchers start
        engine.close()
        figures["searchers_1"] = _search_figures(folder, index, url, queries, 1)
        figures[f"searchers_{CONCURRENT}"] = _search_figures(
            folder, index, url, queries, CONCURRENT
        )
        results[backend] = figures
        print(_table(size, backend, figures), flush=True)
    return results


def _table(size: int, backend: str, figures: dict[str, Any]) -> str:
    lines = [
        f"{size} articles, {backend}: build {figures['build_s']} s, "
        f"1 changed file {figures['changed_file_s']} s"
    ]
    one, many = figures["searchers_1"], figures[f"searchers_{CONCURRENT}"]
    for kind in ("as_you_type", *KINDS):
        if kind in one:
            lines.append(
                f"  {kind:13} 1 searcher p50 {one[kind]['p50_ms']:7.1f} ms p95 "
                f"{one[kind]['p95_ms']:7.1f} ms | {CONCURRENT} searchers p50 "
                f"{many[kind]['p50_ms']:7.1f} ms p95 {many[kind]['p95_ms']:7.1f} ms"
            )
    return "\n".join(lines)


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.pg_cluster import Cluster, _server_user, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        raise SystemExit("pg_bench: no PostgreSQL installed; give --database URL")
    root = Path(tempfile.mkdtemp(prefix="summit-pg-bench-"))
    root.chmod(0o755)
    user = _server_user()
    if user:
        shutil.chown(root, user)
    cluster = Cluster(bin_dir, root, user)
    cluster.start()
    try:
        yield cluster.create_database()
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated article counts")
    parser.add_argument("--database", help="an empty database (default: a throwaway cluster)")
    parser.add_argument("--queries", type=int, default=20, help="queries of each kind")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "sizes": {},
    }
    with _database(args.database) as url, tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            work = Path(tmp) / str(size)
            report["sizes"][str(size)] = run_size(size, url, work, args.queries)
            args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
