//! The language of an article, decided here and nowhere else.
//!
//! In: a declared tag (`<html lang>`, meta, JSON-LD, a JSONL field) and/or the text. Out: an
//! ISO 639-1 code. [`normalize_tag`] reads declared tags; [`detect`] guesses from the body
//! with whichlang (16 languages), falling back to whatlang when the text's language or script
//! is outside whichlang's set; [`primary`] is the code a stage reads a document in; [`pick`]
//! narrows it to one of the eight languages with lexicons (en, fr, es, ar, de, it, pt, id),
//! guessing from the text when the document declares none; [`pick_supported`] says when a
//! document is in a language without them.

/// ISO 639-3 → 639-1 for the languages whichlang and whatlang know.
fn iso1(code3: &str) -> Option<&'static str> {
    Some(match code3 {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        "cym" => "cy",
        _ => return None,
    })
}

/// Normalises a declared language tag (`en-US`, `en_GB`, `EN`) to ISO 639-1.
pub fn normalize_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return Some(primary);
    }
    if primary.len() == 3 {
        return iso1(&primary).map(str::to_string);
    }
    None
}

/// Detects the language of a text (at most its first few KB are read).
pub fn detect(text: &str) -> Option<String> {
    let mut end = text.len().min(4000);
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = text.get(..end)?;
    if sample.trim().chars().count() < 20 {
        return None;
    }
    let which = whichlang::detect_language(sample).three_letter_code();
    let what = whatlang::detect(sample);
    match what {
        Some(info) => {
            let wc = info.lang().code();
            let which_set = [
                "ara", "cmn", "deu", "eng", "fra", "hin", "ita", "jpn", "kor", "nld", "por", "rus",
                "spa", "swe", "tur", "vie",
            ];
            if which_set.contains(&wc) || !info.is_reliable() {
                iso1(which).map(str::to_string)
            } else {
                iso1(wc).map(str::to_string)
            }
        }
        None => iso1(which).map(str::to_string),
    }
}

/// The primary subtag of a language tag as written (`fr-CA` → `fr`, `en_GB` → `en`).
pub fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// The lexicon languages: those with attribution cues, hedges and source nouns under
/// `lang/<code>/attribution/`.
pub const LEXICON_LANGS: [&str; 8] = ["en", "fr", "es", "ar", "de", "it", "pt", "id"];

/// The lexicon language of a text: its declared language when it is one of
/// [`LEXICON_LANGS`], else a guess from the script and a few function words (English when in
/// doubt, also for a language we cannot read: see [`pick_supported`]).
pub fn pick(doc_lang: Option<&str>, text: &str) -> &'static str {
    pick_supported(doc_lang, text).unwrap_or("en")
}

