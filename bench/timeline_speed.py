"""Time `build_timeline` on the generated corpora (1,000 and 10,000 articles).

    .venv/bin/python -m bench.timeline_speed [--sizes 1000,10000] [--digest]

Each size runs in a fresh process: articles are loaded and tagged (not timed),
then `build_timeline` is timed.  Prints articles, seconds, the process's peak RSS
and how much the build added to it; `--digest` adds a hash of the timeline JSON
(to check that a change leaves the results identical).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: int, digest: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.generate import ensure_corpus
    from index.corpus.articles import load_folder
    from index.text.temporal import extract_raw
    from index.timeline.build import build_timeline
    from index.timeline.output import timeline_to_json

    folder = ensure_corpus(size)
    articles = load_folder(folder / "articles" if (folder / "articles").is_dir() else folder)
    raw = {a.id: extract_raw(a.text) for a in articles.articles}
    before = _peak_mb()
    start = time.perf_counter()
    timeline = build_timeline(articles.articles, raw, today=TODAY)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    line = (
        f"{len(articles.articles):>6} articles  {seconds:7.2f} s  peak RSS {peak:6.0f} MB"
        f"  (+{peak - before:.0f} MB)  {len(timeline.events)} events"
    )
    if digest:
        blob = json.dumps(timeline_to_json(timeline), sort_keys=True).encode()
        line += f"  sha {hashlib.sha256(blob).hexdigest()[:16]}"
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--digest", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.digest)
        return 0
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        cmd = [sys.executable, "-m", "bench.timeline_speed", "--one", str(size)]
        subprocess.run(cmd + ["--digest"] * args.digest, cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
