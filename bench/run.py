"""The whole benchmark, one command:

    .venv/bin/python -m bench.run [--sizes 1000,10000] [--quick] [--out bench/results.json]

For each size N it generates (once) the synthetic corpus bench/corpora/N/, copies it
to a scratch folder (the incremental section edits the copy), and measures:

  corpus        articles, MB
  build         `summit index` in a subprocess: seconds, articles/s, MB/s, peak RSS,
                index size vs corpus size
  queries       engine.search(q, limit=20) per query kind, p50/p95 (snippets included),
                first search after open, Engine.timeline() build; in a subprocess
  ripgrep       `rg -il WORD` and `rg -il -F "a phrase"` over the same folder, and
                the ratio to the engine's time for the same queries
  timeline      index.text.temporal.extract_raw throughput over the corpus texts
  app           keystroke-to-results in the running app (Textual Pilot, subprocess)
  startup       `summit` in a pty: first frame, first results; a bare Textual app
  imports       what `import tui.app.app` costs and whether it imports whoosh
  incremental   `summit index` after changing 1 file, after adding 100 files

Flags: --sizes (comma list), --quick (few queries, for smoke tests), --out (results
JSON; the Markdown table is written next to it as .md), --corpora (corpus root),
--work (scratch folder), --seed, --skip SECTION[,SECTION] (app, startup, ripgrep…).
Numbers are printed as they come.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.generate import DEFAULT_OUT, DEFAULT_SEED, ensure_corpus, generate
from bench.queries import QuerySet, build_queries
from bench.workers import percentiles

HERE = Path(__file__).resolve().parent
COMMON_WORD = "security"
"""A news word of the generator: in hundreds of passages at any size, so the app's status
line says "(top N)" (see bench/ptyapp.py)."""
SECTIONS = (
    "corpus", "build", "queries", "ripgrep", "timeline", "app", "startup", "imports",
    "incremental",
)  # fmt: skip


def say(message: str) -> None:
    print(message, flush=True)


def summit_command() -> str:
    candidate = Path(sys.executable).parent / "summit"
    return str(candidate) if candidate.exists() else (shutil.which("summit") or "summit")


def run_child(argv: Sequence[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one command; see _time_with_rss."""
    seconds, rss, out, _ = _time_with_rss(argv)
    return seconds, rss, out


def folder_mb(folder: Path) -> float:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return round(total / 2**20, 2)


# -- sections ------------------------------------------------------------------------------


def section_corpus(source: Path, work: Path) -> dict[str, Any]:
    articles = work / "articles"
    if articles.exists():
        shutil.rmtree(articles)
    started = time.perf_counter()
    shutil.copytree(source, articles)
    count = sum(1 for p in articles.iterdir() if not p.name.startswith("."))
    return {
        "articles": count,
        "mb": folder_mb(articles),
        "copy_s": round(time.perf_counter() - started, 2),
    }


def section_build(work: Path, corpus: dict[str, Any]) -> dict[str, Any]:
    index = work / "index"
    if index.exists():
        shutil.rmtree(index)
    argv = [summit_command(), "index", "--articles", str(work / "articles"), "--index-dir"]
    argv.append(str(index))
    seconds, rss, _, cpu = _time_with_rss(argv)
    index_mb = folder_mb(index)
    return {
        "seconds": round(seconds, 2),
        # CPU of the command and its workers: what wall time would be on idle cores
        # is cpu_s / cores, whatever else the machine was doing
        "cpu_s": round(cpu, 1),
        "articles_per_s": round(corpus["articles"] / seconds, 1),
        "mb_per_s": round(corpus["mb"] / seconds, 2),
        "peak_rss_mb": rss,
        "index_mb": index_mb,
        "index_to_corpus": round(index_mb / corpus["mb"], 2),
    }


def _time_with_rss(argv: Sequence[str]) -> tuple[float, float, str, float]:
    """Wall time, peak RSS, stdout and CPU seconds: wait4() on the child gives its own
    rusage, whose maxrss is the largest of the child and its waited-for children (the
    index workers), and whose CPU times include theirs."""
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {err.strip()[-500:]}")
    return seconds, round(usage.ru_maxrss / 1024, 1), out, usage.ru_utime + usage.ru_stime


def section_queries(work: Path, queries_file: Path) -> dict[str, Any]:
    return _worker("queries", work, queries_file)


