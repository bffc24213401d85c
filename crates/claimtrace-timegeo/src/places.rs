//! Toponym recognition and resolution against the [`Gazetteer`].
//!
//! Mentions come from the NER layer (`LOC`/`GPE` entities) when present, from country names and
//! adjectives ("Syrian", "marocain", "مغربي" → the country), and from capitalised gazetteer
//! matches (with a locative cue, a large population or a country name to back them up).
//! Each mention is resolved to one record by population, the document's focus countries (the
//! countries its names and adjectives point to), an explicit containing region ("Herat,
//! Afghanistan", "X in Syria"), nearness to the other places, and the record's kind.

use crate::gazetteer::{Gazetteer, Kind, Record, haversine_km, key};
use claimtrace_core::{Doc, Place, Span};
use claimtrace_text::data::WordList;
use compact_str::CompactString;
use regex::Regex;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Where a mention came from (how sure we are it is a place at all).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Source {
    Entity,
    CountryName,
    Adjective,
    Cued,
    Capitalised,
}

struct Mention {
    span: Span,
    key: String,
    source: Source,
    cands: Vec<u32>,
    relation: Option<&'static str>,
    within: Option<(String, Option<u32>)>,
    /// A word after the name says which kind of place it is ("province", "city").
    kind_hint: Option<Kind>,
}

/// Lower-case words that may sit inside a multi-word place name.
static CONNECTORS: WordList = WordList::new("mul/places/connectors.txt");

/// Capitalised words that are never places on their own (sentence starts, titles, months).
static STOP: WordList = WordList::new("mul/places/stop.txt");

/// Words after a name that mark a first-level division or a city.
fn kind_hint(word: &str) -> Option<Kind> {
    match key(word).as_str() {
        "province" | "provincia" | "governorate" | "state" | "region" | "région" | "region de"
        | "estado" | "oblast" | "prefecture" | "county" | "district" | "departement" => {
            Some(Kind::Admin1)
        }
        "city" | "town" | "village" | "ville" | "ciudad" | "pueblo" | "localidad" => {
            Some(Kind::City)
        }
        _ => None,
    }
}

/// Text before a mention that makes it a place (and which relation it has).
fn cue_before(before: &str) -> Option<Option<&'static str>> {
    static R: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let (near, loc) = R
        .get_or_init(|| {
        let near = Regex::new(
            r"(?i)(?:\bnear|\bclose to|\boutside|\bnearby|\bprès d[e'’]|\bnon loin d[e'’]|\baux abords d[e'’]|\bcerca de|\ba las afueras de|\bcercanías de|قرب|بالقرب من|ضواحي)(?:\s+(?:the|la|le|el|de|town|city|village|ville|villages?|localité|ciudad|pueblo|of))*\s*$",
        );
        let loc = Regex::new(
            r"(?i)(?:\b(?:in|at|from|to|into|across|around|outside|toward|towards|via|of|à|au|en|dans|vers|depuis|de|d'|d’|desde|hacia|por|province of|city of|town of|village of|province d[e'’]|ville d[e'’]|provincia de|ciudad de)|في|من|إلى|الى|مدينة|بلدة|قرية|محافظة|ولاية|إقليم|منطقة|شمال|جنوب|شرق|غرب|شمال شرق|شمال غرب|جنوب شرق|جنوب غرب)\s*$",
        );
        Some((near.ok()?, loc.ok()?))
    })
        .as_ref()?;
    if near.is_match(before) {
        return Some(Some("near"));
    }
    if loc.is_match(before) {
        return Some(None);
    }
    None
}

/// Arabic words that make the next one a place name (city, town, village, province…).
fn strong_arabic_cue(before: &str) -> bool {
    let b = before.trim_end();
    [
        "مدينة",
        "بلدة",
        "قرية",
        "محافظة",
        "ولاية",
        "إقليم",
        "منطقة",
        "قرب",
        "بلدات",
        "مدينتي",
    ]
    .iter()
    .any(|c| b.ends_with(c))
}

