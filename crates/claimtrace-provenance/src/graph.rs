//! The provenance graph of a story: nodes, evidence edges, claims and the origin.

use crate::analyse::{Art, analyse, similarity};
use crate::claims;
use crate::drift;
use crate::model::*;
use crate::norm::fold_words;
use crate::outlets::Lexicon;
use claimtrace_core::{CharMap, Doc};
use rustc_hash::{FxHashMap, FxHashSet};

/// Share of a later article's 5-word shingles found in an earlier one that makes it a copy.
pub const COPY_CONTAINMENT: f32 = 0.6;
/// Minimum words of a quotation shared verbatim to count as the same quote.
pub const QUOTE_WORDS: usize = 5;

const ALL_EDGES_REACH: bool = true;

/// Builds the provenance of one story.
pub fn build(story: u64, docs: &[Doc], reprints: &[(String, String)]) -> Provenance {
    let lex = Lexicon::bundled();
    let arts: Vec<Art<'_>> = docs.iter().map(|d| analyse(d, lex)).collect();
    let by_id_pre: FxHashMap<&str, usize> = arts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.doc.id.as_str(), i))
        .collect();
    let near = near_copies(&arts);
    let mut keys = order_keys(&arts);
    let reprints = orient_reprints(&arts, reprints, &near, &keys, &by_id_pre);
    let reprints = reprints.as_slice();
    date_originals_by_copies(&mut keys, &arts, reprints, &by_id_pre);
    let mut order: Vec<usize> = (0..arts.len()).collect();
    order.sort_by(|&a, &b| {
        keys[a]
            .cmp(&keys[b])
            .then(arts[a].doc.id.cmp(&arts[b].doc.id))
    });
    // A reprint cannot predate its original (dates in other time zones, republications):
    // move copies dated before their original right after it.
    for (copy, orig) in reprints {
        let (Some(&c), Some(&o)) = (by_id_pre.get(copy.as_str()), by_id_pre.get(orig.as_str()))
        else {
            continue;
        };
        let (Some(pc), Some(po)) = (
            order.iter().position(|&x| x == c),
            order.iter().position(|&x| x == o),
        ) else {
            continue;
        };
        if pc < po {
            order.remove(pc);
            order.insert(po, c);
        }
    }
    let mut rank = vec![0usize; arts.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let by_id: FxHashMap<&str, usize> = arts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.doc.id.as_str(), i))
        .collect();
    let maps: Vec<CharMap> = arts.iter().map(|a| CharMap::new(&a.doc.text)).collect();

    let mut g = Builder::default();
    for &i in &order {
        let d = arts[i].doc;
        g.node(Node {
            id: d.id.clone(),
            kind: NodeKind::Article,
            outlet: d.outlet.clone(),
            title: d.title.clone(),
            url: d.url.clone(),
            published: d.published.clone(),
            lang: d.lang.clone(),
        });
    }
    // "a is not later than b" (unknown dates compare as equal).
    let not_later = |a: usize, b: usize| match (arts[a].day, arts[b].day) {
        (Some(x), Some(y)) => x <= y,
        _ => true,
    };
    let ev = |kind: EvidenceKind, art: usize, s: usize, e: usize, text: &str| Evidence {
        kind,
        text: text.to_string(),
        article: arts[art].doc.id.clone(),
        start: maps[art].char_of(s),
        end: maps[art].char_of(e),
    };

    // 1. Reprints (given), then near copies found here.
    let mut copied: FxHashSet<usize> = FxHashSet::default();
    for (copy, orig) in reprints {
        if let (Some(&c), Some(&o)) = (by_id.get(copy.as_str()), by_id.get(orig.as_str()))
            && c != o
        {
            let len = arts[c].doc.text.len();
            let e = ev(EvidenceKind::NearCopy, c, 0, len, "reprint");
            g.edge(&arts[o].doc.id, &arts[c].doc.id, e);
            copied.insert(c);
        }
    }
    for (r, &b) in order.iter().enumerate() {
        if copied.contains(&b) || arts[b].shingles.len() < 8 {
            continue;
        }
        let mut best: Option<(f32, usize)> = None;
        for &a in &order[..r] {
            let c = near.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0);
            if c >= COPY_CONTAINMENT && best.is_none_or(|(x, _)| c > x) {
                best = Some((c, a));
            }
        }
        if let Some((c, a)) = best {
            let len = arts[b].doc.text.len();
            let t = format!("{:.0}% of the text shared", c * 100.0);
            g.edge(
                &arts[a].doc.id,
                &arts[b].doc.id,
                ev(EvidenceKind::NearCopy, b, 0, len, &t),
            );
            copied.insert(b);
        }
    }

    // 2. Cited outlets.
    let owner = |key: &str, citer: usize| -> Option<usize> {
        order
            .iter()
            .copied()
            .filter(|&a| a != citer && arts[a].own.iter().any(|k| k == key))
            .find(|&a| not_later(a, citer))
    };
    let node_of = |g: &mut Builder, key: &str, citer: usize| -> String {
        match owner(key, citer) {
            Some(a) => arts[a].doc.id.clone(),
            None => g.external(key, lex),
        }
    };
    for &b in &order {
        // "told CBS News" inside a CBS copy is the copy's own reporting, not a re-report.
        for c in arts[b]
            .cites
            .iter()
            .filter(|c| !arts[b].own.contains(&c.key))
        {
            let text = arts[b]
                .doc
                .text
                .get(c.credit_start..c.credit_end)
                .unwrap_or("");
            let from = node_of(&mut g, &c.key, b);
            g.edge(
                &from,
                &arts[b].doc.id,
                ev(EvidenceKind::Cites, b, c.credit_start, c.credit_end, text),
            );
            if let Some(v) = &c.via
                && !arts[b].own.contains(v)
            {
                let up = node_of(&mut g, v, b);
                if up != from {
                    g.edge(&up, &from, ev(EvidenceKind::Cites, b, c.start, c.end, text));
                }
            }
        }
    }

    // 3. Same quotes: a quotation of b found word for word in an earlier a.
    for (r, &b) in order.iter().enumerate() {
        for (qs, qe) in quotations(&arts[b].doc.text) {
            let q = arts[b].doc.text.get(qs..qe).unwrap_or("");
            let qw = fold_words(q);
            if qw.len() < QUOTE_WORDS {
                continue;
            }
            let needle = format!(" {} ", qw.join(" "));
            let src = order[..r]
                .iter()
                .copied()
                .find(|&a| arts[a].folded.contains(&needle));
            if let Some(a) = src {
                g.edge(
                    &arts[a].doc.id,
                    &arts[b].doc.id,
                    ev(EvidenceKind::SameQuote, b, qs, qe, q),
                );
            }
        }
    }

    // 4. Claims.
    let reps = claims::reps(&arts, &order);
    let groups = claims::group(&reps);
    let mut claim_out = Vec::new();
    // (article, claim index) → member rep indices.
    let mut art_claims: FxHashMap<usize, Vec<(usize, usize)>> = FxHashMap::default();
    for (ci, grp) in groups.iter().enumerate() {
        let first = grp.members.first().and_then(|&m| reps.get(m));
        let Some(first) = first else { continue };
        let fa = &arts[first.art];
        let text = fa
            .doc
            .attributions
            .get(first.attr as usize)
            .map(|a| fa.doc.span_text(a.content).trim().to_string())
            .unwrap_or_default();
        let origin = claim_origin(&arts, first.art, first.attr, lex, &mut g, &owner);
        claim_out.push(Claim {
            id: format!("{story}:{}", ci + 1),
            text,
            origin: Some(origin),
            members: grp
                .members
                .iter()
                .filter_map(|&m| reps.get(m))
                .map(|r| ClaimMember {
                    article: arts[r.art].doc.id.clone(),
                    attribution: r.attr,
                })
                .collect(),
        });
        for &m in &grp.members {
            if let Some(r) = reps.get(m) {
                art_claims.entry(r.art).or_default().push((ci, m));
            }
        }
    }

    // 5. Same claim: an article nothing else links gets an edge from the earlier article it
    // shares most claims with (else the most similar earlier one).
    for (r, &b) in order.iter().enumerate() {
        if r == 0 || copied.contains(&b) {
            continue;
        }
        let mine: Vec<(usize, usize)> = art_claims.get(&b).cloned().unwrap_or_default();
        let mut best: Option<(usize, f32, usize, Option<usize>)> = None;
        for &a in &order[..r] {
            let theirs = art_claims.get(&a);
            let shared: Vec<usize> = mine
                .iter()
                .filter(|(c, _)| theirs.is_some_and(|t| t.iter().any(|(x, _)| x == c)))
                .map(|&(_, m)| m)
                .collect();
            let cross = arts[a].cross(&arts[b]);
            let sim = similarity(&arts[a].feats, &arts[b].feats, cross);
            let key = (shared.len(), sim);
            if best.is_none_or(|(n, s, _, _)| key.0 > n || (key.0 == n && key.1 > s)) {
                best = Some((shared.len(), sim, a, shared.first().copied()));
            }
        }
        if let Some((n, sim, a, m)) = best
            && (n > 0 || sim >= 0.2)
        {
            let e = match m.and_then(|m| reps.get(m)) {
                Some(rep) => {
                    let at = arts[b].doc.attributions.get(rep.attr as usize);
                    let sp = at.map(|x| x.content).unwrap_or_default();
                    let t = arts[b].doc.span_text(sp);
                    ev(
                        EvidenceKind::SameClaim,
                        b,
                        sp.start as usize,
                        sp.end as usize,
                        t,
                    )
                }
                None => {
                    let t = format!("similar wording ({:.2})", sim);
                    ev(EvidenceKind::SameClaim, b, 0, 0, &t)
                }
            };
            g.edge(&arts[a].doc.id, &arts[b].doc.id, e);
        }
    }

    // 6. Drift along article → article edges.
    let mut claim_of: FxHashMap<(usize, u32), String> = FxHashMap::default();
    for (ci, gr) in groups.iter().enumerate() {
        for &m in &gr.members {
            if let (Some(r), Some(c)) = (reps.get(m), claim_out.get(ci)) {
                claim_of.insert((r.art, r.attr), c.id.clone());
            }
        }
    }
    for e in g.edges.iter_mut() {
        let (Some(&a), Some(&b)) = (by_id.get(e.from.as_str()), by_id.get(e.to.as_str())) else {
            continue;
        };
        e.drift = drift::between(&arts[a], &arts[b], a, b, &claim_of);
    }

    let origin = g
        .origin(&rank, &by_id)
        .map(|o| match o.strip_prefix("ext:") {
            // An outlet only named: its earliest stored copy stands in for it, if any.
            Some(key) => order
                .iter()
                .find(|&&i| arts[i].own.iter().any(|k| k == key))
                .map(|&i| arts[i].doc.id.clone())
                .unwrap_or(o),
            None => o,
        });
    Provenance {
        story,
        origin,
        nodes: g.nodes,
        edges: g.edges,
        claims: claim_out,
        reprints: reprints
            .iter()
            .filter(|(c, o)| by_id.contains_key(c.as_str()) && by_id.contains_key(o.as_str()))
            .map(|(c, o)| Reprint {
                copy: c.clone(),
                original: o.clone(),
            })
            .collect(),
        independence: None,
    }
}

