use super::*;

/// The seed article, read at run time from `../shared` beside the repository (never compiled
/// in: a clone without `../shared` must still build its tests). `None`, with a note, when absent.
fn seed() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/seed/article.txt"
    );
    match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!(
                "skipped: the seed article {path} is not readable ({e}); ../shared is absent"
            );
            None
        }
    }
}

struct View {
    source: String,
    entity: String,
    kind: String,
    cue: String,
    content: String,
    parent: Option<usize>,
    channel: Option<String>,
    certainty: String,
    hedge: String,
    ckind: String,
}

fn run(text: &str, lang: &str) -> (Doc, Vec<View>) {
    let mut d = Doc::from_text("t", text);
    d.lang = Some(lang.into());
    annotate(&mut d, &Options::default());
    let v = d
        .attributions
        .iter()
        .map(|a| View {
            source: a
                .source
                .map(|s| d.span_text(s).to_owned())
                .unwrap_or_default(),
            entity: a
                .source_id
                .and_then(|i| d.sources.get(i as usize))
                .map(|s| s.entity.clone())
                .unwrap_or_default(),
            kind: a.source_type.to_string(),
            cue: a.cue.map(|s| d.span_text(s).to_owned()).unwrap_or_default(),
            content: d.span_text(a.content).to_owned(),
            parent: a.parent.map(|p| p as usize),
            channel: a.channel.clone(),
            certainty: a.certainty.to_string(),
            hedge: a
                .hedge
                .map(|s| d.span_text(s).to_owned())
                .unwrap_or_default(),
            ckind: a.kind.to_string(),
        })
        .collect();
    (d, v)
}

fn find<'a>(v: &'a [View], source: &str, cue: &str) -> (usize, &'a View) {
    v.iter()
        .enumerate()
        .find(|(_, a)| a.source == source && a.cue == cue)
        .unwrap_or_else(|| panic!("no attribution {source} / {cue}"))
}

