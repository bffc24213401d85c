#!/usr/bin/env python3
"""Mine the language data in lang/<xx>/ from UD training treebanks.

Usage (from the repo root):  python3 crates/claimtrace-text/scripts/mine_lang.py [../shared/data/ud]

Writes, per language (en: EWT train; fr: Sequoia train + GSD dev; es: GSD dev):
  lang/xx/abbrev.tsv   form, count inside a sentence, count at sentence end (surface tokens ending in '.')
  lang/xx/mwt.tsv      lowercased surface, parts, count as multi-word token, count as plain token
  lang/xx/mwt_ctx.tsv  for ambiguous surfaces: surface, side (P = previous word, N = next word), word, mwt, plain
  lang/en/hyphen.tsv   lowercased first part of a hyphenated word, count kept whole, count split
  lang/en/boundary.tsv features of "no final punctuation, next token capitalised" positions
                       (previous/next word, shapes), count at a sentence end, count inside
Test files are never read.
"""
import collections, os, re, sys

UD = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/ud'
SRC = {
    'en': ['en_ewt/en_ewt-ud-train.conllu'],
    'fr': ['fr_sequoia/fr_sequoia-ud-train.conllu', 'fr_gsd/fr_gsd-ud-dev.conllu'],
    'es': ['es_gsd/es_gsd-ud-dev.conllu'],
}


def read(fn):
    sents, cur = [], None
    for line in open(fn, encoding='utf8'):
        line = line.rstrip('\n')
        if line.startswith('#'):
            continue
        if not line:
            if cur:
                sents.append(cur)
            cur = None
            continue
        c = line.split('\t')
        if '.' in c[0]:
            continue
        cur = cur or []
        cur.append(c)
    if cur:
        sents.append(cur)
    return sents


def surface(toks):
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if '-' in t[0]:
            a, b = map(int, t[0].split('-'))
            n = b - a + 1
            out.append((t[1], [w[1] for w in toks[i + 1:i + 1 + n]], 'SpaceAfter=No' in t[9]))
            i += 1 + n
        else:
            out.append((t[1], None, 'SpaceAfter=No' in t[9]))
            i += 1
    return out


def main():
    for lang, files in SRC.items():
        abbr = collections.Counter()
        abbr_final = collections.Counter()
        mwt = collections.Counter()
        parts_of = {}
        plain = collections.Counter()
        hyph = collections.Counter()
        sents = []
        for f in files:
            sents += [surface(s) for s in read(os.path.join(UD, f))]
        for s in sents:
            for i, (f, p, _) in enumerate(s):
                if len(f) > 1 and f.endswith('.') and re.search(r'\w', f) and ' ' not in f:
                    if i == len(s) - 1 or all(not re.search(r'\w', x[0]) for x in s[i + 1:]):
                        abbr_final[f] += 1
                    else:
                        abbr[f] += 1
                if p:
                    lf = f.lower()
                    mwt[lf] += 1
                    parts_of.setdefault(lf, collections.Counter())[' '.join(w.lower() for w in p)] += 1
                else:
                    plain[f.lower()] += 1
            if lang == 'en':
                # hyphenated words: kept whole, or split into X - Y
                for i, (f, p, na) in enumerate(s):
                    m = re.match(r'^([A-Za-z]+)-[A-Za-z]', f)
                    if m:
                        hyph[(m.group(1).lower(), 'K')] += 1
                    if f == '-' and i > 0 and s[i - 1][2] and na and i + 1 < len(s):
                        prev = s[i - 1][0]
                        if re.match(r'^[A-Za-z]+$', prev):
                            hyph[(prev.lower(), 'S')] += 1
        d = os.path.join('lang', lang)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'abbrev.tsv'), 'w', encoding='utf8') as o:
            o.write('# form\tinside\tfinal   (mined; see lang/NOTICE)\n')
            for f in sorted(set(abbr) | set(abbr_final)):
                if re.fullmatch(r'[\d.,]+', f) or f.count('.') == len(f):
                    continue
                o.write(f'{f}\t{abbr[f]}\t{abbr_final[f]}\n')
        with open(os.path.join(d, 'mwt.tsv'), 'w', encoding='utf8') as o:
            o.write('# surface\tparts\tas_mwt\tas_plain   (mined; see lang/NOTICE)\n')
            for f in sorted(mwt):
                parts = parts_of[f].most_common(1)[0][0]
                o.write(f'{f}\t{parts}\t{mwt[f]}\t{plain[f]}\n')
        amb = {f for f in mwt if plain[f] >= 3 and mwt[f] >= 3}
        ctx = collections.Counter()
        for s in sents:
            for i, (f, p, _) in enumerate(s):
                lf = f.lower()
                if lf in amb:
                    prev = s[i - 1][0].lower() if i > 0 else '<s>'
                    nxt = s[i + 1][0].lower() if i + 1 < len(s) else '</s>'
                    k = 0 if p else 1
                    ctx[(lf, 'P', prev, k)] += 1
                    ctx[(lf, 'N', nxt, k)] += 1
        keys = sorted({(a, b, c) for (a, b, c, _) in ctx})
        with open(os.path.join(d, 'mwt_ctx.tsv'), 'w', encoding='utf8') as o:
            o.write('# surface\tside\tword\tas_mwt\tas_plain   (mined; see lang/NOTICE)\n')
            for (a, b, c) in keys:
                m, pl = ctx[(a, b, c, 0)], ctx[(a, b, c, 1)]
                if m + pl >= 2:
                    o.write(f'{a}\t{b}\t{c}\t{m}\t{pl}\n')
        if lang == 'en':
            with open(os.path.join(d, 'hyphen.tsv'), 'w', encoding='utf8') as o:
                o.write('# first part\tkept_whole\tsplit   (mined; see lang/NOTICE)\n')
                for w in sorted({w for (w, _) in hyph}):
                    o.write(f"{w}\t{hyph[(w, 'K')]}\t{hyph[(w, 'S')]}\n")


