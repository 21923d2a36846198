"""Evaluate the timeline engine against the hand-annotated gold files.

    python bench/timeline_eval.py

For every tests/gold/*.json: span precision and recall (exact offsets, and a
lenient figure where any overlap counts), normalisation accuracy (of exactly
matched spans, the share with the right granularity, first_day and last_day),
and whether the inferred anchor date is right.  Articles are loaded through
index.corpus.load_folder, per folder, so anchors can borrow across articles as
they would in the app.  Results are printed and written to bench/timeline_eval.json.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.anchors import infer_anchors  # noqa: E402
from index.corpus import load_folder  # noqa: E402
from index.models import Article, TimeExpression  # noqa: E402
from index.temporal import extract_raw  # noqa: E402
from index.timeline import resolve_expressions  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
OUT = ROOT / "bench" / "timeline_eval.json"


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def score_file(
    gold: dict[str, Any], predicted: list[TimeExpression], anchor: str | None
) -> dict[str, Any]:
    """Counts and ratios for one article."""
    gold_exprs = gold["expressions"]
    pred_spans = {(e.start, e.end): e for e in predicted}
    gold_spans = {(g["start"], g["end"]): g for g in gold_exprs}
    exact = set(pred_spans) & set(gold_spans)

    def overlaps(a: tuple[int, int], others: set[tuple[int, int]]) -> bool:
        return any(a[0] < b[1] and b[0] < a[1] for b in others)

    lenient_p = sum(overlaps(p, set(gold_spans)) for p in pred_spans)
    lenient_r = sum(overlaps(g, set(pred_spans)) for g in gold_spans)
    correct = 0
    errors = []
    for span in sorted(exact):
        g, p = gold_spans[span], pred_spans[span]
        got = (p.granularity, _iso(p.first_day), _iso(p.last_day))
        want = (g["granularity"], g["first_day"], g["last_day"])
        if got == want:
            correct += 1
        else:
            errors.append({"text": g["text"], "want": want, "got": got})
    return {
        "gold": len(gold_spans),
        "predicted": len(pred_spans),
        "exact": len(exact),
        "lenient_p": lenient_p,
        "lenient_r": lenient_r,
        "normalised": correct,
        "anchor_ok": anchor == gold["anchor"],
        "anchor": anchor,
        "anchor_gold": gold["anchor"],
        "missed": [g["text"] for s, g in sorted(gold_spans.items()) if s not in exact],
        "spurious": [p.text for s, p in sorted(pred_spans.items()) if s not in exact],
        "normalisation_errors": errors,
    }


def ratios(c: dict[str, Any]) -> dict[str, float]:
    def div(a: float, b: float) -> float:
        return round(a / b, 4) if b else 1.0

    return {
        "precision": div(c["exact"], c["predicted"]),
        "recall": div(c["exact"], c["gold"]),
        "lenient_precision": div(c["lenient_p"], c["predicted"]),
        "lenient_recall": div(c["lenient_r"], c["gold"]),
        "normalisation_accuracy": div(c["normalised"], c["exact"]),
    }


def main() -> int:
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.json"))]
    by_folder: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in golds:
        by_folder[g["folder"]].append(g)
    per_file: dict[str, Any] = {}
    started = time.perf_counter()
    for folder, folder_golds in sorted(by_folder.items()):
        articles: list[Article] = load_folder(ROOT / folder).articles
        today = dt.date.fromisoformat(folder_golds[0]["today"])
        raw = {a.id: extract_raw(a.text) for a in articles}
        anchors = infer_anchors(articles, raw, today)
        by_file = {a.file: a for a in articles}
        for g in folder_golds:
            article = by_file[g["file"]]
            predicted = resolve_expressions(article, raw[article.id], anchors[article.id])
            per_file[g["file"]] = score_file(g, predicted, _iso(anchors[article.id].date))
    keys = ("gold", "predicted", "exact", "lenient_p", "lenient_r", "normalised")
    total = {k: sum(f[k] for f in per_file.values()) for k in keys}
    overall = ratios(total) | {
        "anchors_correct": sum(f["anchor_ok"] for f in per_file.values()),
        "anchors_total": len(per_file),
        "seconds": round(time.perf_counter() - started, 3),
    }
    header = f"{'file':34} {'P':>6} {'R':>6} {'P~':>6} {'R~':>6} {'norm':>6}  anchor"
    print(header)
    print("-" * len(header))
    for name, f in per_file.items():
        r = ratios(f)
        mark = "ok" if f["anchor_ok"] else f"WRONG {f['anchor']} (gold {f['anchor_gold']})"
        print(
            f"{name[:34]:34} {r['precision']:6.3f} {r['recall']:6.3f} {r['lenient_precision']:6.3f}"
            f" {r['lenient_recall']:6.3f} {r['normalisation_accuracy']:6.3f}  {mark}"
        )
        for miss in f["missed"]:
            print(f"    missed:   {miss!r}")
        for extra in f["spurious"]:
            print(f"    spurious: {extra!r}")
        for err in f["normalisation_errors"]:
            print(f"    wrong:    {err['text']!r} want {err['want']} got {err['got']}")
    print("-" * len(header))
    print(
        f"{'OVERALL':34} {overall['precision']:6.3f} {overall['recall']:6.3f}"
        f" {overall['lenient_precision']:6.3f} {overall['lenient_recall']:6.3f}"
        f" {overall['normalisation_accuracy']:6.3f}  anchors {overall['anchors_correct']}/"
        f"{overall['anchors_total']}"
    )
    print(
        "P/R: exact span match; P~/R~: any overlap; "
        "norm: granularity+first_day+last_day of exact matches"
    )
    OUT.write_text(
        json.dumps(
            {"overall": overall, "files": {n: f | ratios(f) for n, f in per_file.items()}},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
