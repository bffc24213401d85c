//! Near-duplicates, reprints and online, cross-language story clustering.
//!
//! * [`Fingerprint::of`] turns an annotated [`claimtrace_core::Doc`] into a compact signature:
//!   a MinHash of word shingles ([`Config::shingle`] words; near-copies, reprints) and
//!   cross-language keys (names through alias and transliteration tables, places, numbers,
//!   dates, weekdays).
//! * [`Connector::add`] takes fingerprints in publication order and puts each article into a
//!   story (or opens one), finding its near-duplicates and what it reprints through LSH
//!   buckets; [`Connector::restore`] rebuilds that state from stored triples.
//! * [`bcubed`] scores a clustering against a gold one; [`baseline`] is the TF-IDF cosine +
//!   average-link peer that `claimtrace eval stories --baseline` prints beside it.

pub mod baseline;
mod connector;
mod fingerprint;
pub mod norm;

pub use connector::{Assignment, Config, Connector};
pub use fingerprint::{
    Fingerprint, KeyKind, MINHASH_LEN, SHINGLE, days_from_civil, key, parse_day, weekday,
};

use std::collections::HashMap;
use std::hash::Hash;

/// B-cubed precision, recall and F1 of a predicted clustering against a gold one.
///
/// `gold` and `pred` map item → cluster label; only items present in both are scored. Returns
/// `(0, 0, 0)` when there is nothing to score.
pub fn bcubed<I, G, P>(gold: &HashMap<I, G>, pred: &HashMap<I, P>) -> (f64, f64, f64)
where
    I: Eq + Hash,
    G: Eq + Hash,
    P: Eq + Hash,
{
    let items: Vec<(&G, &P)> = gold
        .iter()
        .filter_map(|(i, g)| pred.get(i).map(|p| (g, p)))
        .collect();
    if items.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut both: HashMap<(&G, &P), f64> = HashMap::new();
    let mut gs: HashMap<&G, f64> = HashMap::new();
    let mut ps: HashMap<&P, f64> = HashMap::new();
    for &(g, p) in &items {
        *both.entry((g, p)).or_default() += 1.0;
        *gs.entry(g).or_default() += 1.0;
        *ps.entry(p).or_default() += 1.0;
    }
    let (mut prec, mut rec) = (0.0, 0.0);
    for &(g, p) in &items {
        let b = both.get(&(g, p)).copied().unwrap_or(0.0);
        prec += b / ps.get(p).copied().unwrap_or(1.0);
        rec += b / gs.get(g).copied().unwrap_or(1.0);
    }
    let n = items.len() as f64;
    let (p, r) = (prec / n, rec / n);
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcubed_basics() {
        let gold: HashMap<&str, &str> = [("a", "x"), ("b", "x"), ("c", "y")].into();
        let same: HashMap<&str, u64> = [("a", 1), ("b", 1), ("c", 2)].into();
        assert_eq!(bcubed(&gold, &same), (1.0, 1.0, 1.0));
        let one: HashMap<&str, u64> = [("a", 1), ("b", 1), ("c", 1)].into();
        let (p, r, _) = bcubed(&gold, &one);
        assert!((p - 5.0 / 9.0).abs() < 1e-9 && (r - 1.0).abs() < 1e-9);
        let empty: HashMap<&str, u64> = HashMap::new();
        assert_eq!(bcubed(&gold, &empty), (0.0, 0.0, 0.0));
    }
}
