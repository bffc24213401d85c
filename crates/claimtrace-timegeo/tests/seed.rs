//! Acceptance facts on the seed article (read from ../shared; skipped if it is absent).

use claimtrace_core::Doc;
use claimtrace_timegeo::{Gazetteer, annotate_places, annotate_times};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/seed/article.txt"
);

fn seed() -> Option<Doc> {
    let text = std::fs::read_to_string(SEED).ok()?;
    let mut d = Doc::from_text("seed", text);
    d.lang = Some("en".into());
    d.published = Some("2019-03-06".into());
    Some(d)
}

#[test]
fn seed_times() {
    let Some(mut d) = seed() else {
        eprintln!("seed article not found at {SEED}: skipped");
        return;
    };
    annotate_times(&mut d);
    let got: Vec<(String, String)> = d
        .times
        .iter()
        .map(|t| (d.span_text(t.span).to_owned(), t.value.clone()))
        .collect();
    for (text, value) in [
        ("10 January", "2019-01-10"),
        ("February", "2019-02"),
        ("2014", "2014"),
        ("To this day", "2019-03-06"),
    ] {
        assert!(
            got.iter().any(|(t, v)| t == text && v == value),
            "{text} → {value} not in {got:?}"
        );
    }
}

#[test]
fn seed_places() {
    let Some(mut d) = seed() else {
        eprintln!("seed article not found at {SEED}: skipped");
        return;
    };
    let gaz = Gazetteer::load().expect("embedded gazetteer");
    annotate_places(&mut d, &gaz);
    let hajin = d
        .places
        .iter()
        .find(|p| d.span_text(p.span) == "Hajin")
        .unwrap_or_else(|| panic!("Hajin not found in {:?}", d.places));
    assert_eq!(hajin.geonameid, 174506, "{hajin:?}");
    assert_eq!(hajin.country, "SY");
    assert_eq!(hajin.relation.as_deref(), Some("near"));
    assert!(
        hajin
            .within
            .as_deref()
            .is_some_and(|w| w.contains("Euphrates")),
        "{hajin:?}"
    );
    assert!(
        d.focus_countries.iter().any(|c| c == "SY"),
        "{:?}",
        d.focus_countries
    );
    for p in &d.places {
        eprintln!(
            "{:?} {} {} {} {:?}",
            d.span_text(p.span),
            p.geonameid,
            p.name,
            p.confidence,
            p.relation
        );
    }
}

#[test]
fn ten_thousand_places_and_odd_input() {
    let gaz = Gazetteer::load().expect("embedded gazetteer");
    let names = [
        "Paris",
        "Hajin",
        "Kano",
        "Tehran",
        "Herat",
        "Londres",
        "طهران",
        "Zzyzx",
    ];
    let mut text = String::from("From 31 February 2019 to the year 99999: ");
    for i in 0..10_000 {
        text.push_str("in ");
        text.push_str(names[i % names.len()]);
        text.push_str(if i % 7 == 0 { ". " } else { ", " });
    }
    let mut d = Doc::from_text("big", text);
    d.lang = Some("en".into());
    d.published = Some("2019-03-06".into());
    annotate_times(&mut d);
    annotate_places(&mut d, &gaz);
    assert!(d.places.len() >= 8_000, "{}", d.places.len());
    for lang in ["en", "fr", "es", "ar", "zz"] {
        let mut e = Doc::from_text("odd", "\u{0}«»— ,,, 9999999999 Syrian-- -US- l' d’ و ب");
        e.lang = Some(lang.into());
        annotate_times(&mut e);
        annotate_places(&mut e, &gaz);
    }
}
