//! Temporal expressions: HeidelTime-style rules (regex over per-language lexicons, both kept as
//! data files in `lang/<lang>/time/`), normalised to TIMEX3 values relative to the publication
//! date with jiff calendar arithmetic.
//!
//! Resolution follows news conventions: an expression without a year is placed in the year of
//! the publication date, moved one year back when that would put it clearly in the future
//! (past bias), unless the sentence looks future-oriented (a `Tense=Fut` token, or a lexical cue
//! such as "will", "prochain", "próximo", "المقبل").

use claimtrace_core::{Doc, Span, TimeExpr};
use compact_str::CompactString;
use jiff::ToSpan;
use jiff::civil::Date;
use regex::{Captures, Regex};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

struct Lang {
    lex: FxHashMap<(String, String), String>,
    rules: Vec<(Handler, Regex)>,
    future: Option<Regex>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handler {
    Range,
    Date,
    Iso,
    NumDate,
    Weekday,
    WeekPod,
    PodRel,
    Time,
    Ago,
    Later,
    RelUnit,
    Duration,
    Set,
    SetAdv,
    RelDay,
    Present,
    Decade,
    Year,
    /// A quarter ("the third quarter of 2019", "Q3", "fiscal Q1"): `YYYY-Qn`, `FYYYYY-Qn`
    /// after "fiscal".
    Quarter,
    /// Matches text that looks temporal but is not ("ahora bien"): occupies the span, emits
    /// nothing.
    Block,
}

impl Handler {
    fn parse(s: &str) -> Option<Handler> {
        Some(match s {
            "range" => Handler::Range,
            "date" => Handler::Date,
            "iso" => Handler::Iso,
            "numdate" => Handler::NumDate,
            "weekday" => Handler::Weekday,
            "weekpod" => Handler::WeekPod,
            "podrel" => Handler::PodRel,
            "time" => Handler::Time,
            "ago" => Handler::Ago,
            "later" => Handler::Later,
            "relunit" => Handler::RelUnit,
            "duration" => Handler::Duration,
            "set" => Handler::Set,
            "setadv" => Handler::SetAdv,
            "relday" => Handler::RelDay,
            "present" => Handler::Present,
            "decade" => Handler::Decade,
            "year" => Handler::Year,
            "quarter" => Handler::Quarter,
            "block" => Handler::Block,
            _ => return None,
        })
    }
}

/// The languages with time data: `lang/<code>/time/lexicon.tsv` and `rules.tsv`, read through
/// the one loader of language data ([`claimtrace_text::data`]).
const LANG_CODES: &[&str] = &["en", "fr", "es", "ar", "de", "it", "pt", "id"];

fn lang_files() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    LANG_CODES.iter().map(|c| {
        (
            *c,
            claimtrace_text::data::file(&format!("{c}/time/lexicon.tsv")),
            claimtrace_text::data::file(&format!("{c}/time/rules.tsv")),
        )
    })
}

/// Lower-cases and collapses whitespace: the key of lexicon lookups.
use claimtrace_text::norm::lower_key as norm;

fn alternation(forms: &[&str]) -> String {
    let mut v: Vec<&str> = forms.to_vec();
    v.sort_by_key(|f| std::cmp::Reverse(f.len()));
    v.dedup();
    if v.is_empty() {
        return "(?:\u{0}NEVER)".into();
    }
    let parts: Vec<String> = v
        .iter()
        .map(|f| {
            let mut e = regex::escape(f).replace(' ', r"\s+");
            if f.contains('\'') {
                e = e.replace('\'', "['’]");
            }
            e
        })
        .collect();
    parts.join("|")
}

