//! [`Connector`]: online near-duplicate detection (MinHash LSH) and story clustering.

use crate::fingerprint::{Fingerprint, KeyKind, MINHASH_LEN, key, weak_to_name, weekday};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use xxhash_rust::xxh3::xxh3_64;

/// LSH: the first `BANDS * ROWS` MinHash values, in bands of `ROWS`.
const BANDS: usize = 32;
const ROWS: usize = 2;
/// At most this many articles per LSH bucket (the most recent).
const BUCKET_CAP: usize = 32;

/// Tuning of a [`Connector`]. The defaults were set on the tuning half of the dev-stories
/// corpus (see docs/benchmarks/story.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Estimated Jaccard similarity from which two bodies are near-duplicates.
    pub near_dup_jaccard: f32,
    /// Estimated Jaccard similarity from which a later article reprints an earlier one.
    pub reprint_jaccard: f32,
    /// Or: share of the smaller body found in the larger one (a cut or extended copy), with
    /// at least `near_dup_jaccard / 3` Jaccard.
    pub reprint_containment: f32,
    /// Bodies with fewer shingles than this are never called reprints (too short to tell).
    pub reprint_min_shingles: u32,
    /// An article joins a story only if its day lies within this many days of the story's
    /// first day (one day earlier is always allowed): different events of one topic days
    /// apart stay apart. Reprints and near-copies join regardless.
    pub event_window_days: i32,
    /// Minimum share of the article's key weight found in a story to join it.
    pub min_score: f32,
    /// The same for an article with no date (no time window protects it).
    pub min_score_undated: f32,
    /// Share of an uncapitalised Arabic word's weight counted in the article's key mass (its
    /// full weight counts when a story has it).
    pub weak_mass: f32,
    /// Share of a weak key's weight (uncapitalised Arabic word, German capitalised word,
    /// weekday) counted when a story has it: 0 = weak keys never make a match on their own
    /// (short skeletons collide across unrelated stories). Stores written before this field
    /// existed keep their behaviour (1: full weight).
    #[serde(default = "old_weak_match")]
    pub weak_match: f32,
    /// Minimum number of distinct shared keys to join a story.
    pub min_shared_keys: u32,
    /// Articles stay in the near-duplicate index this many days (of publication).
    pub near_dup_days: i32,
    /// Stories not updated for this many days (behind the newest day seen) leave the index,
    /// once more than `retention_after_stories` stories are in memory (below that, undated
    /// articles can still join old stories).
    pub retention_days: i32,
    pub retention_after_stories: usize,
    /// At most this many stories are kept in memory; the least recently updated go first.
    pub max_active_stories: usize,
    /// At most this many stories are remembered per key (the most recent).
    pub max_postings: usize,
    /// At most this many keys are kept per story.
    pub max_story_keys: usize,
    /// Words per body shingle of the MinHash signature ([`Fingerprint::with_shingle`]).
    /// Fingerprints computed with another value do not compare, so a store keeps the value
    /// it was built with (stores written before this field existed used the default).
    #[serde(default = "default_shingle")]
    pub shingle: usize,
}

fn old_weak_match() -> f32 {
    1.0
}

fn default_shingle() -> usize {
    crate::fingerprint::SHINGLE
}

impl Default for Config {
    fn default() -> Self {
        Config {
            near_dup_jaccard: 0.3,
            reprint_jaccard: 0.6,
            reprint_containment: 0.7,
            reprint_min_shingles: 20,
            event_window_days: 2,
            min_score: 0.1,
            min_score_undated: 0.15,
            weak_mass: 0.1,
            weak_match: 0.0,
            min_shared_keys: 2,
            near_dup_days: 30,
            retention_days: 60,
            retention_after_stories: 10_000,
            max_active_stories: 200_000,
            max_postings: 32,
            max_story_keys: 400,
            shingle: crate::fingerprint::SHINGLE,
        }
    }
}

/// Where [`Connector::add`] put an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Story id (stable: stored by the caller, given back to [`Connector::restore`]).
    pub story: u64,
    /// True when this article opened the story.
    pub new_story: bool,
    /// The earlier article this one copies near verbatim.
    pub reprint_of: Option<String>,
    /// Earlier articles with a similar body, with their estimated Jaccard similarity, most
    /// similar first.
    pub near_dups: Vec<(String, f32)>,
}