def section_app(work: Path, queries_file: Path) -> dict[str, Any]:
    return _worker("app", work, queries_file)


def _worker(kind: str, work: Path, queries_file: Path) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.workers", kind, str(work / "articles"),
            str(work / "index"), str(queries_file)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=HERE.parent, timeout=3600)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-800:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["worker_s"] = round(time.perf_counter() - started, 2)
    return result


def section_ripgrep(work: Path, queries: QuerySet, engine_kinds: dict[str, Any]) -> dict[str, Any]:
    rg = shutil.which("rg")
    if rg is None:
        return {"error": "ripgrep (rg) is not installed"}
    folder = str(work / "articles")
    subprocess.run([rg, "-il", "warmup", folder], capture_output=True)  # warm the page cache
    words = [_rg_time([rg, "-il", word, folder]) for word in queries.rg_words]
    phrases = [_rg_time([rg, "-il", "-F", phrase, folder]) for phrase in queries.rg_phrases]
    result: dict[str, Any] = {"single": percentiles(words), "phrase": percentiles(phrases)}
    for kind in ("single", "phrase"):
        ours = engine_kinds.get(kind, {}).get("p50_ms")
        if ours:
            result[f"{kind}_speedup_vs_rg"] = round(result[kind]["p50_ms"] / ours, 2)
    return result


def _rg_time(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True)
    return time.perf_counter() - started


def section_timeline(work: Path, limit: int | None) -> dict[str, Any]:
    from index.text.temporal import extract_raw

    files = sorted(p for p in (work / "articles").iterdir() if not p.name.startswith("."))
    texts = [p.read_text(encoding="utf-8") for p in files[:limit]]
    started = time.perf_counter()
    expressions = sum(len(extract_raw(text)) for text in texts)
    seconds = time.perf_counter() - started
    return {
        "articles": len(texts),
        "expressions": expressions,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(texts) / seconds, 1) if seconds else 0.0,
    }


def section_startup(work: Path, repeat: int) -> dict[str, Any]:
    from bench.ptyapp import time_app_start, time_bare_app

    articles, index = str(work / "articles"), str(work / "index")
    with tempfile.TemporaryDirectory() as data_dir:
        runs = [
            time_app_start(summit_command(), articles, index, COMMON_WORD, data_dir)
            for _ in range(repeat)
        ]
        bare = [time_bare_app(data_dir) for _ in range(repeat)]
    good = [r for r in runs if "error" not in r]
    result: dict[str, Any] = {"runs": runs, "bare_textual_first_frame_s": _median(bare)}
    if good:
        result["first_frame_s"] = _median([float(r["first_frame_s"]) for r in good])
        results = [float(r["first_results_s"]) for r in good if "first_results_s" in r]
        result["first_results_s"] = _median(results) if results else None
    search = [summit_command(), "search", "--articles", articles, "--index-dir", index]
    cli = [run_child([*search, COMMON_WORD])[0] for _ in range(repeat)]
    result["cli_search_s"] = _median(cli)
    return result


