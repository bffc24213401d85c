//! Passages around search hits: the first place in an article where the query's words occur,
//! cut to about [`WINDOW`] characters, with every matched word in it marked.

use crate::ftsq::Parsed;
use crate::types::{Hit, HitSpan};
use claimtrace_text::norm::{fold_words, folded_words};

/// Characters of a passage (about; cut at word boundaries).
const WINDOW: usize = 240;
/// Characters kept before the first hit.
const BEFORE: usize = 60;

/// The passage of `text` around the first hit of `q`, or `None` when no word of the query is
/// found in it (the hit was elsewhere, e.g. in the title).
pub(crate) fn hit(text: &str, q: &Parsed) -> Option<Hit> {
    let words = folded_words(text);
    let terms: Vec<(Vec<String>, bool)> = q
        .terms()
        .map(|t| (fold_words(&t.words.join(" ")), t.prefix))
        .filter(|(w, _)| !w.is_empty())
        .collect();
    // Matches as (first word, last word) indices.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for i in 0..words.len() {
        for (tw, prefix) in &terms {
            let n = tw.len();
            if i + n > words.len() {
                continue;
            }
            let ok = tw.iter().enumerate().all(|(k, w)| {
                let got = &words[i + k].fold;
                if *prefix && k + 1 == n {
                    got.starts_with(w.as_str())
                } else {
                    got == w
                }
            });
            if ok {
                matches.push((i, i + n - 1));
                break;
            }
        }
    }
    let &(first, _) = matches.first()?;
    // Byte window: from a word start about BEFORE characters before the hit.
    let hit_start = words[first].start;
    let mut from = hit_start;
    let mut k = first;
    while k > 0 && text[words[k - 1].start..hit_start].chars().count() <= BEFORE {
        k -= 1;
        from = words[k].start;
    }
    let mut to = from;
    for w in &words[k..] {
        if text[from..w.end].chars().count() > WINDOW && w.start > hit_start {
            break;
        }
        to = w.end;
    }
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < text.len() { "…" } else { "" };
    let body = &text[from..to];
    let shown: String = format!("{lead}{body}{tail}")
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let offset = lead.chars().count();
    let mut highlights = Vec::new();
    for &(a, b) in &matches {
        let (s, e) = (words[a].start, words[b].end);
        if s < from || e > to {
            continue;
        }
        let start = offset + text[from..s].chars().count();
        let end = start + text[s..e].chars().count();
        highlights.push(HitSpan {
            text: text[s..e].to_owned(),
            start,
            end,
        });
    }
    Some(Hit {
        text: shown,
        highlights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftsq::parse;

    #[test]
    fn marks_words_prefixes_and_phrases() {
        let text = "The council met on Monday. Later the Harbour Authority said the dockers' \
                    strike would end, and negotiators agreed. Négociations continue.";
        let q = parse("harbour negotiat* OR \"dockers strike\" negociations")
            .unwrap()
            .unwrap();
        let h = hit(text, &q).unwrap();
        let marked: Vec<&str> = h.highlights.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            marked,
            ["Harbour", "dockers' strike", "negotiators", "Négociations"]
        );
        for s in &h.highlights {
            let got: String = h.text.chars().skip(s.start).take(s.end - s.start).collect();
            assert_eq!(got, s.text);
        }
        assert!(
            parse("absent")
                .unwrap()
                .is_some_and(|q| hit(text, &q).is_none())
        );
    }

    #[test]
    fn cuts_long_texts_around_the_hit() {
        let text = format!("{} harbour {}", "word ".repeat(200), "more ".repeat(200));
        let h = hit(&text, &parse("harbour").unwrap().unwrap()).unwrap();
        assert!(h.text.starts_with('…') && h.text.ends_with('…'));
        assert!(h.text.chars().count() < 320);
        assert_eq!(h.highlights.len(), 1);
    }
}
