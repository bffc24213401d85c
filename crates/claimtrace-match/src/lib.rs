//! Claim matching: has this claim been fact-checked before?
//!
//! In: fact-checked claims ([`FactCheck`]: id, text, optional title, url, rating, lang, date),
//! indexed once in memory ([`Matcher::new`]); then any number of query texts (a claim's content,
//! a tweet, a sentence; in any language with a bilingual list). Out: for each query the
//! fact-checks it repeats, best first ([`Matcher::rank`] → [`Match`]: index, score).
//!
//! How: BM25 over the fact-check's claim and title (stemmed content words) gives 100
//! candidates; a learned linear model ([`Weights`], `models/match.tsv`, trained by
//! `claimtrace eval match --write-model` on CheckThat! 2022 train, selected on its dev part)
//! re-ranks them by BM25 score and rank, character 3–5-gram TF-IDF cosine, idf-weighted word
//! coverage both ways, shared word pairs, shared numbers and shared names. Text in another
//! language is read through `lang/<code>/match/en.tsv`; numbers and names carry across.
//! Scores are the model's (higher is better); they compare within one query only.

pub mod eval;
pub mod learn;
pub mod text;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use text::Read;

/// A fact-checked claim.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FactCheck {
    pub id: String,
    /// The claim as the fact-checker wrote it.
    pub text: String,
    /// The fact-check's headline, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// One ranked fact-check for a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// Index into the fact-checks given to [`Matcher::new`].
    pub index: usize,
    pub score: f32,
}

/// BM25 parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25 {
    pub k1: f32,
    pub b: f32,
}

impl Default for Bm25 {
    /// Not tuned (common values); see `claimtrace eval match --bm25-grid`.
    fn default() -> Self {
        Bm25 { k1: 1.2, b: 0.6 }
    }
}

/// Settings of a [`Matcher`].
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub bm25: Bm25,
    /// How many BM25 candidates are re-ranked.
    pub candidates: usize,
    /// Re-rank weights; `None` ranks by BM25 alone.
    pub weights: Option<Weights>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bm25: Bm25::default(),
            candidates: 100,
            weights: Some(Weights::shipped()),
        }
    }
}

/// The names of the re-ranking features, in order.
pub const FEATURES: &[&str] = &[
    "bm25_rel",
    "bm25_log",
    "bm25_rrank",
    "char_cos",
    "char_cos_claim",
    "word_cos",
    "cover_doc",
    "cover_query",
    "pairs",
    "num_shared",
    "num_extra",
    "names_shared",
    "char_rrank",
    "bias_len",
];

/// Number of features.
pub const NF: usize = 14;

/// Linear re-ranking weights, one per [`FEATURES`] entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(pub [f32; NF]);

impl Weights {
    /// Reads `feature<TAB>weight` lines (`#` comments allowed); unknown features are errors.
    pub fn parse(s: &str) -> Result<Weights, String> {
        let mut w = [0f32; NF];
        for (n, line) in s.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split('\t');
            let (Some(name), Some(val)) = (it.next(), it.next()) else {
                return Err(format!("line {}: expected feature<TAB>weight", n + 1));
            };
            let i = FEATURES
                .iter()
                .position(|f| *f == name.trim())
                .ok_or_else(|| format!("line {}: unknown feature {name:?}", n + 1))?;
            w[i] = val
                .trim()
                .parse()
                .map_err(|_| format!("line {}: bad weight {val:?}", n + 1))?;
        }
        Ok(Weights(w))
    }

    /// As `feature<TAB>weight` lines.
    pub fn to_tsv(&self) -> String {
        let mut s = String::from(
            "# claimtrace-match re-ranking weights (claimtrace eval match --write-model)\n",
        );
        for (f, w) in FEATURES.iter().zip(self.0.iter()) {
            s.push_str(&format!("{f}\t{w}\n"));
        }
        s
    }

    /// The committed weights (`models/match.tsv`).
    pub fn shipped() -> Weights {
        Weights::parse(include_str!("../../../models/match.tsv")).unwrap_or(Weights([0.0; NF]))
    }
}

/// A fact-check as indexed.
struct Doc {
    read: Read,
    /// Terms of the claim alone (for the claim-only character cosine).
    claim_grams: Vec<(u64, f32)>,
    grams: Vec<(u64, f32)>,
    /// idf-weighted term vector, normalised.
    words: Vec<(u32, f32)>,
    pairs: Vec<u64>,
    len: f32,
}

