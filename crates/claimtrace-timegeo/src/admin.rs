//! First-level divisions written as abbreviations after a place name ("Springfield, Ill.",
//! "Marietta, GA", "Gatineau, Que.") and verbs that make a place name metonymic ("Washington
//! said"). The data are files under `lang/en/places/`.

use crate::gazetteer::{Gazetteer, Kind, key};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Abbreviation (as written) → (country code, admin1 name).
fn abbrevs() -> &'static FxHashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<FxHashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| {
        claimtrace_text::data::file("en/places/admin1_abbrev.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.trim(), (f.next()?.trim(), f.next()?.trim())))
            })
            .collect()
    })
}

/// The admin1 record of a division name in a country.
fn admin1_record(gaz: &Gazetteer, cc: &str, name: &str) -> Option<u32> {
    gaz.lookup_key(&key(name)).into_iter().find(|&i| {
        gaz.record(i)
            .is_some_and(|r| r.kind == Kind::Admin1 && r.country == cc)
    })
}

/// A division abbreviation right after a place name: `after` is the text following the name.
/// Returns (byte offset of the abbreviation in `after`, its length, the admin1 record).
/// Dotted forms ("Ill.", "N.J.") and two-letter postal codes ("GA") are accepted after ", ";
/// the next character must not be a letter or digit.
pub fn abbrev_after(after: &str, gaz: &Gazetteer) -> Option<(usize, usize, u32)> {
    let rest = after.strip_prefix(',')?;
    let trimmed = rest.trim_start_matches(' ');
    let off = 1 + rest.len() - trimmed.len();
    if off == 1 && !trimmed.is_empty() {
        // "Springfield,Ill." is rare; require the space news writes.
        return None;
    }
    let table = abbrevs();
    // Longest candidate first: "W. Va." before "Va."; words up to 3 tokens.
    let mut best: Option<(usize, u32)> = None;
    let mut end = 0;
    for (i, c) in trimmed.char_indices() {
        if i > 8 {
            break;
        }
        end = i + c.len_utf8();
        let cand = &trimmed[..end];
        let Some((cc, name)) = table.get(cand) else {
            continue;
        };
        let next = trimmed[end..].chars().next();
        if next.is_some_and(char::is_alphanumeric) {
            continue;
        }
        // Postal codes are all capitals and must not be the start of a longer capitalised word.
        if !cand.contains('.') && !cand.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        if let Some(rec) = admin1_record(gaz, cc, name) {
            best = Some((end, rec));
        }
    }
    let _ = end;
    let (len, rec) = best?;
    Some((off, len, rec))
}

