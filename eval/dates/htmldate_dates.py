#!/usr/bin/env python3
"""Peer run: htmldate on the publication-date pages (`../shared/data/dates`), one core.

htmldate's own metric: per entry, no date -> fn; the right day -> tp; any other -> fp;
F1 = 2tp / (2tp + fp + fn). Reported for the dev part, the scored part and all (split:
eval/split.py, the same as `claimtrace eval dates`). `original_date=True` (the original
publication day, which is what the gold gives); `--fast` turns extensive search off.

Usage: /tmp/peers/bin/python eval/dates/htmldate_dates.py [--data ../shared/data/dates] [--fast]
"""
import argparse, gzip, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from split import part  # noqa: E402

import htmldate  # noqa: E402
from htmldate import find_date  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/dates")
    ap.add_argument("--fast", action="store_true")
    ap.add_argument("--dump", help="write file<TAB>gold<TAB>predicted here")
    a = ap.parse_args()
    entries = json.load(open(os.path.join(a.data, "expected.json")))
    counts = {k: [0, 0, 0] for k in ("dev", "scored", "all")}
    rows = []
    t0 = time.perf_counter()
    for e in entries:
        with gzip.open(os.path.join(a.data, "html", e["gz"]), "rb") as f:
            raw = f.read()
        try:
            d = find_date(raw, url=e["url"], original_date=True, extensive_search=not a.fast)
        except Exception:
            d = None
        gold = e["date"]
        k = 2 if d is None else (0 if gold is not None and d == gold else 1)
        for p in (part(e["file"]), "all"):
            counts[p][k] += 1
        rows.append(f"{e['file']}\t{gold}\t{d}")
    wall = time.perf_counter() - t0
    mode = "fast" if a.fast else "extensive"
    for p, (tp, fp, fn) in counts.items():
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"htmldate {htmldate.__version__} ({mode}) {p:7} pages {tp+fp+fn:4}  tp {tp:4} fp {fp:4} fn {fn:4}  F1 {f1:.4f}")
    print(f"time {wall:.1f} s ({len(entries)/wall:.1f} pages/s, decompression included)")
    if a.dump:
        open(a.dump, "w").write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