fn build_lang(code: &str, lexicon: &str, rules: &str) -> Lang {
    let mut lex = FxHashMap::default();
    let mut by_cat: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    for line in lexicon.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        let (Some(cat), Some(form)) = (f.next(), f.next()) else {
            continue;
        };
        let val = f.next().unwrap_or("").trim();
        by_cat.entry(cat).or_default().push(form);
        lex.insert((cat.to_owned(), norm(form)), val.to_owned());
    }
    let cat = |c: &str| by_cat.get(c).cloned().unwrap_or_default();
    let union = |a: &str, b: &str| {
        let mut v = cat(a);
        v.extend(cat(b));
        v
    };
    let digit_day = r"(?:[0-3]|[٠-٣])?\d";
    let subst: Vec<(&str, String)> = vec![
        ("{day}", format!("(?P<d>{digit_day})")),
        ("{mnum}", r"(?P<mn>0?[1-9]|1[0-2])".into()),
        ("{year}", r"(?P<y>(?:1[5-9]|20|١[٥-٩]|٢٠)\d\d)".into()),
        ("{month}", format!("(?P<m>{})", alternation(&cat("month")))),
        (
            "{weekday}",
            format!("(?P<wd>{})", alternation(&cat("weekday"))),
        ),
        ("{unit}", format!("(?P<u>{})", alternation(&cat("unit")))),
        ("{dual}", format!("(?P<du>{})", alternation(&cat("dual")))),
        (
            "{num}",
            format!(r"(?P<n>\d+(?:[.,]\d+)?|{})", alternation(&cat("num"))),
        ),
        (
            "{prev}",
            format!("(?P<prev>{})", alternation(&union("prev_pre", "prev_post"))),
        ),
        (
            "{next}",
            format!("(?P<next>{})", alternation(&union("next_pre", "next_post"))),
        ),
        (
            "{this}",
            format!("(?P<this>{})", alternation(&cat("this_pre"))),
        ),
        (
            "{this_post}",
            format!("(?P<this>{})", alternation(&cat("this_post"))),
        ),
        (
            "{relday}",
            format!("(?P<rd>{})", alternation(&cat("relday"))),
        ),
        (
            "{present}",
            format!("(?P<pr>{})", alternation(&cat("present"))),
        ),
        ("{pod}", format!("(?P<pod>{})", alternation(&cat("pod")))),
        (
            "{podrel}",
            format!("(?P<pr2>{})", alternation(&cat("podrel"))),
        ),
        (
            "{clockword}",
            format!("(?P<cw>{})", alternation(&cat("clockword"))),
        ),
        (
            "{quarter}",
            format!("(?P<q>{})", alternation(&cat("quarter"))),
        ),
        ("{block}", format!("(?:{})", alternation(&cat("block")))),
        ("{every}", format!("(?:{})", alternation(&cat("every")))),
        (
            "{setadv}",
            format!("(?P<sa>{})", alternation(&cat("setadv"))),
        ),
        ("{prep}", alternation(&cat("prep"))),
        ("{ampm}", format!("(?P<ap>{})", alternation(&cat("ampm")))),
        (
            "{ago_post}",
            format!("(?:{})", alternation(&cat("ago_post"))),
        ),
        ("{ago_pre}", format!("(?:{})", alternation(&cat("ago_pre")))),
        (
            "{later_pre}",
            format!("(?:{})", alternation(&cat("later_pre"))),
        ),
        (
            "{later_post}",
            format!("(?:{})", alternation(&cat("later_post"))),
        ),
    ];
    let mut compiled = Vec::new();
    for line in rules.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((h, pat)) = line.split_once('\t') else {
            continue;
        };
        let Some(h) = Handler::parse(h.trim()) else {
            continue;
        };
        let mut p = pat.to_owned();
        for (k, v) in &subst {
            p = p.replace(k, v);
        }
        if code == "ar" {
            // Clitics (wa-, bi-, li-, fa-) attach to the word: allow one before the timex.
            p = if p.contains("(?P<t>") {
                format!(r"(?:^|\b|[وبلف])(?:{p})(?:\b|$)")
            } else {
                format!(r"(?:^|\b|[وبلف])(?P<t>{p})(?:\b|$)")
            };
        }
        match Regex::new(&format!("(?i){p}")) {
            Ok(re) => compiled.push((h, re)),
            Err(e) => {
                // A broken rule is a data bug: skip it (tests check that all rules compile).
                debug_assert!(false, "bad {code} time rule {pat}: {e}");
            }
        }
    }
    let fut = cat("future");
    let future = if fut.is_empty() {
        None
    } else {
        let extra = match code {
            "es" => r"|\w+(?:ará|erá|irá|rán|drá|drán)",
            _ => "",
        };
        Regex::new(&format!(
            r"(?i)(?:^|\b)(?:{}{extra})(?:\b|$)",
            alternation(&fut)
        ))
        .ok()
    };
    Lang {
        lex,
        rules: compiled,
        future,
    }
}

/// The compiled rules of one language, built the first time a document of that language
/// asks (compiling every language's rules cost a third of a short run's start-up).
fn lang(code: &str) -> Option<&'static Lang> {
    static L: [OnceLock<Lang>; LANG_CODES.len()] = [const { OnceLock::new() }; LANG_CODES.len()];
    let i = LANG_CODES.iter().position(|&c| c == code)?;
    let cell = L.get(i)?;
    Some(cell.get_or_init(|| {
        build_lang(
            code,
            claimtrace_text::data::file(&format!("{code}/time/lexicon.tsv")),
            claimtrace_text::data::file(&format!("{code}/time/rules.tsv")),
        )
    }))
}

/// Number of compiled rules per language (for tests and diagnostics).
pub fn rule_counts() -> Vec<(&'static str, usize)> {
    let mut v: Vec<_> = LANG_CODES
        .iter()
        .filter_map(|&c| Some((c, lang(c)?.rules.len())))
        .collect();
    v.sort();
    v
}