fn metonymy_verbs() -> &'static [&'static str] {
    static V: OnceLock<Vec<&'static str>> = OnceLock::new();
    V.get_or_init(|| {
        claimtrace_text::data::file("en/places/metonymy_verbs.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// Whether the words after a place name make it stand for its government or people
/// ("Washington said", "Moscow has denied", "Beijing wants"): the place is then an agent,
/// not a location.
pub fn metonymic_after(after: &str) -> bool {
    let rest = after.trim_start_matches([' ', '\u{a0}']);
    if rest.len() == after.len() {
        return false;
    }
    let verbs = metonymy_verbs();
    let mut words = rest.split(' ');
    let Some(first) = words.next() else {
        return false;
    };
    let first = first.trim_end_matches([',', '.', ';', ':']);
    if verbs.contains(&first) {
        return true;
    }
    // "has denied", "had warned", "will respond", "is accusing": an auxiliary, then the verb.
    if matches!(
        first,
        "has" | "had" | "will" | "would" | "is" | "was" | "have"
    ) && let Some(second) = words.next()
    {
        let second = second.trim_end_matches([',', '.', ';', ':']);
        return verbs.contains(&second);
    }
    false
}

/// Whether a capitalised word after a place name is a title or an institution of the place
/// ("New York Gov.", "Toronto police"), which leaves the place a place.
pub fn is_title_head(word: &str) -> bool {
    static H: OnceLock<Vec<&'static str>> = OnceLock::new();
    H.get_or_init(|| {
        claimtrace_text::data::file("en/places/title_heads.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
    .contains(&word)
}

struct Region {
    name: &'static str,
    geonameid: u32,
    lat: f64,
    lon: f64,
    adjective: bool,
}

fn regions() -> Option<&'static (regex::Regex, FxHashMap<&'static str, Region>)> {
    static R: OnceLock<Option<(regex::Regex, FxHashMap<&'static str, Region>)>> = OnceLock::new();
    R.get_or_init(|| {
        let mut map = FxHashMap::default();
        for l in claimtrace_text::data::file("mul/places/regions.tsv").lines() {
            if l.starts_with('#') || l.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = l.split('\t').collect();
            let (Some(form), Some(name), Some(id), Some(lat), Some(lon)) =
                (f.first(), f.get(1), f.get(2), f.get(3), f.get(4))
            else {
                continue;
            };
            let (Ok(geonameid), Ok(lat), Ok(lon)) = (id.parse(), lat.parse(), lon.parse()) else {
                continue;
            };
            map.insert(
                *form,
                Region {
                    name,
                    geonameid,
                    lat,
                    lon,
                    adjective: f.get(5) == Some(&"adj"),
                },
            );
        }
        let mut forms: Vec<&str> = map.keys().copied().collect();
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let alt: Vec<String> = forms.iter().map(|f| regex::escape(f)).collect();
        let re = regex::Regex::new(&format!(r"\b(?:{})\b", alt.join("|"))).ok()?;
        Some((re, map))
    })
    .as_ref()
}

/// Continents and world regions named in the text ("Europe", "the Middle East", "European"),
/// as places with their reference points; adjectives get `relation: "demonym"`.
pub fn region_places(text: &str) -> Vec<claimtrace_core::Place> {
    let Some((re, map)) = regions() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter_map(|m| {
            let r = map.get(m.as_str())?;
            // "Asian-American", "Euro-": a hyphenated compound is another word.
            if text[m.end()..].starts_with('-') {
                return None;
            }
            Some(claimtrace_core::Place {
                span: claimtrace_core::Span::new(m.start(), m.end()),
                geonameid: r.geonameid,
                name: r.name.to_owned(),
                country: Default::default(),
                admin1: Default::default(),
                lat: r.lat,
                lon: r.lon,
                confidence: if r.adjective { 0.8 } else { 0.9 },
                relation: r.adjective.then(|| "demonym".into()),
                within: None,
            })
        })
        .collect()
}

/// A division written as dotted initials on its own ("B.C.", "N.J."): its admin1 record.
pub fn standalone_abbrev(word: &str, gaz: &Gazetteer) -> Option<u32> {
    let b = word.as_bytes();
    let initials = b.len() >= 4
        && b.chunks(2)
            .all(|c| c.len() == 2 && c[0].is_ascii_uppercase() && c[1] == b'.');
    if !initials {
        return None;
    }
    let (cc, name) = abbrevs().get(word)?;
    admin1_record(gaz, cc, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_resolve_to_divisions() {
        let Ok(gaz) = Gazetteer::load() else {
            panic!("embedded gazetteer");
        };
        for (after, name) in [
            (", Ill., police said", "Illinois"),
            (", N.J. —", "New Jersey"),
            (", GA 30060", "Georgia"),
            (", Que., and", "Quebec"),
            (", W. Va.", "West Virginia"),
        ] {
            let Some((off, len, rec)) = abbrev_after(after, &gaz) else {
                panic!("{after}: no division");
            };
            assert!(off > 0 && len > 0, "{after}");
            assert_eq!(gaz.record(rec).map(|r| r.name), Some(name), "{after}");
        }
        for after in [", Inc.", ", GAP", " Ga.", ", Go", ""] {
            assert!(abbrev_after(after, &gaz).is_none(), "{after}");
        }
    }

    #[test]
    fn metonymy() {
        assert!(metonymic_after(" said on Monday"));
        assert!(metonymic_after(" has denied the report"));
        assert!(!metonymic_after(" is a city"));
        assert!(!metonymic_after(", said"));
        assert!(!metonymic_after("said"));
    }
}
