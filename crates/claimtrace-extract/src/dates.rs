//! A page's dates: the original publication day, the last update, and the signal that decided.
//!
//! In: the flattened page ([`Dom`]), its JSON-LD ([`JsonLd`]) and URL.
//! Out: [`PageDates`]: `published` (the original publication), `modified` (the last update),
//! kept apart; `source` names the signal that decided `published` (`json-ld`, `meta`,
//! `itemprop`, `time`, `url`, `script`, `text`); `note` says why `published` is `None` when the page
//! had date signals (a relative date without a reference time, signals that disagree).
//!
//! Signals, strongest first: JSON-LD `datePublished`, publication meta tags, `itemprop`,
//! `<time pubdate>`, a `/YYYY/MM/DD/` URL, dates written in date-like elements (class `date`,
//! `datum`, `posted`, `<time>` text…), dates in script data (`"published_at": "…"`), then
//! dates written in the page's text. Written dates are
//! read in every language with month names under `lang/<code>/dates/months.tsv` (numeric
//! `31.05.2012`, `2012-05-31`, `31. Mai 2012`, `May 31, 2012`, `31 de mayo de 2012`,
//! `٣١ مايو ٢٠١٢`…). Relative dates (`vor 2 Stunden`, `lang/<code>/dates/relative.txt`) are
//! never turned into a day: without a reference time the note says so. The crawl or WARC
//! date is never read here (the ingest layer keeps it as `fetched`).

use crate::dom::Dom;
use crate::meta::{JsonLd, date_from_url, meta_get, normalize_date};
use regex::Regex;
use std::sync::LazyLock;

/// The dates of a page. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDates {
    pub published: Option<String>,
    pub modified: Option<String>,
    pub source: Option<&'static str>,
    pub note: Option<String>,
}

/// The languages whose written dates are read: `lang/<code>/dates/months.tsv` and
/// `relative.txt`, through the one loader of language data ([`claimtrace_text::data`]).
const LANG_CODES: &[&str] = &["en", "de", "fr", "es", "it", "pt", "id", "ar"];

struct Lexicon {
    /// Month form (lowercase) → month number.
    months: rustc_hash::FxHashMap<String, u32>,
    /// Written dates: day-month-year, month-day-year, numeric forms.
    dmy: Regex,
    mdy: Regex,
    num: Regex,
    ymd: Regex,
    relative: Vec<Regex>,
}

static LEX: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut months = rustc_hash::FxHashMap::default();
    let mut relative = Vec::new();
    for c in LANG_CODES {
        let m = claimtrace_text::data::file(&format!("{c}/dates/months.tsv"));
        let r = claimtrace_text::data::file(&format!("{c}/dates/relative.txt"));
        for line in m.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((form, n)) = line.split_once('\t')
                && let Ok(n) = n.trim().parse::<u32>()
            {
                months.entry(form.trim().to_lowercase()).or_insert(n);
            }
        }
        for line in r.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Ok(re) = Regex::new(line) {
                relative.push(re);
            }
        }
    }
    let mut forms: Vec<&String> = months.keys().collect();
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let alt = forms
        .iter()
        .map(|f| regex::escape(f))
        .collect::<Vec<_>>()
        .join("|");
    let mon = format!(r"(?P<mon>{alt})\.?");
    let year = r"(?P<y>(?:19|20)\d\d)";
    let dmy = format!(
        r"(?:^|[^\w])(?P<d>[0-3]?\d)(?:\.|er|º|°)?\s*(?:de\s+|-)?{mon}(?:\s*,?\s*(?:de\s+|del\s+|-)?|\s+){year}(?:[^\d]|$)"
    );
    let mdy =
        format!(r"(?:^|[^\w]){mon}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\.?,?\s+{year}(?:[^\d]|$)");
    let re = |s: &str| Regex::new(s).expect("date regex from lang files");
    Lexicon {
        months,
        dmy: re(&dmy),
        mdy: re(&mdy),
        num: re(
            r"(?:^|[^\d.])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[01]?\d)[./-](?P<y>(?:19|20)\d\d)(?:[^\d]|$)",
        ),
        ymd: re(
            r"(?:^|[^\d])(?P<y>(?:19|20)\d\d)[./-](?P<m>[01]?\d)[./-](?P<d>[0-3]?\d)(?:[^\d]|$)",
        ),
        relative,
    }
});

