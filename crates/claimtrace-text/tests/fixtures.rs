//! Hand-made sentences per language (tests/fixtures/text/*.txt, written for these tests).

use claimtrace_core::Doc;
use claimtrace_text::{Tokenizer, tokenize};

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/text/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap_or_default()
}

fn surface(text: &str, lang: &str) -> Vec<String> {
    let t = Tokenizer::new(lang).tokenize_str(text);
    t.tokens.iter().map(|s| s.text(text).to_string()).collect()
}

fn sentences(text: &str, lang: &str) -> Vec<String> {
    let mut doc = Doc::from_text("t", text);
    tokenize(&mut doc, lang);
    doc.sentences
        .iter()
        .map(|s| s.span.text(&doc.text).to_string())
        .collect()
}

fn words(text: &str, lang: &str) -> Vec<String> {
    let mut doc = Doc::from_text("t", text);
    tokenize(&mut doc, lang);
    doc.tokens
        .iter()
        .map(|t| t.form(&doc.text).to_string())
        .collect()
}

fn has_seq(hay: &[String], needle: &[&str]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.iter().zip(needle).all(|(a, b)| a == b))
}

#[test]
fn english_fixture() {
    let text = fixture("en.txt");
    assert!(!text.is_empty());
    let toks = surface(&text, "en");
    for t in [
        "Mr.",
        "Gen.",
        "U.S.",
        "didn't",
        "We're",
        "$",
        "1,000.5",
        "3.5",
        "%",
        "7:30",
        "12/05/2024",
        "jane.doe@example.org",
        "https://example.org/news?id=7",
        "@claimtrace",
        "#news",
        "e-mail",
        "...",
        "wasn't",
        "mayor's",
    ] {
        assert!(
            toks.iter().any(|x| x == t),
            "missing token {t:?} in {toks:?}"
        );
    }
    let w = words(&text, "en");
    assert!(has_seq(&w, &["did", "n't"]));
    assert!(has_seq(&w, &["We", "'re"]));
    assert!(has_seq(&w, &["mayor", "'s"]));
    let s = sentences(&text, "en");
    assert_eq!(s[0], "Mr. Smith didn't say it.");
    assert_eq!(s[1], "Gen. Ross, of the U.S. Army, said: \"We're ready.\"");
    // The headline line without final punctuation ends at the line break.
    assert!(s.iter().any(|x| x == "Officials in Springfield"), "{s:?}");
    assert!(s.iter().any(|x| x == "It wasn't."), "{s:?}");
}

#[test]
fn french_fixture() {
    let text = fixture("fr.txt");
    let toks = surface(&text, "fr");
    for t in [
        "L'",
        "État",
        "qu'",
        "il",
        "du",
        "«",
        "»",
        "-t-il",
        "aujourd'hui",
        "M.",
        "aux",
        "1 000,5",
        "3,5",
        "%",
        "12",
        "h",
        "30",
        "p.",
        "ex.",
    ] {
        assert!(
            toks.iter().any(|x| x == t),
            "missing token {t:?} in {toks:?}"
        );
    }
    let w = words(&text, "fr");
    assert!(has_seq(&w, &["budget", "de", "le", "ministère"]), "{w:?}");
    assert!(has_seq(&w, &["à", "les", "élus"]), "{w:?}");
    let s = sentences(&text, "fr");
    assert_eq!(
        s[1],
        "« Nous ne céderons pas », a-t-il déclaré aujourd'hui."
    );
    // A quote spanning two sentences: the closing guillemet stays with the second.
    assert!(s.iter().any(|x| x == "« C'est la fin."), "{s:?}");
    assert!(s.iter().any(|x| x == "Tout le monde le sait. »"), "{s:?}");
    assert!(s.iter().any(|x| x.ends_with("p. ex. demain.")), "{s:?}");
}

#[test]
fn spanish_fixture() {
    let text = fixture("es.txt");
    let toks = surface(&text, "es");
    for t in [
        "Sr.", "EE.UU.", "¿", "?", "«", "»", "dárselo", "3,5", "1.000",
    ] {
        assert!(
            toks.iter().any(|x| x == t),
            "missing token {t:?} in {toks:?}"
        );
    }
    let w = words(&text, "es");
    assert!(has_seq(&w, &["de", "el", "acuerdo"]), "{w:?}");
    assert!(has_seq(&w, &["a", "el", "congreso"]), "{w:?}");
    assert!(has_seq(&w, &["dar", "se", "lo"]), "{w:?}");
    assert!(has_seq(&w, &["quedar", "se"]), "{w:?}");
    let s = sentences(&text, "es");
    assert_eq!(s[0], "El Sr. García habló del acuerdo con EE.UU. ayer.");
    assert_eq!(s[1], "¿Vendrá al congreso?");
}

#[test]
fn arabic_fixture() {
    let text = fixture("ar.txt");
    let toks = surface(&text, "ar");
    for t in ["،", ":", "«", "»", "؟", "!", "الميزانية"] {
        assert!(
            toks.iter().any(|x| x == t),
            "missing token {t:?} in {toks:?}"
        );
    }
    let s = sentences(&text, "ar");
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(s[1].ends_with('؟'));
}

#[test]
fn paragraphs_always_end_sentences() {
    let s = sentences("A sentence without an end\n\nAnother one", "en");
    assert_eq!(s, ["A sentence without an end", "Another one"]);
}

#[test]
fn empty_and_blank_input() {
    for text in ["", " ", "\n\n\t "] {
        let mut doc = Doc::from_text("t", text);
        tokenize(&mut doc, "fr");
        assert!(doc.tokens.is_empty());
        assert!(doc.sentences.is_empty());
    }
}

#[test]
fn doc_language_defaults_to_english() {
    let mut doc = Doc::from_text("t", "I don't know.");
    claimtrace_text::tokenize_doc(&mut doc);
    let w: Vec<&str> = doc.tokens.iter().map(|t| t.form(&doc.text)).collect();
    assert_eq!(w, ["I", "do", "n't", "know", "."]);
    let mut doc = Doc::from_text("t", "Il parle du chat.");
    doc.lang = Some("fr".into());
    claimtrace_text::tokenize_doc(&mut doc);
    let w: Vec<&str> = doc.tokens.iter().map(|t| t.form(&doc.text)).collect();
    assert_eq!(w, ["Il", "parle", "de", "le", "chat", "."]);
    // Both parts of "du" carry its span.
    assert_eq!(doc.tokens[2].span, doc.tokens[3].span);
}
