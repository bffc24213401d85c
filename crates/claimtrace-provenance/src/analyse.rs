//! Per-article analysis shared by the graph, claim matching and drift: dates, own outlet,
//! cited outlets, text units (sentences + headline) with their comparison features.

use crate::cites::{CitedOutlet, cited_outlets};
use crate::norm::{Word, number_value, words};
use crate::outlets::Lexicon;
use claimtrace_core::Doc;
use claimtrace_text::data::WordList;
use claimtrace_text::norm::has_arabic;
use rustc_hash::FxHashSet;

/// One article, analysed.
#[derive(Debug)]
pub struct Art<'a> {
    pub doc: &'a Doc,
    /// Days since 0000-03-01 of the publication date; `None` when unknown or unparsable.
    pub day: Option<i64>,
    /// Outlet keys of the article's own outlet field (site, and wire in parentheses).
    pub own: Vec<String>,
    pub cites: Vec<CitedOutlet>,
    /// Sentences (index 0 is the headline when there is one).
    pub units: Vec<Unit>,
    /// Features of the whole article (union of its units').
    pub feats: Feats,
    /// Text shingles (5 folded words), for copies and shared quotes.
    pub shingles: FxHashSet<u64>,
    pub arabic: bool,
    /// The folded words of the text joined by spaces, with a space at both ends.
    pub folded: String,
    /// Primary language subtag, lower case (empty when unknown).
    pub lang: String,
}

impl Art<'_> {
    /// Whether comparing with `o` crosses languages (only names and numbers then count).
    pub fn cross(&self, o: &Art<'_>) -> bool {
        self.arabic != o.arabic || self.lang != o.lang
    }
}

/// A sentence or the headline.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Byte range in the text (`None` for the headline).
    pub span: Option<(usize, usize)>,
    pub text: String,
    pub feats: Feats,
    /// Numbers written (values), years left out.
    pub numbers: Vec<(f64, String)>,
    /// Hedge words found ("believed", "serait").
    pub hedges: Vec<String>,
    /// Assertive words found ("confirmed", "confirma").
    pub firm: Vec<String>,
    /// Index of the attribution whose content overlaps it most, if any.
    pub attribution: Option<u32>,
    /// Capitalised words not sentence-initial (names), folded.
    pub names: Vec<String>,
}

/// The day number of the date prefix `YYYY-MM-DD` of an ISO 8601 date (days since
/// 1970-01-01; month 1–12, day 1–31, as [`claimtrace_core::date::iso_day`] reads it).
pub fn day_number(s: &str) -> Option<i64> {
    let (y, m, d) = claimtrace_core::date::iso_day(s)?;
    Some(claimtrace_core::date::days_from_civil(y, m, d))
}

static STOP: WordList = WordList::new("mul/provenance/stopwords.txt");

/// Folded month names of every language (`mul/calendar.tsv`): a day number next to one is a
/// date, not a figure of the claim.
fn is_month(w: &str) -> bool {
    static MONTHS: std::sync::OnceLock<FxHashSet<String>> = std::sync::OnceLock::new();
    MONTHS
        .get_or_init(|| {
            claimtrace_text::data::file("mul/calendar.tsv")
                .lines()
                .filter(|l| l.starts_with("month\t"))
                .filter_map(|l| l.split('\t').nth(2))
                .flat_map(|ws| ws.split_whitespace().map(claimtrace_text::norm::fold))
                .collect()
        })
        .contains(w)
}

/// Whether a folded word is a stopword of the provenance list.
pub fn is_stopword(w: &str) -> bool {
    STOP.contains(w)
}

static HEDGES: WordList = WordList::new("mul/provenance/hedges.txt");

static FIRM: WordList = WordList::new("mul/provenance/firm.txt");

/// Coarse consonant skeleton shared by Latin transcriptions and Arabic spellings of a name
/// ("Herat" / "هرات" → `hrt`), for cross-script matching.
pub fn skeleton(w: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = w.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (k, adv) = match (c, next) {
            ('s', Some('h')) | ('c', Some('h')) => (Some('s'), 2),
            ('k', Some('h')) | ('g', Some('h')) => (Some('h'), 2),
            ('t', Some('h')) | ('d', Some('h')) => (Some('t'), 2),
            ('p', Some('h')) => (Some('f'), 2),
            ('b' | 'p', _) => (Some('b'), 1),
            ('t' | 'd', _) => (Some('t'), 1),
            ('s' | 'z', _) => (Some('s'), 1),
            ('c' | 'k' | 'q' | 'g', _) => (Some('k'), 1),
            ('f' | 'v', _) => (Some('f'), 1),
            ('j', _) => (Some('j'), 1),
            ('h', _) => (Some('h'), 1),
            ('l' | 'm' | 'n' | 'r', _) => (Some(c), 1),
            ('x', _) => (Some('s'), 1),
            ('ب' | 'پ', _) => (Some('b'), 1),
            ('ت' | 'ط' | 'د' | 'ض' | 'ث' | 'ذ' | 'ظ', _) => (Some('t'), 1),
            ('ج', _) => (Some('j'), 1),
            ('ح' | 'ه' | 'خ', _) => (Some('h'), 1),
            ('ر', _) => (Some('r'), 1),
            ('ز' | 'س' | 'ص' | 'ش', _) => (Some('s'), 1),
            ('ف' | 'ڤ', _) => (Some('f'), 1),
            ('ق' | 'ك' | 'غ' | 'گ', _) => (Some('k'), 1),
            ('ل', _) => (Some('l'), 1),
            ('م', _) => (Some('m'), 1),
            ('ن', _) => (Some('n'), 1),
            _ => (None, 1),
        };
        if let Some(k) = k
            && !out.ends_with(k)
        {
            out.push(k);
        }
        i += adv;
    }
    out
}