/// Replaces Arabic-Indic and Persian digits by ASCII digits; lowercases.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{00A0}' | '\u{202F}' | '\u{2009}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A plausible date written in a page's text: a real day, from 1995 on and not after today.
fn plausible(y: u32, m: u32, d: u32) -> Option<String> {
    let s = real_day(y, m, d)?;
    (s.as_str() <= today().as_str()).then_some(s)
}

/// A real day from 1995 to 2100 (structured metadata: trusted whatever today is).
fn real_day(y: u32, m: u32, d: u32) -> Option<String> {
    if !(1995..=2100).contains(&y)
        || d == 0
        || d > claimtrace_core::date::days_in_month(i64::from(y), m)
    {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Today's date (UTC) from the system clock.
fn today() -> &'static String {
    static T: LazyLock<String> = LazyLock::new(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        claimtrace_core::date::format_day((secs / 86_400) as i64)
    });
    &T
}

/// One written date found in a text, with its byte position in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub pos: usize,
    pub date: String,
}

/// Every written date of a text, in order (at most `limit`), none after today. `us` reads
/// `a/b/yyyy` as month/day when both are possible (English pages).
pub fn written_dates(text: &str, us: bool, limit: usize) -> Vec<Written> {
    written_dates_until(text, us, limit, true)
}

/// [`written_dates`]; `past_only: false` also accepts days after today (the text of an
/// explicit date element).
pub fn written_dates_until(text: &str, us: bool, limit: usize, past_only: bool) -> Vec<Written> {
    let plausible = |y: u32, m: u32, d: u32| {
        if past_only {
            plausible(y, m, d)
        } else {
            real_day(y, m, d)
        }
    };
    let lex = &*LEX;
    let t = fold(text);
    let mut out: Vec<Written> = Vec::new();
    fn get<'a>(c: &regex::Captures<'a>, k: &str) -> Option<&'a str> {
        c.name(k).map(|m| m.as_str())
    }
    let num = |s: Option<&str>| s.and_then(|x| x.parse::<u32>().ok());
    for c in lex.dmy.captures_iter(&t) {
        let m = get(&c, "mon").and_then(|f| lex.months.get(f).copied());
        if let (Some(d), Some(m), Some(y)) = (num(get(&c, "d")), m, num(get(&c, "y")))
            && let Some(s) = plausible(y, m, d)
        {
            out.push(Written {
                pos: c.get(0).map_or(0, |x| x.start()),
                date: s,
            });
        }
    }
    for c in lex.mdy.captures_iter(&t) {
        let m = get(&c, "mon").and_then(|f| lex.months.get(f).copied());
        if let (Some(d), Some(m), Some(y)) = (num(get(&c, "d")), m, num(get(&c, "y")))
            && let Some(s) = plausible(y, m, d)
        {
            out.push(Written {
                pos: c.get(0).map_or(0, |x| x.start()),
                date: s,
            });
        }
    }
    for c in lex.num.captures_iter(&t) {
        let (Some(a), Some(b), Some(y)) = (num(get(&c, "a")), num(get(&c, "b")), num(get(&c, "y")))
        else {
            continue;
        };
        let slash = get(&c, "sep") == Some("/");
        let (d, m) = if a > 12 || (!(us && slash) && b <= 12) {
            (a, b)
        } else {
            (b, a)
        };
        if let Some(s) = plausible(y, m, d) {
            out.push(Written {
                pos: c.get(0).map_or(0, |x| x.start()),
                date: s,
            });
        }
    }
    for c in lex.ymd.captures_iter(&t) {
        if let (Some(y), Some(m), Some(d)) =
            (num(get(&c, "y")), num(get(&c, "m")), num(get(&c, "d")))
            && let Some(s) = plausible(y, m, d)
        {
            out.push(Written {
                pos: c.get(0).map_or(0, |x| x.start()),
                date: s,
            });
        }
    }
    out.sort_by_key(|w| w.pos);
    out.dedup();
    out.truncate(limit);
    out
}

