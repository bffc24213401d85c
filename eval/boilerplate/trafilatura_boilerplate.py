#!/usr/bin/env python3
"""Peer run: trafilatura on the main-text pages (`../shared/data/boilerplate`), one core.

trafilatura's metric (tests/eval_common.py): on whitespace-normalised text, each `with`
snippet found is a tp, each missing one a fn; each `without` snippet found is a fp; summed
over pages, F1 = 2tp / (2tp + fp + fn). Reported for the dev part, the scored part and all
(split: eval/split.py, the same as `claimtrace eval boilerplate`).

Usage: /tmp/peers/bin/python eval/boilerplate/trafilatura_boilerplate.py [--data ../shared/data/boilerplate]
"""
import argparse, gzip, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from split import part  # noqa: E402

import trafilatura  # noqa: E402


def norm(s):
    return " ".join((s or "").split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/boilerplate")
    a = ap.parse_args()
    data = json.load(open(os.path.join(a.data, "evaldata.json")))
    counts = {k: [0, 0, 0] for k in ("dev", "scored", "all")}
    wall = 0.0
    for url in sorted(data):
        e = data[url]
        with gzip.open(os.path.join(a.data, "html", e["file"] + ".gz"), "rb") as f:
            raw = f.read()
        t0 = time.perf_counter()
        try:
            text = trafilatura.extract(raw, url=url) or ""
        except Exception:
            text = ""
        wall += time.perf_counter() - t0
        text = norm(text)
        tp = sum(1 for s in e.get("with", []) if norm(s) in text)
        fn = len(e.get("with", [])) - tp
        fp = sum(1 for s in e.get("without", []) if norm(s) in text)
        for p in (part(e["file"]), "all"):
            c = counts[p]
            c[0] += tp
            c[1] += fp
            c[2] += fn
    for p, (tp, fp, fn) in counts.items():
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        print(f"trafilatura {trafilatura.__version__} {p:7} tp {tp:5} fp {fp:4} fn {fn:4}  P {prec:.4f} R {rec:.4f} F1 {f1:.4f}")
    print(f"extraction time {wall:.1f} s ({len(data)/wall:.1f} pages/s)")


if __name__ == "__main__":
    main()
