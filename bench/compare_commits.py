"""Query speed of two source trees side by side, in one run, on the same corpus.

    python -m bench.compare_commits --base /work/speed-base --articles bench/corpora/10000
    flock /work/bench.lock python -m bench.compare_commits --base ../old --rounds 4

Timings taken on different days differ by more than most changes do, so this runs
both trees' `engine.search(q, limit=20)` alternately: each round draws a fresh seeded
query set (`bench/queries.py`, seed 11 + round: round 0 is `bench.run`'s set), starts
one process per tree, and runs every query kind in one tree then the other, the order
swapped from kind to kind and round to round. Each tree builds its own index with its
own code (their formats may differ) in `--work/<label>/index`, once; `--rebuild` again.

Prints p50/p95 per kind and tree and writes `--out` (JSON) with every sample. A tree is
any checkout of this project (e.g. `git worktree add ../old COMMIT`); its code is run
with the current interpreter, `PYTHONPATH` set to the tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

LIMIT = 20
"""The first page of results, as the app shows it (snippets included)."""

KINDS = ("single", "two_words", "phrase", "fuzzy", "typo", "field_filter", "date_range",
         "as_you_type")  # fmt: skip

_HERE = Path(__file__).resolve()
_ROOT = _HERE.parent.parent


# -- the worker: one tree's engine, queries from stdin --------------------------------------
# It imports nothing of this repository but the tree's own `index`, so that an old tree
# without this file can be measured.


def _worker(articles: Path, index: Path, queries_file: Path) -> None:
    import index as index_package
    from index.engine import Engine

    queries: dict[str, list[Any]] = json.loads(queries_file.read_text(encoding="utf-8"))
    engine = Engine(articles, index)
    engine.open()
    engine.timeline()
    # As bench.workers does: the first search and a few more before timing.
    engine.search(queries["single"][0], LIMIT)
    for warm in queries["two_words"][:5]:
        engine.search(warm, LIMIT)
    _reply({"ready": True, "index_package": str(Path(index_package.__file__).parent)})
    for line in sys.stdin:
        kind = json.loads(line)["kind"]
        _reply(_run_kind(engine, kind, queries[kind]))


def _run_kind(engine: Any, kind: str, queries: list[Any]) -> dict[str, Any]:
    calls: list[tuple[str, bool]] = (
        [(prefix, True) for prefixes in queries for prefix in prefixes]
        if kind == "as_you_type"
        else [(query, False) for query in queries]
    )
    samples: list[float] = []
    cpu: list[float] = []
    hits = 0
    for query, typing in calls:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = (
            engine.search(query, LIMIT, as_you_type=True) if typing else engine.search(query, LIMIT)
        )
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        hits += sum(1 for _ in result.hits)
    return {"samples": samples, "cpu": cpu, "hits": hits}


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


# -- the driver ------------------------------------------------------------------------------


@dataclass(slots=True)
class Tree:
    label: str
    path: Path
    samples: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    round_p95: dict[str, list[float]] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.path)}


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def build_index(tree: Tree, articles: Path, index: Path) -> float:
    """The tree's own code builds its index and timeline cache (a fresh process)."""
    code = (
        "import sys; from pathlib import Path; from index.engine import Engine; "
        "e = Engine(Path(sys.argv[1]), Path(sys.argv[2])); e.open(); e.timeline()"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(articles), str(index)],
                   cwd=tree.path, env=tree.env(), check=True)  # fmt: skip
    return time.perf_counter() - started