def shape(w):
    if w.isupper() and len(w) > 1:
        return 'UP'
    if w[0].isupper():
        return 'Cap'
    if w[0].islower():
        return 'low'
    if w[0].isdigit():
        return 'dig'
    return w[:2]


def boundary_features(a, b):
    return ['P=' + a.lower(), 'N=' + b.lower(), 'PS=' + shape(a), 'NS=' + shape(b),
            'PN=' + shape(a) + '_' + b.lower()]


def mine_boundaries(path, out):
    """Paragraph-level token streams; candidates are positions after a token that does not end
    in . ! ? ... and before a capitalised token."""
    paras, cur, toks = [], [], None
    for line in open(path, encoding='utf8'):
        line = line.rstrip('\n')
        if line.startswith('# newpar') or line.startswith('# newdoc'):
            if cur:
                paras.append(cur)
            cur = []
        elif line.startswith('#'):
            continue
        elif not line:
            if toks:
                sf = surface(toks)
                for i, t in enumerate(sf):
                    cur.append((t[0], i == len(sf) - 1))
            toks = None
        else:
            c = line.split('\t')
            if '.' in c[0]:
                continue
            toks = (toks or []) + [c]
    if cur:
        paras.append(cur)
    cnt = collections.Counter()
    tot = collections.Counter()
    for p in paras:
        for i in range(len(p) - 1):
            a, end = p[i]
            b = p[i + 1][0]
            if a[-1] in '.!?…' or not b[0].isupper():
                continue
            tot[end] += 1
            for f in boundary_features(a, b):
                cnt[(f, end)] += 1
    with open(out, 'w', encoding='utf8') as o:
        o.write('# feature\tat_end\tinside   (mined; see lang/NOTICE)\n')
        o.write(f'__total__\t{tot[True]}\t{tot[False]}\n')
        for f in sorted({f for (f, _) in cnt}):
            t, n = cnt[(f, True)], cnt[(f, False)]
            if t + n >= 3:
                o.write(f'{f}\t{t}\t{n}\n')


main()
mine_boundaries(os.path.join(UD, SRC['en'][0]), os.path.join('lang', 'en', 'boundary.tsv'))
