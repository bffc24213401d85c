//! Rule recogniser for languages without labelled entity data here (French, Spanish).
//!
//! Candidates are runs of capitalised words (joined across lowercase particles such as "de",
//! "del", "la", "al"), dropping a sentence-initial word that the word statistics say is
//! usually lowercase. A run is labelled by the name lists: organisation words or known
//! organisations → ORG; a known place, country or region → LOC; a title before it, or a first
//! name at its start, or a known last name at its end → PER; after a locative preposition →
//! LOC; an all-capitals acronym → ORG; otherwise multi-word runs → PER and single words are
//! dropped unless the word statistics say they are usually proper nouns (then LOC).

use crate::features::Tok;
use crate::gazetteer::{Cat, Gazetteer, U, bit};
use crate::lexicon::WordStats;

fn is_particle(lang: &str, w: &str) -> bool {
    let w = w.to_lowercase();
    let common = [
        "al", "el", "bin", "ben", "ibn", "abu", "van", "von", "der", "da", "dos", "di",
    ];
    if common.contains(&w.as_str()) {
        return true;
    }
    match lang {
        "fr" => ["de", "du", "des", "la", "le", "d'", "l'", "et"].contains(&w.as_str()),
        "es" => ["de", "del", "la", "las", "los", "y"].contains(&w.as_str()),
        _ => ["of", "the", "for", "and", "de"].contains(&w.as_str()),
    }
}

fn locative(lang: &str, w: &str) -> bool {
    let w = w.to_lowercase();
    match lang {
        "fr" => ["à", "en", "au", "aux", "vers", "depuis", "près"].contains(&w.as_str()),
        "es" => ["en", "a", "hacia", "desde", "cerca"].contains(&w.as_str()),
        _ => ["in", "at", "to", "from", "near"].contains(&w.as_str()),
    }
}

fn cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_alphabetic)
}

fn has_cat(t: &Tok, cat: Cat) -> bool {
    t.gaz & (0xF << (cat as u32 * 4)) != 0
}

/// Tags `words` (with their prepared `toks`) into label indices of [`crate::LABELS`].
pub fn tag(lang: &str, words: &[&str], toks: &[Tok], gaz: &Gazetteer, out: &mut Vec<usize>) {
    let n = words.len().min(toks.len());
    out.clear();
    out.resize(words.len(), 0);
    let mut i = 0;
    while i < n {
        if !cap(words[i]) {
            i += 1;
            continue;
        }
        // Sentence-initial (or after opening punctuation) common words are not names.
        let initial = i == 0 || words[i - 1].chars().all(|c| !c.is_alphanumeric());
        if initial {
            let usually_lower =
                WordStats::unpack(toks[i].stats).is_some_and(|(p, c, _)| p <= 1 && c <= 2);
            // Only lists without common words count here: many determiners and pronouns
            // are also some village's name ("Un", "Como", "Dos" are GeoNames places).
            let in_list = [Cat::Country, Cat::Admin1, Cat::First, Cat::OrgKnown]
                .into_iter()
                .any(|c| has_cat(&toks[i], c));
            if usually_lower && !in_list {
                i += 1;
                continue;
            }
        }
        if has_cat(&toks[i], Cat::Title)
            && toks[i].gaz & bit(Cat::Title, U) != 0
            && !toks[i].all_caps
        {
            i += 1;
            continue;
        }
        // Extend the run.
        let mut j = i + 1;
        loop {
            if j < n && cap(words[j]) && !has_cat(&toks[j], Cat::Title) {
                j += 1;
            } else if j + 1 < n && is_particle(lang, words[j]) && cap(words[j + 1]) {
                j += 2;
            } else if j + 2 < n
                && is_particle(lang, words[j])
                && is_particle(lang, words[j + 1])
                && cap(words[j + 2])
            {
                j += 3;
            } else {
                break;
            }
        }
        let span = &toks[i..j];
        let hashes: Vec<u64> = span.iter().map(|t| t.lower).collect();
        let prev = if i > 0 { Some(&toks[i - 1]) } else { None };
        let label = if span
            .iter()
            .any(|t| has_cat(t, Cat::OrgSuffix) || has_cat(t, Cat::OrgWord))
            || gaz.contains_hashes(Cat::OrgKnown, &hashes)
        {
            Some(3)
        } else if gaz.contains_hashes(Cat::Country, &hashes)
            || gaz.contains_hashes(Cat::Place, &hashes)
            || gaz.contains_hashes(Cat::Admin1, &hashes)
        {
            Some(5)
        } else if prev.is_some_and(|p| has_cat(p, Cat::Title))
            || has_cat(&span[0], Cat::First)
            || (span.len() > 1 && span.last().is_some_and(|t| has_cat(t, Cat::Last)))
        {
            Some(1)
        } else if i > 0 && locative(lang, words[i - 1]) {
            Some(5)
        } else if span.len() == 1 && span[0].all_caps && words[i].chars().count() > 1 {
            Some(3)
        } else if span.len() > 1 {
            Some(1)
        } else if WordStats::unpack(span[0].stats).is_some_and(|(p, _, _)| p >= 3) {
            Some(5)
        } else {
            None
        };
        if let Some(b) = label {
            out[i] = b;
            for y in out.iter_mut().take(j).skip(i + 1) {
                *y = b + 1;
            }
        }
        i = j;
    }
}