struct Article {
    id: String,
    day: Option<i32>,
    minhash: Box<[u16]>,
    /// Insertion number (slots are reused once articles expire).
    seq: u64,
    /// (slot, seq) of the article this one reprints.
    reprint_of: Option<(u32, u64)>,
    shingles: u32,
    story: u64,
}

struct Story {
    first_day: Option<i32>,
    last_day: Option<i32>,
    /// The connector's clock when the story last grew (for eviction).
    touched: i32,
    n: u32,
    keys: FxHashMap<u32, u16>,
}

/// Online story clustering and near-duplicate detection. Feed articles in publication order
/// (late ones are accepted) with [`Connector::add`].
pub struct Connector {
    cfg: Config,
    articles: Vec<Option<Article>>,
    free: Vec<u32>,
    /// (expiry day, article slot) in insertion order.
    expiry: VecDeque<(i32, u32)>,
    lsh: FxHashMap<u64, Vec<u32>>,
    stories: FxHashMap<u64, Story>,
    postings: FxHashMap<u32, Vec<u64>>,
    df: FxHashMap<u32, u32>,
    docs: u64,
    seq: u64,
    clock: Option<i32>,
    swept: Option<i32>,
    next_story: u64,
}

impl Default for Connector {
    fn default() -> Self {
        Connector::new(Config::default())
    }
}