fn is_upper_initial(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_arabic(w: &str) -> bool {
    w.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Arabic clitic prefixes tried when a word does not match as is.
fn arabic_variants(k: &str) -> Vec<(usize, String)> {
    let mut v = Vec::new();
    for p in [
        "و", "ب", "ل", "ف", "ك", "وب", "ول", "لل", "بال", "وال", "فال", "كال",
    ] {
        if let Some(rest) = k.strip_prefix(p)
            && rest.chars().count() >= 3
        {
            let rest = if p.ends_with("ال") || p == "لل" {
                format!("ال{rest}")
            } else {
                rest.to_owned()
            };
            v.push((p.len(), rest));
        }
    }
    v
}

/// Recognises and resolves the places of `doc` (replacing `doc.places` and
/// `doc.focus_countries`).
pub fn annotate_places(doc: &mut Doc, gaz: &Gazetteer) {
    let (places, focus) = find_places(doc, gaz);
    doc.places = places;
    doc.focus_countries = focus;
}

struct Word {
    s: usize,
    e: usize,
}

/// The places and focus countries of a document, without modifying it.
pub fn find_places(doc: &Doc, gaz: &Gazetteer) -> (Vec<Place>, Vec<String>) {
    let text = doc.text.as_str();
    let lang = doc.lang.as_deref().unwrap_or("en");
    let words: Vec<Word> = claimtrace_text::norm::name_words(text)
        .map(|(s, e)| Word { s, e })
        .collect();
    // Words seen in lower case: a capitalised one of these is likely a common word.
    let mut lower_seen: rustc_hash::FxHashSet<String> = Default::default();
    for w in &words {
        let t = &text[w.s..w.e];
        if t.chars().next().is_some_and(char::is_lowercase) {
            lower_seen.insert(key(t));
        }
    }
    let blocked: Vec<Span> = doc
        .entities
        .iter()
        .filter(|e| !matches!(e.label.as_str(), "LOC" | "GPE" | "FAC"))
        .map(|e| e.span)
        .collect();
    let has_entities = !doc.entities.is_empty();

    let mut mentions: Vec<Mention> = Vec::new();
    let mut covered: Vec<Span> = Vec::new();
    let overlaps = |v: &[Span], s: Span| v.iter().any(|c| c.overlaps(s));

    // 1. Entities labelled as locations.
    for e in &doc.entities {
        if !matches!(e.label.as_str(), "LOC" | "GPE" | "FAC") {
            continue;
        }
        let mut t = doc.span_text(e.span);
        let mut s = e.span.start as usize;
        for art in [
            "the ", "The ", "l'", "l’", "L'", "L’", "la ", "La ", "le ", "Le ", "el ", "El ",
        ] {
            if let Some(r) = t.strip_prefix(art) {
                s += art.len();
                t = r;
            }
        }
        let k = key(t);
        let span = Span::new(s, s + t.len());
        if let Some((cc, adj, _)) = gaz.country_name(&k)
            && let Some(ci) = gaz.country(cc)
        {
            mentions.push(mention(
                span,
                k,
                if *adj {
                    Source::Adjective
                } else {
                    Source::Entity
                },
                vec![ci],
            ));
            covered.push(span);
            continue;
        }
        let cands = gaz.lookup_key(&k);
        if !cands.is_empty() {
            mentions.push(mention(span, k, Source::Entity, cands));
            covered.push(span);
        }
    }

    // 2. Gazetteer scan over words: longest match first.
    let mut i = 0;
    while i < words.len() {
        let mut matched = 0;
        for n in (1..=4usize).rev() {
            let Some(last) = words.get(i + n - 1) else {
                continue;
            };
            let first = &words[i];
            let (mut s, e) = (first.s, last.e);
            // Words must be separated by a single space (or a hyphen) only.
            if words[i..i + n]
                .windows(2)
                .any(|p| !matches!(text.get(p[0].e..p[1].s), Some(" ") | Some("-")))
            {
                continue;
            }
            let surface_first = &text[first.s..first.e];
            let arabic = is_arabic(surface_first);
            // fr/it elision: d'Hérat, l'Afghanistan
            let mut sf = surface_first;
            if !arabic
                && let Some(p) = ["d'", "d’", "l'", "l’", "D'", "D’", "L'", "L’"]
                    .iter()
                    .find(|p| sf.starts_with(**p) && sf.len() > p.len() + 1)
            {
                s += p.len();
                sf = &sf[p.len()..];
            }
            if !arabic {
                let last_w = &text[last.s..last.e];
                if !is_upper_initial(sf) || (n > 1 && !is_upper_initial(last_w)) {
                    // fr/es adjectives are lower case: "marocain", "sirio".
                    if n == 1 && lang != "en" {
                        let k = key(sf);
                        if let Some((cc, true, _)) = gaz.country_name(&k)
                            && let Some(ci) = gaz.country(cc)
                        {
                            let span = Span::new(s, e);
                            if !overlaps(&covered, span) {
                                let mut m = mention(span, k, Source::Adjective, vec![ci]);
                                m.relation = Some("demonym");
                                mentions.push(m);
                                covered.push(span);
                            }
                            matched = 1;
                            break;
                        }
                    }
                    continue;
                }
                if words[i + 1..i + n].iter().any(|w| {
                    let t = &text[w.s..w.e];
                    !is_upper_initial(t) && !CONNECTORS.contains(t)
                }) {
                    continue;
                }
            }
            let span = Span::new(s, e);
            if overlaps(&covered, span) || overlaps(&blocked, span) {
                continue;
            }
            let surface = &text[s..e];
            let k = key(surface);
            let mut variants = vec![(0usize, k.clone())];
            if arabic {
                variants.extend(arabic_variants(&k));
            }
            let mut found = None;
            for (skip, vk) in &variants {
                if let Some((cc, adj, caps)) = gaz.country_name(vk) {
                    let all_caps = surface
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(char::is_uppercase);
                    if (!*caps || all_caps)
                        && let Some(ci) = gaz.country(cc)
                    {
                        let src = if *adj {
                            Source::Adjective
                        } else {
                            Source::CountryName
                        };
                        found = Some((*skip, vk.clone(), src, vec![ci]));
                        break;
                    }
                }
                // Single capitalised stop words and codes never stand alone.
                if n == 1 && (STOP.contains(vk) || vk.chars().count() < 3) {
                    continue;
                }
                let cands = gaz.lookup_key(vk);
                if !cands.is_empty() {
                    found = Some((*skip, vk.clone(), Source::Capitalised, cands));
                    break;
                }
            }
            if let Some((skip, vk, src, cands)) = found {
                let span = Span::new(s + skip, e);
                let mut m = mention(span, vk, src, cands);
                if src == Source::Capitalised {
                    let before = text.get(s.saturating_sub(40)..s).unwrap_or_else(|| {
                        let mut b = s.saturating_sub(40);
                        while !text.is_char_boundary(b) {
                            b += 1;
                        }
                        text.get(b..s).unwrap_or("")
                    });
                    if let Some(rel) = cue_before(before) {
                        m.source = Source::Cued;
                        m.relation = rel;
                    } else if has_entities {
                        // An NER ran and did not call this a location.
                        matched = n;
                        break;
                    }
                    // Part of a longer capitalised chain (a name, an organisation)?
                    let prev_cap = i > 0
                        && text.get(words[i - 1].e..first.s) == Some(" ")
                        && is_upper_initial(&text[words[i - 1].s..words[i - 1].e])
                        && !STOP.contains(&key(&text[words[i - 1].s..words[i - 1].e]));
                    // The next word capitalised (but no acronym: "Londres IHS Markit").
                    let next_cap = words.get(i + n).is_some_and(|w| {
                        let t = &text[w.s..w.e];
                        text.get(e..w.s) == Some(" ")
                            && is_upper_initial(t)
                            && !t.chars().all(|c| c.is_uppercase())
                            && !(lang == "en" && crate::admin::is_title_head(t))
                    });
                    let hint_next = words.get(i + n).and_then(|w| kind_hint(&text[w.s..w.e]));
                    if ((m.source == Source::Capitalised && prev_cap) || next_cap)
                        && hint_next.is_none()
                        && !arabic
                    {
                        matched = n;
                        break;
                    }
                    // A match through another language's name ("Lion" for Lyon, "Bon" for
                    // Bonn) needs a big place and a cue.
                    let top = m.cands.first().and_then(|&c| gaz.record(c));
                    let via_alternate = top.is_some_and(|r| key(r.name) != m.key);
                    if via_alternate
                        && top.is_some_and(|r| r.kind == Kind::City && r.population < 1_000_000)
                        && m.source != Source::Cued
                    {
                        matched = n;
                        break;
                    }
                    // Arabic has no capitals: "في بيان" (in a statement) is no place; a weak
                    // cue needs a sizeable town.
                    if arabic
                        && top.is_some_and(|r| r.kind == Kind::City && r.population < 50_000)
                        && !strong_arabic_cue(before)
                    {
                        matched = n;
                        break;
                    }
                    if n == 1 && !arabic && lower_seen.contains(&m.key) {
                        matched = n;
                        break;
                    }
                } else if let Some(rel) = text.get(s.saturating_sub(40)..s).and_then(cue_before) {
                    m.relation = rel;
                }
                if src == Source::Adjective {
                    m.relation = Some("demonym");
                }
                // Kind hint and containing region after the name.
                let after = text.get(e..(e + 80).min(text.len())).unwrap_or("");
                m.kind_hint = after
                    .split_whitespace()
                    .next()
                    .and_then(|w| kind_hint(w.trim_matches(|c: char| !c.is_alphanumeric())));
                m.within = within_after(after, gaz);
                covered.push(span);
                mentions.push(m);
                matched = n;
                break;
            }
        }
        i += matched.max(1);
    }

    // Hyphenated compounds not matched whole: "Kurdish-Syrian", "US-led", "Tetouan-native".
    for w in &words {
        let t = &text[w.s..w.e];
        if !t.contains('-') || overlaps(&covered, Span::new(w.s, w.e)) {
            continue;
        }
        let mut off = w.s;
        for part in t.split('-') {
            let span = Span::new(off, off + part.len());
            off += part.len() + 1;
            if !is_upper_initial(part) {
                continue;
            }
            let k = key(part);
            if let Some((cc, adj, caps)) = gaz.country_name(&k) {
                let all_caps = part.chars().all(char::is_uppercase);
                if (!*caps || all_caps)
                    && let Some(ci) = gaz.country(cc)
                {
                    let src = if *adj {
                        Source::Adjective
                    } else {
                        Source::CountryName
                    };
                    let mut m = mention(span, k, src, vec![ci]);
                    if *adj {
                        m.relation = Some("demonym");
                    }
                    mentions.push(m);
                    covered.push(span);
                }
            } else if !STOP.contains(&k) && k.len() >= 3 {
                let cands = gaz.lookup_key(&k);
                let big = cands
                    .first()
                    .and_then(|&c| gaz.record(c))
                    .is_some_and(|r| r.population >= 20_000);
                if big && !lower_seen.contains(&k) {
                    mentions.push(mention(span, k, Source::Capitalised, cands));
                    covered.push(span);
                }
            }
        }
    }

    // Division abbreviations after a place ("Springfield, Ill.", "Marietta, GA") are places
    // themselves; a word of theirs matched as a place ("Ill", "Mass") gives way.
    let mut extra: Vec<Mention> = Vec::new();
    for m in &mentions {
        let e = m.span.end as usize;
        let after = text.get(e..(e + 12).min(text.len())).unwrap_or("");
        if let Some((off, len, rec)) = crate::admin::abbrev_after(after, gaz) {
            let span = Span::new(e + off, e + off + len);
            let mut a = mention(
                span,
                key(&text[e + off..e + off + len]),
                Source::Cued,
                vec![rec],
            );
            a.kind_hint = Some(Kind::Admin1);
            extra.push(a);
        }
    }
    if lang == "en" {
        for w in &words {
            let span = Span::new(w.s, w.e);
            if overlaps(&covered, span) || extra.iter().any(|x| x.span.overlaps(span)) {
                continue;
            }
            if let Some(rec) = crate::admin::standalone_abbrev(&text[w.s..w.e], gaz) {
                let mut a = mention(span, key(&text[w.s..w.e]), Source::Cued, vec![rec]);
                a.kind_hint = Some(Kind::Admin1);
                extra.push(a);
            }
        }
    }
    if !extra.is_empty() {
        mentions.retain(|m| !extra.iter().any(|x| x.span.overlaps(m.span)));
        mentions.extend(extra);
    }
    // "Washington said": the place stands for its government or people.
    if lang == "en" {
        for m in &mut mentions {
            let e = m.span.end as usize;
            let mut end = (e + 40).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if m.relation.is_none() && crate::admin::metonymic_after(text.get(e..end).unwrap_or(""))
            {
                m.relation = Some("metonymy");
            }
        }
    }

    // Drop weak capitalised guesses: small places need a cue.
    mentions.retain(|m| match m.source {
        Source::Capitalised => m
            .cands
            .first()
            .and_then(|&c| gaz.record(c))
            .is_some_and(|r| {
                r.kind != Kind::City
                    || r.population >= if is_arabic(&m.key) { 200_000 } else { 50_000 }
            }),
        Source::Cued => true,
        _ => true,
    });

    let focus = focus_countries(&mentions, gaz);
    let places = resolve(doc, gaz, &mentions, &focus);
    let mut places = places;
    // Continents and world regions take the place of what their words matched ("Asia" the
    // Philippine town, "American" in "Central American").
    let regions = crate::admin::region_places(text);
    if !regions.is_empty() {
        places.retain(|p| !regions.iter().any(|r| r.span.overlaps(p.span)));
        places.extend(regions);
    }
    places.sort_by_key(|p| (p.span.start, p.span.end));
    (
        places,
        focus.into_iter().map(|(c, _)| c.to_string()).collect(),
    )
}

fn mention(span: Span, key: String, source: Source, cands: Vec<u32>) -> Mention {
    Mention {
        span,
        key,
        source,
        cands,
        relation: None,
        within: None,
        kind_hint: None,
    }
}

/// "X, Syria" / "X in the Euphrates River valley" / "X (Afghanistan)": the region text and,
/// when it is in the gazetteer, its record.
fn within_after(after: &str, gaz: &Gazetteer) -> Option<(String, Option<u32>)> {
    if let Some((off, len, rec)) = crate::admin::abbrev_after(after, gaz) {
        return Some((after.get(off..off + len)?.to_owned(), Some(rec)));
    }
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    let re = R
        .get_or_init(|| {
        Regex::new(
            r"^(?:\s*,\s*|\s+(?:in|en|dans|au|à)\s+|\s*\(\s*|\s+في\s+)((?:(?:the|la|le|el|l'|l’)\s+)?\p{Lu}[\p{L}'’-]*(?:\s+(?:\p{Lu}[\p{L}'’-]*|of|de|del|river|valley|province|region|governorate|district|area))*|[\p{Arabic}]+)",
        )
        .ok()
    })
        .as_ref()?;
    let c = re.captures(after)?;
    let region = c.get(1)?.as_str().trim().to_owned();
    let mut k = key(&region);
    for art in ["the ", "la ", "le ", "el ", "l'"] {
        if let Some(r) = k.strip_prefix(art) {
            k = r.to_owned();
        }
    }
    let rec = match gaz.country_name(&k) {
        Some((cc, false, _)) => gaz.country(cc),
        _ => gaz
            .lookup_key(&k)
            .into_iter()
            .find(|&i| gaz.record(i).is_some_and(|r| r.kind != Kind::City)),
    };
    // A capitalised word after a comma that is no region is usually not one ("Hajin, he said").
    if rec.is_none() && !region.to_lowercase().contains("valley") && !region.contains(' ') {
        return None;
    }
    Some((region, rec))
}

/// Countries the document is about: country names and adjectives count 1, unambiguous
/// places count 1; sorted by weight.
fn focus_countries(mentions: &[Mention], gaz: &Gazetteer) -> Vec<(CompactString, f32)> {
    let mut w: FxHashMap<CompactString, f32> = FxHashMap::default();
    for m in mentions {
        let recs: Vec<Record> = m.cands.iter().filter_map(|&c| gaz.record(c)).collect();
        let Some(first) = recs.first() else { continue };
        let same_country = recs.iter().all(|r| r.country == first.country);
        let weight = match m.source {
            Source::CountryName | Source::Adjective => 1.0,
            _ if same_country => 0.75,
            _ => 0.0,
        };
        if weight > 0.0 {
            *w.entry(CompactString::from(first.country)).or_default() += weight;
        }
        if let Some((_, Some(r))) = &m.within
            && let Some(rec) = gaz.record(*r)
        {
            *w.entry(CompactString::from(rec.country)).or_default() += 1.0;
        }
    }
    let mut v: Vec<_> = w.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn resolve(
    doc: &Doc,
    gaz: &Gazetteer,
    mentions: &[Mention],
    focus: &[(CompactString, f32)],
) -> Vec<Place> {
    let total: f32 = focus.iter().map(|f| f.1).sum::<f32>().max(1.0);
    let focus_w: FxHashMap<&str, f32> = focus
        .iter()
        .map(|(c, w)| (c.as_str(), *w / total))
        .collect();
    // Focus divisions: the first-level divisions that unambiguous mentions and explicit
    // containing divisions ("Marietta, Ga.") point to; local news stays in a few of them.
    let mut admin_w: FxHashMap<(&str, &str), f32> = FxHashMap::default();
    for m in mentions {
        if matches!(m.source, Source::CountryName | Source::Adjective) {
            continue;
        }
        let recs: Vec<Record> = m.cands.iter().filter_map(|&c| gaz.record(c)).collect();
        if let Some(first) = recs.first()
            && first.kind != Kind::Country
            && !first.admin1.is_empty()
            && recs
                .iter()
                .all(|r| r.country == first.country && r.admin1 == first.admin1)
        {
            *admin_w.entry((first.country, first.admin1)).or_default() += 1.0;
        }
        if let Some((_, Some(w))) = &m.within
            && let Some(wr) = gaz.record(*w)
            && wr.kind == Kind::Admin1
        {
            *admin_w.entry((wr.country, wr.admin1)).or_default() += 1.0;
        }
    }
    let admin_total: f32 = admin_w.values().sum::<f32>().max(1.0);
    // Anchors for proximity: places with a single candidate.
    let anchors: Vec<(f64, f64)> = mentions
        .iter()
        .filter(|m| {
            m.cands.len() == 1 && !matches!(m.source, Source::CountryName | Source::Adjective)
        })
        .filter_map(|m| gaz.record(m.cands[0]))
        .filter(|r| r.kind == Kind::City)
        .map(|r| (r.lat as f64, r.lon as f64))
        .collect();
    let mut out = Vec::new();
    for m in mentions {
        let mut scored: Vec<(f32, u32)> = Vec::new();
        for &c in &m.cands {
            let Some(r) = gaz.record(c) else { continue };
            let mut s = ((r.population as f32) + 1.0).log10();
            match r.kind {
                Kind::Country => s += 3.0,
                Kind::Admin1 => {
                    s -= if m.kind_hint == Some(Kind::Admin1) {
                        -3.0
                    } else {
                        1.5
                    }
                }
                Kind::City => {
                    if m.kind_hint == Some(Kind::City) {
                        s += 1.0;
                    }
                }
            }
            if let Some(fw) = focus_w.get(r.country) {
                s += 2.0 + 4.0 * fw;
            }
            if key(r.name) == m.key {
                s += 1.5;
            }
            if r.kind != Kind::Country
                && let Some(aw) = admin_w.get(&(r.country, r.admin1))
            {
                s += 1.0 + 2.0 * aw / admin_total;
            }
            if let Some((_, Some(w))) = &m.within
                && let Some(wr) = gaz.record(*w)
                && wr.country == r.country
                && (wr.kind == Kind::Country || wr.admin1 == r.admin1)
            {
                s += 5.0;
            }
            if anchors.iter().any(|&(la, lo)| {
                let d = haversine_km(la, lo, r.lat as f64, r.lon as f64);
                d > 0.5 && d < 300.0
            }) {
                s += 1.0;
            }
            scored.push((s, c));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let Some(&(best, idx)) = scored.first() else {
            continue;
        };
        let Some(r) = gaz.record(idx) else { continue };
        // Probability of the choice among candidates (softmax), times how sure we are that
        // the mention is a place at all.
        let z: f32 = scored.iter().map(|(s, _)| (s - best).exp()).sum();
        let p_choice = 1.0 / z.max(1.0);
        // A place outside every focus country of a document that has clear ones is a
        // surprise: say so.
        let surprise = !focus.is_empty()
            && total >= 2.0
            && !focus_w.contains_key(r.country)
            && r.kind != Kind::Country;
        let p_choice = if surprise { p_choice * 0.6 } else { p_choice };
        let p_place = if m.relation == Some("metonymy") {
            0.5
        } else {
            1.0
        } * match m.source {
            Source::CountryName => 0.97,
            Source::Entity => 0.92,
            Source::Adjective => 0.9,
            Source::Cued => 0.85,
            Source::Capitalised => 0.7,
        };
        out.push(Place {
            span: m.span,
            geonameid: r.geonameid,
            name: r.name.to_string(),
            country: r.country.into(),
            admin1: r.admin1.into(),
            lat: (r.lat as f64 * 1e4).round() / 1e4,
            lon: (r.lon as f64 * 1e4).round() / 1e4,
            confidence: ((p_choice * p_place) * 1000.0).round() / 1000.0,
            relation: m.relation.map(CompactString::from),
            within: m.within.as_ref().map(|w| w.0.clone()),
        });
    }
    let _ = doc;
    out
}