/// The in-memory index of fact-checks.
pub struct Matcher {
    cfg: Config,
    docs: Vec<Doc>,
    vocab: FxHashMap<String, u32>,
    /// Postings: term → (doc, term frequency).
    post: Vec<Vec<(u32, u16)>>,
    idf: Vec<f32>,
    gram_idf: FxHashMap<u64, f32>,
    avg_len: f32,
}

fn pair_keys(terms: &[String]) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut v: Vec<u64> = terms
        .windows(2)
        .map(|w| {
            let mut h = rustc_hash::FxHasher::default();
            w[0].hash(&mut h);
            w[1].hash(&mut h);
            h.finish()
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn normalise<K: Copy + Ord>(mut v: Vec<(K, f32)>) -> Vec<(K, f32)> {
    v.sort_unstable_by_key(|a| a.0);
    let n = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in &mut v {
            x.1 /= n;
        }
    }
    v
}

fn dot<K: Copy + Ord>(a: &[(K, f32)], b: &[(K, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

fn gram_vec(g: &FxHashMap<u64, u32>, idf: &FxHashMap<u64, f32>, max_idf: f32) -> Vec<(u64, f32)> {
    normalise(
        g.iter()
            .map(|(k, c)| {
                (
                    *k,
                    (1.0 + (*c as f32).ln()) * idf.get(k).copied().unwrap_or(max_idf),
                )
            })
            .collect(),
    )
}

/// A query as read, with its vectors.
struct Query {
    read: Read,
    grams: Vec<(u64, f32)>,
    term_ids: Vec<(u32, u16)>,
    words: Vec<(u32, f32)>,
    pairs: Vec<u64>,
}

impl Matcher {
    /// Indexes the fact-checks (claim + title).
    pub fn new(fcs: &[FactCheck], cfg: Config) -> Matcher {
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut post: Vec<Vec<(u32, u16)>> = Vec::new();
        let mut reads = Vec::with_capacity(fcs.len());
        let mut gram_df: FxHashMap<u64, u32> = FxHashMap::default();
        let mut grams_all = Vec::with_capacity(fcs.len());
        let mut claim_grams_all = Vec::with_capacity(fcs.len());
        for (d, fc) in fcs.iter().enumerate() {
            let lang = fc.lang.as_deref().unwrap_or("en");
            let full = match &fc.title {
                Some(t) if !t.is_empty() => format!("{}\n{}", fc.text, t),
                _ => fc.text.clone(),
            };
            let r = text::read(&full, lang);
            let mut tf: FxHashMap<&str, u16> = FxHashMap::default();
            for t in &r.terms {
                *tf.entry(t.as_str()).or_insert(0) += 1;
            }
            for (t, c) in tf {
                let id = match vocab.get(t) {
                    Some(&i) => i,
                    None => {
                        let i = post.len() as u32;
                        vocab.insert(t.to_string(), i);
                        post.push(Vec::new());
                        i
                    }
                };
                post[id as usize].push((d as u32, c));
            }
            let g = text::char_grams(&r.flat);
            for k in g.keys() {
                *gram_df.entry(*k).or_insert(0) += 1;
            }
            grams_all.push(g);
            claim_grams_all.push(text::char_grams(&text::read(&fc.text, lang).flat));
            reads.push(r);
        }
        let n = fcs.len().max(1) as f32;
        let idf: Vec<f32> = post
            .iter()
            .map(|p| {
                let df = p.len() as f32;
                ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
            })
            .collect();
        let gram_idf: FxHashMap<u64, f32> = gram_df
            .into_iter()
            .map(|(k, df)| (k, ((n + 1.0) / (df as f32 + 1.0)).ln() + 1.0))
            .collect();
        let max_gidf = (n + 1.0).ln() + 1.0;
        let mut docs = Vec::with_capacity(fcs.len());
        let mut total = 0f32;
        for ((r, g), cg) in reads.into_iter().zip(grams_all).zip(claim_grams_all) {
            let len = r.terms.len() as f32;
            total += len;
            let mut tf: FxHashMap<u32, f32> = FxHashMap::default();
            for t in &r.terms {
                if let Some(&i) = vocab.get(t) {
                    *tf.entry(i).or_insert(0.0) += 1.0;
                }
            }
            let words = normalise(
                tf.into_iter()
                    .map(|(i, c)| (i, (1.0 + c.ln()) * idf[i as usize]))
                    .collect(),
            );
            docs.push(Doc {
                pairs: pair_keys(&r.terms),
                grams: gram_vec(&g, &gram_idf, max_gidf),
                claim_grams: gram_vec(&cg, &gram_idf, max_gidf),
                words,
                read: r,
                len,
            });
        }
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            (total / docs.len() as f32).max(1.0)
        };
        Matcher {
            cfg,
            docs,
            vocab,
            post,
            idf,
            gram_idf,
            avg_len,
        }
    }

    /// Number of indexed fact-checks.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when no fact-check is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    fn query(&self, text: &str, lang: &str) -> Query {
        let read = text::read(text, lang);
        let mut tf: FxHashMap<u32, u16> = FxHashMap::default();
        for t in &read.terms {
            if let Some(&i) = self.vocab.get(t) {
                *tf.entry(i).or_insert(0) += 1;
            }
        }
        let term_ids: Vec<(u32, u16)> = tf.into_iter().collect();
        let words = normalise(
            term_ids
                .iter()
                .map(|(i, c)| (*i, (1.0 + (*c as f32).ln()) * self.idf[*i as usize]))
                .collect(),
        );
        let max_gidf = (self.docs.len() as f32 + 1.0).ln() + 1.0;
        let grams = gram_vec(&text::char_grams(&read.flat), &self.gram_idf, max_gidf);
        Query {
            pairs: pair_keys(&read.terms),
            read,
            grams,
            term_ids,
            words,
        }
    }

    /// BM25 scores of every fact-check for a query's terms (zero where no term is shared).
    fn bm25_all(&self, q: &Query, p: Bm25) -> Vec<f32> {
        let mut s = vec![0f32; self.docs.len()];
        for &(t, _qtf) in &q.term_ids {
            let idf = self.idf[t as usize];
            for &(d, tf) in &self.post[t as usize] {
                let tf = tf as f32;
                let dl = self.docs[d as usize].len;
                s[d as usize] +=
                    idf * tf * (p.k1 + 1.0) / (tf + p.k1 * (1.0 - p.b + p.b * dl / self.avg_len));
            }
        }
        s
    }

    /// The top `k` by a score vector (positive scores only), best first.
    fn top(scores: &[f32], k: usize) -> Vec<Match> {
        let mut v: Vec<Match> = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(i, s)| Match {
                index: i,
                score: *s,
            })
            .collect();
        let by = |a: &Match, b: &Match| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index));
        if v.len() > k {
            v.select_nth_unstable_by(k, by);
            v.truncate(k);
        }
        v.sort_by(by);
        v
    }

    /// BM25 alone, best first.
    pub fn rank_bm25(&self, text: &str, lang: &str, k: usize) -> Vec<Match> {
        let q = self.query(text, lang);
        Self::top(&self.bm25_all(&q, self.cfg.bm25), k)
    }

    /// The re-ranking candidates of a query with their feature vectors.
    pub fn candidates(&self, text: &str, lang: &str) -> Vec<(usize, [f32; NF])> {
        let q = self.query(text, lang);
        let bm = self.bm25_all(&q, self.cfg.bm25);
        let cands = Self::top(&bm, self.cfg.candidates);
        let max = cands.first().map_or(1.0, |m| m.score.max(1e-6));
        let chars: Vec<f32> = cands
            .iter()
            .map(|m| dot(&q.grams, &self.docs[m.index].grams))
            .collect();
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by(|a, b| chars[*b].total_cmp(&chars[*a]));
        let mut char_rank = vec![0usize; cands.len()];
        for (r, i) in order.into_iter().enumerate() {
            char_rank[i] = r;
        }
        let qidf: FxHashMap<&str, f32> = q
            .read
            .terms
            .iter()
            .map(|t| {
                let idf = self.vocab.get(t).map_or(0.0, |&i| self.idf[i as usize]);
                (t.as_str(), idf)
            })
            .collect();
        let q_total: f32 = qidf.values().sum::<f32>().max(1e-6);
        cands
            .iter()
            .enumerate()
            .map(|(r, m)| {
                let d = &self.docs[m.index];
                let mut f = [0f32; NF];
                f[0] = m.score / max;
                f[1] = (1.0 + m.score).ln();
                f[2] = 1.0 / (r as f32 + 1.0);
                f[3] = chars[r];
                f[4] = dot(&q.grams, &d.claim_grams);
                f[5] = dot(&q.words, &d.words);
                // Coverage of the fact-check's terms by the query, and of the query's by it.
                let mut dseen: Vec<&str> = d.read.terms.iter().map(String::as_str).collect();
                dseen.sort_unstable();
                dseen.dedup();
                let (mut cov, mut tot) = (0f32, 0f32);
                for t in &dseen {
                    let idf = self.vocab.get(*t).map_or(0.0, |&i| self.idf[i as usize]);
                    tot += idf;
                    if qidf.contains_key(t) {
                        cov += idf;
                    }
                }
                f[6] = if tot > 0.0 { cov / tot } else { 0.0 };
                let qc: f32 = qidf
                    .iter()
                    .filter(|(t, _)| dseen.binary_search(t).is_ok())
                    .map(|(_, v)| *v)
                    .sum();
                f[7] = qc / q_total;
                f[8] = (q
                    .pairs
                    .iter()
                    .filter(|p| d.pairs.binary_search(p).is_ok())
                    .count() as f32)
                    .min(5.0)
                    / 5.0;
                let dn = &d.read.numbers;
                let shared = q.read.numbers.iter().filter(|x| dn.contains(x)).count();
                f[9] = (shared as f32).min(3.0) / 3.0;
                f[10] = if dn.iter().any(|x| !q.read.numbers.contains(x)) {
                    1.0
                } else {
                    0.0
                };
                let names_shared = q
                    .read
                    .names
                    .iter()
                    .filter(|x| d.read.terms.iter().any(|t| *t == text::stem(x)))
                    .count();
                f[11] = (names_shared as f32).min(4.0) / 4.0;
                f[12] = 1.0 / (char_rank[r] as f32 + 1.0);
                f[13] = (d.len / self.avg_len).min(4.0);
                (m.index, f)
            })
            .collect()
    }

    /// The fact-checks a text repeats, best first (at most `k`).
    pub fn rank(&self, text: &str, lang: &str, k: usize) -> Vec<Match> {
        let Some(w) = &self.cfg.weights else {
            return self.rank_bm25(text, lang, k);
        };
        let mut v: Vec<Match> = self
            .candidates(text, lang)
            .into_iter()
            .map(|(index, f)| Match {
                index,
                score: f.iter().zip(w.0.iter()).map(|(a, b)| a * b).sum(),
            })
            .collect();
        v.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
        v.truncate(k);
        v
    }
}

