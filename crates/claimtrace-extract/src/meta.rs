//! Page metadata: JSON-LD, OpenGraph / meta names, `<time>`, bylines, URL date patterns.

use crate::dom::{Dom, RawMeta};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// Metadata gathered from JSON-LD objects of article types.
#[derive(Debug, Default)]
pub struct JsonLd {
    pub headline: Option<String>,
    pub date_published: Option<String>,
    pub date_modified: Option<String>,
    pub authors: Vec<Author>,
    pub publisher: Option<String>,
    pub body: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "liveblogposting",
    "webpage",
    "report",
    "posting",
    "creativework",
    "askpublicnewsarticle",
    "satiricalarticle",
];

fn type_rank(v: &Value) -> Option<usize> {
    let t = v.get("@type")?;
    let names: Vec<String> = match t {
        Value::String(s) => vec![s.to_ascii_lowercase()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        _ => return None,
    };
    names
        .iter()
        .filter_map(|n| ARTICLE_TYPES.iter().position(|t| t == n))
        .min()
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Value::Array(a) => a.iter().find_map(|x| str_of(Some(x))),
        Value::Object(o) => str_of(o.get("name")).or_else(|| str_of(o.get("@value"))),
        _ => None,
    }
}

fn names_of(v: Option<&Value>, out: &mut Vec<Author>) {
    match v {
        Some(Value::String(s)) => push_author(out, s, None),
        Some(Value::Array(a)) => {
            for x in a.iter().take(20) {
                names_of(Some(x), out);
            }
        }
        Some(Value::Object(o)) => {
            let t = match o.get("@type") {
                Some(Value::String(t)) => t.to_ascii_lowercase(),
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase(),
                _ => String::new(),
            };
            let kind = if t == "person" {
                Some(PERSON)
            } else if t.contains("organization") || t == "corporation" || t == "newsmedia" {
                Some(ORGANIZATION)
            } else {
                None
            };
            if let Some(n) = o.get("name").and_then(|x| x.as_str()) {
                push_author(out, n, kind);
            } else if let (Some(g), Some(f)) = (
                o.get("givenName").and_then(|x| x.as_str()),
                o.get("familyName").and_then(|x| x.as_str()),
            ) {
                push_author(out, &format!("{g} {f}"), kind);
            }
        }
        _ => {}
    }
}

/// Parses JSON-LD blocks; keeps the best-ranked article-like object.
pub fn parse_json_ld(blocks: &[String]) -> JsonLd {
    let mut best: Option<(usize, Value)> = None;
    let mut publisher_any: Option<String> = None;
    for b in blocks.iter().take(32) {
        if b.len() > 4 << 20 {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(
            b.trim().trim_start_matches("<!--").trim_end_matches("-->"),
        ) else {
            continue;
        };
        // Iterative walk over the value (graphs, arrays, nested mainEntity).
        let mut stack: Vec<(&Value, usize)> = vec![(&v, 0)];
        let mut found: Vec<(usize, Value)> = Vec::new();
        while let Some((x, depth)) = stack.pop() {
            if depth > 6 {
                continue;
            }
            match x {
                Value::Array(a) => stack.extend(a.iter().take(64).map(|y| (y, depth + 1))),
                Value::Object(o) => {
                    if let Some(r) = type_rank(x) {
                        found.push((r, x.clone()));
                    }
                    let t = o.get("@type").and_then(|t| t.as_str()).unwrap_or("");
                    if (t == "Organization" || t == "NewsMediaOrganization" || t == "WebSite")
                        && publisher_any.is_none()
                    {
                        publisher_any = str_of(o.get("name"));
                    }
                    for k in [
                        "@graph",
                        "mainEntity",
                        "mainEntityOfPage",
                        "itemListElement",
                    ] {
                        if let Some(y) = o.get(k)
                            && (y.is_array() || y.is_object())
                        {
                            stack.push((y, depth + 1));
                        }
                    }
                }
                _ => {}
            }
        }
        for (r, val) in found {
            let better = match &best {
                None => true,
                Some((br, _)) => r < *br,
            };
            if better {
                best = Some((r, val));
            }
        }
    }
    let mut out = JsonLd::default();
    if let Some((_, v)) = best {
        out.headline = str_of(v.get("headline")).or_else(|| str_of(v.get("name")));
        out.date_published =
            str_of(v.get("datePublished")).or_else(|| str_of(v.get("dateCreated")));
        out.date_modified = str_of(v.get("dateModified"));
        names_of(v.get("author"), &mut out.authors);
        if out.authors.is_empty() {
            names_of(v.get("creator"), &mut out.authors);
        }
        out.publisher = str_of(v.get("publisher")).or(publisher_any);
        out.body = str_of(v.get("articleBody"));
        out.lang = str_of(v.get("inLanguage"));
        out.url = match v.get("url") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
    } else {
        out.publisher = publisher_any;
    }
    out
}

/// Author kinds (`Author::kind`).
pub const PERSON: &str = "person";
pub const ORGANIZATION: &str = "organization";
pub const AGENCY: &str = "agency";
pub const DESK: &str = "desk";

/// One byline entry: a cleaned name and what it names (`person`, `organization`, `agency`
/// for a news agency or wire, `desk` for a collective byline: "Staff", "Editorial Board").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub kind: &'static str,
}