/// The acceptance example: every attribution, nesting, resolved sources, hedges.
#[test]
fn seed_article_golden() {
    let Some(seed) = seed() else { return };
    let (d, v) = run(&seed, "en");
    eprintln!("{}", print::claims(&d, 90));
    assert_eq!(v.len(), 16, "attribution count");

    let (_, a) = find(&v, "Moroccan national Mohamed A.", "revealed");
    assert_eq!(a.entity, "Mohamed A.");
    assert_eq!(a.kind, "person");
    assert!(a.content.starts_with("that the self-proclaimed leader"));

    let (_, a) = find(&v, "the Tetouan-native", "said");
    assert_eq!(a.entity, "Mohamed A.");
    assert_eq!(a.channel.as_deref(), Some("EFE"));
    assert_eq!(a.ckind, "mixed");
    assert!(
        a.content
            .contains("«Moroccan jihadists planned to overthrow»")
    );

    let (_, a) = find(&v, "he", "stressed");
    assert_eq!(a.entity, "Mohamed A.");
    assert_eq!(a.certainty, "unknown");
    assert_eq!(a.hedge, "did not know whether");
    assert_eq!(a.channel.as_deref(), Some("EFE"));

    let (mr, a) = find(&v, "media reports", "suggested");
    assert_eq!(a.certainty, "hedged");
    assert_eq!(a.hedge, "suggested");
    assert!(a.content.ends_with("bodyguards»"), "{}", a.content);
    let (_, a) = find(&v, "regional intelligence officials", "quoting");
    assert_eq!(a.parent, Some(mr));
    assert_eq!(a.kind, "official");

    let (g, a) = find(&v, "British newspaper the Guardian", "According to");
    assert_eq!(a.entity, "The Guardian");
    assert_eq!(a.kind, "media");
    assert_eq!(a.certainty, "asserted");
    assert!(
        a.content
            .starts_with("Abu Bakr al Baghdadi survived the failed coup attempt")
    );
    assert_eq!(a.parent, None);
    let _ = g;

    let (sr, a) = find(&v, "the same source", "reported");
    assert_eq!(a.entity, "The Guardian");
    assert!(
        a.content
            .starts_with("Regional intelligence officials believe")
    );
    assert!(a.content.ends_with("al-Jazairi"));
    let (_, a) = find(&v, "Regional intelligence officials", "believe");
    assert_eq!(a.parent, Some(sr));
    assert_eq!(a.certainty, "hedged");
    assert_eq!(a.hedge, "believe");
    assert!(!a.content.contains("the same source"));

    let (_, a) = find(&v, "the same source", "According to");
    assert_eq!(a.entity, "The Guardian");
    assert_eq!(a.certainty, "hedged");
    assert_eq!(a.hedge, "believed to");

    let (_, a) = find(&v, "rumors", "suggesting");
    assert_eq!(a.certainty, "rumour");
    assert_eq!(a.hedge, "rumors suggesting");
    assert_eq!(a.content, "that he survived the coup attempt");

    let (_, a) = find(&v, "French channel TV5 Monde", "reports");
    assert_eq!(a.entity, "TV5 Monde");
    assert!(a.content.starts_with("Efforts made by"));

    let (_, a) = find(&v, "the Moroccan jihadist", "said");
    assert_eq!(a.entity, "Mohamed A.");
    assert_eq!(
        a.content,
        "Even among his followers and troops, the man remains very discreet"
    );

    let (_, a) = find(&v, "he", "concluded");
    assert_eq!(a.entity, "Mohamed A.");
    assert_eq!(a.ckind, "direct");

    let (_, a) = find(&v, "the Associated Press\u{a0}(AP)", "recalled");
    assert_eq!(a.entity, "Associated Press");
    assert_eq!(a.content, "The last time he appeared in public was in 2014");

    let (_, a) = find(&v, "claims", "surfaced");
    assert_eq!(a.certainty, "rumour");
    assert_eq!(a.hedge, "claims surfaced");
    assert!(a.content.starts_with("that the man was killed"));

    // one source per entity
    let names: Vec<&str> = d.sources.iter().map(|s| s.entity.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "Mohamed A.").count(), 1);
    assert_eq!(names.iter().filter(|n| **n == "The Guardian").count(), 1);
    // JSON has the layers with char offsets
    let line = d.to_json_line(claimtrace_core::json::JsonOptions::default());
    assert!(line.contains("\"attributions\"") && line.contains("\"sources\""));
}

#[test]
fn pronoun_without_antecedent_is_unknown() {
    let (_, v) = run("He said that the talks had failed.", "en");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].entity, "");
}

#[test]
fn frames_english() {
    let (_, v) = run(
        "\"We will win,\" said Jane Doe, the party leader. The plan failed, according to the \
         Associated Press. Officials allegedly told Reuters that the port was closed. The \
         minister denied that troops had crossed the border.",
        "en",
    );
    let (_, a) = find(&v, "Jane Doe", "said");
    assert_eq!(a.ckind, "direct");
    let (_, a) = find(&v, "the Associated Press", "according to");
    assert_eq!(a.content, "The plan failed");
    let (_, a) = find(&v, "Officials", "told");
    assert_eq!(a.channel.as_deref(), Some("Reuters"));
    assert_eq!(a.certainty, "hedged");
    let (_, a) = find(&v, "The minister", "denied");
    assert_eq!(a.certainty, "denied");
}

