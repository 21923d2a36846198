"""Evaluate the timeline engine: our gold files, TimeBank, and date confidence.

    python bench/timeline_eval.py [--no-timebank]

Three measurements:

1. Our gold files (tests/gold): in-sample (written alongside the tagger) and
   out-of-sample (marked "out_of_sample": written before the tagger was changed
   for them), reported apart.
2. TimeBank (../shared/timebank, read at run time, never copied): its own
   score.py runs `summit timeline --json` with the dates inferred and with them
   given, and the figures are kept.
3. Calibration: every inferred publication date, from both sets, bucketed by the
   confidence shown with it, and how often it was right.

For every tests/gold/*.json: span precision and recall (exact offsets, and a
lenient figure where any overlap counts), normalisation accuracy (of exactly
matched spans, the share with the right granularity, first_day and last_day),
and whether the inferred anchor date is right.  Articles are loaded through
index.corpus.articles.load_folder, per folder, so anchors can borrow across articles as
they would in the app.  Results are printed and written to bench/timeline_eval.json.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.corpus.articles import load_folder  # noqa: E402
from index.models import Article, TimeExpression  # noqa: E402
from index.text.temporal import extract_raw  # noqa: E402
from index.timeline.finder import infer_anchors  # noqa: E402
from index.timeline.resolve import resolve_expressions  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
OUT = ROOT / "bench" / "timeline_eval.json"
TIMEBANK = ROOT.parent / "shared" / "timebank"
SUMMIT = ROOT / ".venv" / "bin" / "summit"
BUCKETS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))


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


def score_golds() -> tuple[dict[str, Any], list[tuple[float, bool]]]:
    """Per-file scores of every gold file, and (confidence, right) of inferred dates."""
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("*.json"))]
    by_folder: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in golds:
        by_folder[g["folder"]].append(g)
    per_file: dict[str, Any] = {}
    calibration: list[tuple[float, bool]] = []
    for folder, folder_golds in sorted(by_folder.items()):
        articles: list[Article] = load_folder(ROOT / folder).articles
        today = dt.date.fromisoformat(folder_golds[0]["today"])
        raw = {a.id: extract_raw(a.text) for a in articles}
        anchors = infer_anchors(articles, raw, today)
        by_file = {a.file: a for a in articles}
        for g in folder_golds:
            article = by_file[g["file"]]
            anchor = anchors[article.id]
            predicted = resolve_expressions(article, raw[article.id], anchor)
            per_file[g["file"]] = score_file(g, predicted, _iso(anchor.date)) | {
                "out_of_sample": bool(g.get("out_of_sample"))
            }
            if anchor.date_source == "inferred":
                calibration.append((anchor.confidence, _iso(anchor.date) == g["anchor"]))
    return per_file, calibration


def _overall(files: dict[str, Any]) -> dict[str, Any]:
    keys = ("gold", "predicted", "exact", "lenient_p", "lenient_r", "normalised")
    total = {k: sum(f[k] for f in files.values()) for k in keys}
    return ratios(total) | {
        "anchors_correct": sum(f["anchor_ok"] for f in files.values()),
        "anchors_total": len(files),
    }


def _print_golds(per_file: dict[str, Any]) -> dict[str, Any]:
    header = f"{'file':34} {'P':>6} {'R':>6} {'P~':>6} {'R~':>6} {'norm':>6}  anchor"
    result = {}
    for label, flag in (("in-sample", False), ("out-of-sample", True)):
        files = {n: f for n, f in per_file.items() if f["out_of_sample"] == flag}
        print(f"\n== our gold files, {label} ({len(files)}) ==")
        print(header)
        print("-" * len(header))
        for name, f in files.items():
            r = ratios(f)
            mark = "ok" if f["anchor_ok"] else f"WRONG {f['anchor']} (gold {f['anchor_gold']})"
            print(
                f"{name[:34]:34} {r['precision']:6.3f} {r['recall']:6.3f}"
                f" {r['lenient_precision']:6.3f} {r['lenient_recall']:6.3f}"
                f" {r['normalisation_accuracy']:6.3f}  {mark}"
            )
            for miss in f["missed"]:
                print(f"    missed:   {miss!r}")
            for extra in f["spurious"]:
                print(f"    spurious: {extra!r}")
            for err in f["normalisation_errors"]:
                print(f"    wrong:    {err['text']!r} want {err['want']} got {err['got']}")
        o = _overall(files)
        print("-" * len(header))
        print(
            f"{'OVERALL ' + label:34} {o['precision']:6.3f} {o['recall']:6.3f}"
            f" {o['lenient_precision']:6.3f} {o['lenient_recall']:6.3f}"
            f" {o['normalisation_accuracy']:6.3f}  anchors {o['anchors_correct']}/"
            f"{o['anchors_total']}"
        )
        result[label] = o
    print(
        "P/R: exact span match; P~/R~: any overlap; "
        "norm: granularity+first_day+last_day of exact matches"
    )
    return result


def run_timebank(given_dates: bool) -> tuple[dict[str, Any], list[tuple[float, bool]]]:
    """One run of TimeBank's own scorer; its JSON figures and (confidence, right) pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "out.json"
        cmd = [sys.executable, str(TIMEBANK / "score.py"), "--summit", str(SUMMIT)]
        cmd += ["--save-output", str(saved)] + (["--given-dates"] if given_dates else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(done.stdout.split("\n  required by")[0])
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        anchors = json.loads(saved.read_text(encoding="utf-8"))["anchors"]
    gold = json.loads((TIMEBANK / "gold.json").read_text(encoding="utf-8"))["articles"]
    pairs = [
        (float(a["confidence"]), a["date"] in gold[a["file"]]["anchor_accept"])
        for a in anchors
        if a["date_source"] == "inferred" and a["file"] in gold
    ]
    return figures, pairs


def calibration_table(pairs: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """How often a date shown at each confidence was right."""
    rows = []
    for low, high in BUCKETS:
        inside = [ok for c, ok in pairs if low <= c < high]
        rows.append(
            {
                "confidence": f"{low:.2f}-{min(high, 1.0):.2f}",
                "dates": len(inside),
                "right": sum(inside),
                "share_right": round(sum(inside) / len(inside), 3) if inside else None,
            }
        )
    return rows


def main() -> int:
    started = time.perf_counter()
    per_file, pairs = score_golds()
    summary: dict[str, Any] = {"gold": _print_golds(per_file)}
    if "--no-timebank" not in sys.argv and (TIMEBANK / "score.py").exists():
        for given in (False, True):
            print(f"\n== TimeBank, dates {'given' if given else 'inferred'} ==")
            figures, tb_pairs = run_timebank(given)
            summary["timebank_given" if given else "timebank_inferred"] = figures
            pairs += tb_pairs
    else:
        print("\n(TimeBank not run: ../shared/timebank is absent or --no-timebank)")
    summary["calibration"] = calibration_table(pairs)
    print("\n== inferred publication dates by the confidence shown ==")
    print(f"{'confidence':>12} {'dates':>6} {'right':>6} {'share':>6}")
    for row in summary["calibration"]:
        share = "-" if row["share_right"] is None else f"{row['share_right']:.3f}"
        print(f"{row['confidence']:>12} {row['dates']:6} {row['right']:6} {share:>6}")
    summary["seconds"] = round(time.perf_counter() - started, 2)
    OUT.write_text(
        json.dumps(
            summary | {"files": {n: f | ratios(f) for n, f in per_file.items()}},
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
