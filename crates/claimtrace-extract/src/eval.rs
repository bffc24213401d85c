//! The article-extraction benchmark's metric and data loading.
//!
//! Metric (the benchmark README): both texts are split into `\w+` tokens (case kept); each
//! becomes a multiset of word 4-gram shingles (a text of 1–3 tokens gives one shorter shingle).
//! Per page, precision = shared / predicted shingles and recall = shared / true shingles.
//! Precision is averaged over pages with a non-empty prediction, recall over all pages with a
//! non-empty truth (an empty prediction counts 0). F1 = 2PR/(P+R) from the two averages. A
//! bootstrap over pages (1,000 resamples) gives standard deviations.

use regex::Regex;
use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("static regex"));

/// Multiset of word shingles, keyed by the joined tokens.
pub fn shingles(text: &str) -> FxHashMap<String, u32> {
    let toks: Vec<&str> = WORD.find_iter(text).map(|m| m.as_str()).collect();
    let mut out = FxHashMap::default();
    if toks.is_empty() {
        return out;
    }
    if toks.len() < 4 {
        *out.entry(toks.join(" ")).or_insert(0) += 1;
        return out;
    }
    for w in toks.windows(4) {
        *out.entry(w.join(" ")).or_insert(0) += 1;
    }
    out
}

/// Per-page scores: precision is `None` for an empty prediction, recall `None` for an empty truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