#[test]
fn french_spanish_arabic() {
    let (_, v) = run(
        "Selon l'agence Reuters, le port est fermé. Le ministre a affirmé que la situation était \
         calme. « Nous resterons », a-t-il dit.",
        "fr",
    );
    assert!(
        v.iter().any(|a| a.cue == "Selon" && a.entity == "Reuters"),
        "fr selon"
    );
    assert!(
        v.iter()
            .any(|a| a.cue == "a affirmé" && a.source == "Le ministre"),
        "fr verb"
    );
    assert!(
        v.iter()
            .any(|a| a.cue == "a-t-il dit" && a.ckind == "direct"),
        "fr incise"
    );
    let (_, v) = run(
        "Según la agencia EFE, el puerto está cerrado. El ministro afirmó que la situación era \
         tranquila. «Nos quedaremos», dijo el portavoz.",
        "es",
    );
    assert!(
        v.iter().any(|a| a.cue == "Según" && a.entity == "EFE"),
        "es según"
    );
    assert!(v.iter().any(|a| a.cue == "afirmó"), "es verb");
    assert!(
        v.iter()
            .any(|a| a.cue == "dijo" && a.source == "el portavoz"),
        "es final"
    );
    let (_, v) = run(
        "وقال المتحدث باسم الوزارة إن الوضع هادئ. وأفادت وكالة رويترز بأن الميناء مغلق.",
        "ar",
    );
    assert!(
        v.iter()
            .any(|a| a.cue == "وقال" && a.source == "المتحدث باسم الوزارة"),
        "ar qala"
    );
    assert!(v.iter().any(|a| a.cue == "وأفادت"), "ar afadat");
}

#[test]
fn robust_inputs() {
    let long_quote = format!(
        "«{}",
        "This is one more sentence of the quote. ".repeat(500)
    );
    for t in [
        "",
        "«",
        "»»» said he.",
        "\"unbalanced \"nested \" quotes\" he said \"",
        "« « « never closing said that",
        "According to",
        "according to ,",
        ", said",
        "He said",
        "وفقا ل",
        long_quote.as_str(),
    ] {
        for l in ["en", "fr", "es", "ar"] {
            let (d, _) = run(t, l);
            let _ = print::claims(&d, 80);
        }
    }
    let text = format!("{long_quote}» he said.");
    let (_, v) = run(&text, "en");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].ckind, "direct");
}

#[test]
fn spanish_final_inverted() {
    let (_, v) = run(
        "Los servicios recibieron informes que indican que falleció Hamza, hijo de Osama y líder de Al Qaeda, informó la cadena de televisión NBC.",
        "es",
    );
    for a in &v {
        eprintln!("[{}] <{}> {}", a.source, a.cue, a.content);
    }
    assert!(
        v.iter()
            .any(|a| a.cue == "informó" && a.source == "la cadena de televisión NBC")
    );
}

/// A fictional article (tests/fixtures/attribution/harbour.txt).
#[test]
fn fixture_harbour() {
    let text = include_str!("../../../tests/fixtures/attribution/harbour.txt");
    let (d, v) = run(text, "en");
    eprintln!("{}", print::claims(&d, 100));
    let (_, a) = find(&v, "Ines Varga", "said");
    assert_eq!(a.entity, "Ines Varga");
    let (_, a) = find(&v, "she", "told");
    assert_eq!(a.entity, "Ines Varga");
    assert_eq!(a.ckind, "direct");
    assert_eq!(a.channel.as_deref(), Some("Alder FM"));
    let (_, a) = find(&v, "the Alder Gazette", "according to");
    assert!(
        a.content
            .contains("claimed that the forecast was exaggerated")
    );
    let (p, a) = find(&v, "the paper", "reported");
    assert_eq!(a.entity, "Alder Gazette");
    let (_, a) = find(&v, "a meteorologist", "quoting");
    assert_eq!(a.parent, Some(p));
    let (_, a) = find(&v, "The weather office", "denied");
    assert_eq!(a.certainty, "denied");
    let (_, a) = find(&v, "she", "added");
    assert_eq!(a.certainty, "unknown");
}