impl Connector {
    pub fn new(cfg: Config) -> Self {
        Connector {
            cfg,
            articles: Vec::new(),
            free: Vec::new(),
            expiry: VecDeque::new(),
            lsh: FxHashMap::default(),
            stories: FxHashMap::default(),
            postings: FxHashMap::default(),
            df: FxHashMap::default(),
            docs: 0,
            seq: 0,
            clock: None,
            swept: None,
            next_story: 1,
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Stories currently in memory.
    pub fn active_stories(&self) -> usize {
        self.stories.len()
    }

    /// Articles currently in the near-duplicate index.
    pub fn active_articles(&self) -> usize {
        self.articles.len() - self.free.len()
    }

    /// Rebuilds the state from stored `(id, fingerprint, story)` triples, in publication
    /// order, so that a later [`Connector::add`] continues where a previous run stopped.
    pub fn restore<'a, I>(cfg: Config, items: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a Fingerprint, u64)>,
    {
        let mut c = Connector::new(cfg);
        c.restore_more(items);
        c
    }

    /// Adds already-assigned articles (stored by another writer since this connector was
    /// built or last restored), as [`Connector::restore`] does: the state is then the same as
    /// if they had been restored with the rest.
    pub fn restore_more<'a, I>(&mut self, items: I)
    where
        I: IntoIterator<Item = (&'a str, &'a Fingerprint, u64)>,
    {
        for (id, fp, story) in items {
            self.advance(fp);
            self.join(id, fp, story, None);
            self.next_story = self.next_story.max(story.saturating_add(1));
        }
    }

    /// Puts one article into a story (an existing one or a new one).
    pub fn add(&mut self, id: &str, fp: &Fingerprint) -> Assignment {
        self.advance(fp);
        let (near_dups, mut reprint) = self.near_dups(fp);
        let day = fp.day;
        // Follow a reprint of a reprint back to the original.
        if let Some(orig) = reprint
            .and_then(|s| self.article(s))
            .and_then(|a| a.reprint_of)
            .filter(|&(slot, seq)| self.article(slot).is_some_and(|o| o.seq == seq))
        {
            reprint = Some(orig.0);
        }

        // Story of the reprinted article, else the best-scoring story.
        let mut chosen: Option<u64> = reprint
            .and_then(|slot| self.article(slot))
            .map(|a| a.story)
            .filter(|s| self.stories.contains_key(s));
        if chosen.is_none() {
            chosen = self.best_story(fp, day, &near_dups);
        }
        let new_story = chosen.is_none();
        let story = chosen.unwrap_or_else(|| {
            let s = self.next_story;
            self.next_story += 1;
            s
        });
        let rep = reprint.and_then(|s| self.article(s).map(|a| (s, a.seq)));
        self.join(id, fp, story, rep);
        Assignment {
            story,
            new_story,
            reprint_of: reprint.and_then(|s| self.article(s)).map(|a| a.id.clone()),
            near_dups: near_dups
                .iter()
                .filter_map(|&(slot, j)| self.article(slot).map(|a| (a.id.clone(), j)))
                .collect(),
        }
    }

    fn article(&self, slot: u32) -> Option<&Article> {
        self.articles.get(slot as usize).and_then(Option::as_ref)
    }

    /// Moves the clock and drops what fell out of the windows.
    fn advance(&mut self, fp: &Fingerprint) {
        if let Some(d) = fp.day {
            self.clock = Some(self.clock.map_or(d, |c| c.max(d)));
        }
        let Some(clock) = self.clock else { return };
        while let Some(&(exp, slot)) = self.expiry.front() {
            if exp >= clock - self.cfg.near_dup_days {
                break;
            }
            self.expiry.pop_front();
            self.remove_article(slot);
        }
        if self.swept.is_none_or(|s| s < clock)
            && self.stories.len() > self.cfg.retention_after_stories
        {
            self.swept = Some(clock);
            let limit = clock - self.cfg.retention_days;
            self.stories
                .retain(|_, s| s.last_day.is_none_or(|d| d >= limit) || s.touched >= limit);
        }
        if self.stories.len() > self.cfg.max_active_stories {
            let mut t: Vec<i32> = self.stories.values().map(|s| s.touched).collect();
            let drop = self.stories.len() - self.cfg.max_active_stories * 9 / 10;
            let nth = drop.min(t.len().saturating_sub(1));
            if !t.is_empty() {
                t.select_nth_unstable(nth);
            }
            let cut = t.get(nth).copied().unwrap_or(i32::MIN);
            self.stories.retain(|_, s| s.touched >= cut);
        }
    }

    fn bands(minhash: &[u16]) -> impl Iterator<Item = u64> + '_ {
        minhash
            .chunks(ROWS)
            .take(BANDS)
            .enumerate()
            .map(|(b, rows)| {
                let mut v = b as u64;
                for r in rows {
                    v = (v << 16) | u64::from(*r);
                }
                xxh3_64(&v.to_le_bytes())
            })
    }

    fn remove_article(&mut self, slot: u32) {
        let Some(a) = self.articles.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        for b in Self::bands(&a.minhash) {
            if let Some(v) = self.lsh.get_mut(&b) {
                v.retain(|&s| s != slot);
                if v.is_empty() {
                    self.lsh.remove(&b);
                }
            }
        }
        self.free.push(slot);
    }

    /// Near-duplicates among indexed articles, and the reprinted one.
    fn near_dups(&self, fp: &Fingerprint) -> (Vec<(u32, f32)>, Option<u32>) {
        if fp.minhash.len() != MINHASH_LEN {
            return (Vec::new(), None);
        }
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        let mut reprint: Option<(u32, f32)> = None;
        for b in Self::bands(&fp.minhash) {
            let Some(slots) = self.lsh.get(&b) else {
                continue;
            };
            for &slot in slots {
                if !seen.insert(slot) {
                    continue;
                }
                let Some(a) = self.article(slot) else {
                    continue;
                };
                let same = a
                    .minhash
                    .iter()
                    .zip(&fp.minhash)
                    .filter(|(x, y)| x == y)
                    .count();
                let j = same as f32 / MINHASH_LEN as f32;
                let small = a.shingles.min(fp.shingles) as f32;
                let cont = if small > 0.0 {
                    (j / (1.0 + j) * (a.shingles + fp.shingles) as f32 / small).min(1.0)
                } else {
                    0.0
                };
                let near = j >= self.cfg.near_dup_jaccard
                    || (cont >= self.cfg.reprint_containment
                        && j >= self.cfg.near_dup_jaccard / 3.0);
                if !near {
                    continue;
                }
                out.push((slot, j));
                let is_reprint = a.shingles.min(fp.shingles) >= self.cfg.reprint_min_shingles
                    && (j >= self.cfg.reprint_jaccard || cont >= self.cfg.reprint_containment);
                if is_reprint && reprint.is_none_or(|(_, rj)| j > rj) {
                    reprint = Some((slot, j));
                }
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(20);
        (out, reprint.map(|r| r.0))
    }

    fn weight(kind: Option<KeyKind>) -> f32 {
        match kind {
            Some(KeyKind::WeakName) => 0.5,
            Some(KeyKind::Weekday) => 0.5,
            Some(_) => 1.0,
            None => 0.0,
        }
    }

    fn idf(&self, k: u32) -> f32 {
        let df = self.df.get(&k).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 20.0) / (df + 1.0)).ln().max(0.2)
    }

    /// Candidate stories for a fingerprint with their scores, best first (what
    /// [`Connector::add`] would choose from, without the near-duplicate evidence).
    pub fn candidates(&self, fp: &Fingerprint) -> Vec<(u64, f32)> {
        let mut v = self.scored(fp, fp.day, &[]);
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    }

    fn best_story(&self, fp: &Fingerprint, day: Option<i32>, near: &[(u32, f32)]) -> Option<u64> {
        let min = if day.is_some() {
            self.cfg.min_score
        } else {
            self.cfg.min_score_undated
        };
        self.scored(fp, day, near)
            .into_iter()
            .filter(|&(_, sc)| sc >= min)
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|b| b.0)
    }