/// Comparison features of a piece of text: 5-letter stems of content words, numbers and,
/// for names and Arabic words, consonant skeletons.
pub fn features(text: &str, ws: &[Word]) -> Feats {
    let mut f = FxHashSet::default();
    for (i, w) in ws.iter().enumerate() {
        if let Some(v) = number_value(&w.fold)
            && w.fold.chars().any(|c| c.is_ascii_digit())
        {
            f.insert(format!("#{v}"));
            continue;
        }
        let ar = has_arabic(&w.fold);
        if ar {
            let stem = crate::norm::arabic_stems(&w.fold)
                .last()
                .unwrap_or(&w.fold)
                .to_string();
            if stem.chars().count() >= 3 {
                let sk = skeleton(&stem);
                if sk.len() >= 3 {
                    f.insert(format!("~{sk}"));
                }
                f.insert(stem);
            }
            continue;
        }
        let n = w.fold.chars().count();
        if n < 4 || STOP.contains(&w.fold) {
            continue;
        }
        f.insert(w.fold.chars().take(5).collect());
        let orig = text.get(w.start..w.end).unwrap_or("");
        if i > 0 && orig.chars().next().is_some_and(|c| c.is_uppercase()) {
            let sk = skeleton(&w.fold);
            if sk.len() >= 3 {
                f.insert(format!("~{sk}"));
            }
        }
    }
    Feats::from_strings(f)
}

/// Comparison features as sorted hashes; `cross` holds those that carry across languages
/// (numbers and consonant skeletons of names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feats {
    pub all: Vec<u64>,
    pub cross: Vec<u64>,
}

impl Feats {
    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    fn from_strings(f: FxHashSet<String>) -> Feats {
        let h = |s: &String| xxhash_rust::xxh3::xxh3_64(s.as_bytes());
        let mut all: Vec<u64> = f.iter().map(h).collect();
        let mut cross: Vec<u64> = f
            .iter()
            .filter(|s| s.starts_with('~') || s.starts_with('#'))
            .map(h)
            .collect();
        all.sort_unstable();
        all.dedup();
        cross.sort_unstable();
        cross.dedup();
        Feats { all, cross }
    }

    /// The union of several feature sets.
    pub fn union<'a>(it: impl Iterator<Item = &'a Feats>) -> Feats {
        let mut out = Feats::default();
        for f in it {
            out.all.extend_from_slice(&f.all);
            out.cross.extend_from_slice(&f.cross);
        }
        out.all.sort_unstable();
        out.all.dedup();
        out.cross.sort_unstable();
        out.cross.dedup();
        out
    }
}

fn shared_sorted(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice coefficient of two feature sets; across languages only names and numbers count.
pub fn similarity(a: &Feats, b: &Feats, cross_lang: bool) -> f32 {
    let (x, y) = if cross_lang {
        (&a.cross, &b.cross)
    } else {
        (&a.all, &b.all)
    };
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    2.0 * shared_sorted(x, y) as f32 / (x.len() + y.len()) as f32
}

fn shingles(ws: &[Word]) -> FxHashSet<u64> {
    let mut out = FxHashSet::default();
    for win in ws.windows(5) {
        let mut h: u64 = 0xcbf29ce484222325;
        for w in win {
            for b in w.fold.bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x100000001b3);
            }
            h ^= 0xff;
            h = h.wrapping_mul(0x100000001b3);
        }
        out.insert(h);
    }
    out
}