/// The first relative date expression of a text ("vor 2 Stunden"), if any.
pub fn relative_date(text: &str) -> Option<String> {
    let t = fold(text);
    LEX.relative
        .iter()
        .filter_map(|re| re.find(&t))
        .min_by_key(|m| m.start())
        .map(|m| m.as_str().to_string())
}

const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "article.published",
    "published_time",
    "published-date",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "cxenseparse:recs:publishtime",
    "originalpublicationdate",
    "article_date_original",
    "og:published_time",
    "og:pubdate",
    "bt:pubdate",
    "timestamp",
    "created",
];

const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "modified",
    "revised",
    "bt:moddate",
];

/// Day part (`YYYY-MM-DD`) of a normalised date.
fn day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

/// A normalised date from structured metadata, when it is a real day.
fn norm_plausible(s: &str) -> Option<String> {
    let d = normalize_date(s)?;
    let dd = day(&d);
    let y: u32 = dd.get(..4)?.parse().ok()?;
    let m: u32 = dd.get(5..7)?.parse().ok()?;
    let da: u32 = dd.get(8..10)?.parse().ok()?;
    real_day(y, m, da)?;
    Some(d)
}

/// Publication dates in page data that is not markup (scripts' JSON state, data attributes):
/// `"published_at": "2019-03-02T06:22:28"`, `publishDate=...`.
static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)["']?(?:datePublished|published_?at|publishedDate|publish_?date|published_date|date_?published|"#,
        r#"pub_?date|publication_?date|first_?published(?:_?at|_?date)?|release_?date)["']?\s*[:=]\s*["']?\s*"#,
        r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?)"
    ))
    .expect("static regex")
});

/// The first publication date written in the raw page's script data (first 4 MB).
fn script_date(html: &str) -> Option<String> {
    let mut cut = html.len().min(4 << 20);
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    SCRIPT_DATE
        .captures_iter(html.get(..cut)?)
        .take(16)
        .find_map(|c| {
            c.get(1)
                .and_then(|m| norm_plausible(m.as_str()))
                .filter(|d| day(d) <= today().as_str())
        })
}