    /// Scores the stories sharing keys or near-duplicates with an article: the share of the
    /// article's key weight (idf-weighted) found in the story, each shared key counted by how
    /// central it is to the story (sqrt of the share of members with it), plus the best
    /// near-duplicate similarity. Stories outside the event window are left out.
    fn scored(&self, fp: &Fingerprint, day: Option<i32>, near: &[(u32, f32)]) -> Vec<(u64, f32)> {
        let mut near_stories: FxHashMap<u64, f32> = FxHashMap::default();
        for &(slot, j) in near {
            if let Some(a) = self.article(slot) {
                let e = near_stories.entry(a.story).or_default();
                *e = e.max(j);
            }
        }
        // Per story: matched weight, shared keys.
        let mut acc: FxHashMap<u64, (f32, u32)> = FxHashMap::default();
        let weak_match = self.cfg.weak_match;
        let mut mass = 0.0f32;
        let mut years: Vec<u32> = Vec::new();
        for &k in &fp.keys {
            let kind = KeyKind::of(k);
            let pk = if kind == Some(KeyKind::WeakName) {
                weak_to_name(k)
            } else {
                k
            };
            if kind == Some(KeyKind::Year) {
                years.push(k);
            }
            let w = Self::weight(kind) * self.idf(pk);
            mass += match kind {
                Some(KeyKind::Weekday) => 0.0,
                Some(KeyKind::WeakName) => w * self.cfg.weak_mass,
                _ => w,
            };
            if let Some(ss) = self.postings.get(&pk) {
                for &s in ss {
                    let Some(st) = self.stories.get(&s) else {
                        continue;
                    };
                    if let (Some(d), Some(f)) = (day, st.first_day)
                        && (d - f > self.cfg.event_window_days || d - f < -1)
                        && !near_stories.contains_key(&s)
                    {
                        continue;
                    }
                    let c = st.keys.get(&pk).copied().unwrap_or(0) as f32;
                    let central = (c / st.n.max(1) as f32).min(1.0).sqrt();
                    let e = acc.entry(s).or_default();
                    let weak = matches!(kind, Some(KeyKind::WeakName | KeyKind::Weekday));
                    e.0 += w * central * if weak { weak_match } else { 1.0 };
                    e.1 += 1;
                }
            }
        }
        let consider = acc
            .keys()
            .copied()
            .chain(near_stories.keys().copied())
            .collect::<FxHashSet<u64>>();
        let mut out = Vec::with_capacity(consider.len());
        for s in consider {
            let Some(st) = self.stories.get(&s) else {
                continue;
            };
            let (m, shared) = acc.get(&s).copied().unwrap_or((0.0, 0));
            let nd = near_stories.get(&s).copied().unwrap_or(0.0);
            let mut factor = 1.0;
            if nd == 0.0 {
                if let (Some(d), Some(f)) = (day, st.first_day) {
                    let delta = d - f;
                    if delta > self.cfg.event_window_days || delta < -1 {
                        continue;
                    }
                }
                if shared < self.cfg.min_shared_keys {
                    continue;
                }
                // An undated article naming years, none of them the story's: another event.
                if day.is_none()
                    && st.first_day.is_some()
                    && !years.is_empty()
                    && !years.iter().any(|y| st.keys.contains_key(y))
                {
                    factor = 0.5;
                }
            }
            let score = if mass > 0.0 { m / mass } else { 0.0 } * factor + nd;
            out.push((s, score));
        }
        out
    }