#[test]
fn time_words_are_not_sources() {
    let (_, v) = run(
        "The senator on Tuesday denied that the plan had failed. Officials late Monday said the vote would go ahead.",
        "en",
    );
    let srcs: Vec<&str> = v.iter().map(|x| x.source.as_str()).collect();
    assert!(srcs.contains(&"The senator"), "{srcs:?}");
    assert!(srcs.contains(&"Officials"), "{srcs:?}");
    assert!(
        !srcs
            .iter()
            .any(|s| s.contains("Tuesday") || s.contains("Monday"))
    );
}

#[cfg(feature = "train")]
#[test]
fn tagger_trains_roundtrips_and_survives_odd_inputs() {
    use crate::tagger::{Model, Unit};
    // fictional units: byte spans (start, end, role)
    let mk = |text: &str, spans: &[(&str, usize)]| -> Unit {
        let sp = spans
            .iter()
            .filter_map(|(w, r)| text.find(w).map(|s| (s, s + w.len(), *r)))
            .collect();
        (text.to_owned(), sp)
    };
    let units = vec![
        mk(
            "The mayor said that taxes would rise next year.",
            &[
                ("The mayor", 0),
                ("said", 1),
                ("that taxes would rise next year", 2),
            ],
        ),
        mk(
            "\"We will win,\" the coach told reporters.",
            &[("\"We will win,\"", 2), ("the coach", 0), ("told", 1)],
        ),
        mk(
            "According to the report, the river flooded twice.",
            &[
                ("According to", 1),
                ("the report", 0),
                ("the river flooded twice", 2),
            ],
        ),
    ];
    let att = Attributor::new();
    let words = vec![Vec::new(); units.len()];
    let opts = crate::tagger::TrainOptions {
        epochs: 3,
        bits: 16,
        seed_shift: 1,
        ..Default::default()
    };
    let m = Model::train(&att, &units, &words, &opts, None, &mut |_, _, _| {}).expect("train");
    let dir = std::env::temp_dir().join(format!("ct-attr-{}", std::process::id()));
    let path = dir.join("m.bin");
    m.save(&path).expect("save");
    let m2 = Model::load(&path).expect("load");
    // the training options travel in the file
    assert_eq!(m2.options.as_ref(), Some(&opts));
    assert_eq!(
        crate::tagger::TrainOptions::from_text(&opts.to_text()).ok(),
        Some(opts.clone())
    );
    // the unpacked file read in place (as the pipeline embeds it) is the same model
    let file = std::fs::read(&path).expect("read");
    let plain: &'static [u8] = Box::leak(
        claimtrace_ml::blob::gunzip(&file)
            .expect("gunzip")
            .into_owned()
            .into_boxed_slice(),
    );
    let m3 = Model::from_static(plain).expect("from_static");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(Model::from_bytes(b"garbage").is_err());
    assert!(Model::from_static(b"garbage").is_err());
    // the committed model loads
    let committed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/attribution-en.bin");
    if committed.exists() {
        assert!(Model::load(&committed).is_ok());
    }
    for text in [
        "",
        "\"",
        "« « « never closing",
        "He said.",
        "The mayor said that taxes would rise.",
        &"\"A long quote. ".repeat(500),
    ] {
        let an = att.analyse(text, "en");
        // the reloaded model (span filter included) tags as the trained one
        assert_eq!(
            m2.predict_tags(&att, &an, text),
            m.predict_tags(&att, &an, text)
        );
        assert_eq!(
            m3.predict_tags(&att, &an, text),
            m.predict_tags(&att, &an, text)
        );
        let mut d = Doc::from_text("t", text);
        d.lang = Some("en".into());
        // a made-up parse (a right-branching chain, odd heads included) exercises the syntax path
        claimtrace_text::tokenize(&mut d, "en");
        let n = d.tokens.len() as u32;
        for (k, t) in d.tokens.iter_mut().enumerate() {
            let k = k as u32;
            t.upos = if k.is_multiple_of(3) { "VERB" } else { "NOUN" }.into();
            t.deprel = if k.is_multiple_of(2) {
                "ccomp"
            } else {
                "nsubj"
            }
            .into();
            t.head = if k + 1 < n {
                k + 1
            } else {
                claimtrace_core::Token::ROOT
            };
            if k == 5 {
                t.head = 999_999;
            }
        }
        let an = att.analyse_parsed(text, "en", &d.tokens);
        let _ = m2.predict(&att, &an, text);
        crate::annotate_with_model(&mut d, &Options::default(), Some(&m2));
        for a in &d.attributions {
            assert!(a.content.end as usize <= text.len());
        }
    }
}