/// Rule lines per language in the data files (to check every rule compiled).
pub fn rule_lines() -> Vec<(&'static str, usize)> {
    let mut v: Vec<_> = lang_files()
        .map(|(c, _, r)| {
            (
                c,
                r.lines()
                    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .count(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Parses an integer written with ASCII or Arabic-Indic digits.
fn parse_num(s: &str) -> Option<i64> {
    let mut n: i64 = 0;
    let mut any = false;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{660}'..='\u{669}' => c as u32 - 0x660,
            '\u{6F0}'..='\u{6F9}' => c as u32 - 0x6F0,
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(d as i64)?;
        any = true;
    }
    any.then_some(n)
}

/// The context an expression is normalised in.
#[derive(Clone, Copy)]
struct Ctx {
    dct: Option<Date>,
    future: bool,
    day_first: bool,
}

struct Norm {
    kind: &'static str,
    value: String,
    anchor: &'static str,
}

fn n(kind: &'static str, value: String, anchor: &'static str) -> Option<Norm> {
    Some(Norm {
        kind,
        value,
        anchor,
    })
}

fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn fmt_week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn shift(d: Date, unit: &str, k: i64) -> Option<Date> {
    let k = k.clamp(-100_000, 100_000);
    let sp = match unit {
        "D" => k.days(),
        "W" | "WE" => k.weeks(),
        "M" => k.months(),
        "Q" => (3 * k).months(),
        "Y" => k.years(),
        "DE" => (10 * k).years(),
        "CE" => (100 * k).years(),
        _ => return None,
    };
    d.checked_add(sp).ok()
}

/// Value of a date at the granularity of `unit`.
fn at_granularity(d: Date, unit: &str) -> Option<String> {
    Some(match unit {
        "D" => fmt_date(d),
        "W" => fmt_week(d),
        "WE" => format!("{}-WE", fmt_week(d)),
        "M" => format!("{:04}-{:02}", d.year(), d.month()),
        "Q" => format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
        "Y" => format!("{:04}", d.year()),
        "DE" => format!("{:03}", d.year() / 10),
        "CE" => format!("{:02}", d.year() / 100),
        _ => return None,
    })
}

fn unit_word(unit: &str) -> &'static str {
    match unit {
        "D" => "day",
        "W" | "WE" => "week",
        "M" => "month",
        "Q" => "quarter",
        "Y" => "year",
        "DE" => "decade",
        "CE" => "century",
        "H" => "hour",
        "MIN" => "minute",
        _ => "second",
    }
}

fn duration_value(num: &str, unit: &str) -> String {
    let (time, u) = match unit {
        "H" => (true, "H"),
        "MIN" => (true, "M"),
        "S" => (true, "S"),
        "D" => (false, "D"),
        "W" | "WE" => (false, "W"),
        "M" => (false, "M"),
        "Q" => (false, "Q"),
        "Y" => (false, "Y"),
        "DE" => (false, "DE"),
        "CE" => (false, "CE"),
        _ => (false, "D"),
    };
    let num = num.replace(',', ".");
    if time {
        format!("PT{num}{u}")
    } else {
        format!("P{num}{u}")
    }
}

/// Resolves month (and day) without a year against the DCT.
fn resolve_md(m: i8, d: Option<i8>, ctx: Ctx) -> Option<Norm> {
    let Some(dct) = ctx.dct else {
        return match d {
            Some(d) => n("DATE", format!("XXXX-{m:02}-{d:02}"), "unknown"),
            None => n("DATE", format!("XXXX-{m:02}"), "unknown"),
        };
    };
    let mut y = dct.year();
    let months_ahead = (m as i32 - dct.month() as i32) * 31
        + (d.unwrap_or(if m == dct.month() { dct.day() } else { 15 }) as i32 - dct.day() as i32);
    if !ctx.future && months_ahead > 31 {
        y -= 1;
    } else if ctx.future && months_ahead < -31 {
        y += 1;
    }
    match d {
        Some(d) => match Date::new(y, m, d) {
            Ok(date) => n("DATE", fmt_date(date), "dct"),
            Err(_) => n("DATE", format!("{y:04}-{m:02}"), "dct"),
        },
        None => n("DATE", format!("{y:04}-{m:02}"), "dct"),
    }
}

fn weekday_date(dct: Date, wd: i8, dir: i8, future: bool) -> Option<Date> {
    let cur = dct.weekday().to_monday_one_offset();
    let back = ((cur - wd + 7) % 7) as i64; // days back to the most recent such weekday (0 = today)
    let fwd = ((wd - cur + 7) % 7) as i64;
    let off = match dir {
        -1 => -(if back == 0 { 7 } else { back }),
        1 => {
            if fwd == 0 {
                7
            } else {
                fwd
            }
        }
        _ if future => fwd,
        _ => -back,
    };
    dct.checked_add(off.days()).ok()
}

impl Lang {
    fn get(&self, cat: &str, form: &str) -> Option<&str> {
        self.lex
            .get(&(cat.to_owned(), norm(form)))
            .map(String::as_str)
    }

    fn num(&self, c: &Captures) -> Option<String> {
        let s = c.name("n")?.as_str();
        if let Some(v) = parse_num(s) {
            return Some(v.to_string());
        }
        if s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Some(s.replace(',', "."));
        }
        self.get("num", s).map(str::to_owned)
    }

    fn dir(&self, c: &Captures) -> i8 {
        if c.name("prev").is_some() {
            -1
        } else if c.name("next").is_some() {
            1
        } else {
            0
        }
    }

    fn month(&self, c: &Captures) -> Option<i8> {
        if let Some(m) = c.name("m") {
            return self.get("month", m.as_str())?.parse().ok();
        }
        c.name("mn")
            .and_then(|m| parse_num(m.as_str()))
            .and_then(|v| i8::try_from(v).ok())
    }

    fn normalise(&self, h: Handler, c: &Captures, ctx: Ctx) -> Option<Norm> {
        let year = c
            .name("y")
            .and_then(|y| parse_num(y.as_str()))
            .and_then(|y| i16::try_from(y).ok())
            .filter(|y| (1..=9999).contains(y));
        let day = c
            .name("d")
            .and_then(|d| parse_num(d.as_str()))
            .and_then(|d| i8::try_from(d).ok())
            .filter(|d| (1..=31).contains(d));
        // "an hours-long meeting": an article with a plural unit is no amount of time.
        if let (Some(nm), Some(u)) = (c.name("n"), c.name("u"))
            && matches!(
                norm(nm.as_str()).as_str(),
                "a" | "an" | "un" | "une" | "una"
            )
            && u.as_str().ends_with('s')
        {
            return None;
        }
        match h {
            Handler::Date | Handler::Iso | Handler::Range => {
                let m = self.month(c)?;
                let d = if c.name("d").is_some() {
                    Some(day?)
                } else if c.get(0)?.as_str().to_lowercase().contains("premier")
                    || c.get(0)?.as_str().contains("1er")
                    || c.get(0)?.as_str().to_lowercase().contains("primero")
                    || c.get(0)?.as_str().contains("أول")
                    || c.get(0)?.as_str().contains("اول")
                {
                    Some(1)
                } else {
                    None
                };
                match year {
                    Some(y) => match d {
                        Some(d) => match Date::new(y, m, d) {
                            Ok(date) => n("DATE", fmt_date(date), "absolute"),
                            Err(_) => n("DATE", format!("{y:04}-{m:02}"), "absolute"),
                        },
                        None => n("DATE", format!("{y:04}-{m:02}"), "absolute"),
                    },
                    None => resolve_md(m, d, ctx),
                }
            }
            Handler::NumDate => {
                let a = i8::try_from(parse_num(c.name("a")?.as_str())?).ok()?;
                let b = i8::try_from(parse_num(c.name("b")?.as_str())?).ok()?;
                let (d, m) = if a > 12 {
                    (a, b)
                } else if b > 12 {
                    (b, a)
                } else if ctx.day_first {
                    (a, b)
                } else {
                    (b, a)
                };
                // "Minggu (10/7)": no year, resolved like "10 July".
                let Some(y) = year else {
                    return resolve_md(m, Some(d), ctx);
                };
                let date = Date::new(y, m, d).ok()?;
                n("DATE", fmt_date(date), "absolute")
            }
            Handler::Year => n("DATE", format!("{:04}", year?), "absolute"),
            Handler::Quarter => {
                let q: i8 = match c.name("q") {
                    Some(q) => self.get("quarter", q.as_str())?.parse().ok()?,
                    None => i8::try_from(parse_num(c.name("qn")?.as_str())?).ok()?,
                };
                if !(1..=4).contains(&q) {
                    return None;
                }
                let fy = if c.name("fy").is_some() { "FY" } else { "" };
                // "Q3 '19", "Q3 19": two-digit years are 20xx.
                let y2 = c
                    .name("y2")
                    .and_then(|y| parse_num(y.as_str()))
                    .and_then(|y| i16::try_from(2000 + y).ok());
                if let Some(y) = year.or(y2) {
                    return n("DATE", format!("{fy}{y:04}-Q{q}"), "absolute");
                }
                let Some(dct) = ctx.dct else {
                    return n("DATE", format!("{fy}XXXX-Q{q}"), "unknown");
                };
                // News past bias, as for months: a quarter that has not begun is last year's
                // unless the sentence looks ahead.
                let cur = (dct.month() - 1) / 3 + 1;
                let y = if q > cur && !ctx.future {
                    dct.year() - 1
                } else {
                    dct.year()
                };
                n("DATE", format!("{fy}{y:04}-Q{q}"), "dct")
            }
            Handler::Decade => {
                if let Some(dec) = c.name("dec") {
                    let v = parse_num(dec.as_str())?;
                    n("DATE", format!("{:03}", v / 10), "absolute")
                } else {
                    let v = parse_num(c.name("dec2")?.as_str())?;
                    n("DATE", format!("19{}", v / 10), "absolute")
                }
            }
            Handler::Weekday | Handler::WeekPod => {
                let wd: i8 = self.get("weekday", c.name("wd")?.as_str())?.parse().ok()?;
                let pod = match c.name("pod") {
                    Some(p) => format!("T{}", self.get("pod", p.as_str())?),
                    None => String::new(),
                };
                let dir = self.dir(c);
                let kind = if pod.is_empty() { "DATE" } else { "TIME" };
                let Some(dct) = ctx.dct else {
                    return n(kind, format!("XXXX-WXX-{wd}{pod}"), "unknown");
                };
                if c.name("this").is_some() {
                    let cur = dct.weekday().to_monday_one_offset();
                    let d = dct.checked_add(((wd - cur) as i64).days()).ok()?;
                    return n(kind, format!("{}{pod}", fmt_date(d)), "dct");
                }
                let d = weekday_date(dct, wd, dir, ctx.future)?;
                n(kind, format!("{}{pod}", fmt_date(d)), "dct")
            }
            Handler::PodRel => {
                let v = self.get("podrel", c.name("pr2")?.as_str())?;
                let split = v.len().checked_sub(2)?;
                let (k, pod) = (v.get(..split)?, v.get(split..)?);
                let k: i64 = k.parse().ok()?;
                match ctx.dct {
                    Some(dct) => {
                        let d = dct.checked_add(k.days()).ok()?;
                        n("TIME", format!("{}T{pod}", fmt_date(d)), "dct")
                    }
                    None => n("TIME", format!("XXXX-XX-XXT{pod}"), "unknown"),
                }
            }
            Handler::Block => None,
            Handler::Time => {
                if let Some(cw) = c.name("cw") {
                    let v = self.get("clockword", cw.as_str())?;
                    return match ctx.dct {
                        Some(dct) => n("TIME", format!("{}T{v}", fmt_date(dct)), "dct"),
                        None => n("TIME", format!("XXXX-XX-XXT{v}"), "unknown"),
                    };
                }
                let mut h = parse_num(c.name("h")?.as_str())?;
                let mi = c
                    .name("mi")
                    .and_then(|m| parse_num(m.as_str()))
                    .unwrap_or(0);
                if let Some(ap) = c.name("ap") {
                    match self.get("ampm", ap.as_str()) {
                        Some("PM") if h < 12 => h += 12,
                        Some("AM") if h == 12 => h = 0,
                        _ => {}
                    }
                }
                if !(0..=23).contains(&h) || !(0..=59).contains(&mi) {
                    return None;
                }
                match ctx.dct {
                    Some(dct) => n("TIME", format!("{}T{h:02}:{mi:02}", fmt_date(dct)), "dct"),
                    None => n("TIME", format!("XXXX-XX-XXT{h:02}:{mi:02}"), "unknown"),
                }
            }
            Handler::Ago | Handler::Later => {
                let (num, unit) = if let Some(du) = c.name("du") {
                    ("2".to_owned(), self.get("dual", du.as_str())?.to_owned())
                } else {
                    (
                        self.num(c)?,
                        self.get("unit", c.name("u")?.as_str())?.to_owned(),
                    )
                };
                if h == Handler::Later && !ctx.future {
                    return n("DURATION", duration_value(&num, &unit), "none");
                }
                let sign: i64 = if h == Handler::Ago { -1 } else { 1 };
                let Some(k) = parse_num(&num) else {
                    let r = if sign < 0 { "PAST_REF" } else { "FUTURE_REF" };
                    return n(
                        "DATE",
                        r.into(),
                        if ctx.dct.is_some() { "dct" } else { "unknown" },
                    );
                };
                let Some(dct) = ctx.dct else {
                    let dir = if sign < 0 { "MINUS" } else { "PLUS" };
                    return n(
                        "DATE",
                        format!("UNDEF-this-{}-{dir}-{k}", unit_word(&unit)),
                        "unknown",
                    );
                };
                match unit.as_str() {
                    "H" | "MIN" | "S" => n("DATE", fmt_date(dct), "dct"),
                    u => {
                        let d = shift(dct, u, sign * k)?;
                        n("DATE", at_granularity(d, u)?, "dct")
                    }
                }
            }
            Handler::RelUnit => {
                let unit = self.get("unit", c.name("u")?.as_str())?;
                let k = self.dir(c) as i64;
                let Some(dct) = ctx.dct else {
                    let w = unit_word(unit);
                    let v = match k {
                        -1 => format!("UNDEF-last-{w}"),
                        1 => format!("UNDEF-next-{w}"),
                        _ => format!("UNDEF-this-{w}"),
                    };
                    return n("DATE", v, "unknown");
                };
                if matches!(unit, "H" | "MIN" | "S") {
                    return None;
                }
                // "over the weekend" (an empty `prev` group): the last weekend, or this one
                // when the article appears on a Saturday or Sunday.
                let k = if unit == "WE"
                    && c.name("prev").is_some_and(|p| p.as_str().is_empty())
                    && (dct.weekday().to_monday_one_offset() >= 6 || ctx.future)
                {
                    0
                } else {
                    k
                };
                let d = shift(dct, unit, k)?;
                n("DATE", at_granularity(d, unit)?, "dct")
            }
            Handler::Duration => {
                let (num, unit) = if let Some(du) = c.name("du") {
                    ("2".to_owned(), self.get("dual", du.as_str())?.to_owned())
                } else {
                    (
                        self.num(c)?,
                        self.get("unit", c.name("u")?.as_str())?.to_owned(),
                    )
                };
                n("DURATION", duration_value(&num, &unit), "none")
            }
            Handler::Set => {
                if let Some(wd) = c.name("wd") {
                    let wd: i8 = self.get("weekday", wd.as_str())?.parse().ok()?;
                    return n("SET", format!("XXXX-WXX-{wd}"), "none");
                }
                let num = self.num(c).unwrap_or_else(|| "1".into());
                let unit = self.get("unit", c.name("u")?.as_str())?;
                n("SET", duration_value(&num, unit), "none")
            }
            Handler::SetAdv => n(
                "SET",
                self.get("setadv", c.name("sa")?.as_str())?.to_owned(),
                "none",
            ),
            Handler::RelDay => {
                let k: i64 = self.get("relday", c.name("rd")?.as_str())?.parse().ok()?;
                match ctx.dct {
                    Some(dct) => n("DATE", fmt_date(dct.checked_add(k.days()).ok()?), "dct"),
                    None => {
                        let v = if k < 0 {
                            format!("UNDEF-this-day-MINUS-{}", -k)
                        } else {
                            format!("UNDEF-this-day-PLUS-{k}")
                        };
                        n("DATE", v, "unknown")
                    }
                }
            }
            Handler::Present => {
                let v = self.get("present", c.name("pr")?.as_str())?;
                if v == "DCT" {
                    return match ctx.dct {
                        Some(d) => n("DATE", fmt_date(d), "dct"),
                        None => n("DATE", "PRESENT_REF".into(), "unknown"),
                    };
                }
                n("DATE", v.to_owned(), "none")
            }
        }
    }
}

/// The publication date as a civil date (first 10 characters of an ISO date or date-time).
pub fn parse_dct(published: Option<&str>) -> Option<Date> {
    let p = published?.trim();
    p.get(..10)?.parse::<Date>().ok()
}

/// Whether numeric dates (`03/04/2019`) read day-first for this document.
fn day_first(doc: &Doc, lang: &str) -> bool {
    if lang != "en" {
        return true;
    }
    let Some(url) = doc.url.as_deref() else {
        return false;
    };
    let host = url
        .split("//")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or("");
    [
        ".uk", ".ie", ".au", ".nz", ".in", ".za", ".ng", ".pk", ".ae", ".sg", ".ke", ".gh", ".eu",
        ".fr", ".ma", ".qa",
    ]
    .iter()
    .any(|t| host.ends_with(t))
}

/// Span of the sentence containing `pos`: from doc.sentences when present, else a heuristic.
fn sentence_bounds(doc: &Doc, pos: usize) -> (usize, usize) {
    if !doc.sentences.is_empty() {
        let i = doc
            .sentences
            .partition_point(|s| (s.span.end as usize) <= pos);
        if let Some(s) = doc.sentences.get(i) {
            return (s.span.start as usize, s.span.end as usize);
        }
    }
    let t = doc.text.as_bytes();
    let is_end = |b: u8| matches!(b, b'.' | b'!' | b'?' | b'\n');
    let mut s = pos.min(t.len());
    while s > 0 && !t.get(s - 1).is_some_and(|&b| is_end(b)) {
        s -= 1;
    }
    let mut e = pos.min(t.len());
    while e < t.len() && !t.get(e).is_some_and(|&b| is_end(b)) {
        e += 1;
    }
    (s, e)
}

/// Whether the sentence around `span` is future-oriented.
fn is_future(doc: &Doc, lang: &Lang, span: Span) -> bool {
    let (s, e) = sentence_bounds(doc, span.start as usize);
    // Tokens with morphology decide when present: the verb nearest to the expression.
    let mut best: Option<(usize, bool)> = None;
    let lo = doc.tokens.partition_point(|t| (t.span.end as usize) <= s);
    for t in doc.tokens.get(lo..).unwrap_or(&[]) {
        if t.span.start as usize >= e {
            break;
        }
        let fut = t.feats.contains("Tense=Fut")
            || (t.upos == "AUX" && matches!(t.lemma.as_str(), "will" | "shall"));
        let tensed = fut || t.feats.contains("Tense=");
        if !tensed {
            continue;
        }
        let dist = (t.span.start as i64 - span.start as i64).unsigned_abs() as usize;
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, fut));
        }
    }
    if let Some((_, f)) = best {
        return f;
    }
    match (&lang.future, doc.text.get(s..e)) {
        (Some(re), Some(sent)) => re.is_match(sent),
        _ => false,
    }
}

