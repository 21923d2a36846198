"""Search quality, passage level. Writes bench/search_eval.json.

- The graded set (tests/eval/timebank_queries.json) over the real news articles in
  ../shared/timebank/articles (read there; never copied): nDCG@10, P@10 (share of top-10
  passages containing a query word or a variant of one) and recall@10, overall and by
  kind of query.
- The must-find set (tests/eval/search_queries.json) over the bundled and fixture
  articles: the same three figures (must-passages as grade 1), and recall@5 and MRR.

    python bench/search_eval.py [--timebank DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.engine import Engine  # noqa: E402
from index.evaluation import (  # noqa: E402
    GradedOutcome,
    as_graded,
    evaluate,
    evaluate_graded,
    graded_summary,
    load_graded,
    load_queries,
    summary,
)

CORPORA = {"bundled": REPO / "articles", "fixtures": REPO / "tests" / "fixtures" / "corpus"}
TIMEBANK = REPO.parent / "shared" / "timebank" / "articles"
TODAY = dt.date(2026, 11, 23)


def _figures(name: str, figures: dict[str, float]) -> str:
    return (
        f"{name}: {int(figures['queries'])} queries, nDCG@10 {figures['ndcg@10']:.3f}, "
        f"P@10 {figures['p@10']:.3f}, recall@10 {figures['recall@10']:.3f}"
    )


def _by_kind(outcomes: list[GradedOutcome]) -> dict[str, dict[str, float]]:
    kinds = sorted({o.kind for o in outcomes})
    return {kind: graded_summary([o for o in outcomes if o.kind == kind]) for kind in kinds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timebank", type=Path, default=TIMEBANK, help="the articles folder")
    parser.add_argument("--quiet", action="store_true", help="only the overall figures")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="also evaluate the PostgreSQL backend (collections loaded into this database) "
        "and print its figures beside the whoosh backend's",
    )
    args = parser.parse_args(argv)
    if args.database:
        return _side_by_side(args.timebank, args.database)
    if not args.timebank.is_dir():
        print(f"search_eval: no folder {args.timebank}", file=sys.stderr)
        return 2
    corpus, graded_queries = load_graded(REPO / "tests" / "eval" / "timebank_queries.json")
    must_queries = load_queries(REPO / "tests" / "eval" / "search_queries.json")
    with tempfile.TemporaryDirectory(prefix="summit-eval-") as tmp:
        engines = {
            name: Engine(folder, Path(tmp) / name, today=TODAY) for name, folder in CORPORA.items()
        }
        engines[corpus] = Engine(args.timebank, Path(tmp) / corpus, today=TODAY)
        for engine in engines.values():
            engine.open()
        graded = evaluate_graded(corpus, graded_queries, engines[corpus])
        must = evaluate(must_queries, engines)
        must_graded = as_graded(must, engines)
    if not args.quiet:
        print(f"{'kind':12} {'nDCG':>5} {'P@10':>5} {'R@10':>5}  query")
        for outcome in graded:
            shown = outcome.with_term[:10]
            share = sum(shown) / len(shown) if shown else 0.0
            print(
                f"{outcome.kind:12} {outcome.ndcg_at(10):5.2f} {share:5.2f} "
                f"{outcome.recall_at(10):5.2f}  {outcome.query}"
            )
        print()
        for kind, figures in _by_kind(graded).items():
            print("  " + _figures(kind, figures))
        print()
    graded_figures = graded_summary(graded)
    must_figures = {**graded_summary(must_graded), **summary(must)}
    print(_figures(f"graded set ({corpus})", graded_figures))
    print(
        _figures("must-find set (bundled + fixtures)", must_figures)
        + f", recall@5 {must_figures['recall@5']:.3f}, MRR {must_figures['mrr']:.3f}"
    )
    report = {
        "graded": {
            "corpus": corpus,
            "summary": graded_figures,
            "by_kind": _by_kind(graded),
            "queries": [
                {
                    "kind": o.kind,
                    "query": o.query,
                    "searched": o.searched,
                    "ndcg@10": round(o.ndcg_at(10), 4),
                    "recall@10": round(o.recall_at(10), 4),
                    "with_term": [int(flag) for flag in o.with_term[:10]],
                }
                for o in graded
            ],
        },
        "must_find": {
            "summary": must_figures,
            "queries": [
                {
                    "corpus": o.corpus,
                    "query": o.query,
                    "recall@5": o.recall_at(5),
                    "reciprocal_rank": o.reciprocal_rank,
                }
                for o in must
            ],
        },
    }
    (REPO / "bench" / "search_eval.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


def _side_by_side(timebank: Path, database: str) -> int:
    """The overall figures of both backends on the same corpora, in one run."""
    corpus, graded_queries = load_graded(REPO / "tests" / "eval" / "timebank_queries.json")
    must_queries = load_queries(REPO / "tests" / "eval" / "search_queries.json")
    folders = {**CORPORA, corpus: timebank}
    results = {}
    with tempfile.TemporaryDirectory(prefix="summit-eval-") as tmp:
        for backend, url in (("whoosh", None), ("postgres", database)):
            engines = {
                name: Engine(folder, Path(tmp) / backend / name, today=TODAY, database=url)
                for name, folder in folders.items()
            }
            if url:  # two folders named "articles": the timebank one is its own collection
                engines[corpus]._store.name = corpus  # type: ignore[attr-defined]
            for engine in engines.values():
                engine.open()
            graded = graded_summary(evaluate_graded(corpus, graded_queries, engines[corpus]))
            must = evaluate(must_queries, {n: engines[n] for n in CORPORA})
            must_figures = {**graded_summary(as_graded(must, engines)), **summary(must)}
            results[backend] = {"graded": graded, "must_find": must_figures}
            print(f"{backend:8} " + _figures(f"graded set ({corpus})", graded))
            print(
                f"{backend:8} "
                + _figures("must-find set", must_figures)
                + f", recall@5 {must_figures['recall@5']:.3f}, MRR {must_figures['mrr']:.3f}"
            )
    (REPO / "bench" / "search_eval_backends.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
