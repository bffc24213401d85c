use super::*;
use claimtrace_core::Token;

fn sent(words: &[&str], tags: &[&str]) -> iob2::Sentence {
    iob2::Sentence {
        comments: vec![],
        words: words.iter().map(|s| s.to_string()).collect(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        line: 0,
    }
}

fn tiny_resources() -> Resources {
    Resources {
        lists: vec![
            (Cat::Place, "Paris\nNew York\nLyon\n".into()),
            (Cat::First, "Marie\nJohn\n".into()),
            (Cat::OrgSuffix, "Inc.\nBank\n".into()),
        ],
        stats: String::new(),
    }
}

fn tiny_data() -> Vec<iob2::Sentence> {
    vec![
        sent(
            &["Marie", "Dubois", "lives", "in", "Paris", "."],
            &["B-PER", "I-PER", "O", "O", "B-LOC", "O"],
        ),
        sent(
            &["John", "Smith", "works", "for", "Acme", "Inc.", "."],
            &["B-PER", "I-PER", "O", "O", "B-ORG", "I-ORG", "O"],
        ),
        sent(
            &["He", "moved", "to", "New", "York", "."],
            &["O", "O", "O", "B-LOC", "I-LOC", "O"],
        ),
        sent(
            &["The", "Central", "Bank", "said", "so", "."],
            &["O", "B-ORG", "I-ORG", "O", "O", "O"],
        ),
        sent(
            &["Marie", "Curie", "visited", "Lyon", "."],
            &["B-PER", "I-PER", "O", "B-LOC", "O"],
        ),
    ]
}

fn tiny_model() -> Ner {
    let opts = TrainOptions {
        epochs: 8,
        bucket_bits: 14,
        ..TrainOptions::default()
    };
    Ner::train("en", &tiny_data(), None, tiny_resources(), &opts).unwrap()
}

#[test]
fn tiny_training_learns_and_roundtrips() {
    let ner = tiny_model();
    let data = tiny_data();
    let sc = ner.evaluate(&data);
    assert!(sc.overall().2 > 0.9, "{}", sc.report());
    let dir = tempdir();
    let p = dir.join("ner-test.bin");
    ner.save(&p).unwrap();
    let back = Ner::load(&p).unwrap();
    for s in &data {
        let w: Vec<&str> = s.words.iter().map(String::as_str).collect();
        assert_eq!(back.tag_words(&w), ner.tag_words(&w));
    }
    let bytes = std::fs::read(&p).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(Ner::from_bytes(&bytes).is_ok());
    assert!(Ner::from_bytes(b"not a model").is_err());
    // Truncated files are errors, never panics.
    for cut in [10, 30, bytes.len() / 2, bytes.len().saturating_sub(3)] {
        assert!(Ner::from_bytes(&bytes[..cut.min(bytes.len())]).is_err());
    }
    assert!(Ner::from_bytes(&[]).is_err());
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("claimtrace-ner-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

#[test]
fn no_panic_on_odd_input() {
    let ner = tiny_model();
    assert!(ner.tag_words(&[]).is_empty());
    assert_eq!(ner.tag_words(&["😀", "", "🇫🇷", "\u{0}"]).len(), 4);
    let huge: Vec<String> = (0..3000)
        .map(|i| {
            if i % 7 == 0 {
                "Paris".into()
            } else {
                format!("w{i}")
            }
        })
        .collect();
    let h: Vec<&str> = huge.iter().map(String::as_str).collect();
    let tags = ner.tag_words(&h);
    assert_eq!(tags.len(), 3000);
    // Valid IOB2 everywhere.
    for (i, t) in tags.iter().enumerate() {
        if let Some(l) = t.strip_prefix("I-") {
            let p = &tags[i - 1];
            assert!(p.ends_with(l), "{p} -> {t}");
        }
    }
    let mut doc = Doc::from_text("x", "");
    ner.annotate(&mut doc);
    assert!(doc.entities.is_empty());
}

#[test]
fn annotate_fills_entities_with_token_ranges() {
    let ner = tiny_model();
    let text = "Marie Dubois lives in Paris.";
    let mut doc = Doc::from_text("d", text);
    let mut pos = 0;
    for w in ["Marie", "Dubois", "lives", "in", "Paris", "."] {
        let s = text[pos..].find(w).unwrap() + pos;
        doc.tokens.push(Token::new(Span::new(s, s + w.len())));
        pos = s + w.len();
    }
    // A sentence layer pointing past the tokens is ignored, never a panic.
    doc.sentences.push(claimtrace_core::Sentence {
        span: Span::new(0, text.len()),
        token_start: 0,
        token_end: 99,
    });
    ner.annotate(&mut doc);
    assert!(doc.entities.is_empty());
    doc.sentences[0].token_end = 6;
    ner.annotate(&mut doc);
    let got: Vec<(&str, &str, u32, u32)> = doc
        .entities
        .iter()
        .map(|e| {
            (
                doc.span_text(e.span),
                e.label.as_str(),
                e.token_start,
                e.token_end,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("Marie Dubois", "PER", 0, 2), ("Paris", "LOC", 4, 5)]
    );
}

#[test]
fn doc_pass_tags_repeated_names() {
    let s1 = vec!["Jane", "Doe", "spoke", "."];
    let s2 = vec!["Later", "Jane", "Doe", "left", "."];
    let mut tags = vec![vec![1, 2, 0, 0], vec![0, 0, 0, 0, 0]];
    doc_pass(&[s1, s2], &mut tags);
    assert_eq!(tags[1], vec![0, 1, 2, 0, 0]);
}

#[test]
fn scores_count_exact_spans() {
    let mut sc = Scores::default();
    sc.add(
        &["B-PER", "I-PER", "O", "B-LOC"],
        &["B-PER", "O", "O", "B-LOC"],
    );
    assert_eq!(sc.label("LOC"), (1.0, 1.0, 1.0));
    assert_eq!(sc.label("PER").2, 0.0);
    let (p, r, _) = sc.overall();
    assert_eq!((p, r), (0.5, 0.5));
}

#[test]
fn rules_recognise_french_names() {
    let res = Resources {
        lists: vec![
            (Cat::Place, "Lyon\nParis\n".into()),
            (Cat::First, "Marie\n".into()),
            (Cat::OrgSuffix, "Ministère\n".into()),
        ],
        stats: "selon\t0\t0\t2\n".into(),
    };
    let ner = Ner::rules("fr", res);
    let w = [
        "Selon",
        "Marie",
        "Lefèvre",
        ",",
        "le",
        "Ministère",
        "de",
        "la",
        "Santé",
        "a",
        "ouvert",
        "un",
        "bureau",
        "à",
        "Lyon",
        ".",
    ];
    let t = ner.tag_words(&w);
    assert_eq!(t[1..3], ["B-PER", "I-PER"]);
    assert_eq!(t[5..9], ["B-ORG", "I-ORG", "I-ORG", "I-ORG"]);
    assert_eq!(t[14], "B-LOC");
}

#[test]
fn rules_skip_sentence_initial_common_words_that_are_also_places() {
    // "Un" is a village in GeoNames and a determiner: sentence-initial, it starts no name.
    let res = Resources {
        lists: vec![(Cat::Place, "Un\nAldervik\n".into())],
        stats: "un\t0\t1\t50\n".into(),
    };
    let ner = Ner::rules("es", res);
    let w = ["Un", "vertido", "se", "produjo", "en", "Aldervik", "."];
    let t = ner.tag_words(&w);
    assert_eq!(t, ["O", "O", "O", "O", "O", "B-LOC", "O"]);
}

fn repo_model(lang: &str) -> Option<Ner> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../models/ner-{lang}.bin"));
    if !p.exists() {
        eprintln!("{} missing: skipped", p.display());
        return None;
    }
    Some(Ner::load(&p).unwrap())
}

#[test]
fn committed_english_model_finds_per_org_loc() {
    let Some(ner) = repo_model("en") else { return };
    assert!(ner.is_trained());
    let w: Vec<&str> = "The news agency Reuters quoted officials in Syria who said Abu Bakr al Baghdadi was alive ."
        .split(' ')
        .collect();
    let t = ner.tag_words(&w);
    let spans: Vec<(String, String)> = iob2::spans(&t)
        .into_iter()
        .map(|(a, b, l)| (w[a..b].join(" "), l))
        .collect();
    for want in [
        ("Reuters", "ORG"),
        ("Syria", "LOC"),
        ("Abu Bakr al Baghdadi", "PER"),
    ] {
        assert!(
            spans.iter().any(|(s, l)| s == want.0 && l == want.1),
            "{want:?} not in {spans:?}"
        );
    }
    assert!(ner.tag_words(&[]).is_empty());
    let odd = ner.tag_words(&["😀", "🇸🇾", "Ünïcödé", "ǅ", "\u{200b}"]);
    assert_eq!(odd.len(), 5);
}

#[test]
fn committed_rule_models_load() {
    for lang in ["fr", "es"] {
        let Some(ner) = repo_model(lang) else {
            continue;
        };
        // French is trained on europeana_fr since 2026-12-08; Spanish is still rules.
        assert_eq!(ner.is_trained(), lang == "fr");
        assert_eq!(ner.lang(), lang);
        let t = ner.tag_words(&["Il", "vit", "à", "Paris", "."]);
        assert_eq!(t.len(), 5);
    }
}

/// Tags (label indices) after [`tidy`] with the given lists.
fn tidied(lists: &[(Cat, &str)], words: &[&str], tags: &[&str]) -> Vec<String> {
    let lists: Vec<(Cat, String)> = lists.iter().map(|(c, t)| (*c, t.to_string())).collect();
    let gaz = Gazetteer::build(&lists);
    let stats = WordStats::default();
    let mut w = Work::default();
    features::prepare(
        words,
        &gaz,
        &stats,
        &mut w.toks,
        &mut w.h,
        &mut w.g,
        &mut w.m,
    );
    let mut y: Vec<usize> = tags
        .iter()
        .map(|t| LABELS.iter().position(|l| l == t).unwrap())
        .collect();
    tidy(words, &w.toks, &mut y);
    y.iter().map(|&v| LABELS[v].to_string()).collect()
}

#[test]
fn spans_never_keep_edge_punctuation() {
    let w = ["«", "Northern", "Front", ",", "»", "said", "Kell", "."];
    let t = [
        "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER",
    ];
    assert_eq!(
        tidied(&[], &w, &t),
        ["O", "B-ORG", "I-ORG", "O", "O", "O", "B-PER", "O"]
    );
    // A span of punctuation only goes; inner punctuation stays.
    let w = ["(", "Smith", "&", "Dale", ")"];
    let t = ["B-PER", "B-ORG", "I-ORG", "I-ORG", "I-ORG"];
    assert_eq!(tidied(&[], &w, &t), ["O", "B-ORG", "I-ORG", "I-ORG", "O"]);
    // Characters attached to a token are trimmed from the entity's text span.
    let text = "«Verdant Alliance, he said";
    assert_eq!(trim_edges(text, 0, text.find(',').unwrap() + 1), (2, 18));
    assert_eq!(&text[2..18], "Verdant Alliance");
    assert_eq!(trim_edges("U.S.", 0, 4), (0, 4));
    assert_eq!(trim_edges("«»", 0, 4), (4, 4));
}

#[test]
fn demonyms_are_not_entities() {
    let lists = [(Cat::Demonym, "Moroccan\nFrench\n")];
    let w = [
        "The", "Moroccan", "minister", "told", "a", "French", "channel", ".",
    ];
    let t = ["O", "B-ORG", "O", "O", "O", "B-PER", "I-PER", "O"];
    assert_eq!(tidied(&lists, &w, &t), ["O"; 8]);
    // A name that starts with a demonym stays.
    let w = ["French", "Telecom", "Partners", "said"];
    let t = ["B-ORG", "I-ORG", "I-ORG", "O"];
    assert_eq!(tidied(&lists, &w, &t), t);
}

#[test]
fn agencies_are_org_and_rivers_loc() {
    let lists = [
        (Cat::OrgKnown, "EFE\nXinhua\n"),
        (Cat::Geo, "River\nMountains\n"),
    ];
    let w = [
        "EFE", "reported", "floods", "on", "the", "Tessal", "River", ".",
    ];
    let t = ["B-PER", "O", "O", "O", "O", "B-ORG", "O", "O"];
    assert_eq!(
        tidied(&lists, &w, &t),
        ["B-ORG", "O", "O", "O", "O", "B-LOC", "I-LOC", "O"]
    );
    let w = ["near", "the", "Varro", "Mountains", ",", "Xinhua", "said"];
    let t = ["O", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"];
    assert_eq!(
        tidied(&lists, &w, &t),
        ["O", "O", "B-LOC", "I-LOC", "O", "B-ORG", "O"]
    );
    // A lowercase "river" is not a name's head.
    let w = ["Tessal", "river"];
    assert_eq!(tidied(&lists, &w, &["B-PER", "O"]), ["B-PER", "O"]);
}

#[test]
fn normalise_maps_misc_and_stray_inside_tags() {
    let mut s = vec![sent(
        &["@", "Kell", "visited", "Old", "Varro", ",", "Euro", "Cup"],
        &[
            "B-ORG", "I-ORG", "O", "I-LOC", "I-LOC", "I-LOC", "B-MISC", "I-MISC",
        ],
    )];
    normalise_tags(&mut s);
    assert_eq!(
        s[0].tags,
        ["O", "B-ORG", "O", "B-LOC", "I-LOC", "O", "O", "O"]
    );
}

#[test]
fn committed_english_model_on_news_errors() {
    let Some(ner) = repo_model("en") else { return };
    let spans = |s: &str| -> Vec<(String, String)> {
        let w: Vec<&str> = s.split(' ').collect();
        let t = ner.tag_words(&w);
        iob2::spans(&t)
            .into_iter()
            .map(|(a, b, l)| (w[a..b].join(" "), l))
            .collect()
    };
    let got = spans(
        "The agency EFE said the Moroccan envoy met officials of Halvorsen Group , a French firm , near the Orrin River .",
    );
    for (bad, _) in got.iter() {
        assert!(!bad.ends_with(',') && !bad.starts_with('«'), "{got:?}");
        assert!(bad != "Moroccan" && bad != "French", "{got:?}");
    }
    assert!(got.contains(&("EFE".into(), "ORG".into())), "{got:?}");
    assert!(
        got.iter()
            .any(|(s, l)| s.ends_with("Orrin River") && l == "LOC"),
        "{got:?}"
    );
    let got = spans("Fighters of « Northern Dawn , » the group , crossed into Kestria .");
    assert!(
        got.iter()
            .all(|(s, _)| !s.contains('«') && !s.ends_with(',')),
        "{got:?}"
    );
}

#[test]
fn lowercase_names_without_demonym_stay() {
    let lists = [(Cat::Demonym, "Moroccan\n")];
    let w = ["bought", "it", "on", "shopzilla", "yesterday"];
    let t = ["O", "O", "O", "B-ORG", "O"];
    assert_eq!(tidied(&lists, &w, &t), t);
}