/// Finds and normalises the temporal expressions of `doc` (replacing `doc.times`).
pub fn annotate_times(doc: &mut Doc) {
    doc.times = find_times(doc);
}

/// The temporal expressions of a document, in text order, without modifying it.
pub fn find_times(doc: &Doc) -> Vec<TimeExpr> {
    let code = doc
        .lang
        .as_deref()
        .map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase())
        .unwrap_or_else(|| "en".into());
    let Some(lang) = lang(&code).or_else(|| lang("en")) else {
        return Vec::new();
    };
    let dct = parse_dct(doc.published.as_deref());
    let day_first = day_first(doc, &code);
    let text = doc.text.as_str();

    // Candidates: (start, end, rule index, captures).
    let mut cands: Vec<(usize, usize, usize, Captures<'_>)> = Vec::new();
    for (ri, (_, re)) in lang.rules.iter().enumerate() {
        for c in re.captures_iter(text) {
            let Some(m) = c.name("t").or_else(|| c.get(0)) else {
                continue;
            };
            if m.start() < m.end() {
                cands.push((m.start(), m.end(), ri, c));
            }
        }
    }
    // Longest first, then earlier rule; greedy non-overlapping selection.
    cands.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.2.cmp(&b.2)));
    let mut taken: Vec<(usize, usize, usize, Captures<'_>)> = Vec::new();
    for c in cands {
        if taken.iter().all(|t| c.1 <= t.0 || t.1 <= c.0) {
            taken.push(c);
        }
    }
    taken.sort_by_key(|t| (t.0, t.1));

    let from = 0usize;
    let mut out: Vec<TimeExpr> = Vec::new();
    for (s, e, ri, c) in taken {
        let Some((h, _)) = lang.rules.get(ri) else {
            continue;
        };
        let span = Span::new(s, e);
        let ctx = Ctx {
            dct,
            future: is_future(doc, lang, span),
            day_first,
        };
        if *h == Handler::Range {
            // The first day of "10-12 January 2019" takes month and year from the second.
            if let (Some(d1), Some(norm2)) = (c.name("d1"), lang.normalise(Handler::Date, &c, ctx))
            {
                let d1v = parse_num(d1.as_str()).unwrap_or(0);
                let v1 = norm2
                    .value
                    .get(..norm2.value.len().saturating_sub(2))
                    .map(|p| format!("{p}{d1v:02}"))
                    .filter(|_| norm2.value.len() == 10 && (1..=31).contains(&d1v));
                if let Some(v1) = v1 {
                    out.push(TimeExpr {
                        span: Span::new(d1.start() + from, d1.end() + from),
                        kind: "DATE".into(),
                        value: v1,
                        anchor: norm2.anchor.into(),
                    });
                }
                if let Some(dm) = c.name("d") {
                    out.push(TimeExpr {
                        span: Span::new(dm.start() + from, e),
                        kind: "DATE".into(),
                        value: norm2.value,
                        anchor: norm2.anchor.into(),
                    });
                }
            }
            continue;
        }
        if let Some(nm) = lang.normalise(*h, &c, ctx) {
            out.push(TimeExpr {
                span,
                kind: CompactString::from(nm.kind),
                value: nm.value,
                anchor: nm.anchor.into(),
            });
        }
    }
    attach_times_to_dates(doc, &mut out);
    out.sort_by_key(|t| (t.span.start, t.span.end));
    out
}

