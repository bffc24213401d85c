//! The peer of story clustering: TF-IDF cosine over folded words with average-link
//! agglomerative clustering, cut at one threshold (chosen on a dev split by the caller).
//!
//! Quadratic in the number of articles (a full similarity matrix): an evaluation peer, not a
//! stage. It uses no dates and no annotation layers, only the text.

use claimtrace_text::norm::{fold, words};
use rustc_hash::FxHashMap;

/// One merge of the dendrogram: the two cluster ids joined and the average similarity at
/// which they joined. Leaves are `0..n`, the cluster made by merge `k` is `n + k`.
#[derive(Clone, Copy, Debug)]
pub struct Merge {
    pub a: usize,
    pub b: usize,
    pub sim: f64,
}

/// TF-IDF vectors (log tf, smoothed idf, L2-normalised) of the texts, as sorted sparse rows.
pub fn tfidf(texts: &[&str]) -> Vec<Vec<(u32, f64)>> {
    let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
    let mut rows: Vec<FxHashMap<u32, f64>> = Vec::with_capacity(texts.len());
    let mut df: Vec<u32> = Vec::new();
    for t in texts {
        let mut tf: FxHashMap<u32, f64> = FxHashMap::default();
        for (s, e) in words(t) {
            let w = fold(t.get(s..e).unwrap_or(""));
            if w.chars().count() < 2 {
                continue;
            }
            let n = vocab.len() as u32;
            let id = *vocab.entry(w).or_insert(n);
            if id as usize == df.len() {
                df.push(0);
            }
            *tf.entry(id).or_default() += 1.0;
        }
        for id in tf.keys() {
            df[*id as usize] += 1;
        }
        rows.push(tf);
    }
    let n = texts.len() as f64;
    rows.into_iter()
        .map(|tf| {
            let mut v: Vec<(u32, f64)> = tf
                .into_iter()
                .map(|(id, c)| {
                    let idf = ((1.0 + n) / (1.0 + f64::from(df[id as usize]))).ln() + 1.0;
                    (id, (1.0 + c.ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v.sort_unstable_by_key(|x| x.0);
            v
        })
        .collect()
}

fn dot(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
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

/// The average-link dendrogram of the texts under TF-IDF cosine (merges in decreasing
/// similarity; average link is monotone, so cutting at `t` = applying the merges with
/// `sim >= t`).
pub fn dendrogram(texts: &[&str]) -> Vec<Merge> {
    let v = tfidf(texts);
    let n = v.len();
    // Sum of pairwise similarities between live clusters, and their sizes.
    let mut sum = vec![vec![0.0f64; n]; n];
    for i in 0..n {
        for j in (i + 1)..n {
            let s = dot(&v[i], &v[j]);
            sum[i][j] = s;
            sum[j][i] = s;
        }
    }
    let mut size = vec![1usize; n];
    let mut id: Vec<usize> = (0..n).collect();
    let mut live = vec![true; n];
    let mut merges = Vec::new();
    for k in 0..n.saturating_sub(1) {
        let mut best: Option<(usize, usize, f64)> = None;
        for i in 0..n {
            if !live[i] {
                continue;
            }
            for j in (i + 1)..n {
                if !live[j] {
                    continue;
                }
                let avg = sum[i][j] / (size[i] * size[j]) as f64;
                if best.is_none_or(|b| avg > b.2) {
                    best = Some((i, j, avg));
                }
            }
        }
        let Some((i, j, sim)) = best else { break };
        merges.push(Merge {
            a: id[i],
            b: id[j],
            sim,
        });
        for m in 0..n {
            if live[m] && m != i && m != j {
                let s = sum[i][m] + sum[j][m];
                sum[i][m] = s;
                sum[m][i] = s;
            }
        }
        size[i] += size[j];
        live[j] = false;
        id[i] = n + k;
    }
    merges
}

/// Flat clusters of `n` leaves: the dendrogram cut at `t` (cluster label per leaf).
pub fn cut(n: usize, merges: &[Merge], t: f64) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n + merges.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (k, m) in merges.iter().enumerate() {
        if m.sim < t {
            continue;
        }
        let (a, b) = (find(&mut parent, m.a), find(&mut parent, m.b));
        parent[a] = n + k;
        parent[b] = n + k;
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_topics_split_at_a_middle_threshold() {
        let texts = [
            "The river Velmora flooded the town of Ostrik on Monday",
            "Floods from the river Velmora hit Ostrik town on Monday",
            "A chess grandmaster from Pallin won the open tournament",
            "The Pallin grandmaster won the chess tournament",
        ];
        let m = dendrogram(&texts);
        assert_eq!(m.len(), 3);
        let c = cut(4, &m, 0.2);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[2], c[3]);
        assert_ne!(c[0], c[2]);
        let all = cut(4, &m, -1.0);
        assert!(all.iter().all(|x| *x == all[0]));
        let none = cut(4, &m, 2.0);
        assert_eq!(none, vec![0, 1, 2, 3]);
        assert!(dendrogram(&[]).is_empty());
    }
}
