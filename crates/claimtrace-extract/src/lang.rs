//! Language: declared (`<html lang>`, meta, JSON-LD) first, else detected from the body with
//! whichlang (16 languages), falling back to whatlang when the text's language or script is
//! outside whichlang's set.

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
}
