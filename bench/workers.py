"""Benchmark sections that run in a process of their own (clean caches, own peak RSS).

    python -m bench.workers queries ARTICLES INDEX QUERIES.json
    python -m bench.workers app ARTICLES INDEX QUERIES.json

Each prints one JSON object on its last stdout line.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.queries import QuerySet

LIMIT = 20
"""The first page of results, as the app shows it (snippets included)."""


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/max in milliseconds (samples in seconds)."""
    if not samples:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_peak_rss_mb() -> float | None:
    """The largest child process this one waited for (the engine builds a large
    timeline in a child); None when there was none."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(peak / 1024, 1) if peak else None


def current_rss_mb(field: str = "VmRSS") -> float:
    """A memory line of /proc/self/status now (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def memory_now() -> dict[str, float]:
    """RSS split in private memory and mapped file pages: whoosh maps the index, and the
    pages a search touched count in RSS though the kernel can drop them at will."""
    return {"rss_mb": current_rss_mb(), "private_mb": current_rss_mb("RssAnon"),
            "mapped_files_mb": current_rss_mb("RssFile")}  # fmt: skip


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


# -- engine queries -------------------------------------------------------------------------


def run_queries(articles: Path, index: Path, queries: QuerySet) -> dict[str, Any]:
    import_s, _ = _timed(lambda: __import__("index.engine"))
    from index.engine import Engine

    engine = Engine(articles, index)
    open_s, _ = _timed(engine.open)
    # What the first search costs without the timeline (the searcher, its vocabularies):
    # the engine's search builds the whole timeline first (it needs every article's date).
    bare_s, _ = _timed(lambda: engine._store.searcher().search(queries.single[0], LIMIT))
    rss_before_timeline = current_rss_mb()
    timeline_s, timeline = _timed(engine.timeline)
    first_s, first = _timed(lambda: engine.search(queries.single[0], LIMIT))
    for warm in queries.two_words[:5]:
        engine.search(warm, LIMIT)

    kinds: dict[str, Any] = {}
    for kind in ("single", "two_words", "phrase", "fuzzy", "typo", "field_filter", "date_range"):
        kinds[kind] = _measure(engine, getattr(queries, kind))
    kinds["as_you_type"] = _measure_typing(engine, queries.as_you_type)
    return {
        "import_engine_s": round(import_s, 3),
        "open_unchanged_s": round(open_s, 3),
        "first_search_without_timeline_s": round(bare_s, 3),
        "rss_before_timeline_mb": rss_before_timeline,
        "timeline_build_s": round(timeline_s, 3),
        "timeline_events": len(timeline.events),
        "first_search_s": round(timeline_s + first_s, 3),
        "first_search_hits": len(first.hits),
        "kinds": kinds,
        "peak_rss_mb": peak_rss_mb(),
        "timeline_child_peak_rss_mb": children_peak_rss_mb(),
        "memory_at_end": memory_now(),
    }


def _measure(engine: Any, queries: list[str]) -> dict[str, Any]:
    samples: list[float] = []
    hits = 0
    for query in queries:
        seconds, result = _timed(partial(engine.search, query, LIMIT))
        samples.append(seconds)
        hits += bool(result.hits)
    return {**percentiles(samples), "with_hits": hits}


def _measure_typing(engine: Any, words: list[list[str]]) -> dict[str, Any]:
    samples: list[float] = []
    hits = 0
    for prefixes in words:
        for prefix in prefixes:
            seconds, result = _timed(partial(engine.search, prefix, LIMIT, as_you_type=True))
            samples.append(seconds)
            hits += bool(result.hits)
    return {**percentiles(samples), "with_hits": hits}


# -- the running app (Textual Pilot) --------------------------------------------------------


async def _wait_for(condition: Callable[[], bool], pilot: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await pilot.pause(0.002)
    return True


async def _drive_app(articles: Path, index: Path, queries: QuerySet) -> dict[str, Any]:
    import_s, _ = _timed(lambda: __import__("tui.app.app"))
    from index.engine import Engine
    from tui.app.app import build_app

    with tempfile.TemporaryDirectory() as data_dir:
        app = build_app(Engine(articles, index), data_dir=Path(data_dir))
        started = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            mounted_s = time.perf_counter() - started
            ready = await _wait_for(lambda: app.engine_ready, pilot, 900)
            ready_s = time.perf_counter() - started
            if not ready:
                return {"error": "the index did not open within 900 s"}
            pane = app.main_screen.search_pane
            slow, fast = await _type_words(pilot, pane, queries)
    return {
        "import_tui_app_s": round(import_s, 3),
        "mounted_s": round(mounted_s, 3),
        "engine_ready_s": round(ready_s, 3),
        "per_keystroke": percentiles(slow),
        "last_key_to_results": percentiles(fast),
        "peak_rss_mb": peak_rss_mb(),
        "memory_at_end": memory_now(),
    }


def _shows(pane: Any, query: str) -> bool:
    result = pane.results.result
    return result is not None and result.query == query and pane.query_text == query


async def _clear(pilot: Any, pane: Any) -> None:
    pane.query_input.value = ""
    await pilot.pause()


async def _type_words(pilot: Any, pane: Any, queries: QuerySet) -> tuple[list[float], list[float]]:
    """Slow typist: wait for each prefix's results. Fast typist: type the whole word
    at Pilot speed, time from the last key until the final query's hits are shown."""
    pane.query_input.focus()
    slow: list[float] = []
    fast: list[float] = []
    for prefixes in queries.as_you_type:
        final = prefixes[-1]
        await _clear(pilot, pane)
        for char in final:
            started = time.perf_counter()
            await pilot.press(char if char != " " else "space")
            if await _wait_for(lambda: _shows(pane, pane.query_text), pilot, 10):
                slow.append(time.perf_counter() - started)
        await _clear(pilot, pane)
        for char in final:
            await pilot.press(char if char != " " else "space")
        started = time.perf_counter()
        if await _wait_for(partial(_shows, pane, final), pilot, 10):
            fast.append(time.perf_counter() - started)
    return slow, fast


def run_app(articles: Path, index: Path, queries: QuerySet) -> dict[str, Any]:
    try:
        return asyncio.run(_drive_app(articles, index, queries))
    except Exception as exc:  # the app is being written by someone else: report, don't die
        return {"error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str]) -> int:
    kind, articles, index, queries_file = argv
    queries = QuerySet.from_json(json.loads(Path(queries_file).read_text()))
    runner = run_queries if kind == "queries" else run_app
    result = runner(Path(articles), Path(index), queries)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
