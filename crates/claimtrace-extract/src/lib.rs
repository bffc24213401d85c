//! Main-text and metadata extraction from news HTML pages.
//!
//! In: one decoded HTML page (`&str`) and the URL it came from, if known.
//! Out: [`Extracted`]: the article body (paragraphs separated by blank lines) without
//! navigation, ads, share buttons, related links, comments or cookie banners, plus the
//! page's metadata (title, authors, publication date, site name, canonical URL, language).
//!
//! Pipeline: a byte-level pre-pass ([`prepass`]) drops scripts, styles, comments and other
//! never-text elements and bounds nesting depth and size; html5ever (through dom_query) parses
//! the rest once; [`dom`] flattens the tree into a pre-order array (every later pass is a
//! loop, none recurses); [`body`] prunes boilerplate, cuts paragraphs, scores containers and
//! keeps the best one's paragraphs; [`meta`] reads JSON-LD, meta tags, `<time>` and bylines.

pub mod body;
pub mod dates;
pub mod dom;
pub mod eval;
pub mod lang;
pub mod meta;
pub mod prepass;

/// What [`extract`] finds in a page. Every field may be missing; `text` may be empty when the
/// page has no article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub title: Option<String>,
    /// Body text: paragraphs separated by `"\n\n"`.
    pub text: String,
    /// Typed bylines (person, organization, agency, desk), in page order.
    pub authors: Vec<meta::Author>,
    /// The original publication: ISO 8601 date-time with offset where known, else a date
    /// (`2019-03-06`).
    pub published: Option<String>,
    /// The last update, when the page gives one apart from `published`.
    pub modified: Option<String>,
    /// The signal that decided `published`: `json-ld`, `meta`, `itemprop`, `time`, `url`, `script`, `text`.
    pub date_source: Option<&'static str>,
    /// Why `published` is missing although the page had date signals (relative date…).
    pub date_note: Option<String>,
    /// Site / outlet name.
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    /// ISO 639-1 code: `<html lang>` / meta first, else detected from the text.
    pub lang: Option<String>,
}

/// Extracts the article from a page. Never panics, whatever the input.
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    extract_with(html, url, &body::Params::default())
}

/// [`extract`] with explicit body-scoring parameters (for tuning and evaluation).
pub fn extract_with(html: &str, url: Option<&str>, params: &body::Params) -> Extracted {
    let pre = prepass::run(html);
    let doc = dom_query::Document::from(pre.html.as_str());
    let dom = dom::flatten(&doc);
    drop(doc);
    let ld = meta::parse_json_ld(&pre.json_ld);
    let title = meta::title(&dom, &ld);
    let res = body::extract_body(&dom, title.as_deref(), params);
    let mut text = String::new();
    for p in &res.paras {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&p.text);
    }
    // Pages rendered by scripts or cut by a paywall may carry the full body in JSON-LD only.
    if let Some(b) = ld.body.as_deref() {
        let ld_len = b.chars().count();
        if ld_len >= 200 && text.chars().count() * 2 < ld_len {
            text = ld_body_text(b);
        }
    }
    let lang = dom
        .meta
        .html_lang
        .as_deref()
        .and_then(lang::normalize_tag)
        .or_else(|| {
            meta::meta_get(
                &dom.meta,
                &["content-language", "language", "dc.language", "og:locale"],
            )
            .and_then(lang::normalize_tag)
        })
        .or_else(|| ld.lang.as_deref().and_then(lang::normalize_tag))
        .or_else(|| lang::detect(&text));
    let dates = dates::page_dates(&dom, &ld, url, lang.as_deref(), html);
    Extracted {
        published: dates.published,
        modified: dates.modified,
        date_source: dates.source,
        date_note: dates.note,
        authors: meta::authors(&dom, &ld),
        site_name: meta::site_name(&dom, &ld),
        canonical_url: meta::canonical(&dom, &ld),
        title,
        text,
        lang,
    }
}

fn ld_body_text(b: &str) -> String {
    let mut out = String::new();
    for para in b.split('\n') {
        let p: String = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p);
    }
    out
}