/// Reads fact-checks from JSONL (`id`, `text`, optional `title`, `url`, `rating`, `lang`,
/// `date`); an error names the line.
pub fn read_factchecks(s: &str) -> Result<Vec<FactCheck>, String> {
    let mut out = Vec::new();
    for (n, line) in s.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fc: FactCheck =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        if fc.id.is_empty() {
            return Err(format!("line {}: empty \"id\"", n + 1));
        }
        out.push(fc);
    }
    Ok(out)
}

/// The claims of an annotated article to match: (index in `attributions`, content text), in
/// text order; contents shorter than three words are left out.
pub fn doc_claims(doc: &claimtrace_core::Doc) -> Vec<(u32, String)> {
    doc.attributions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let t = doc.span_text(a.content).trim();
            (t.split_whitespace().count() >= 3).then(|| (i as u32, t.to_string()))
        })
        .collect()
}

/// The default score a match needs to be flagged on ingest (`claimtrace ingest --factchecks`):
/// below it, a claim's best candidate is usually not the same claim. Chosen on CheckThat!
/// train-dev dev (see docs/benchmarks/match.md).
pub const FLAG_SCORE: f32 = 13.1;

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(id: &str, text: &str) -> FactCheck {
        FactCheck {
            id: id.into(),
            text: text.into(),
            ..FactCheck::default()
        }
    }

    fn checks() -> Vec<FactCheck> {
        vec![
            fc(
                "a",
                "The mayor of Brindlecombe banned green umbrellas in 2019.",
            ),
            fc("b", "Drinking lemon tea cures the Marsh flu."),
            fc("c", "A video shows 300 frogs crossing the Quillon bridge."),
        ]
    }

    #[test]
    fn finds_paraphrase() {
        let m = Matcher::new(&checks(), Config::default());
        let r = m.rank(
            "Brindlecombe's mayor has outlawed green umbrellas!",
            "en",
            3,
        );
        assert_eq!(r.first().map(|m| m.index), Some(0));
        let r = m.rank("lemon tea is a cure for marsh flu, says my aunt", "en", 3);
        assert_eq!(r.first().map(|m| m.index), Some(1));
    }

    #[test]
    fn nothing_shared_is_empty() {
        let m = Matcher::new(&checks(), Config::default());
        assert!(m.rank("zzz qqq", "en", 5).is_empty());
        assert!(m.rank("", "en", 5).is_empty());
        let e = Matcher::new(&[], Config::default());
        assert!(e.rank("frogs", "en", 5).is_empty());
    }

    #[test]
    fn weights_roundtrip() {
        let w = Weights([0.5; NF]);
        assert_eq!(Weights::parse(&w.to_tsv()), Ok(w));
        assert!(Weights::parse("nope\t1").is_err());
    }

    #[test]
    fn factchecks_name_the_line() {
        let e = read_factchecks("{\"id\":\"a\",\"text\":\"x\"}\n{bad").unwrap_err();
        assert!(e.starts_with("line 2"));
    }
}