/// Finds a page's dates. See the module documentation. `html` is the raw page (read for
/// dates in script data when the markup has none).
pub fn page_dates(
    dom: &Dom,
    ld: &JsonLd,
    url: Option<&str>,
    lang: Option<&str>,
    html: &str,
) -> PageDates {
    let m = &dom.meta;
    let mut out = PageDates {
        modified: ld
            .date_modified
            .as_deref()
            .and_then(norm_plausible)
            .or_else(|| meta_get(m, MODIFIED_META).and_then(norm_plausible))
            .or_else(|| {
                m.itemprops
                    .iter()
                    .find(|(k, _)| k == "datemodified")
                    .and_then(|(_, v)| norm_plausible(v))
            }),
        ..PageDates::default()
    };
    let url_date = url
        .and_then(date_from_url)
        .or_else(|| m.canonical.as_deref().and_then(date_from_url));
    let structured: [(&'static str, Option<String>); 4] = [
        (
            "json-ld",
            ld.date_published.as_deref().and_then(norm_plausible),
        ),
        (
            "meta",
            PUBLISHED_META.iter().find_map(|k| {
                m.metas
                    .iter()
                    .filter(|(kk, _)| kk == k)
                    .find_map(|(_, v)| norm_plausible(v))
            }),
        ),
        (
            "itemprop",
            m.itemprops
                .iter()
                .filter(|(k, _)| k == "datepublished" || k == "datecreated")
                .find_map(|(_, v)| norm_plausible(v)),
        ),
        (
            "time",
            m.times
                .iter()
                .filter(|(_, p)| *p)
                .find_map(|(v, _)| norm_plausible(v)),
        ),
    ];
    let first_structured = structured
        .iter()
        .find_map(|(src, d)| d.as_ref().map(|d| (*src, d.clone())));
    if let Some((src, d)) = first_structured {
        // A URL with a full date is written once, at publication: when the page's own
        // metadata says a later day, that day is an update.
        if let Some(u) = &url_date
            && u.as_str() < day(&d)
        {
            if out.modified.is_none() {
                out.modified = Some(d);
            }
            out.published = Some(u.clone());
            out.source = Some("url");
            return out;
        }
        out.published = Some(d);
        out.source = Some(src);
        return out;
    }
    if let Some(u) = url_date {
        // A `<time>` of the same day gives the time and offset too.
        if let Some(t) = m
            .times
            .iter()
            .filter_map(|(v, _)| norm_plausible(v))
            .find(|t| day(t) == u)
        {
            out.published = Some(t);
            out.source = Some("time");
        } else {
            out.published = Some(u);
            out.source = Some("url");
        }
        return out;
    }
    // `<time datetime>` without a publication flag.
    if let Some(d) = m.times.iter().find_map(|(v, _)| norm_plausible(v)) {
        out.published = Some(d);
        out.source = Some("time");
        return out;
    }
    let us = lang.is_none_or(|l| l == "en");
    // Written dates in date-like elements, in document order.
    let mut relative: Option<String> = None;
    for &i in &m.date_nodes {
        let t = dom.subtree_text(i as usize, 300);
        if t.is_empty() || t.chars().count() > 300 {
            continue;
        }
        if let Some(w) = written_dates_until(&t, us, 1, false).into_iter().next() {
            out.published = Some(w.date);
            out.source = Some("text");
            return out;
        }
        if relative.is_none() {
            relative = relative_date(&t);
        }
    }
    if let Some(d) = script_date(html) {
        out.published = Some(d);
        out.source = Some("script");
        return out;
    }
    if let Some(r) = relative {
        out.note = Some(format!(
            "relative date \u{201c}{r}\u{201d}: needs a reference time, not guessed"
        ));
        return out;
    }
    // Written dates anywhere in the page text: the first one.
    let text = dom.text.get(..dom.text.len().min(200_000)).unwrap_or("");
    let mut cut = text.len();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    if let Some(w) = written_dates(text.get(..cut).unwrap_or(""), us, 1)
        .into_iter()
        .next()
    {
        out.published = Some(w.date);
        out.source = Some("text");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<String> {
        written_dates(s, false, 1)
            .into_iter()
            .next()
            .map(|w| w.date)
    }

    #[test]
    fn written_dates_in_every_language() {
        assert_eq!(
            first("Veröffentlicht am 31. Mai 2012").as_deref(),
            Some("2012-05-31")
        );
        assert_eq!(
            first("31.05.2012, 10:00 Uhr").as_deref(),
            Some("2012-05-31")
        );
        assert_eq!(first("le 3 juin 2019").as_deref(), Some("2019-06-03"));
        assert_eq!(first("1er février 2020").as_deref(), Some("2020-02-01"));
        assert_eq!(first("5 de mayo de 2018").as_deref(), Some("2018-05-05"));
        assert_eq!(first("12 settembre 2017").as_deref(), Some("2017-09-12"));
        assert_eq!(first("7 de março de 2016").as_deref(), Some("2016-03-07"));
        assert_eq!(first("Senin, 9 Maret 2020").as_deref(), Some("2020-03-09"));
        assert_eq!(first("١٥ مارس ٢٠٢٠").as_deref(), Some("2020-03-15"));
        assert_eq!(first("15 آذار 2020").as_deref(), Some("2020-03-15"));
        assert_eq!(first("March 6th, 2019").as_deref(), Some("2019-03-06"));
        assert_eq!(first("2019/03/06").as_deref(), Some("2019-03-06"));
        assert_eq!(
            written_dates("03/06/2019", true, 1)
                .first()
                .map(|w| w.date.as_str()),
            Some("2019-03-06")
        );
        assert_eq!(first("31.02.2012"), None);
        assert_eq!(first("10.10.2999"), None);
        assert_eq!(first("build 1.2.20123"), None);
    }

    #[test]
    fn relative_dates_are_recognised() {
        assert!(relative_date("vor 2 Stunden").is_some());
        assert!(relative_date("il y a 3 jours").is_some());
        assert!(relative_date("hace 5 horas").is_some());
        assert!(relative_date("منذ 3 ساعات").is_some());
        assert!(relative_date("3 hours ago").is_some());
        assert!(relative_date("Mai 2012").is_none());
    }

    #[test]
    fn civil() {
        assert_eq!(claimtrace_core::date::format_day(0), "1970-01-01");
        assert_eq!(claimtrace_core::date::format_day(19_723), "2024-01-01");
    }
}