pub fn score_page(truth: &str, pred: &str) -> PageScore {
    let t = shingles(truth);
    let p = shingles(pred);
    let nt: u32 = t.values().sum();
    let np: u32 = p.values().sum();
    let shared: u32 = p
        .iter()
        .map(|(k, c)| (*c).min(t.get(k).copied().unwrap_or(0)))
        .sum();
    PageScore {
        precision: (np > 0).then(|| f64::from(shared) / f64::from(np)),
        recall: (nt > 0).then(|| {
            if np == 0 {
                0.0
            } else {
                f64::from(shared) / f64::from(nt)
            }
        }),
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub precision_std: f64,
    pub recall_std: f64,
    pub f1_std: f64,
    pub pages: usize,
}

fn aggregate(scores: &[PageScore], idx: impl Iterator<Item = usize>) -> (f64, f64, f64) {
    let (mut ps, mut pn, mut rs, mut rn) = (0.0, 0usize, 0.0, 0usize);
    for i in idx {
        let Some(s) = scores.get(i) else { continue };
        if let Some(p) = s.precision {
            ps += p;
            pn += 1;
        }
        if let Some(r) = s.recall {
            rs += r;
            rn += 1;
        }
    }
    let p = if pn > 0 { ps / pn as f64 } else { 0.0 };
    let r = if rn > 0 { rs / rn as f64 } else { 0.0 };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

fn std(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// Averages and bootstrap standard deviations (`resamples` resamples, fixed seed).
pub fn summarize(scores: &[PageScore], resamples: usize) -> Summary {
    let (precision, recall, f1) = aggregate(scores, 0..scores.len());
    let n = scores.len();
    let mut rng = claimtrace_ml::rng::SplitMix64::new(0x9E37_79B9_7F4A_7C15);
    let mut next = move || rng.next_u64();
    let (mut pv, mut rv, mut fv) = (Vec::new(), Vec::new(), Vec::new());
    if n > 0 {
        for _ in 0..resamples {
            let idx: Vec<usize> = (0..n).map(|_| (next() % n as u64) as usize).collect();
            let (p, r, f) = aggregate(scores, idx.into_iter());
            pv.push(p);
            rv.push(r);
            fv.push(f);
        }
    }
    Summary {
        precision,
        recall,
        f1,
        precision_std: std(&pv),
        recall_std: std(&rv),
        f1_std: std(&fv),
        pages: n,
    }
}

/// One benchmark page.
pub struct Page {
    pub id: String,
    pub url: String,
    pub html: String,
    pub truth: String,
}

/// Loads `ground-truth.json` and the gzipped pages of an article-extraction data directory,
/// sorted by id.
pub fn load_dataset(dir: &Path) -> std::io::Result<Vec<Page>> {
    let gt = std::fs::read_to_string(dir.join("ground-truth.json"))?;
    let v: serde_json::Value = serde_json::from_str(&gt).map_err(std::io::Error::other)?;
    let obj = v
        .as_object()
        .ok_or_else(|| std::io::Error::other("ground-truth.json is not an object"))?;
    let mut pages = Vec::with_capacity(obj.len());
    for (id, e) in obj {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let f = std::fs::File::open(&path)?;
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(f).read_to_end(&mut bytes)?;
        pages.push(Page {
            id: id.clone(),
            url: e
                .get("url")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            truth: e
                .get("articleBody")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_counts() {
        assert_eq!(shingles("a b").len(), 1);
        assert_eq!(shingles("").len(), 0);
        let s = shingles("a b c d a b c d");
        assert_eq!(s.values().sum::<u32>(), 5);
        assert_eq!(s.get("a b c d").copied(), Some(2));
    }

    #[test]
    fn page_scores() {
        let s = score_page("one two three four five", "one two three four");
        assert_eq!(s.precision, Some(1.0));
        assert_eq!(s.recall, Some(0.5));
        let e = score_page("one two three four five", "");
        assert_eq!(e.precision, None);
        assert_eq!(e.recall, Some(0.0));
        let sum = summarize(&[s, e], 100);
        assert!((sum.precision - 1.0).abs() < 1e-12);
        assert!((sum.recall - 0.25).abs() < 1e-12);
        assert!((sum.f1 - 0.4).abs() < 1e-12);
    }
}

/// CPU time of the calling thread in seconds, from `/proc/thread-self/schedstat` (Linux);
/// `None` elsewhere.
pub fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Result of a timed benchmark run.
#[derive(Debug, Clone)]
pub struct Run {
    pub summary: Summary,
    pub predictions: Vec<crate::Extracted>,
    pub wall_seconds: f64,
    /// CPU seconds of the extracting thread (single-thread runs only).
    pub cpu_seconds: Option<f64>,
    pub bytes: usize,
}

/// Extracts every page on the calling thread, timing only the extraction, and scores it.
/// `rounds` > 1 repeats the timed pass (the predictions of the last pass are kept) so short
/// runs on a busy machine average out.
pub fn run_single(pages: &[Page], rounds: usize) -> Run {
    let rounds = rounds.max(1);
    let mut predictions = Vec::new();
    let c0 = thread_cpu_seconds();
    let t0 = std::time::Instant::now();
    for _ in 0..rounds {
        predictions = pages
            .iter()
            .map(|p| crate::extract(&p.html, Some(&p.url)))
            .collect();
    }
    let wall_seconds = t0.elapsed().as_secs_f64() / rounds as f64;
    let cpu_seconds = match (c0, thread_cpu_seconds()) {
        (Some(a), Some(b)) => Some((b - a) / rounds as f64),
        _ => None,
    };
    finish(pages, predictions, wall_seconds, cpu_seconds)
}

/// Scores predictions made elsewhere (e.g. in parallel).
pub fn finish(
    pages: &[Page],
    predictions: Vec<crate::Extracted>,
    wall_seconds: f64,
    cpu_seconds: Option<f64>,
) -> Run {
    let scores: Vec<PageScore> = pages
        .iter()
        .zip(&predictions)
        .map(|(p, e)| score_page(&p.truth, &e.text))
        .collect();
    Run {
        summary: summarize(&scores, 1000),
        predictions,
        wall_seconds,
        cpu_seconds,
        bytes: pages.iter().map(|p| p.html.len()).sum(),
    }
}

/// FNV-1a 64 of a page id: the dev/scored split of the held-out sets (`eval/split.py` is the
/// same function, for the peer scripts).
pub fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

/// `true` for pages of the development part (tuned on), `false` for the scored part (only
/// scored). Fixed before any error was looked at: even FNV-1a 64 of the page's file name.
pub fn is_dev(id: &str) -> bool {
    fnv1a64(id).is_multiple_of(2)
}

/// Counts of a tp/fp/fn metric and its F1 = 2tp / (2tp + fp + fn).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub pages: u64,
}

impl Counts {
    pub fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            0.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }
    pub fn precision(&self) -> f64 {
        let d = self.tp + self.fp;
        if d == 0 {
            0.0
        } else {
            self.tp as f64 / d as f64
        }
    }
    pub fn recall(&self) -> f64 {
        let d = self.tp + self.fn_;
        if d == 0 {
            0.0
        } else {
            self.tp as f64 / d as f64
        }
    }
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.pages += o.pages;
    }
}

fn read_gz(path: &Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(f).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One page of the publication-date set (`dates/expected.json`).
pub struct DatePage {
    /// The file name (`NAME.html`): the page id for the split.
    pub id: String,
    pub url: String,
    /// Raw bytes (not always UTF-8).
    pub bytes: Vec<u8>,
    /// The original publication day, `YYYY-MM-DD`; `None`: no determinable date.
    pub date: Option<String>,
}

/// Loads the publication-date set, in file order.
pub fn load_dates(dir: &Path) -> std::io::Result<Vec<DatePage>> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json"))?)
            .map_err(std::io::Error::other)?;
    let arr = v
        .as_array()
        .ok_or_else(|| std::io::Error::other("expected.json is not an array"))?;
    let s = |e: &serde_json::Value, k: &str| e.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let mut out = Vec::with_capacity(arr.len());
    for e in arr {
        let (Some(id), Some(gz)) = (s(e, "file"), s(e, "gz")) else {
            continue;
        };
        out.push(DatePage {
            bytes: read_gz(&dir.join("html").join(&gz))?,
            url: s(e, "url").unwrap_or_default(),
            date: s(e, "date"),
            id,
        });
    }
    Ok(out)
}

/// htmldate's metric for one page: no date → fn; the right day → tp; another date → fp.
pub fn score_date(gold: Option<&str>, pred: Option<&str>) -> Counts {
    let mut c = Counts {
        pages: 1,
        ..Counts::default()
    };
    match pred {
        None => c.fn_ = 1,
        Some(p) if gold.is_some_and(|g| p.get(..10) == Some(g)) => c.tp = 1,
        Some(_) => c.fp = 1,
    }
    c
}

/// One page of the main-text set (`boilerplate/evaldata.json`).
pub struct SnippetPage {
    /// The file name: the page id for the split.
    pub id: String,
    pub url: String,
    pub bytes: Vec<u8>,
    pub with: Vec<String>,
    pub without: Vec<String>,
}

/// Loads the main-text set, sorted by URL.
pub fn load_boilerplate(dir: &Path) -> std::io::Result<Vec<SnippetPage>> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("evaldata.json"))?)
            .map_err(std::io::Error::other)?;
    let obj = v
        .as_object()
        .ok_or_else(|| std::io::Error::other("evaldata.json is not an object"))?;
    let list = |e: &serde_json::Value, k: &str| -> Vec<String> {
        e.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(obj.len());
    for (url, e) in obj {
        let Some(id) = e.get("file").and_then(|x| x.as_str()) else {
            continue;
        };
        out.push(SnippetPage {
            bytes: read_gz(&dir.join("html").join(format!("{id}.gz")))?,
            id: id.to_string(),
            url: url.clone(),
            with: list(e, "with"),
            without: list(e, "without"),
        });
    }
    out.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(out)
}

fn ws_norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// trafilatura's metric for one page: each `with` snippet found in the whitespace-normalised
/// text is a tp, each missing one a fn; each `without` snippet found is a fp.
pub fn score_snippets(page: &SnippetPage, text: &str) -> Counts {
    let t = ws_norm(text);
    let mut c = Counts {
        pages: 1,
        ..Counts::default()
    };
    for w in &page.with {
        if t.contains(&ws_norm(w)) {
            c.tp += 1;
        } else {
            c.fn_ += 1;
        }
    }
    for w in &page.without {
        if t.contains(&ws_norm(w)) {
            c.fp += 1;
        }
    }
    c
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn fnv_matches_the_python_split() {
        // python3 -c "import sys; sys.path.insert(0,'eval'); from split import fnv1a64; print(fnv1a64('a'))"
        assert_eq!(fnv1a64(""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64("a"), 0xAF63_DC4C_8601_EC8C);
    }

    #[test]
    fn date_metric() {
        assert_eq!(
            score_date(Some("2020-01-02"), Some("2020-01-02T10:00:00+00:00")).tp,
            1
        );
        assert_eq!(score_date(Some("2020-01-02"), Some("2020-01-03")).fp, 1);
        assert_eq!(score_date(None, Some("2020-01-03")).fp, 1);
        assert_eq!(score_date(Some("2020-01-02"), None).fn_, 1);
    }
}