fn word_list(src: &str) -> Vec<Vec<String>> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(str::to_lowercase).collect())
        .collect()
}

struct BylineLists {
    agencies: Vec<Vec<String>>,
    desks: Vec<Vec<String>>,
    orgs: Vec<Vec<String>>,
}

static BYLINE_LISTS: LazyLock<BylineLists> = LazyLock::new(|| BylineLists {
    agencies: word_list(claimtrace_text::data::file("mul/bylines/agencies.txt")),
    desks: word_list(claimtrace_text::data::file("mul/bylines/desks.txt")),
    orgs: word_list(claimtrace_text::data::file("mul/bylines/organizations.txt")),
});

fn contains_phrase(words: &[String], list: &[Vec<String>]) -> bool {
    list.iter()
        .any(|p| !p.is_empty() && words.windows(p.len()).any(|w| w == p.as_slice()))
}

/// What a cleaned byline names. `hint` is a type given by the page (JSON-LD `@type`).
pub fn author_kind(name: &str, hint: Option<&'static str>) -> &'static str {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let l = &*BYLINE_LISTS;
    // An agency name is written as such ("AFP", not "Afp"): all-caps acronyms, or the full name.
    let agency = l.agencies.iter().any(|p| {
        !p.is_empty()
            && words.windows(p.len()).enumerate().any(|(i, w)| {
                w == p.as_slice()
                    && (p.len() > 1
                        || p.first().is_some_and(|x| x.chars().count() > 4)
                        || name
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|x| !x.is_empty())
                            .nth(i)
                            .is_some_and(|orig| {
                                orig.chars().all(|c| !c.is_lowercase())
                                    || orig == "dpa"
                                    || orig == "epd"
                            }))
            })
    });
    if agency && hint != Some(PERSON) {
        return AGENCY;
    }
    if contains_phrase(&words, &l.desks) && hint != Some(PERSON) {
        return DESK;
    }
    if let Some(h) = hint {
        return h;
    }
    if contains_phrase(&words, &l.orgs) {
        return ORGANIZATION;
    }
    PERSON
}

static BYLINE_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:(?:\d+|an?|one|few)\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b|",
        r"^(?:updated|posted|published|written|veröffentlicht|aktualisiert|publié|publicado|pubblicato)\b(?:\s+(?:on|am|le|el|il))?|",
        r"^(?:by|von|par|por|di|da|de|oleh|بقلم)\b\s*:?|",
        r"^(?:author|autor|auteur|autore|penulis|text|texte|reporter|reporting)\s*:"
    ))
    .expect("static regex")
});