    fn join(&mut self, id: &str, fp: &Fingerprint, story: u64, reprint_of: Option<(u32, u64)>) {
        let day = fp.day;
        let clock = self.clock.unwrap_or(0);
        let max_keys = self.cfg.max_story_keys;
        let max_postings = self.cfg.max_postings;
        let st = self.stories.entry(story).or_insert_with(|| Story {
            first_day: None,
            last_day: None,
            touched: clock,
            n: 0,
            keys: FxHashMap::default(),
        });
        st.n = st.n.saturating_add(1);
        st.touched = clock;
        let mut new_keys: Vec<u32> = Vec::new();
        let mut add_key = |st: &mut Story, k: u32| {
            if let Some(c) = st.keys.get_mut(&k) {
                *c = c.saturating_add(1);
            } else if st.keys.len() < max_keys {
                st.keys.insert(k, 1);
                new_keys.push(k);
            }
        };
        if let Some(d) = day {
            st.first_day = Some(st.first_day.map_or(d, |f| f.min(d)));
            st.last_day = Some(st.last_day.map_or(d, |f| f.max(d)));
            // The story's own days, as the text of an undated article may name them.
            for dd in [d, d - 1] {
                if let Some((y, m, md)) = civil(dd) {
                    add_key(st, key(KeyKind::MonthDay, &format!("{m:02}{md:02}")));
                    add_key(st, key(KeyKind::Weekday, &weekday(dd).to_string()));
                    add_key(st, key(KeyKind::Year, &y.to_string()));
                }
            }
        }
        for &k in &fp.keys {
            let k = if KeyKind::of(k) == Some(KeyKind::WeakName) {
                weak_to_name(k)
            } else {
                k
            };
            add_key(st, k);
        }
        let live = &self.stories;
        for k in new_keys {
            let p = self.postings.entry(k).or_default();
            if p.len() >= max_postings {
                p.retain(|s| live.contains_key(s));
                if p.len() >= max_postings {
                    p.remove(0);
                }
            }
            p.push(story);
        }
        for &k in &fp.keys {
            *self.df.entry(k).or_default() += 1;
        }
        self.docs += 1;

        if fp.minhash.len() == MINHASH_LEN {
            let art = Article {
                id: id.to_string(),
                day,
                minhash: fp.minhash.clone().into_boxed_slice(),
                shingles: fp.shingles,
                story,
                seq: self.seq,
                reprint_of,
            };
            self.seq += 1;
            let slot = match self.free.pop() {
                Some(s) => {
                    if let Some(e) = self.articles.get_mut(s as usize) {
                        *e = Some(art);
                    }
                    s
                }
                None => {
                    self.articles.push(Some(art));
                    (self.articles.len() - 1) as u32
                }
            };
            for b in Self::bands(&fp.minhash) {
                let v = self.lsh.entry(b).or_default();
                if v.len() >= BUCKET_CAP {
                    v.remove(0);
                }
                v.push(slot);
            }
            let exp = self
                .article(slot)
                .and_then(|a| a.day)
                .unwrap_or(clock)
                .max(clock);
            self.expiry.push_back((exp, slot));
        }
    }
}

/// (year, month, day) of a day number.
fn civil(z: i32) -> Option<(i32, u32, u32)> {
    let (y, m, d) = claimtrace_core::date::civil_from_days(i64::from(z));
    Some((i32::try_from(y).ok()?, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::days_from_civil;

    #[test]
    fn civil_roundtrip() {
        for d in [-1000, 0, 19637, 40000] {
            let (y, m, dd) = civil(d).unwrap_or_default();
            assert_eq!(days_from_civil(y, m, dd), Some(d));
        }
    }
}
