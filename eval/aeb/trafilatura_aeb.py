#!/usr/bin/env python3
"""Peer run: trafilatura on the article-extraction benchmark, one core.

Times `trafilatura.extract()` on the already-decompressed HTML strings (decompression and
Python start-up excluded), scores it with the benchmark metric (re-implemented below, the
same as claimtrace's `eval` module: `\\w+` tokens, multiset of word 4-gram shingles,
precision averaged over non-empty predictions, recall over all pages, F1 from the two
averages, 1,000 bootstrap resamples), and optionally dumps predictions as <id>.txt.

Usage: python eval/aeb/trafilatura_aeb.py [--data ../shared/data/article-extraction] [--dump DIR]
"""
import argparse, gzip, json, os, random, re, time
from collections import Counter

import trafilatura

WORD = re.compile(r"\w+")


def shingles(text):
    toks = WORD.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) < 4:
        return Counter([" ".join(toks)])
    return Counter(" ".join(toks[i:i + 4]) for i in range(len(toks) - 3))


def score(truth, pred):
    t, p = shingles(truth), shingles(pred)
    nt, np_ = sum(t.values()), sum(p.values())
    shared = sum(min(c, t.get(k, 0)) for k, c in p.items())
    prec = shared / np_ if np_ else None
    rec = (shared / nt if np_ else 0.0) if nt else None
    return prec, rec


def agg(scores):
    ps = [p for p, _ in scores if p is not None]
    rs = [r for _, r in scores if r is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def std(xs):
    m = sum(xs) / len(xs)
    return (sum((x - m) ** 2 for x in xs) / len(xs)) ** 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/article-extraction")
    ap.add_argument("--dump")
    ap.add_argument("--no-comments", action="store_true", help="include_comments=False")
    a = ap.parse_args()
    gt = json.load(open(os.path.join(a.data, "ground-truth.json")))
    ids = sorted(gt)
    pages = []
    for i in ids:
        with gzip.open(os.path.join(a.data, "html", i + ".html.gz"), "rb") as f:
            pages.append(f.read().decode("utf-8", "replace"))
    # warm-up (imports, lazy init) on one page, not timed
    trafilatura.extract(pages[0])
    t0 = time.perf_counter()
    c0 = time.process_time()
    kw = {"include_comments": False} if a.no_comments else {}
    preds = [trafilatura.extract(h, **kw) or "" for h in pages]
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    scores = [score(gt[i].get("articleBody", ""), p) for i, p in zip(ids, preds)]
    p, r, f = agg(scores)
    rng = random.Random(0)
    boots = [agg([scores[rng.randrange(len(scores))] for _ in scores]) for _ in range(1000)]
    mb = sum(len(h.encode("utf-8")) for h in pages) / 1e6
    if a.dump:
        os.makedirs(a.dump, exist_ok=True)
        for i, pr in zip(ids, preds):
            open(os.path.join(a.dump, i + ".txt"), "w").write(pr)
    print(f"trafilatura {trafilatura.__version__} {kw}: P {p:.4f}±{std([b[0] for b in boots]):.4f} "
          f"R {r:.4f}±{std([b[1] for b in boots]):.4f} F1 {f:.4f}±{std([b[2] for b in boots]):.4f}")
    print(f"pages {len(pages)}  wall {wall:.2f}s  cpu {cpu:.2f}s  "
          f"{len(pages)/wall:.1f} pages/s wall  {len(pages)/cpu:.1f} pages/s cpu  {mb/cpu:.1f} MB/s cpu")


if __name__ == "__main__":
    main()