/// Cleans one raw author name: prefixes ("By", "Von", "Hours Ago"), e-mail addresses,
/// handles; ALL-CAPS names title-cased ("ABBY GOODNOUGH" → "Abby Goodnough"; acronyms of
/// three letters or fewer are kept). `None` when nothing like a name is left.
pub fn clean_author(raw: &str) -> Option<String> {
    let mut s = raw.trim().to_string();
    for _ in 0..4 {
        let t = s
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        match BYLINE_NOISE.find(&t) {
            Some(m) if m.start() == 0 && m.end() > 0 => {
                s = t.get(m.end()..).unwrap_or("").to_string()
            }
            _ => {
                s = t;
                break;
            }
        }
    }
    let words: Vec<&str> = s
        .split_whitespace()
        .filter(|w| !w.contains('@') && !w.starts_with("http") && !w.contains("://"))
        .collect();
    let t = words.join(" ");
    let t = t
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')')
        .trim_end_matches(['(', ')'])
        .trim();
    if t.chars().count() < 2
        || t.split_whitespace().count() > 6
        || t.chars().filter(char::is_ascii_digit).count() > 0
        || !t.chars().any(char::is_alphabetic)
    {
        return None;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() > 3 && letters.iter().all(|c| !c.is_lowercase());
    if all_caps {
        let tc: Vec<String> = t
            .split(' ')
            .map(|w| {
                if w.chars().filter(|c| c.is_alphabetic()).count() <= 3 && t.split(' ').count() == 1
                {
                    return w.to_string();
                }
                let mut out = String::new();
                let mut start = true;
                for c in w.chars() {
                    if start {
                        out.extend(c.to_uppercase());
                    } else {
                        out.extend(c.to_lowercase());
                    }
                    start = !c.is_alphabetic() && c != '\'';
                }
                out
            })
            .collect();
        return Some(tc.join(" "));
    }
    Some(t.to_string())
}

/// Splits a raw byline ("By A and B", "A, B | C") into cleaned, typed authors (at most 20,
/// no duplicates). `hint` is a type given by the page for the whole string.
pub fn push_author(out: &mut Vec<Author>, raw: &str, hint: Option<&'static str>) {
    let s = raw.trim();
    if s.is_empty() || s.len() > 160 || s.starts_with("http") {
        return;
    }
    let s = clean_author(s).unwrap_or_default();
    if s.is_empty() {
        return;
    }
    // An organisation's name is not split on "and"/"&" ("Johnson & Johnson").
    let whole_kind = author_kind(&s, hint);
    let parts: Vec<String> = if whole_kind == ORGANIZATION && hint == Some(ORGANIZATION) {
        vec![s.clone()]
    } else {
        s.split([',', '|', ';', '&', '/', '·', '•'])
            .flat_map(|x| {
                x.split(" and ")
                    .flat_map(|y| y.split(" und "))
                    .flat_map(|y| y.split(" et "))
                    .flat_map(|y| y.split(" y "))
                    .flat_map(|y| y.split(" e "))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    for part in parts {
        let Some(t) = clean_author(&part) else {
            continue;
        };
        if t.chars().count() < 2 {
            continue;
        }
        let kind = author_kind(&t, hint);
        if kind == PERSON && t.chars().count() < 3 {
            continue;
        }
        if !out.iter().any(|a| a.name.eq_ignore_ascii_case(&t)) && out.len() < 20 {
            out.push(Author { name: t, kind });
        }
    }
}

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?")
        .expect("static regex")
});
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^0-9]|$)")
        .expect("static regex")
});
static TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})|(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2}))").expect("static regex")
});

fn month(s: &str) -> u32 {
    let l = s.to_ascii_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| l.starts_with(m))
    .map_or(0, |p| p as u32 + 1)
}