/// [`pick`], or `None` when the text is in a language without lexicons: declared as another
/// language, or written mostly in a script other than Latin and Arabic.
pub fn pick_supported(doc_lang: Option<&str>, text: &str) -> Option<&'static str> {
    if let Some(l) = doc_lang.map(|l| primary(l).to_ascii_lowercase())
        && !l.is_empty()
    {
        return LEXICON_LANGS.iter().copied().find(|x| *x == l);
    }
    let sample: String = text.chars().take(4000).collect();
    let arabic = sample
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
        .count();
    let latin = sample
        .chars()
        .filter(|c| c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(c)))
        .count();
    let other = sample.chars().filter(|c| c.is_alphabetic()).count() - arabic - latin;
    if arabic > latin && arabic >= other {
        return Some("ar");
    }
    if other > latin + arabic {
        return None;
    }
    let lw = sample.to_lowercase();
    let count = |ws: &[&str]| -> usize {
        lw.split(|c: char| !c.is_alphabetic())
            .filter(|w| ws.contains(w))
            .count()
    };
    let scores = [
        ("en", count(&["the", "and", "of", "said", "that", "is"])),
        (
            "fr",
            count(&["le", "les", "des", "est", "une", "selon", "du"]),
        ),
        (
            "es",
            count(&["el", "los", "las", "del", "según", "una", "por"]),
        ),
        (
            "de",
            count(&["der", "die", "und", "das", "nicht", "ist", "laut", "sagte"]),
        ),
        (
            "it",
            count(&["il", "della", "che", "gli", "sono", "secondo", "anche"]),
        ),
        (
            "pt",
            count(&["não", "uma", "segundo", "em", "os", "ao", "foi"]),
        ),
        (
            "id",
            count(&["yang", "dan", "di", "ini", "dengan", "untuk", "menurut"]),
        ),
    ];
    // the first language with the most hits, English kept on ties
    let mut best = scores[0];
    for s in scores.iter().skip(1) {
        if s.1 > best.1 {
            best = *s;
        }
    }
    Some(best.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(normalize_tag("en-US").as_deref(), Some("en"));
        assert_eq!(normalize_tag("fr_FR").as_deref(), Some("fr"));
        assert_eq!(normalize_tag("deu").as_deref(), Some("de"));
        assert_eq!(normalize_tag(""), None);
    }

    #[test]
    fn detects() {
        assert_eq!(
            detect("The committee said on Tuesday that the new rules would take effect next year.")
                .as_deref(),
            Some("en")
        );
        assert_eq!(detect("Le gouvernement a annoncé mardi que les nouvelles règles entreraient en vigueur l'année prochaine.").as_deref(), Some("fr"));
        assert_eq!(detect("Rząd ogłosił we wtorek, że nowe przepisy wejdą w życie w przyszłym roku, jak poinformowało ministerstwo.").as_deref(), Some("pl"));
    }

    #[test]
    fn picks() {
        assert_eq!(primary("fr-CA"), "fr");
        assert_eq!(pick(Some("es-MX"), ""), "es");
        assert_eq!(pick(None, "قال المتحدث إن الوضع مستقر"), "ar");
        // a declared language with lexicons is taken as declared
        assert_eq!(
            pick(
                Some("de"),
                "Le ministre a dit que les gens sont partis selon le journal."
            ),
            "de"
        );
        // undeclared: guessed among the eight
        assert_eq!(
            pick(
                None,
                "Der Minister sagte, dass die Leute laut der Zeitung nicht gegangen sind."
            ),
            "de"
        );
        assert_eq!(
            pick(
                None,
                "Menurut juru bicara, warga yang dievakuasi dengan kapal ini aman."
            ),
            "id"
        );
        // a language without lexicons, declared or by its script: not read
        assert_eq!(pick_supported(Some("ru"), "Министр сказал"), None);
        assert_eq!(
            pick_supported(None, "Министр сказал, что паром сломался."),
            None
        );
        assert_eq!(pick(Some("ru"), "Министр сказал"), "en");
    }
}

/// A language as a filter names it: an ISO 639-1 code of `lang/mul/languages.tsv` or a tag
/// starting with one (`en`, `EN-gb`, `fra`), or its English name (`French`); `None` for
/// anything else (so that a filter on an unknown language is an error, not an empty list).
pub fn known_code(s: &str) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for row in crate::data::rows("mul/languages.tsv") {
            if let [code, name, ..] = row.as_slice() {
                m.insert((*code).to_string(), *code);
                m.insert(name.to_lowercase(), *code);
            }
        }
        m
    });
    let t = s.trim();
    if let Some(c) = table.get(&t.to_lowercase()) {
        return Some((*c).to_string());
    }
    let tag = normalize_tag(t)?;
    table.get(&tag).map(|c| (*c).to_string())
}

#[cfg(test)]
mod known_code_tests {
    use super::known_code;

    #[test]
    fn codes_tags_and_names() {
        assert_eq!(known_code("en").as_deref(), Some("en"));
        assert_eq!(known_code("EN-gb").as_deref(), Some("en"));
        assert_eq!(known_code("fra").as_deref(), Some("fr"));
        assert_eq!(known_code("French").as_deref(), Some("fr"));
        assert_eq!(known_code("zz"), None);
        assert_eq!(known_code("klingon"), None);
        assert_eq!(known_code(""), None);
    }
}
