use super::*;
use claimtrace_ml::conllu::Reader;

fn sents(s: &str) -> Vec<Sentence> {
    Reader::new(s.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn fixture(name: &str) -> Vec<Sentence> {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tag/");
    claimtrace_ml::conllu::read_file(std::path::Path::new(&format!("{p}{name}"))).unwrap()
}

fn tiny(lang: &str) -> Tagger {
    let opts = TrainOptions {
        lang: lang.into(),
        epochs: 8,
        upos_bits: 14,
        feats_bits: 12,
        lemma_bits: 14,
        folds: 2,
        ..TrainOptions::default()
    };
    train(&fixture(&format!("{lang}.conllu")), None, &opts)
}

#[test]
fn tiny_models_learn_their_training_data() {
    for lang in ["en", "fr", "es"] {
        let data = fixture(&format!("{lang}.conllu"));
        let t = tiny(lang);
        let s = t.evaluate(&data);
        assert!(s.upos > 0.9, "{lang}: {s:?}");
        assert!(s.lemma > 0.9, "{lang}: {s:?}");
        assert!(s.ufeats > 0.8, "{lang}: {s:?}");
        // Save and reload give the same output.
        let dir = std::env::temp_dir().join(format!("ct-tag-test-{}-{lang}", std::process::id()));
        let path = dir.join("m.bin");
        t.save(&path).unwrap();
        let t2 = Tagger::load(&path).unwrap();
        assert_eq!(t2.evaluate(&data).upos, s.upos);
        assert_eq!(t2.lang(), lang);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn unknown_lemmas_use_rules() {
    let t = tiny("en");
    let out = t.tag_words(&["She", "walked", "home", "."]);
    assert_eq!(out[1].upos, "VERB");
    assert_eq!(out[1].lemma, "walk");
    assert_eq!(out[0].lemma, "she");
}

#[test]
fn odd_input_does_not_panic() {
    let t = tiny("en");
    assert!(t.tag_words(&[]).is_empty());
    let out = t.tag_words(&["🙂", "", "ÉCOLE", "x".repeat(500).as_str(), "\u{0301}"]);
    assert_eq!(out.len(), 5);
    let long: Vec<&str> = (0..10_000)
        .map(|i| if i % 3 == 0 { "the" } else { "cat" })
        .collect();
    assert_eq!(t.tag_words(&long).len(), 10_000);
    // Documents with and without sentences.
    let mut doc = Doc::from_text("d", "She said that.");
    for (a, b) in [(0, 3), (4, 8), (9, 13), (13, 14)] {
        doc.tokens
            .push(claimtrace_core::Token::new(claimtrace_core::Span::new(
                a, b,
            )));
    }
    t.tag(&mut doc);
    assert!(doc.tokens.iter().all(|t| !t.upos.is_empty()));
    doc.sentences.push(claimtrace_core::Sentence {
        span: claimtrace_core::Span::new(0, 14),
        token_start: 1,
        token_end: 99,
    });
    t.tag(&mut doc);
    let mut empty = Doc::from_text("e", "");
    t.tag(&mut empty);
    assert!(Tagger::from_bytes(b"not a model").is_err());
}

#[test]
fn ufeats_is_a_set_of_universal_features() {
    assert_eq!(
        ufeats("Number=Sing|Typo=Yes|Gender=Masc"),
        vec!["Gender=Masc", "Number=Sing"]
    );
    assert!(ufeats("_").is_empty());
    let s = sents("1\ta\ta\tX\t_\t_\t0\troot\t_\t_\n\n");
    assert_eq!(s.len(), 1);
}

fn committed(lang: &str) -> Option<Tagger> {
    let p = format!(
        "{}/../../models/tagger-{lang}.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    std::path::Path::new(&p)
        .exists()
        .then(|| Tagger::load(&p).unwrap())
}

#[test]
fn committed_english_model() {
    let Some(t) = committed("en") else { return };
    let out = t.tag_words(&["She", "said", "that", "prices", "rose", "."]);
    assert_eq!(out[1].upos, "VERB");
    assert_eq!(out[1].lemma, "say");
    assert!(out[1].feats.contains("Tense=Past"), "{:?}", out[1]);
    assert_eq!(out[3].lemma, "price");
    assert_eq!(out[3].feats, "Number=Plur");
    assert_eq!(out[5].upos, "PUNCT");
    let out = t.tag_words(&[
        "The",
        "minister",
        "reportedly",
        "stressed",
        "that",
        "the",
        "talks",
        "failed",
        ".",
    ]);
    let got: Vec<(&str, &str)> = out
        .iter()
        .map(|t| (t.upos.as_str(), t.lemma.as_str()))
        .collect();
    assert_eq!(got[2], ("ADV", "reportedly"), "{out:?}");
    assert_eq!(got[3], ("VERB", "stress"), "{out:?}");
    assert_eq!(got[7], ("VERB", "fail"), "{out:?}");
    assert_eq!(out[0].feats, "Definite=Def|PronType=Art");
}

#[test]
fn committed_french_and_spanish_models() {
    if let Some(t) = committed("fr") {
        let out = t.tag_words(&["Il", "a", "déclaré", "que", "les", "prix", "montaient", "."]);
        assert_eq!(out[2].lemma, "déclarer");
        assert_eq!(out[1].upos, "AUX");
    }
    if let Some(t) = committed("es") {
        let out = t.tag_words(&[
            "El", "ministro", "dijo", "que", "los", "precios", "subieron", ".",
        ]);
        assert_eq!(out[2].lemma, "decir");
        assert_eq!(out[2].upos, "VERB");
    }
}