def _median(values: Sequence[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return round(statistics.median(real), 3) if real else None


def section_imports(repeat: int) -> dict[str, Any]:
    probe = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "import {module}\n"
        "print(time.perf_counter() - t, 'whoosh' in sys.modules)\n"
    )
    result: dict[str, Any] = {}
    for module in ("tui.app.app", "tui.cli", "whoosh.index", "textual.app"):
        samples, whoosh = [], False
        argv = [sys.executable, "-c", probe.format(module=module)]
        for _ in range(repeat):
            out = subprocess.run(
                argv, capture_output=True, text=True, cwd=HERE.parent
            ).stdout.split()
            if len(out) == 2:
                samples.append(float(out[0]))
                whoosh = out[1] == "True"
        result[module] = {"import_s": _median(samples), "imports_whoosh": whoosh}
    return result


def section_incremental(work: Path, size: int, seed: int) -> dict[str, Any]:
    articles, index = work / "articles", work / "index"
    base = [summit_command(), "index", "--articles", str(articles), "--index-dir", str(index)]
    unchanged_s, _, unchanged_out = run_child(base)
    victim = sorted(p for p in articles.iterdir() if not p.name.startswith("."))[size // 2]
    added = "\nA paragraph added for the benchmark.\n"
    victim.write_text(victim.read_text(encoding="utf-8") + added, encoding="utf-8")
    one_s, _, one_out = run_child(base)
    generate(100, articles, seed, start=size + 1_000_000)
    hundred_s, _, hundred_out = run_child(base)
    return {
        # `summit index` wall time (process start, sync, and its summary line, which
        # counts the articles via engine.articles() and so builds the whole timeline),
        # and the engine's own sync time as the summary line reports it:
        "unchanged_sync_s": _sync_seconds(unchanged_out),
        "one_changed_sync_s": _sync_seconds(one_out),
        "hundred_added_sync_s": _sync_seconds(hundred_out),
        "unchanged_s": round(unchanged_s, 2),
        "one_changed_s": round(one_s, 2),
        "hundred_added_s": round(hundred_s, 2),
        "one_changed_report": one_out.strip().splitlines()[:1],
        "hundred_added_report": hundred_out.strip().splitlines()[:1],
    }


def _sync_seconds(summary: str) -> float | None:
    """The seconds in `summit index`'s summary ("… 10000 articles in 1.23s at …")."""
    match = re.search(r" in ([\d.]+)s at ", summary)
    return float(match.group(1)) if match else None


# -- driver --------------------------------------------------------------------------------


def run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    say(f"\n== {size} articles ==")
    source = ensure_corpus(size, args.corpora, args.seed)
    work = args.work / str(size)
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}
    skip = set(args.skip)

    def step(name: str, call: Any) -> dict[str, Any]:
        if name in skip:
            result[name] = {"skipped": True}
            return result[name]
        started = time.perf_counter()
        try:
            result[name] = call()
        except Exception as exc:
            result[name] = {"error": f"{type(exc).__name__}: {exc}"}
        say(f"{name:12} {time.perf_counter() - started:7.1f}s  {json.dumps(_brief(result[name]))}")
        return result[name]

    corpus = step("corpus", lambda: section_corpus(source, work))
    if args.reuse_index and (work / "index" / "manifest.json").exists():
        result["build"] = {"reused": str(work / "index")}  # see --reuse-index
        say("build        reusing the index already in the work folder")
    else:
        step("build", lambda: section_build(work, corpus))
    queries = build_queries(work / "articles", 8 if args.quick else 40)
    queries_file = work / "queries.json"
    queries_file.write_text(json.dumps(queries.to_json(), ensure_ascii=False, indent=1))
    engine = step("queries", lambda: section_queries(work, queries_file))
    step("ripgrep", lambda: section_ripgrep(work, queries, engine.get("kinds", {})))
    step("timeline", lambda: section_timeline(work, 500 if args.quick else None))
    step("app", lambda: section_app(work, queries_file))
    repeat = 1 if args.quick else args.repeat
    step("startup", lambda: section_startup(work, repeat))
    step("imports", lambda: section_imports(repeat))
    step("incremental", lambda: section_incremental(work, size, args.seed))
    return result


def _brief(section: dict[str, Any]) -> dict[str, Any]:
    """What to print of a section: its scalars and the p50/p95 of its kinds."""
    brief: dict[str, Any] = {k: v for k, v in section.items() if not isinstance(v, dict | list)}
    for key, value in section.items():
        if isinstance(value, dict):
            if "p95_ms" in value:
                brief[key] = f"{value['p50_ms']}/{value['p95_ms']} ms"
            elif key == "kinds":
                brief.update({k: f"{v['p50_ms']}/{v['p95_ms']} ms" for k, v in value.items()})
    return brief


def machine() -> dict[str, Any]:
    import whoosh

    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "whoosh": ".".join(map(str, whoosh.__version__)),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Summit Explorer benchmark (see bench/README.md)")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--quick", action="store_true", help="few queries (smoke test)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="results JSON")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_OUT, help="corpus root")
    parser.add_argument("--work", type=Path, default=DEFAULT_OUT / "_work", help="scratch folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the app-start timings")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep an index already built in the work folder (skips the build section)",
    )
    parser.add_argument("--skip", type=lambda s: [x for x in s.split(",") if x], default=[],
                        help=f"sections to skip: {','.join(SECTIONS)}")  # fmt: skip
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick, "sizes": {}}
    for size in sizes:
        results["sizes"][str(size)] = run_size(size, args)
        _write(results, args.out)
    from bench.report import markdown

    say("\n" + markdown(results))
    say(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


def _write(results: dict[str, Any], out: Path) -> None:
    from bench.report import markdown

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(results))


if __name__ == "__main__":
    raise SystemExit(main())