#[test]
fn time_after_the_cue() {
    let (_, v) = run(
        "The plan will fail, officials said Wednesday. Officials said Tuesday that the bridge was closed.",
        "en",
    );
    assert_eq!(
        v.len(),
        2,
        "{:?}",
        v.iter().map(|x| &x.content).collect::<Vec<_>>()
    );
    assert_eq!(v[0].source, "officials");
    assert_eq!(v[0].content, "The plan will fail");
    assert!(v.iter().all(|x| x.channel.is_none()));
}

#[test]
fn french_elided_articles() {
    let (_, v) = run(
        "Selon Josiane Perrault, le gel a tout détruit. D'après un technicien de la chambre d'agriculture cité par l'Agence régionale de presse, les services de l'État estiment que la baisse des températures suffit à expliquer les dégâts.",
        "fr",
    );
    for a in &v {
        eprintln!("{} / {} / {} / {}", a.source, a.entity, a.cue, a.content);
    }
    let (_, a) = find(&v, "les services de l'État", "estiment");
    assert_eq!(a.entity, "services de l'État");
    let (_, a) = find(&v, "l'Agence régionale de presse", "cité par");
    assert_ne!(a.entity, "Josiane Perrault");
}

// Issue #17, item 2: the systematic errors, on fictional sentences (several variants each).

#[test]
fn according_to_x_who_keeps_the_claim() {
    let (_, v) = run(
        "According to Lena Marsh, who runs the Dunmore ferry company, two boats were damaged \
         in the storm.",
        "en",
    );
    let (_, a) = find(&v, "Lena Marsh", "According to");
    assert_eq!(a.content, "two boats were damaged in the storm");
    let (_, v) = run(
        "Three bridges were closed overnight, according to the Westfield Herald, which sent a \
         reporter to the valley.",
        "en",
    );
    let (_, a) = find(&v, "the Westfield Herald", "according to");
    assert_eq!(a.content, "Three bridges were closed overnight");
    let (_, v) = run(
        "According to a harbour engineer who inspected the pier last week, the supports are \
         cracked.",
        "en",
    );
    let a = v
        .iter()
        .find(|a| a.cue == "According to")
        .expect("an attribution");
    assert_eq!(a.content, "the supports are cracked");
    assert!(!a.source.contains("who"), "{}", a.source);
}