fn valid(y: u32, m: u32, d: u32) -> bool {
    (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// Normalises a date string to ISO 8601: `YYYY-MM-DDThh:mm:ss±hh:mm` when a time with an
/// offset is present, else `YYYY-MM-DD`.
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(c) = ISO.captures(s) {
        let g = |i: usize| c.get(i).map(|m| m.as_str());
        let y: u32 = g(1)?.parse().ok()?;
        let m: u32 = g(2)?.parse().ok()?;
        let d: u32 = g(3)?.parse().ok()?;
        if valid(y, m, d) {
            let date = format!("{y:04}-{m:02}-{d:02}");
            if let (Some(h), Some(mi), Some(off)) = (g(4), g(5), g(7)) {
                let h: u32 = h.parse().ok()?;
                let mi: u32 = mi.parse().ok()?;
                let sec: u32 = g(6).and_then(|x| x.parse().ok()).unwrap_or(0);
                if h < 24 && mi < 60 && sec < 61 {
                    let off = if off == "Z" {
                        "+00:00".to_string()
                    } else {
                        let digits: String = off.chars().filter(|c| c.is_ascii_digit()).collect();
                        let sign = off.get(..1).unwrap_or("+");
                        let hh = digits.get(..2).unwrap_or("00");
                        let mm = digits.get(2..4).unwrap_or("00");
                        format!("{sign}{hh}:{mm}")
                    };
                    return Some(format!("{date}T{h:02}:{mi:02}:{sec:02}{off}"));
                }
            }
            return Some(date);
        }
    }
    if let Some(c) = TEXT_DATE.captures(s) {
        let g = |i: usize| c.get(i).map(|m| m.as_str());
        let (m, d, y) = if let Some(mo) = g(1) {
            (month(mo), g(2)?, g(3)?)
        } else {
            (month(g(5)?), g(4)?, g(6)?)
        };
        let d: u32 = d.parse().ok()?;
        let y: u32 = y.parse().ok()?;
        if valid(y, m, d) {
            return Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    None
}

pub fn date_from_url(url: &str) -> Option<String> {
    let c = URL_DATE.captures(url)?;
    let y: u32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    let d: u32 = c.get(3)?.as_str().parse().ok()?;
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

pub fn meta_get<'a>(m: &'a RawMeta, keys: &[&str]) -> Option<&'a str> {
    for k in keys {
        if let Some((_, v)) = m
            .metas
            .iter()
            .find(|(kk, v)| kk == k && !v.trim().is_empty())
        {
            return Some(v.trim());
        }
    }
    None
}

/// The original publication date: [`crate::dates::page_dates`]'s `published`.
pub fn published(dom: &Dom, ld: &JsonLd, url: Option<&str>) -> Option<String> {
    crate::dates::page_dates(dom, ld, url, None, "").published
}

pub fn authors(dom: &Dom, ld: &JsonLd) -> Vec<Author> {
    if !ld.authors.is_empty() {
        return ld.authors.clone();
    }
    let mut out = Vec::new();
    for k in [
        "author",
        "article:author",
        "parsely-author",
        "dc.creator",
        "byl",
        "sailthru.author",
        "citation_author",
    ] {
        for (kk, v) in &dom.meta.metas {
            if kk == k && !v.contains("://") {
                push_author(&mut out, v, None);
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    // Elements: itemprop=author / rel=author first, then byline classes.
    let mut nodes = dom.meta.author_nodes.clone();
    nodes.sort_by_key(|(_, k)| std::cmp::Reverse(*k));
    for (idx, _) in nodes.iter().take(8) {
        let t = dom.subtree_text(*idx as usize, 200);
        if !t.is_empty() && t.chars().count() < 80 {
            push_author(&mut out, &t, None);
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

pub fn site_name(dom: &Dom, ld: &JsonLd) -> Option<String> {
    meta_get(
        &dom.meta,
        &[
            "og:site_name",
            "application-name",
            "twitter:site",
            "publisher",
            "dc.publisher",
        ],
    )
    .map(|s| s.trim_start_matches('@').to_string())
    .or_else(|| ld.publisher.clone())
}

pub fn title(dom: &Dom, ld: &JsonLd) -> Option<String> {
    if let Some(t) = meta_get(
        &dom.meta,
        &["og:title", "twitter:title", "headline", "dc.title"],
    ) {
        return Some(t.to_string());
    }
    if let Some(h) = &ld.headline {
        return Some(h.clone());
    }
    let t = dom
        .meta
        .title_node
        .map(|i| dom.subtree_text(i as usize, 1000))?;
    // "Headline | Site" / "Headline - Site"
    for sep in [" | ", " – ", " — ", " - ", " :: ", " · "] {
        if let Some((a, _)) = t.rsplit_once(sep)
            && a.chars().count() > 15
        {
            return Some(a.trim().to_string());
        }
    }
    (!t.is_empty()).then_some(t)
}

pub fn canonical(dom: &Dom, ld: &JsonLd) -> Option<String> {
    dom.meta
        .canonical
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| meta_get(&dom.meta, &["og:url"]).map(|s| s.to_string()))
        .or_else(|| ld.url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            normalize_date("2019-03-06T10:20:30Z").as_deref(),
            Some("2019-03-06T10:20:30+00:00")
        );
        assert_eq!(
            normalize_date("2019-03-06T10:20:30.123+0530").as_deref(),
            Some("2019-03-06T10:20:30+05:30")
        );
        assert_eq!(
            normalize_date("2019-03-06 10:20").as_deref(),
            Some("2019-03-06")
        );
        assert_eq!(
            normalize_date("March 6, 2019").as_deref(),
            Some("2019-03-06")
        );
        assert_eq!(normalize_date("6 Mar 2019").as_deref(), Some("2019-03-06"));
        assert_eq!(normalize_date("20190306").as_deref(), Some("2019-03-06"));
        assert_eq!(normalize_date("nonsense"), None);
        assert_eq!(
            date_from_url("https://x.com/news/2019/03/06/story.html").as_deref(),
            Some("2019-03-06")
        );
    }

    #[test]
    fn json_ld_graph() {
        let b = r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"H","datePublished":"2020-01-02T03:04:05+01:00","author":[{"@type":"Person","name":"Ann Lee"},{"name":"Bo Kim"}],"publisher":{"@type":"Organization","name":"The Daily"}}]}"#;
        let ld = parse_json_ld(&[b.to_string()]);
        assert_eq!(ld.headline.as_deref(), Some("H"));
        let names: Vec<&str> = ld.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["Ann Lee", "Bo Kim"]);
        assert_eq!(ld.publisher.as_deref(), Some("The Daily"));
    }

    #[test]
    fn bylines_are_typed_and_cleaned() {
        let mut v = Vec::new();
        push_author(&mut v, "Hours Ago Josh Constine", None);
        push_author(&mut v, "By ABBY GOODNOUGH", None);
        push_author(&mut v, "AFP", None);
        push_author(&mut v, "Reuters staff", None);
        push_author(&mut v, "Editorial Board", None);
        push_author(&mut v, "Australian Broadcasting Corporation", None);
        let got: Vec<(&str, &str)> = v.iter().map(|a| (a.name.as_str(), a.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Josh Constine", PERSON),
                ("Abby Goodnough", PERSON),
                ("AFP", AGENCY),
                ("Reuters staff", AGENCY),
                ("Editorial Board", DESK),
                ("Australian Broadcasting Corporation", ORGANIZATION),
            ]
        );
        let mut w = Vec::new();
        push_author(&mut w, "By Jane Roe and John Doe", None);
        assert_eq!(w.len(), 2);
        let b = r#"{"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Organization","name":"Acme Research"}]}"#;
        let ld = parse_json_ld(&[b.to_string()]);
        let got: Vec<(&str, &str)> = ld
            .authors
            .iter()
            .map(|a| (a.name.as_str(), a.kind))
            .collect();
        assert_eq!(
            got,
            vec![("Ann Lee", PERSON), ("Acme Research", ORGANIZATION)]
        );
    }
}
