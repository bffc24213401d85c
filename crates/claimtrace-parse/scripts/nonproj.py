#!/usr/bin/env python3
# Share of non-projective sentences and arcs in CoNLL-U files (upper bound of what a projective
# parser loses). Usage: python3 nonproj.py FILE.conllu...
import sys
def sents(p):
    s=[]
    for line in open(p):
        line=line.rstrip('\n')
        if not line:
            if s: yield s
            s=[]; continue
        if line.startswith('#'): continue
        c=line.split('\t')
        if '-' in c[0] or '.' in c[0]: continue
        s.append(int(c[6]))
    if s: yield s
for p in sys.argv[1:]:
    ns=nnp=na=nnpa=0
    for h in sents(p):
        n=len(h); ns+=1; bad=False
        for d in range(1,n+1):
            hd=h[d-1]; na+=1
            lo,hi=min(d,hd),max(d,hd)
            # arc is non-projective if some word between is not dominated by hd
            np_=False
            for k in range(lo+1,hi):
                x=k; seen=0
                while x!=0 and x!=hd and seen<=n:
                    x=h[x-1]; seen+=1
                if x!=hd: np_=True; break
            if np_: nnpa+=1; bad=True
        nnp+=bad
    print(f"{p.split('/')[-1]}: sentences {ns}, non-projective {nnp/ns:.3%}; arcs {na}, non-projective arcs {nnpa/na:.3%}")