/// Same-story ordering evidence of each article, compared in this order:
/// 1. its day (its own date here; [`date_originals_by_copies`] then moves an original's day
///    to its earliest copy's: a copy dated day D shows that its original existed by D);
/// 2. wire copies (the outlet field names a wire) before rewrites;
/// 3. fewer credits of other outlets (re-reporters credit);
/// 4. more articles crediting its outlet;
/// 5. more other articles repeating one of its quotations word for word (the text others
///    quote from is the fuller source copy);
/// 6. longer text (the most complete copy of a same-day wire).
///
/// Ties after that go to the id, for determinism.
/// A copy dated day D shows that its original existed by D: the original's day key becomes
/// the earlier of the two.
fn date_originals_by_copies(
    keys: &mut [OrderKey],
    arts: &[Art<'_>],
    reprints: &[(String, String)],
    by_id: &FxHashMap<&str, usize>,
) {
    for (copy, orig) in reprints {
        if let (Some(&c), Some(&o)) = (by_id.get(copy.as_str()), by_id.get(orig.as_str()))
            && let Some(dc) = arts.get(c).and_then(|a| a.day)
            && let Some(k) = keys.get_mut(o)
        {
            k.day = k.day.min(dc);
        }
    }
}

pub(crate) fn order_keys(arts: &[Art<'_>]) -> Vec<OrderKey> {
    let lex = Lexicon::bundled();
    let day: Vec<Option<i64>> = arts.iter().map(|a| a.day).collect();
    // Quotations (≥ QUOTE_WORDS words) of each article, folded.
    let quotes: Vec<Vec<String>> = arts
        .iter()
        .map(|a| {
            quotations(&a.doc.text)
                .into_iter()
                .filter_map(|(s, e)| {
                    let qw = fold_words(a.doc.text.get(s..e)?);
                    (qw.len() >= QUOTE_WORDS).then(|| format!(" {} ", qw.join(" ")))
                })
                .collect()
        })
        .collect();
    arts.iter()
        .enumerate()
        .map(|(i, a)| {
            // Credits of an outlet no stored article of the story belongs to (the primary
            // source, "NHK reported") do not make an article a re-report of a stored one.
            let credits = a
                .cites
                .iter()
                .filter(|c| !a.own.contains(&c.key))
                .filter(|c| arts.iter().any(|b| b.own.contains(&c.key)))
                .count();
            let cited_by = arts
                .iter()
                .enumerate()
                .filter(|(j, b)| *j != i && b.cites.iter().any(|c| a.own.contains(&c.key)))
                .count();
            let quoted_by = quotes
                .iter()
                .enumerate()
                .filter(|(j, qs)| *j != i && qs.iter().any(|q| a.folded.contains(q.as_str())))
                .count();
            OrderKey {
                day: day.get(i).copied().flatten().unwrap_or(i64::MAX),
                not_wire: !a.own.iter().any(|k| lex.is_wire(k)),
                credits,
                cited_by: std::cmp::Reverse(cited_by),
                quoted_by: std::cmp::Reverse(quoted_by),
                length: std::cmp::Reverse(a.doc.text.len()),
            }
        })
        .collect()
}

/// Near-copies dated this many days apart or more are ordered by their dates; closer dates
/// are not evidence: the same instant falls on neighbouring calendar days in different time
/// zones (a Honolulu page dates "yesterday" what an Atlanta page dates "today").
pub const COPY_DATE_DAYS: i64 = 2;

/// Share of the shorter text's shingles found in the other that makes two articles
/// near-copies when the story stage named no reprint (its own reprint containment).
pub const REPRINT_CONTAINMENT: f32 = 0.7;
/// Fewer shingles than this in either text: too short to call a reprint.
pub const REPRINT_MIN_SHINGLES: usize = 20;

const FIRST_TAKE: &str = include_str!("../data/first-take.txt");

/// Whether the article says it is the first take of a developing report ("This is a
/// developing story and will be updated"; `data/first-take.txt`).
pub(crate) fn first_take(a: &Art<'_>) -> bool {
    static PHRASES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PHRASES
        .get_or_init(|| {
            FIRST_TAKE
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| format!(" {} ", fold_words(l).join(" ")))
                .filter(|p| p.trim().contains(' '))
                .collect()
        })
        .iter()
        .any(|p| a.folded.contains(p.as_str()))
}

/// Containment of every pair of articles `(i, j)`, `i < j`, that reaches [`COPY_CONTAINMENT`]:
/// the share of the smaller shingle set found in the other. Computed once per story for the
/// copy edges and the near-copy sets (the only quadratic text comparison of a trace).
pub(crate) fn near_copies(arts: &[Art<'_>]) -> FxHashMap<(usize, usize), f32> {
    let mut out = FxHashMap::default();
    for j in 0..arts.len() {
        for i in 0..j {
            let (si, sj) = (&arts[i].shingles, &arts[j].shingles);
            if si.len().max(sj.len()) < 8 {
                continue;
            }
            let (small, big) = if si.len() <= sj.len() {
                (si, sj)
            } else {
                (sj, si)
            };
            let shared = small.iter().filter(|h| big.contains(h)).count();
            let c = shared as f32 / small.len().max(1) as f32;
            if c >= COPY_CONTAINMENT {
                out.insert((i, j), c);
            }
        }
    }
    out
}

/// The story stage names reprints in the order articles arrived; here each set of
/// near-copies (pairs sharing an article) gets the original the evidence puts first, and
/// every other member of the set becomes its copy. Evidence, in this order:
/// 1. dates at least [`COPY_DATE_DAYS`] apart: the earlier;
/// 2. a first-take line ("this is a developing story"): that copy;
/// 3. the [`order_keys`] without dates: a wire's own copy, fewer credits of others, more
///    often credited and quoted, then the longer text (copies are cut shorter);
/// 4. a date one day earlier;
/// 5. the original the story stage named.
pub(crate) fn orient_reprints(
    arts: &[Art<'_>],
    reprints: &[(String, String)],
    near: &FxHashMap<(usize, usize), f32>,
    keys: &[OrderKey],
    by_id: &FxHashMap<&str, usize>,
) -> Vec<(String, String)> {
    let mut pairs: Vec<(usize, usize)> = reprints
        .iter()
        .filter_map(|(c, o)| Some((*by_id.get(c.as_str())?, *by_id.get(o.as_str())?)))
        .filter(|(c, o)| c != o)
        .collect();
    // Reprints the story stage did not name (a caller without one): the same test as
    // there, most of the shorter text's shingles in the other, both long enough to tell.
    let mut extra: Vec<(usize, usize)> = near
        .iter()
        .filter(|&(&(a, b), &c)| {
            c >= REPRINT_CONTAINMENT
                && arts[a].shingles.len().min(arts[b].shingles.len()) >= REPRINT_MIN_SHINGLES
                && !pairs
                    .iter()
                    .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
        })
        .map(|(&(a, b), _)| (b, a))
        .collect();
    extra.sort_unstable();
    pairs.extend(extra);
    if pairs.is_empty() {
        return reprints.to_vec();
    }
    let named_orig: FxHashSet<usize> = pairs.iter().map(|&(_, o)| o).collect();
    // "x comes before y" among near-copies.
    let before = |x: usize, y: usize| -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        if let (Some(dx), Some(dy)) = (arts[x].day, arts[y].day)
            && (dx - dy).abs() >= COPY_DATE_DAYS
        {
            return dx.cmp(&dy);
        }
        let (fx, fy) = (first_take(&arts[x]), first_take(&arts[y]));
        if fx != fy {
            return if fx { Less } else { Greater };
        }
        let (kx, ky) = (keys[x].undated(), keys[y].undated());
        if kx != ky {
            return kx.cmp(&ky);
        }
        if let (Some(dx), Some(dy)) = (arts[x].day, arts[y].day)
            && dx != dy
        {
            return dx.cmp(&dy);
        }
        // The story stage's original first.
        named_orig.contains(&y).cmp(&named_orig.contains(&x))
    };
    // Sets of near-copies: union-find over the pairs.
    let mut parent: Vec<usize> = (0..arts.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(c, o) in &pairs {
        let (a, b) = (find(&mut parent, c), find(&mut parent, o));
        if a != b {
            parent[a] = b;
        }
    }
    let mut sets: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for &(c, o) in &pairs {
        for x in [c, o] {
            let r = find(&mut parent, x);
            let m = sets.entry(r).or_default();
            if !m.contains(&x) {
                m.push(x);
            }
        }
    }
    let mut roots: Vec<usize> = sets.keys().copied().collect();
    roots.sort_unstable();
    let mut out = Vec::with_capacity(pairs.len());
    for r in roots {
        let Some(members) = sets.get(&r) else {
            continue;
        };
        let mut members = members.clone();
        members.sort_unstable();
        let Some(orig) = members
            .iter()
            .copied()
            .reduce(|best, x| if before(x, best).is_lt() { x } else { best })
        else {
            continue;
        };
        for &m in &members {
            if m != orig {
                out.push((arts[m].doc.id.clone(), arts[orig].doc.id.clone()));
            }
        }
    }
    out
}

/// See [`order_keys`]; compared field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct OrderKey {
    day: i64,
    not_wire: bool,
    credits: usize,
    cited_by: std::cmp::Reverse<usize>,
    quoted_by: std::cmp::Reverse<usize>,
    length: std::cmp::Reverse<usize>,
}

impl OrderKey {
    /// The key without the date.
    fn undated(&self) -> OrderKey {
        OrderKey { day: 0, ..*self }
    }
}

/// The node a claim first comes from: the outlet its earliest attribution credits (source
/// or channel), else that attribution's article.
fn claim_origin(
    arts: &[Art<'_>],
    art: usize,
    attr: u32,
    lex: &Lexicon,
    g: &mut Builder,
    owner: &dyn Fn(&str, usize) -> Option<usize>,
) -> String {
    let a = &arts[art];
    let Some(at) = a.doc.attributions.get(attr as usize) else {
        return a.doc.id.clone();
    };
    let mut named = Vec::new();
    if let Some(s) = at.source {
        named.extend(lex.find(a.doc.span_text(s)));
    }
    if let Some(c) = at.channel.as_deref() {
        named.extend(lex.find(c));
    }
    for m in named {
        let key = lex.key(m.outlet);
        if a.own.iter().any(|k| k == key) {
            continue;
        }
        return match owner(key, art) {
            Some(o) => arts[o].doc.id.clone(),
            None => g.external(key, lex),
        };
    }
    a.doc.id.clone()
}

/// Byte ranges of quotations (between their marks; closed, outermost): the quotation layer
/// of `claimtrace_text::quotes`, the one attribution reads.
pub fn quotations(text: &str) -> Vec<(usize, usize)> {
    claimtrace_text::quotes::quotations(text)
        .into_iter()
        .map(|s| (s.start as usize, s.end as usize))
        .collect()
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    node_ix: FxHashMap<String, usize>,
    edges: Vec<Edge>,
    edge_ix: FxHashMap<(String, String), usize>,
}

impl Builder {
    fn node(&mut self, n: Node) {
        if !self.node_ix.contains_key(&n.id) {
            self.node_ix.insert(n.id.clone(), self.nodes.len());
            self.nodes.push(n);
        }
    }

    fn external(&mut self, key: &str, lex: &Lexicon) -> String {
        let id = format!("ext:{key}");
        if !self.node_ix.contains_key(&id) {
            let name = lex.by_key(key).map(|o| o.name.clone());
            self.node(Node {
                id: id.clone(),
                kind: NodeKind::External,
                outlet: name.or_else(|| Some(key.to_string())),
                title: None,
                url: None,
                published: None,
                lang: None,
            });
        }
        id
    }

    fn edge(&mut self, from: &str, to: &str, ev: Evidence) {
        if from == to {
            return;
        }
        let k = (from.to_string(), to.to_string());
        let i = match self.edge_ix.get(&k) {
            Some(&i) => i,
            None => {
                self.edges.push(Edge {
                    from: k.0.clone(),
                    to: k.1.clone(),
                    evidence: Vec::new(),
                    drift: Vec::new(),
                });
                self.edge_ix.insert(k, self.edges.len() - 1);
                self.edges.len() - 1
            }
        };
        if let Some(e) = self.edges.get_mut(i)
            && !e
                .evidence
                .iter()
                .any(|x| x.kind == ev.kind && x.text == ev.text)
            && e.evidence.len() < 16
        {
            e.evidence.push(ev);
        }
    }

    /// The root (no incoming edge, or earliest in a cycle) that the most nodes lead back to;
    /// ties go to the earliest article, then to external nodes.
    fn origin(&self, rank: &[usize], by_id: &FxHashMap<&str, usize>) -> Option<String> {
        if self.nodes.is_empty() {
            return None;
        }
        // Same-claim edges only count for nodes no stronger evidence links.
        let strong = |e: &Edge| e.evidence.iter().any(|x| x.kind != EvidenceKind::SameClaim);
        let linked: FxHashSet<&str> = self
            .edges
            .iter()
            .filter(|e| strong(e))
            .map(|e| e.to.as_str())
            .collect();
        let mut incoming: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        for e in &self.edges {
            if ALL_EDGES_REACH || strong(e) || !linked.contains(e.to.as_str()) {
                incoming
                    .entry(e.to.as_str())
                    .or_default()
                    .push(e.from.as_str());
            }
        }
        let mut reach: FxHashMap<&str, usize> = FxHashMap::default();
        for n in &self.nodes {
            // Walk back to the ancestors without parents (cycle-safe).
            let mut seen: FxHashSet<&str> = FxHashSet::default();
            let mut stack = vec![n.id.as_str()];
            let mut roots: Vec<&str> = Vec::new();
            while let Some(x) = stack.pop() {
                if !seen.insert(x) {
                    continue;
                }
                match incoming.get(x) {
                    Some(ps) if !ps.is_empty() => stack.extend(ps.iter().copied()),
                    _ => roots.push(x),
                }
            }
            if roots.is_empty() {
                // Only a cycle: its earliest article counts as the root.
                if let Some(r) = seen
                    .iter()
                    .copied()
                    .min_by_key(|x| by_id.get(x).map(|&i| rank[i]).unwrap_or(usize::MAX))
                {
                    roots.push(r);
                }
            }
            for r in roots {
                *reach.entry(r).or_default() += 1;
            }
        }
        let key = |id: &str| {
            let r = by_id.get(id).map(|&i| rank[i]).unwrap_or(usize::MAX);
            (std::cmp::Reverse(reach.get(id).copied().unwrap_or(0)), r)
        };
        reach
            .keys()
            .copied()
            .min_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b)))
            .map(str::to_string)
    }
}