fn unit(doc: &Doc, span: Option<(usize, usize)>, text: &str) -> Unit {
    let ws = words(text);
    let feats = features(text, &ws);
    let mut numbers = Vec::new();
    let mut hedges = Vec::new();
    let mut firm = Vec::new();
    let mut names = Vec::new();
    // "30 000" with a plain space (French, Spanish thousands): one number, not 30 and 0.
    let grouped = |i: usize| -> Option<f64> {
        let (a, b) = (ws.get(i)?, ws.get(i + 1)?);
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
        let gap = text.get(a.end..b.start)?;
        let space = gap.chars().count() == 1 && gap.chars().all(char::is_whitespace);
        (digits(&a.fold) && a.fold.len() <= 3 && b.fold.len() == 3 && digits(&b.fold) && space)
            .then(|| format!("{}{}", a.fold, b.fold).parse().ok())
            .flatten()
    };
    let mut skip_next = false;
    for (i, w) in ws.iter().enumerate() {
        let f = w.fold.as_str();
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if let Some(v) = grouped(i) {
            numbers.push((
                v,
                text.get(w.start..ws[i + 1].end).unwrap_or("").to_string(),
            ));
            skip_next = true;
            continue;
        }
        // A number with its unit glued on ("15km"): the value counts.
        let glued = f
            .find(|c: char| c.is_alphabetic())
            .filter(|&i| {
                i > 0
                    && f.get(..i)
                        .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
            })
            .and_then(|i| f.get(..i));
        if let Some(v) = number_value(glued.unwrap_or(f)) {
            let year = (1900.0..=2100.0).contains(&v) && !f.contains([',', '.']);
            let near_month =
                |j: Option<usize>| j.and_then(|j| ws.get(j)).is_some_and(|x| is_month(&x.fold));
            let day = (1.0..=31.0).contains(&v)
                && v.fract() == 0.0
                && (near_month(i.checked_sub(1)) || near_month(Some(i + 1)));
            if !year && !day && f.chars().any(|c| c.is_ascii_digit()) {
                numbers.push((v, text.get(w.start..w.end).unwrap_or("").to_string()));
            }
        }
        if HEDGES.contains(f) {
            hedges.push(f.to_string());
        }
        if FIRM.contains(f) {
            firm.push(f.to_string());
        }
        let orig = text.get(w.start..w.end).unwrap_or("");
        if i > 0
            && orig.chars().count() >= 3
            && orig.chars().next().is_some_and(|c| c.is_uppercase())
            && !w.upper
        {
            names.push(w.fold.clone());
        }
    }
    let attribution = span.and_then(|(s, e)| {
        let mut best: Option<(usize, u32)> = None;
        for (i, a) in doc.attributions.iter().enumerate() {
            let (cs, ce) = (a.content.start as usize, a.content.end as usize);
            let ov = e.min(ce).saturating_sub(s.max(cs));
            if ov > 0 && best.is_none_or(|(b, _)| ov > b) {
                best = Some((ov, i as u32));
            }
        }
        best.map(|(_, i)| i)
    });
    Unit {
        span,
        text: text.to_string(),
        feats,
        numbers,
        hedges,
        firm,
        attribution,
        names,
    }
}

/// Sentence ranges: the document's own, else a split on sentence punctuation and newlines.
fn sentence_ranges(doc: &Doc) -> Vec<(usize, usize)> {
    if !doc.sentences.is_empty() {
        return doc
            .sentences
            .iter()
            .map(|s| (s.span.start as usize, s.span.end as usize))
            .filter(|(s, e)| s < e && doc.text.get(*s..*e).is_some())
            .collect();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in doc.text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n' | '؟' | '。') {
            let end = i + c.len_utf8();
            if doc
                .text
                .get(start..end)
                .is_some_and(|t| !t.trim().is_empty())
            {
                out.push((start, end));
            }
            start = end;
        }
    }
    if start < doc.text.len() && !doc.text[start..].trim().is_empty() {
        out.push((start, doc.text.len()));
    }
    out
}

/// Analyses one article.
pub fn analyse<'a>(doc: &'a Doc, lex: &Lexicon) -> Art<'a> {
    let day = doc.published.as_deref().and_then(day_number);
    let own = doc
        .outlet
        .as_deref()
        .map(|o| lex.keys_of_outlet_field(o))
        .unwrap_or_default();
    let cites = cited_outlets(doc, lex);
    let mut units = Vec::new();
    if let Some(t) = doc.title.as_deref() {
        let t = t.trim_matches(|c| c == '[' || c == ']' || c == ' ');
        if !t.is_empty() {
            units.push(unit(doc, None, t));
        }
    }
    for (s, e) in sentence_ranges(doc) {
        let t = doc.text.get(s..e).unwrap_or("");
        units.push(unit(doc, Some((s, e)), t));
    }
    let feats = Feats::union(units.iter().map(|u| &u.feats));
    let ws = words(&doc.text);
    Art {
        doc,
        day,
        own,
        cites,
        units,
        feats,
        shingles: shingles(&ws),
        folded: {
            let mut f = String::with_capacity(doc.text.len() + 2);
            f.push(' ');
            for w in &ws {
                f.push_str(&w.fold);
                f.push(' ');
            }
            f
        },
        arabic: has_arabic(&doc.text.chars().take(400).collect::<String>()),
        lang: doc
            .lang
            .as_deref()
            .map(claimtrace_text::lang::primary)
            .unwrap_or("")
            .to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_skeletons() {
        assert_eq!(
            day_number("2020-01-10")
                .zip(day_number("2019-12-31"))
                .map(|(a, b)| a - b),
            Some(10)
        );
        assert_eq!(day_number("garbage"), None);
        assert_eq!(day_number("2020-13-01"), None);
        assert_eq!(skeleton("herat"), skeleton("هرات"));
        assert_eq!(skeleton("laden"), skeleton("لادن"));
        assert_eq!(skeleton("abubakar"), skeleton("ابوبكر"));
    }
}
