"""Search quality over tests/eval/search_queries.json: recall@5, recall@10 and MRR at
passage level, per query and overall. Writes bench/search_eval.json.

    python bench/search_eval.py
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.engine import Engine  # noqa: E402
from index.evaluation import evaluate, load_queries, summary  # noqa: E402

CORPORA = {"bundled": REPO / "articles", "fixtures": REPO / "tests" / "fixtures" / "corpus"}


def main() -> int:
    queries = load_queries(REPO / "tests" / "eval" / "search_queries.json")
    with tempfile.TemporaryDirectory(prefix="summit-eval-") as tmp:
        engines = {
            name: Engine(folder, Path(tmp) / name, today=dt.date(2026, 11, 23))
            for name, folder in CORPORA.items()
        }
        for engine in engines.values():
            engine.open()
        outcomes = evaluate(queries, engines)
    print(f"{'corpus':9} {'R@5':>5} {'RR':>5}  query")
    for outcome in outcomes:
        print(
            f"{outcome.corpus:9} {outcome.recall_at(5):5.2f} {outcome.reciprocal_rank:5.2f}  "
            f"{outcome.query}"
        )
    figures = summary(outcomes)
    print(
        f"\n{int(figures['queries'])} queries: recall@5 {figures['recall@5']:.3f}, "
        f"recall@10 {figures['recall@10']:.3f}, MRR {figures['mrr']:.3f}"
    )
    report = {
        "summary": figures,
        "queries": [
            {
                "corpus": o.corpus,
                "query": o.query,
                "recall@5": o.recall_at(5),
                "reciprocal_rank": o.reciprocal_rank,
            }
            for o in outcomes
        ],
    }
    (REPO / "bench" / "search_eval.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
