//! Evaluation on CheckThat! 2022 Task 2A (English; `../shared/data/claim-matching`): readers
//! of its files, the metrics (MAP@k with one or more relevant fact-checks, MRR) and the peer,
//! a plain BM25 ([`PlainBm25`]).

use crate::FactCheck;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

/// A query: id and text.
pub type Query = (String, String);

/// Reads `vclaims.jsonl` (`vclaim_id`, `vclaim`, `title`) as fact-checks (text = vclaim).
pub fn read_vclaims(path: &Path) -> Result<Vec<FactCheck>, String> {
    read_vclaims_with(path, false)
}

/// [`read_vclaims`], with the `subtitle` appended to the title when `subtitle` is set.
pub fn read_vclaims_with(path: &Path, subtitle: bool) -> Result<Vec<FactCheck>, String> {
    let s = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in s.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}: line {}: {e}", path.display(), n + 1))?;
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let Some(id) = get("vclaim_id") else {
            return Err(format!("{}: line {}: no vclaim_id", path.display(), n + 1));
        };
        out.push(FactCheck {
            id,
            text: get("vclaim").unwrap_or_default(),
            title: match (get("title"), get("subtitle")) {
                (Some(t), Some(st)) if subtitle => Some(format!("{t}\n{st}")),
                (t, _) => t,
            },
            url: get("page_url"),
            date: get("date"),
            lang: Some("en".into()),
            rating: None,
        });
    }
    Ok(out)
}

/// Reads a queries file (`id<TAB>text`).
pub fn read_queries(path: &Path) -> Result<Vec<Query>, String> {
    let s = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(s.lines()
        .filter_map(|l| {
            let (id, t) = l.split_once('\t')?;
            Some((id.trim().to_string(), t.to_string()))
        })
        .collect())
}

/// Reads a qrels file (`query 0 vclaim 1`): query → relevant fact-check ids.
pub fn read_qrels(path: &Path) -> Result<FxHashMap<String, FxHashSet<String>>, String> {
    let s = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut m: FxHashMap<String, FxHashSet<String>> = FxHashMap::default();
    for l in s.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() >= 4 && f[3] != "0" {
            m.entry(f[0].to_string())
                .or_default()
                .insert(f[2].to_string());
        }
    }
    Ok(m)
}

/// Ranking metrics over queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub queries: usize,
    pub map1: f64,
    pub map5: f64,
    pub mrr: f64,
    /// Share of queries whose relevant fact-check is among the ranked ones at all.
    pub recall: f64,
}

/// Average precision at `k` of one ranking (TREC's AP@k: relevant found in the top k, each
/// counted with its precision, divided by min(relevant, k)).
pub fn ap_at(ranked: &[&str], rel: &FxHashSet<String>, k: usize) -> f64 {
    if rel.is_empty() {
        return 0.0;
    }
    let (mut hits, mut s) = (0usize, 0f64);
    for (i, id) in ranked.iter().take(k).enumerate() {
        if rel.contains(*id) {
            hits += 1;
            s += hits as f64 / (i + 1) as f64;
        }
    }
    s / rel.len().min(k) as f64
}

/// Scores rankings (query id → fact-check ids, best first) against qrels; queries without
/// qrels are left out.
pub fn score(
    runs: &[(String, Vec<String>)],
    qrels: &FxHashMap<String, FxHashSet<String>>,
) -> Scores {
    let mut s = Scores::default();
    for (q, ranked) in runs {
        let Some(rel) = qrels.get(q) else { continue };
        let r: Vec<&str> = ranked.iter().map(String::as_str).collect();
        s.queries += 1;
        s.map1 += ap_at(&r, rel, 1);
        s.map5 += ap_at(&r, rel, 5);
        if let Some(p) = r.iter().position(|id| rel.contains(*id)) {
            s.mrr += 1.0 / (p + 1) as f64;
            s.recall += 1.0;
        }
    }
    if s.queries > 0 {
        let n = s.queries as f64;
        s.map1 /= n;
        s.map5 /= n;
        s.mrr /= n;
        s.recall /= n;
    }
    s
}