#[test]
fn refusals_and_negated_cues_are_no_claims() {
    for text in [
        "The mayor's office declined to comment on the audit.",
        "A spokesman for the ferry operator declined to be named.",
        "Two witnesses asked not to be identified.",
        "The ministry published the figures without stating how they were collected.",
        "The inspector did not say whether the dam was safe.",
        "The coach never said that the club would move.",
    ] {
        let (_, v) = run(text, "en");
        assert!(
            v.is_empty(),
            "{text}: {:?}",
            v.iter()
                .map(|a| format!("{} / {} / {}", a.source, a.cue, a.content))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn speaker_is_the_source_the_audience_is_the_channel() {
    let (_, v) = run(
        "“We are not leaving,” the union’s regional secretary, Marta Kovac, told reporters \
         outside the plant.",
        "en",
    );
    let a = v.iter().find(|a| a.cue == "told").expect("told");
    assert_eq!(a.entity, "Marta Kovac");
    assert_eq!(a.content, "“We are not leaving,”");
    assert_eq!(a.channel, None);
    let (_, v) = run(
        "“The count is final,” the board’s chairman, Ivo Pell, said on Friday.",
        "en",
    );
    let a = v.iter().find(|a| a.cue == "said").expect("said");
    assert_eq!(a.entity, "Ivo Pell");
    let (_, v) = run(
        "“The road stays shut,” a police spokeswoman, Dana Osei, said in a statement.",
        "en",
    );
    let a = v.iter().find(|a| a.cue == "said").expect("said");
    assert_eq!(a.entity, "Dana Osei");
    assert_eq!(a.content, "“The road stays shut,”");
    let (_, v) = run("The coach told reporters that the team would appeal.", "en");
    let (_, a) = find(&v, "The coach", "told");
    assert_eq!(a.channel, None);
    assert_eq!(a.content, "that the team would appeal");
    let (_, v) = run(
        "Speaking to the Valley Courier, the farmer Omar Lind said the well had run dry.",
        "en",
    );
    let a = v.iter().find(|a| a.cue == "said").expect("said");
    assert_eq!(a.entity, "Omar Lind");
    assert_eq!(a.channel.as_deref(), Some("Valley Courier"));
}

#[test]
fn sources_are_noun_phrases() {
    let bad = [
        "Monday", "Tuesday", "Friday", "claims", "reports", "denied", "States", "United",
    ];
    for text in [
        "The United States warns that the storm could reach the coast.",
        "Officials in the United States said the shipment had been delayed.",
        "Critics on Friday denied reports that the festival was cancelled.",
        "The agency said on Tuesday that claims of a leak were false.",
    ] {
        let (_, v) = run(text, "en");
        assert!(!v.is_empty(), "{text}");
        for a in &v {
            assert!(
                !bad.contains(&a.source.as_str()) && a.cue != "States",
                "{text}: {} / {} / {}",
                a.source,
                a.cue,
                a.content
            );
        }
    }
    let (_, v) = run(
        "The United States warns that the storm could reach the coast.",
        "en",
    );
    let (_, a) = find(&v, "The United States", "warns");
    assert_eq!(a.content, "that the storm could reach the coast");
}

#[test]
fn descriptions_resolve_to_their_antecedent() {
    let (_, v) = run(
        "The regional broadcaster Kestrel FM reported that the ferry had sunk. Port officials \
         said the crew was safe. The station reported that two passengers saw the hull split.",
        "en",
    );
    let a = v
        .iter()
        .find(|a| a.source == "The station")
        .expect("The station");
    assert_eq!(a.entity, "Kestrel FM");
    let (_, v) = run(
        "According to a former engineer at the mine, the pumps failed twice. The engineer \
         said the owners knew.",
        "en",
    );
    let (_, a) = find(&v, "The engineer", "said");
    assert!(a.entity.contains("engineer"), "{}", a.entity);
    // "of the" after a full name: the person, not the institution
    let (d, v) = run(
        "Geologist Dr. Mira Whitlow of the University of the High Plains warned that early \
         conclusions were risky. The rocks moved after the rain, she said.",
        "en",
    );
    eprintln!("{}", print::claims(&d, 90));
    let a = v.iter().find(|a| a.cue == "said").expect("said");
    assert!(a.entity.contains("Mira Whitlow"), "{}", a.entity);
}

/// "he" after two candidate persons stays unknown rather than a guess (the persons as the
/// recogniser marks them; set by hand here).
#[test]
fn pronoun_with_two_candidates_is_unknown() {
    let text = "Nora Vance said the vote had been rigged. The count took two days. Later the \
                minister Tomas Reyes met the envoy Ilse Brandt. She said that the count would be \
                repeated.";
    let mk = |with_entities: bool| {
        let mut d = Doc::from_text("t", text);
        d.lang = Some("en".into());
        if with_entities {
            for name in ["Nora Vance", "Tomas Reyes", "Ilse Brandt"] {
                let s = text.find(name).unwrap_or(0);
                d.entities.push(claimtrace_core::Entity {
                    span: Span::new(s, s + name.len()),
                    label: "PER".into(),
                    ..Default::default()
                });
            }
        }
        annotate(&mut d, &Options::default());
        let a = d
            .attributions
            .iter()
            .find(|a| a.source.is_some_and(|s| d.span_text(s) == "She"))
            .cloned()
            .expect("She said");
        a.source_id
            .and_then(|i| d.sources.get(i as usize))
            .map(|s| s.entity.clone())
            .unwrap_or_default()
    };
    assert_eq!(mk(true), "");
    // without anyone named in between, the pronoun takes the last person
    let (_, v) = run(
        "Nora Vance said the vote had been rigged. She said that the count would be repeated.",
        "en",
    );
    let (_, a) = find(&v, "She", "said");
    assert_eq!(a.entity, "Nora Vance");
}

#[test]
fn expectations_warnings_and_calls_have_their_act() {
    let cases = [
        (
            "Forecasters warned that the river could flood the lower town.",
            "warned",
            "warning",
        ),
        (
            "The council urged that residents boil their drinking water.",
            "urged",
            "call",
        ),
        (
            "Analysts expect that fuel prices will rise again in spring.",
            "expect",
            "expectation",
        ),
    ];
    for (text, cue, act) in cases {
        let mut d = Doc::from_text("t", text);
        d.lang = Some("en".into());
        annotate(&mut d, &Options::default());
        let a = d
            .attributions
            .iter()
            .find(|a| a.cue.is_some_and(|c| d.span_text(c).starts_with(cue)))
            .unwrap_or_else(|| panic!("{text}: no cue {cue}"));
        assert_eq!(a.act.as_deref(), Some(act), "{text}");
    }
    // the act of a cue the learned tagger finds ("called on"), read at the cue
    let att = Attributor::new();
    let an = att.analyse("The union called on the owners to reopen the talks.", "en");
    let k = an
        .toks
        .iter()
        .position(|t| t.lower == "called")
        .expect("called");
    assert_eq!(
        screen::Screens::bundled("en").act(&an, (k, k + 1)),
        Some("call")
    );
    let mut d = Doc::from_text("t", "The minister said that the bridge would reopen.");
    d.lang = Some("en".into());
    annotate(&mut d, &Options::default());
    assert_eq!(d.attributions.first().and_then(|a| a.act.clone()), None);
}

/// Item 3: every attribution carries a score; below [`ABSTAIN_BELOW`] the source span stays
/// and its entity goes.
#[test]
fn scores_and_abstention() {
    let att = Attributor::new();
    let text = "The mayor Ruth Okon said that the bridge would reopen in May.";
    let mut d = Doc::from_text("t", text);
    d.lang = Some("en".into());
    att.annotate(&mut d, &Options::default());
    let a = d.attributions.first().expect("one attribution");
    assert!(f64::from(a.score) / 1000.0 >= ABSTAIN_BELOW);
    assert!(a.source_id.is_some());
    // the same candidate, as if the model had read the text and agreed on nothing
    let mut an = att.analyse(text, "en");
    an.model = true;
    for c in &mut an.cands {
        c.evidence = 0;
    }
    let (out, _) = att.resolve(&d, &an, &Options::default());
    let a = out.first().expect("one attribution");
    assert!(f64::from(a.score) / 1000.0 < ABSTAIN_BELOW);
    assert!(a.source.is_some() && a.source_id.is_none());
    // and with the model agreeing on everything, the highest score
    for c in &mut an.cands {
        c.evidence = rules::RULES | rules::MODEL_CUE | rules::MODEL_SOURCE | rules::MODEL_CONTENT;
    }
    let (out, _) = att.resolve(&d, &an, &Options::default());
    assert_eq!(out.first().map(|a| a.score), Some(1000));
}