/// A clock time takes the day of a full date just before it ("on 10 January at 3 p.m.").
fn attach_times_to_dates(doc: &Doc, out: &mut [TimeExpr]) {
    for i in 0..out.len() {
        let Some(t) = out.get(i) else { continue };
        if t.kind != "TIME" || t.value.len() < 16 {
            continue;
        }
        let start = t.span.start as usize;
        // The date must be close before the time, on the same line.
        let s = start.saturating_sub(40);
        let s = doc.text[..start.min(doc.text.len())]
            .rfind('\n')
            .map_or(s, |nl| s.max(nl));
        let date = out[..i]
            .iter()
            .rev()
            .find(|d| {
                d.kind == "DATE"
                    && (d.span.start as usize) >= s
                    && (d.span.end as usize) <= start
                    && d.value.len() == 10
                    && d.value.as_bytes().first().is_some_and(u8::is_ascii_digit)
            })
            .map(|d| (d.value.clone(), d.anchor.clone()));
        if let (Some((dv, anchor)), Some(t)) = (date, out.get_mut(i))
            && let Some(clock) = t.value.get(10..)
        {
            t.value = format!("{dv}{clock}");
            t.anchor = anchor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(lang: &str, published: Option<&str>, text: &str) -> Vec<(String, String, String)> {
        let mut d = Doc::from_text("t", text);
        d.lang = Some(lang.into());
        d.published = published.map(str::to_owned);
        annotate_times(&mut d);
        d.times
            .iter()
            .map(|t| {
                (
                    d.span_text(t.span).to_owned(),
                    t.kind.to_string(),
                    t.value.clone(),
                )
            })
            .collect()
    }

    fn values(lang: &str, text: &str) -> Vec<(String, String)> {
        times(lang, Some("2019-03-06"), text)
            .into_iter()
            .map(|(a, _, c)| (a, c))
            .collect()
    }

    fn has(v: &[(String, String)], text: &str, value: &str) -> bool {
        v.iter().any(|(a, b)| a == text && b == value)
    }

    #[test]
    fn all_rules_compile() {
        assert_eq!(rule_counts(), rule_lines());
    }

    #[test]
    fn english() {
        let v = values(
            "en",
            "It happened on 10 January in a village. In February, reports said so. He was seen in 2014. \
             To this day he hides. Yesterday officials met; two days ago, last week and last year too. \
             The attack on Tuesday killed 3. He will visit next Friday. Meetings every Friday. \
             On Nov. 1, 2017 and Sept. 11, 2001 at 3 p.m. It lasted three years.",
        );
        for (t, val) in [
            ("10 January", "2019-01-10"),
            ("February", "2019-02"),
            ("2014", "2014"),
            ("To this day", "2019-03-06"),
            ("Yesterday", "2019-03-05"),
            ("two days ago", "2019-03-04"),
            ("last week", "2019-W09"),
            ("last year", "2018"),
            ("Tuesday", "2019-03-05"),
            ("next Friday", "2019-03-08"),
            ("every Friday", "XXXX-WXX-5"),
            ("Nov. 1, 2017", "2017-11-01"),
            ("Sept. 11, 2001", "2001-09-11"),
            ("3 p.m.", "2001-09-11T15:00"),
            ("three years", "P3Y"),
        ] {
            assert!(has(&v, t, val), "{t} → {val} not in {v:?}");
        }
    }

    #[test]
    fn past_bias_and_future() {
        let v = values("en", "The vote took place on 10 December.");
        assert!(has(&v, "10 December", "2018-12-10"), "{v:?}");
        let v = values("en", "The vote will take place on 10 December.");
        assert!(has(&v, "10 December", "2019-12-10"), "{v:?}");
        let v = values("en", "He arrives on Friday and will speak.");
        assert!(has(&v, "Friday", "2019-03-08"), "{v:?}");
    }

    #[test]
    fn french() {
        let v = values(
            "fr",
            "Mardi dernier, il a parlé. Le 10 janvier 2019, hier et il y a trois jours. \
             L'an dernier et la semaine prochaine. Chaque vendredi. Depuis 2014. En février.",
        );
        for (t, val) in [
            ("Mardi dernier", "2019-03-05"),
            ("10 janvier 2019", "2019-01-10"),
            ("hier", "2019-03-05"),
            ("il y a trois jours", "2019-03-03"),
            ("L'an dernier", "2018"),
            ("la semaine prochaine", "2019-W11"),
            ("Chaque vendredi", "XXXX-WXX-5"),
            ("2014", "2014"),
            ("février", "2019-02"),
        ] {
            assert!(has(&v, t, val), "{t} → {val} not in {v:?}");
        }
    }

    #[test]
    fn spanish() {
        let v = values(
            "es",
            "El pasado jueves y el 10 de enero de 2019, ayer, hace dos días, el año pasado, \
             la semana pasada y cada viernes. En febrero. Hasta el día de hoy.",
        );
        for (t, val) in [
            ("El pasado jueves", "2019-02-28"),
            ("10 de enero de 2019", "2019-01-10"),
            ("ayer", "2019-03-05"),
            ("hace dos días", "2019-03-04"),
            ("el año pasado", "2018"),
            ("la semana pasada", "2019-W09"),
            ("cada viernes", "XXXX-WXX-5"),
            ("febrero", "2019-02"),
            ("Hasta el día de hoy", "2019-03-06"),
        ] {
            assert!(has(&v, t, val), "{t} → {val} not in {v:?}");
        }
    }

    #[test]
    fn arabic() {
        let v = values(
            "ar",
            "قال أمس إن الهجوم وقع في 10 يناير 2019 والأسبوع الماضي ومنذ يومين في عام 2014 يوم الثلاثاء الماضي",
        );
        for (t, val) in [
            ("أمس", "2019-03-05"),
            ("10 يناير 2019", "2019-01-10"),
            ("الأسبوع الماضي", "2019-W09"),
            ("منذ يومين", "2019-03-04"),
            ("2014", "2014"),
            ("يوم الثلاثاء الماضي", "2019-03-05"),
        ] {
            assert!(has(&v, t, val), "{t} → {val} not in {v:?}");
        }
    }

    #[test]
    fn clock_and_parts_of_day() {
        let v = values(
            "en",
            "It struck around noon, and on Monday morning at 6.20am.",
        );
        assert!(has(&v, "noon", "2019-03-06T12:00"), "{v:?}");
        assert!(has(&v, "Monday morning", "2019-03-04TMO"), "{v:?}");
        assert!(has(&v, "6.20am", "2019-03-06T06:20"), "{v:?}");
        let v = values("es", "A las 08H06 hora local. Ahora bien, nada.");
        assert!(has(&v, "08H06", "2019-03-06T08:06"), "{v:?}");
        assert!(!v.iter().any(|(t, _)| t.starts_with("Ahora")), "{v:?}");
        let v = values("ar", "وفي أول مارس 2019م قال");
        assert!(v.iter().any(|(_, val)| val == "2019-03-01"), "{v:?}");
        let v = values("fr", "Depuis le début du mois.");
        assert!(v.iter().any(|(_, val)| val == "2019-03"), "{v:?}");
    }

    #[test]
    fn article_plural_is_no_duration() {
        let v = values("en", "They engaged in an hours-long meeting for a week.");
        assert!(!v.iter().any(|(t, _)| t.contains("hours")), "{v:?}");
        assert!(has(&v, "a week", "P1W"), "{v:?}");
    }

    #[test]
    fn no_dct_stays_relative() {
        let mut d = Doc::from_text("t", "Yesterday, on 10 January, and in 2014.");
        d.lang = Some("en".into());
        annotate_times(&mut d);
        let v: Vec<_> = d
            .times
            .iter()
            .map(|t| (t.value.as_str(), t.anchor.as_str()))
            .collect();
        assert!(v.contains(&("UNDEF-this-day-MINUS-1", "unknown")), "{v:?}");
        assert!(v.contains(&("XXXX-01-10", "unknown")), "{v:?}");
        assert!(v.contains(&("2014", "absolute")), "{v:?}");
    }

    #[test]
    fn german_italian_portuguese_indonesian() {
        let val = |v: &[(String, String)], value: &str| v.iter().any(|(_, b)| b == value);
        for (lang, text) in [
            (
                "de",
                "Am 5. März 2019 sagte er, vor drei Tagen, letzte Woche und gestern sei es passiert.",
            ),
            (
                "it",
                "Il 5 marzo 2019 ha detto che tre giorni fa, la settimana scorsa e ieri è successo.",
            ),
            (
                "pt",
                "Em 5 de março de 2019 disse que há três dias, na semana passada e ontem aconteceu.",
            ),
            (
                "id",
                "Pada 5 Maret 2019 ia berkata tiga hari lalu, pekan lalu dan kemarin terjadi.",
            ),
        ] {
            let v = values(lang, text);
            for value in ["2019-03-05", "2019-03-03", "2019-W09"] {
                assert!(val(&v, value), "{lang} {value}: {v:?}");
            }
        }
        let v = values(
            "en",
            "Sales rose in the third quarter of 2018, in fiscal Q1 2019 and in the fourth quarter.",
        );
        assert!(has(&v, "the third quarter of 2018", "2018-Q3"), "{v:?}");
        assert!(has(&v, "fiscal Q1 2019", "FY2019-Q1"), "{v:?}");
        assert!(has(&v, "the fourth quarter", "2018-Q4"), "{v:?}");
        let v = values("de", "Im ersten Quartal 2019 stieg der Umsatz.");
        assert!(val(&v, "2019-Q1"), "{v:?}");
        let v = values("id", "Sabtu (2/3/2019) pukul 15.20 WIB.");
        assert!(val(&v, "2019-03-02"), "{v:?}");
        let v = values("de", "Mittwoch, 6. März 2019, 14.30 Uhr");
        assert!(val(&v, "2019-03-06"), "{v:?}");
    }

    #[test]
    fn numeric_dates_follow_locale() {
        let v = values("en", "Filed 03/04/2019.");
        assert!(has(&v, "03/04/2019", "2019-03-04"), "{v:?}");
        let v = values("fr", "Le 03/04/2019.");
        assert!(has(&v, "03/04/2019", "2019-04-03"), "{v:?}");
        let v = values("en", "Filed 25/04/2019.");
        assert!(has(&v, "25/04/2019", "2019-04-25"), "{v:?}");
    }

    #[test]
    fn robustness() {
        let v = values(
            "en",
            "On 31 February 2019 and in the year 99999 and 99/99/2019, 30 February.",
        );
        assert!(has(&v, "31 February 2019", "2019-02"), "{v:?}");
        for text in [
            "",
            "31",
            "Feb 31",
            "\u{0}\u{660}",
            "في ٣١ فبراير ٢٠١٩",
            "99999999999999999999 days ago",
        ] {
            for lang in ["en", "fr", "es", "ar", "de", "it", "pt", "id", "xx"] {
                let _ = times(lang, Some("2019-03-06"), text);
                let _ = times(lang, None, text);
                let _ = times(lang, Some("garbage"), text);
                let _ = times(lang, Some("9999-12-31"), text);
            }
        }
        let _ = times(
            "en",
            Some("9999-12-31"),
            "next year, tomorrow, in 5 days, next week",
        );
        let _ = times("en", Some("-0001-01-01"), "last year");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}", lang in "(en|fr|es|ar|de|it|pt|id)") {
            let _ = times(&lang, Some("2019-03-06"), &s);
        }
    }
}