/// The peer: a plain Okapi BM25 (k1 = 1.5, b = 0.75, `rank_bm25`'s defaults and its idf with
/// the 0.25 × mean-idf floor for negative values) over `claim + " " + title`, words lower-cased and
/// split on anything not a letter or digit; no stemming, no stop words, no re-ranking.
pub struct PlainBm25 {
    vocab: FxHashMap<String, usize>,
    post: Vec<Vec<(u32, f32)>>,
    idf: Vec<f32>,
    len: Vec<f32>,
    avg: f32,
    k1: f32,
    b: f32,
}

fn plain_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl PlainBm25 {
    pub fn new(fcs: &[FactCheck]) -> PlainBm25 {
        let mut vocab: FxHashMap<String, usize> = FxHashMap::default();
        let mut post: Vec<Vec<(u32, f32)>> = Vec::new();
        let mut len = Vec::with_capacity(fcs.len());
        for (d, fc) in fcs.iter().enumerate() {
            let t = format!("{} {}", fc.text, fc.title.as_deref().unwrap_or(""));
            let w = plain_words(&t);
            len.push(w.len() as f32);
            let mut tf: FxHashMap<String, f32> = FxHashMap::default();
            for x in w {
                *tf.entry(x).or_insert(0.0) += 1.0;
            }
            for (x, c) in tf {
                let n = vocab.len();
                let i = *vocab.entry(x).or_insert(n);
                if i == post.len() {
                    post.push(Vec::new());
                }
                post[i].push((d as u32, c));
            }
        }
        let n = fcs.len() as f32;
        let mut idf: Vec<f32> = post
            .iter()
            .map(|p| {
                let df = p.len() as f32;
                ((n - df + 0.5) / (df + 0.5)).ln()
            })
            .collect();
        let mean = if idf.is_empty() {
            0.0
        } else {
            idf.iter().sum::<f32>() / idf.len() as f32
        };
        for x in &mut idf {
            if *x < 0.0 {
                *x = 0.25 * mean;
            }
        }
        let avg = (len.iter().sum::<f32>() / len.len().max(1) as f32).max(1.0);
        PlainBm25 {
            vocab,
            post,
            idf,
            len,
            avg,
            k1: 1.5,
            b: 0.75,
        }
    }

    /// The top `k` fact-check indices for a query, best first.
    pub fn rank(&self, q: &str, k: usize) -> Vec<usize> {
        let mut s = vec![0f32; self.len.len()];
        for w in plain_words(q) {
            let Some(&t) = self.vocab.get(&w) else {
                continue;
            };
            for &(d, tf) in &self.post[t] {
                let dl = self.len[d as usize];
                s[d as usize] += self.idf[t] * tf * (self.k1 + 1.0)
                    / (tf + self.k1 * (1.0 - self.b + self.b * dl / self.avg));
            }
        }
        let mut v: Vec<usize> = (0..s.len()).filter(|i| s[*i] > 0.0).collect();
        v.sort_by(|a, b| s[*b].total_cmp(&s[*a]).then(a.cmp(b)));
        v.truncate(k);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_at_5() {
        let rel: FxHashSet<String> = ["b".to_string()].into_iter().collect();
        assert_eq!(ap_at(&["a", "b"], &rel, 5), 0.5);
        assert_eq!(ap_at(&["a", "c", "d", "e", "f", "b"], &rel, 5), 0.0);
    }

    #[test]
    fn plain_bm25_ranks() {
        let fcs = vec![
            FactCheck {
                id: "x".into(),
                text: "owls can read maps".into(),
                ..FactCheck::default()
            },
            FactCheck {
                id: "y".into(),
                text: "cats can swim".into(),
                ..FactCheck::default()
            },
            FactCheck {
                id: "z".into(),
                text: "dogs can sing".into(),
                ..FactCheck::default()
            },
        ];
        let b = PlainBm25::new(&fcs);
        assert_eq!(b.rank("do owls read", 2), vec![0]);
    }
}
