"""spaCy peer for `claimtrace eval ner`: span P/R/F1 (exact span and label, CoNLL style) of a
spaCy pipeline's NER on an IOB2 file, on the file's own tokens.

Labels mapped to the UNER scheme: PERSON -> PER, ORG -> ORG, GPE / LOC / FAC -> LOC; every other
OntoNotes type (NORP, PRODUCT, EVENT, ...) -> O. Gold MISC/OTH -> O, as in `eval ner`.
Documents start at `# newdoc` comments; `--genre news` keeps the GUM documents whose
`# meta::genre = news`.

Usage (throwaway venv, never in the product):
  python3 eval/spacy/spacy_ner.py --model PATH_OR_NAME FILE.iob2 [--genre news]
"""

import argparse
import sys
import time

MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
KEEP = {"B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}


def read(path, genre):
    sents, cur, comments = [], ([], []), []
    keep = True
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if cur[0] and keep:
                sents.append(cur)
            cur = ([], [])
            continue
        if line.startswith("#"):
            c = line[1:].strip()
            if c.startswith("newdoc") and genre is not None:
                keep = False
            if genre is not None and c == f"meta::genre = {genre}":
                keep = True
            continue
        cols = line.split("\t")
        form, tag = (cols[0], cols[1]) if len(cols) == 2 else (cols[1], cols[2])
        cur[0].append(form)
        cur[1].append(tag if tag in KEEP else "O")
    if cur[0] and keep:
        sents.append(cur)
    return sents


def spans(tags):
    out, start, lab = set(), None, None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != lab):
            if start is not None:
                out.add((start, i, lab))
            start, lab = (i, t[2:]) if t != "O" else (None, None)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--model", default="en_core_web_sm")
    ap.add_argument("--genre")
    a = ap.parse_args()
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(a.model)
    sents = read(a.file, a.genre)
    docs = [Doc(nlp.vocab, words=w) for w, _ in sents]
    t0 = time.process_time()
    out = list(nlp.pipe(docs))
    secs = time.process_time() - t0
    stats = {}
    for (w, gold), d in zip(sents, out):
        pred = ["O"] * len(w)
        for e in d.ents:
            lab = MAP.get(e.label_)
            if lab is None:
                continue
            pred[e.start] = "B-" + lab
            for k in range(e.start + 1, e.end):
                pred[k] = "I-" + lab
        g, p = spans(gold), spans(pred)
        for s in p:
            x = stats.setdefault(s[2], [0, 0, 0])
            x[0 if s in g else 1] += 1
        for s in g - p:
            stats.setdefault(s[2], [0, 0, 0])[2] += 1

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    print(f"spaCy {spacy.__version__} {a.model}, test {a.file}" + (f" (genre {a.genre})" if a.genre else ""))
    print(f"{'label':<8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6}")
    tot = [0, 0, 0]
    for lab in sorted(stats):
        tp, fp, fn = stats[lab]
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        p, r, f = prf(tp, fp, fn)
        print(f"{lab:<8} {p:>7.4f} {r:>7.4f} {f:>7.4f} {tp + fn:>6}")
    p, r, f = prf(*tot)
    print(f"{'overall':<8} {p:>7.4f} {r:>7.4f} {f:>7.4f} {tot[0] + tot[2]:>6}")
    n = sum(len(w) for w, _ in sents)
    print(f"{len(sents)} sentences, {n} tokens in {secs:.3f} s CPU: {n / max(secs, 1e-9):.0f} tokens/s")


if __name__ == "__main__":
    sys.exit(main())