class Worker:
    """One tree's engine in its own process, answering one query kind at a time."""

    def __init__(self, tree: Tree, articles: Path, index: Path, queries_file: Path) -> None:
        argv = [sys.executable, str(_HERE), "--worker", str(articles), str(index),
                str(queries_file)]  # fmt: skip
        self.process = subprocess.Popen(argv, cwd=tree.path, env=tree.env(), text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
        ready = self._read()
        if Path(ready["index_package"]).resolve().parent != tree.path.resolve():
            raise SystemExit(f"{tree.label}: index imported from {ready['index_package']}")

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("a worker ended early")
        return json.loads(line)

    def run(self, kind: str) -> dict[str, Any]:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"kind": kind}) + "\n")
        stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95 in milliseconds (samples in seconds), p95 as bench.workers takes it."""
    if not samples:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2)}  # fmt: skip


def run_round(number: int, trees: list[Tree], articles: Path, work: Path, count: int) -> None:
    sys.path.insert(0, str(_ROOT))
    from bench.queries import build_queries

    queries_file = work / f"queries-{count}-{number}.json"
    if not queries_file.exists():
        queries = build_queries(articles, count, seed=11 + number)
        queries_file.write_text(json.dumps(queries.to_json(), ensure_ascii=False))
    workers = [Worker(tree, articles, work / tree.label / "index", queries_file) for tree in trees]
    try:
        for position, kind in enumerate(KINDS):
            order = list(zip(trees, workers, strict=True))
            if (number + position) % 2:
                order.reverse()
            for tree, worker in order:
                answer = worker.run(kind)
                tree.samples.setdefault(kind, []).extend(answer["samples"])
                tree.cpu.setdefault(kind, []).extend(answer["cpu"])
                tree.hits[kind] = tree.hits.get(kind, 0) + answer["hits"]
                tree.round_p95.setdefault(kind, []).append(percentiles(answer["samples"])["p95_ms"])
    finally:
        for worker in workers:
            worker.close()


def summary(trees: list[Tree]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for kind in KINDS:
        row: dict[str, Any] = {}
        for tree in trees:
            cpu = percentiles(tree.cpu.get(kind, []))
            row[tree.label] = {**percentiles(tree.samples.get(kind, [])),
                               "cpu_p50_ms": cpu["p50_ms"], "cpu_p95_ms": cpu["p95_ms"],
                               "round_p95_ms": tree.round_p95.get(kind, []),
                               "hits": tree.hits.get(kind, 0)}  # fmt: skip
        table[kind] = row
    return table


def print_table(table: dict[str, Any], labels: list[str]) -> None:
    """Wall-clock p50/p95 per tree, the p95 ratio (last / first), the same in CPU time of
    the searching process (less sensitive to other processes), and each round's p95."""
    head = "".join(f"{label + ' p50/p95':>19}" for label in labels)
    cpu_head = "".join(f"{label + ' cpu':>16}" for label in labels)
    print(f"{'kind (ms)':<13}{head}{'ratio':>7}{cpu_head}{'ratio':>7}  per-round p95")
    for kind, row in table.items():
        wall = "".join(f"{row[x]['p50_ms']:>9.1f} /{row[x]['p95_ms']:>7.1f}" for x in labels)
        cpu = "".join(f"{row[x]['cpu_p50_ms']:>7.1f} /{row[x]['cpu_p95_ms']:>6.1f}" for x in labels)
        rounds = " | ".join(",".join(f"{v:.0f}" for v in row[x]["round_p95_ms"]) for x in labels)
        print(f"{kind:<13}{wall}{_ratio(row, labels, 'p95_ms'):>7.2f}"
              f"{cpu}{_ratio(row, labels, 'cpu_p95_ms'):>7.2f}  {rounds}")  # fmt: skip


def _ratio(row: dict[str, Any], labels: list[str], key: str) -> float:
    first, last = row[labels[0]][key], row[labels[-1]][key]
    return last / first if first else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the older source tree")
    parser.add_argument("--new", type=Path, default=_ROOT, help="default: this tree")
    parser.add_argument("--articles", type=Path, default=_ROOT / "bench/corpora/10000")
    parser.add_argument("--work", type=Path, default=_ROOT / "bench/corpora/_compare")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--count", type=int, default=40, help="queries per kind per round")
    parser.add_argument("--rebuild", action="store_true", help="build both indexes again")
    parser.add_argument("--out", type=Path, default=_ROOT / "bench/compare.json")
    args = parser.parse_args(argv)
    for folder in (args.base, args.new, args.articles):
        if not folder.is_dir():
            print(f"compare_commits: not a folder: {folder}", file=sys.stderr)
            return 2
    articles = args.articles.resolve()
    work = args.work.resolve()
    trees = [Tree("base", args.base.resolve()), Tree("new", args.new.resolve())]
    builds: dict[str, float] = {}
    for tree in trees:
        index = work / tree.label / "index"
        if args.rebuild or not index.exists():
            index.parent.mkdir(parents=True, exist_ok=True)
            builds[tree.label] = round(build_index(tree, articles, index), 1)
            print(f"{tree.label}: index built in {builds[tree.label]} s", flush=True)
    loads: list[dict[str, Any]] = []
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    for number in range(args.rounds):
        before = _load()
        run_round(number, trees, articles, work, args.count)
        loads.append({"round": number, "load_before": before, "load_after": _load()})
        print(f"round {number + 1}/{args.rounds} done, load {before} → {loads[-1]['load_after']}",
              flush=True)  # fmt: skip
    table = summary(trees)
    print_table(table, [tree.label for tree in trees])
    result = {"started": started, "articles": str(articles), "rounds": args.rounds,
              "count": args.count, "trees": {t.label: str(t.path) for t in trees},
              "builds_s": builds, "loads": loads, "kinds": table,
              "samples": {t.label: t.samples for t in trees}}  # fmt: skip
    args.out.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        sys.path.pop(0)  # this script's folder: the tree's own packages come first
        _worker(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(main())
