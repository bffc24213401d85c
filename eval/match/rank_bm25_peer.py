"""Peer for `claimtrace eval match`: the `rank_bm25` package (BM25Okapi, its defaults) over
vclaim + title, whitespace tokens lower-cased (the package's README usage), on CheckThat! 2022
Task 2A train-dev's dev part and dev-test. MAP@1, MAP@5, MRR and queries/s.

Run in a throwaway venv:  python3 -m venv /tmp/match/venv && /tmp/match/venv/bin/pip install rank_bm25 numpy
  /tmp/match/venv/bin/python eval/match/rank_bm25_peer.py ../shared/data/claim-matching
"""
import json, sys, time, re
from rank_bm25 import BM25Okapi

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/claim-matching"
vc = [json.loads(l) for l in open(f"{root}/vclaims.jsonl") if l.strip()]
ids = [v["vclaim_id"] for v in vc]

def tok_ws(s):
    return s.lower().split()

def tok_words(s):
    return re.findall(r"\w+", s.lower())

def load(qf, rf):
    rel = {}
    for l in open(rf):
        f = l.split()
        if len(f) >= 4 and f[3] != "0":
            rel.setdefault(f[0], set()).add(f[2])
    qs = []
    for l in open(qf):
        if "\t" in l:
            i, t = l.rstrip("\n").split("\t", 1)
            if i in rel:
                qs.append((i, t))
    return qs, rel

td, dt = f"{root}/train-dev", f"{root}/dev-test"
parts = [
    ("train-dev dev (tuned)", *load(f"{td}/CT2022-Task2A-EN-Train-Dev_Queries.tsv", f"{td}/CT2022-Task2A-EN-Dev_QRELs.tsv")),
    ("dev-test (scored)", *load(f"{dt}/CT2022-Task2A-EN-Dev-Test_Queries.tsv", f"{dt}/CT2022-Task2A-EN-Dev-Test_QRELs.tsv")),
]
for name, tok in [("whitespace", tok_ws), ("\\w+ words", tok_words)]:
    bm = BM25Okapi([tok(v.get("vclaim", "") + " " + v.get("title", "")) for v in vc])
    for part, qs, rel in parts:
        t = time.time()
        m1 = m5 = mrr = 0.0
        for qid, q in qs:
            s = bm.get_scores(tok(q))
            top = sorted(range(len(s)), key=lambda i: -s[i])[:5]
            r = rel[qid]
            for k, i in enumerate(top):
                if ids[i] in r:
                    m5 += 1 / (k + 1)
                    mrr += 1 / (k + 1)
                    m1 += 1 if k == 0 else 0
                    break
        n = len(qs)
        dt_s = time.time() - t
        print(f"rank_bm25 BM25Okapi ({name}) {part:<22} {n:>4}  MAP@1 {m1/n:.3f}  MAP@5 {m5/n:.3f}  MRR@5 {mrr/n:.3f}  {n/dt_s:.0f} queries/s")
