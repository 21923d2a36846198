"""results.json → a Markdown table (bench/results.md), with the targets checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KIND_LABELS = {
    "as_you_type": "search-as-you-type (each prefix)",
    "single": "single word",
    "two_words": "two words",
    "phrase": "phrase",
    "fuzzy": "fuzzy (word~)",
    "typo": "misspelt word (corrected)",
    "field_filter": "field filter",
    "date_range": "date range + word",
}

Getter = Callable[[dict[str, Any]], Any]


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return f"{value}{unit}"


def _memory(memory: Any) -> str:
    """RSS, then what it is made of: private memory, and mapped index pages."""
    if not isinstance(memory, dict):
        return "—"
    private = memory.get("private_mb")
    return (
        f"{_fmt(memory.get('rss_mb'), ' MB')} = {_fmt(private, ' MB')} private"
        f"{_target(private, 300)} + {_fmt(memory.get('mapped_files_mb'), ' MB')} mapped files"
    )


def _target(value: Any, limit: float, *, at_least: bool = False) -> str:
    if not isinstance(value, int | float):
        return ""
    ok = value >= limit if at_least else value <= limit
    return " ✅" if ok else " ❌"


def _rows(size: dict[str, Any]) -> list[tuple[str, str]]:
    """(metric, value with target mark) for one corpus size."""
    rows: list[tuple[str, str]] = []
    corpus, build = size.get("corpus", {}), size.get("build", {})
    rows.append(("corpus", f"{_fmt(corpus.get('articles'))} articles, {_fmt(corpus.get('mb'))} MB"))
    seconds = build.get("seconds")
    speed = f"{_fmt(build.get('articles_per_s'))} articles/s · {_fmt(build.get('mb_per_s'))} MB/s"
    rows.append(("full index build (`summit index`)", f"{_fmt(seconds, ' s')}"
                 f"{_target(seconds, 60)} · {speed}"))  # fmt: skip
    rows.append(("full index build: CPU time, all processes", _fmt(build.get("cpu_s"), " s")))
    rows.append(
        (
            "build peak RSS (largest process)",
            _fmt(build.get("peak_rss_mb"), " MB") + _target(build.get("peak_rss_mb"), 300),
        )
    )
    rows.append(
        (
            "index size / corpus size",
            f"{_fmt(build.get('index_mb'), ' MB')} ({_fmt(build.get('index_to_corpus'))}×)",
        )
    )
    inc = size.get("incremental", {})
    for key, label, limit in (
        ("one_changed_sync_s", "update, 1 file changed: engine sync", 1.0),
        ("hundred_added_sync_s", "update, 100 files added: engine sync", 10.0),
    ):
        if inc.get(key) is not None:
            rows.append((label, _fmt(inc.get(key), " s") + _target(inc.get(key), limit)))
    rows.append(("update, nothing changed", _fmt(inc.get("unchanged_s"), " s")))
    rows.append(
        (
            "update, 1 file changed",
            _fmt(inc.get("one_changed_s"), " s") + _target(inc.get("one_changed_s"), 1),
        )
    )
    rows.append(
        (
            "update, 100 files added",
            _fmt(inc.get("hundred_added_s"), " s") + _target(inc.get("hundred_added_s"), 10),
        )
    )
    queries = size.get("queries", {})
    for kind, label in KIND_LABELS.items():
        stats = _get(queries, "kinds", kind)
        if stats:
            limit = 50 if kind == "as_you_type" else 150
            rows.append(
                (
                    f"query p50 / p95: {label}",
                    f"{stats['p50_ms']} / {stats['p95_ms']} ms{_target(stats['p95_ms'], limit)}",
                )
            )
    rows.append(
        ("first search after open (builds the timeline)", _fmt(queries.get("first_search_s"), " s"))
    )
    rows.append(
        (
            "first search, without the timeline",
            _fmt(queries.get("first_search_without_timeline_s"), " s"),
        )
    )
    rows.append(("Engine.timeline() build", _fmt(queries.get("timeline_build_s"), " s")))
    rows.append(
        (
            "search process RSS before the timeline is built",
            _fmt(queries.get("rss_before_timeline_mb"), " MB"),
        )
    )
    rows.append(
        (
            "search process peak RSS",
            _fmt(queries.get("peak_rss_mb"), " MB") + _target(queries.get("peak_rss_mb"), 300),
        )
    )
    rows.append(("search process memory at the end", _memory(queries.get("memory_at_end"))))
    rows.append(
        (
            "timeline build: peak RSS of its child process",
            _fmt(queries.get("timeline_child_peak_rss_mb"), " MB"),
        )
    )
    rg = size.get("ripgrep", {})
    for kind in ("single", "phrase"):
        speedup = rg.get(f"{kind}_speedup_vs_rg")
        mark = _target(speedup, 3, at_least=True) if kind == "single" else ""
        rows.append(
            (
                f"`rg -il` {kind} p50 → engine is ×faster",
                f"{_fmt(_get(rg, kind, 'p50_ms'), ' ms')} → ×{_fmt(speedup)}{mark}",
            )
        )
    timeline = size.get("timeline", {})
    rows.append(("time-expression extraction", _fmt(timeline.get("articles_per_s"), " articles/s")))
    app = size.get("app", {})
    if "error" in app:
        rows.append(("app: keystroke → results", f"not measured: {app['error'][:80]}"))
    else:
        rows.append(
            (
                "app: keystroke → results p50 / p95 (incl. debounce)",
                f"{_fmt(_get(app, 'per_keystroke', 'p50_ms'))} / "
                f"{_fmt(_get(app, 'per_keystroke', 'p95_ms'))} ms",
            )
        )
        rows.append(
            (
                "app: last key → final results p50 / p95",
                f"{_fmt(_get(app, 'last_key_to_results', 'p50_ms'))} / "
                f"{_fmt(_get(app, 'last_key_to_results', 'p95_ms'))} ms",
            )
        )
        rows.append(
            (
                "app process peak RSS",
                _fmt(app.get("peak_rss_mb"), " MB") + _target(app.get("peak_rss_mb"), 300),
            )
        )
        rows.append(("app process memory at the end", _memory(app.get("memory_at_end"))))
    start = size.get("startup", {})
    rows.append(
        (
            "app start: first frame",
            _fmt(start.get("first_frame_s"), " s") + _target(start.get("first_frame_s"), 0.6),
        )
    )
    rows.append(
        (
            "app start: first results",
            _fmt(start.get("first_results_s"), " s") + _target(start.get("first_results_s"), 1.0),
        )
    )
    rows.append(
        ("bare Textual app: first frame", _fmt(start.get("bare_textual_first_frame_s"), " s"))
    )
    rows.append(("`summit search WORD` (CLI, cold)", _fmt(start.get("cli_search_s"), " s")))
    imports = size.get("imports", {})
    app_import = imports.get("tui.app.app", {})
    if app_import:
        rows.append(
            (
                "`import tui.app.app`",
                f"{_fmt(app_import.get('import_s'), ' s')}"
                f"{' (imports whoosh)' if app_import.get('imports_whoosh') else ''}",
            )
        )
    return rows


def markdown(results: dict[str, Any]) -> str:
    sizes = results.get("sizes", {})
    if not sizes:
        return "(no results)\n"
    table: dict[str, dict[str, str]] = {}
    for name, size in sizes.items():
        for metric, value in _rows(size):
            table.setdefault(metric, {})[name] = value
    names = list(sizes)
    machine = results.get("machine", {})
    lines = [
        f"Measured {machine.get('date', '?')} · Python {machine.get('python', '?')} · "
        f"whoosh {machine.get('whoosh', '?')} · {machine.get('cpus', '?')} CPUs"
        + (" · quick run" if results.get("quick") else ""),
        "",
        "| metric | " + " | ".join(f"{int(n):,} articles" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for metric, values in table.items():
        lines.append(f"| {metric} | " + " | ".join(values.get(n, "—") for n in names) + " |")
    return "\n".join(lines) + "\n"
