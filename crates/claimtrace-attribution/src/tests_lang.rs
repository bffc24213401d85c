//! The eight languages on fictional sentences of our own: a reporting verb, an "according to"
//! form, a hedge that lowers the certainty, a cited outlet as source or channel; and a
//! language without lexicons that says so.

use super::*;

/// (source as written, canonical entity, cue, content, certainty, channel) of each attribution.
type Row = (String, String, String, String, String, Option<String>);

fn run(text: &str, lang: &str) -> (Doc, Vec<Row>) {
    let mut d = Doc::from_text("t", text);
    d.lang = Some(lang.into());
    annotate(&mut d, &Options::default());
    let rows = d
        .attributions
        .iter()
        .map(|a| {
            (
                a.source
                    .map(|s| d.span_text(s).to_owned())
                    .unwrap_or_default(),
                a.source_id
                    .and_then(|i| d.sources.get(i as usize))
                    .map(|s| s.entity.clone())
                    .unwrap_or_default(),
                a.cue.map(|s| d.span_text(s).to_owned()).unwrap_or_default(),
                d.span_text(a.content).to_owned(),
                a.certainty.to_string(),
                a.channel.clone(),
            )
        })
        .collect();
    (d, rows)
}

/// The row whose cue is `cue` (panics with the rows when there is none).
fn by_cue<'a>(rows: &'a [Row], cue: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.2 == cue)
        .unwrap_or_else(|| panic!("no attribution with cue {cue:?} in {rows:?}"))
}

#[test]
fn german() {
    let (_, r) = run(
        "Die Fähre nach Nordholm sei am Morgen ausgefallen, sagte ein Sprecher der Reederei. \
         Laut der Nachrichtenagentur dpa wurde der Hafen gesperrt.",
        "de",
    );
    let a = by_cue(&r, "sagte");
    assert!(a.0.contains("Sprecher"), "{a:?}");
    assert!(a.3.starts_with("Die Fähre"), "{a:?}");
    assert_eq!(a.4, "hedged", "Konjunktiv I 'sei': {a:?}");
    let b = by_cue(&r, "Laut");
    assert_eq!(b.1, "dpa", "{b:?}");
    assert_eq!(b.3, "wurde der Hafen gesperrt", "{b:?}");
    assert_eq!(b.4, "asserted", "{b:?}");
    let (_, r) = run(
        "Dem Sender ZDF zufolge soll die Brücke gesperrt worden sein.          Die Fähre fährt wieder, wie die Agentur AFP meldet.",
        "de",
    );
    let c = by_cue(&r, "zufolge");
    assert_eq!(c.1, "ZDF", "{c:?}");
    assert_eq!(c.4, "hedged", "reportive 'soll': {c:?}");
    let d = by_cue(&r, "meldet");
    assert_eq!(d.1, "Agence France-Presse", "{d:?}");
}

#[test]
fn italian() {
    let (_, r) = run(
        "Il traghetto per Isola Chiara avrebbe subito un guasto, ha detto un portavoce della \
         compagnia. Secondo l'agenzia ANSA, il porto è rimasto chiuso.",
        "it",
    );
    let a = by_cue(&r, "ha detto");
    assert!(a.0.contains("portavoce"), "{a:?}");
    assert_eq!(a.4, "hedged", "conditional 'avrebbe': {a:?}");
    let b = by_cue(&r, "Secondo");
    assert_eq!(b.1, "ANSA", "{b:?}");
    assert!(b.3.starts_with("il porto"), "{b:?}");
}

#[test]
fn portuguese() {
    let (_, r) = run(
        "A balsa para Ilha Serena teria quebrado de manhã, disse um porta-voz da empresa. \
         Segundo a agência Lusa, o porto foi fechado.",
        "pt",
    );
    let a = by_cue(&r, "disse");
    assert!(a.0.contains("porta-voz"), "{a:?}");
    assert_eq!(a.4, "hedged", "conditional 'teria': {a:?}");
    let b = by_cue(&r, "Segundo");
    assert_eq!(b.1, "Lusa", "{b:?}");
}

#[test]
fn indonesian() {
    let (_, r) = run(
        "Kapal feri ke Pulau Teduh diduga mogok sejak pagi, kata juru bicara perusahaan. \
         Menurut kantor berita Antara, pelabuhan ditutup. \
         Kepala desa itu mengatakan kepada Kompas TV bahwa warga sudah dievakuasi.",
        "id",
    );
    let a = by_cue(&r, "kata");
    assert!(a.0.contains("juru bicara"), "{a:?}");
    assert_eq!(a.4, "hedged", "'diduga': {a:?}");
    let b = by_cue(&r, "Menurut");
    assert_eq!(b.1, "Antara", "{b:?}");
    let c = by_cue(&r, "mengatakan");
    assert_eq!(c.5.as_deref(), Some("Kompas TV"), "channel: {c:?}");
    assert!(c.3.contains("warga sudah dievakuasi"), "{c:?}");
}

#[test]
fn spanish() {
    let (_, r) = run(
        "El ferry a Isla Calma habría sufrido una avería, según el diario británico The Guardian. \
         Citando a EFE, la emisora local dijo que el puerto cerró.",
        "es",
    );
    let a = by_cue(&r, "según");
    assert_eq!(a.1, "The Guardian", "{a:?}");
    assert_eq!(a.4, "hedged", "conditional 'habría': {a:?}");
}

#[test]
fn french() {
    let (_, r) = run(
        "Le ferry pour l'île Claire aurait subi une panne, selon l'AFP. \
         Le maire de Port-Clair a déclaré à la BBC que le port restait fermé.",
        "fr",
    );
    let a = by_cue(&r, "selon");
    assert_eq!(a.1, "Agence France-Presse", "{a:?}");
    assert_eq!(a.4, "hedged", "conditional 'aurait': {a:?}");
    let b = by_cue(&r, "a déclaré");
    assert!(b.0.contains("maire"), "{b:?}");
    assert_eq!(b.5.as_deref(), Some("BBC"), "channel: {b:?}");
}

#[test]
fn arabic() {
    let (_, r) = run(
        "قال المتحدث باسم الميناء إن العبارة تعطلت، نقلا عن وكالة رويترز. \
         وذكرت صحيفة الغارديان أن الميناء أغلق.",
        "ar",
    );
    let a = by_cue(&r, "قال");
    assert!(a.0.contains("المتحدث"), "{a:?}");
    let b = by_cue(&r, "وذكرت");
    assert_eq!(b.1, "The Guardian", "{b:?}");
    assert!(
        r.iter().any(|x| x.1 == "Reuters"),
        "نقلا عن names Reuters: {r:?}"
    );
}

#[test]
fn english_outlet_in_a_source() {
    let (_, r) = run(
        "The ferry to Calm Island broke down, according to the Associated Press.",
        "en",
    );
    let a = by_cue(&r, "according to");
    assert_eq!(a.1, "Associated Press", "{a:?}");
}

#[test]
fn a_language_without_lexicons_says_so() {
    let (d, r) = run("Паром на остров сломался, сообщает агентство ТАСС.", "ru");
    assert!(r.is_empty());
    assert_eq!(d.lang_supported, Some(false));
    let json = d.to_json_line(claimtrace_core::json::JsonOptions::default());
    assert!(json.contains("\"lang_supported\":false"), "{json}");
    // a language we read carries no flag
    let (d, _) = run("Der Hafen sei geschlossen, sagte ein Sprecher.", "de");
    assert_eq!(d.lang_supported, None);
}

#[test]
fn lexicons_of_the_eight_languages_load() {
    for l in lexicon::LANGS {
        let lx = Lexicon::bundled(l);
        assert_eq!(lx.lang, l);
        assert!(lx.cues.len() > 20, "{l}");
        assert!(!lx.hedges.is_empty(), "{l}");
        assert!(!lx.source_nouns.is_empty(), "{l}");
    }
}

#[test]
fn outlets_in_other_scripts_and_forms() {
    let o = Outlets::bundled();
    let name = |ws: &[&str]| {
        o.match_at(ws, 0)
            .and_then(|(i, _)| o.canonical.get(i).map(|x| x.0.clone()))
    };
    assert_eq!(name(&["الغارديان"]).as_deref(), Some("The Guardian"));
    assert_eq!(name(&["رويترز"]).as_deref(), Some("Reuters"));
    assert_eq!(
        name(&["AFP-Meldung"]).as_deref(),
        Some("Agence France-Presse")
    );
    assert_eq!(name(&["Antara"]).as_deref(), Some("Antara"));
    // case-sensitive aliases: "tempo" (time) and "bild" (picture) are no outlets
    assert_eq!(name(&["tempo"]), None);
    assert_eq!(name(&["Tempo"]).as_deref(), Some("Tempo"));
    assert_eq!(name(&["bild"]), None);
}

#[test]
fn a_pronoun_for_the_sentence_before() {
    let (_, r) = run(
        "Il porto di Val Chiara è stato chiuso per la tempesta. Lo riferisce l'agenzia ANSA.",
        "it",
    );
    let a = by_cue(&r, "riferisce");
    assert_eq!(a.1, "ANSA", "{a:?}");
    assert!(a.3.starts_with("Il porto di Val Chiara"), "{a:?}");
    let (_, r) = run(
        "Die Fähre nach Nordholm fährt wieder. Das berichtet der Sender ZDF.",
        "de",
    );
    let b = by_cue(&r, "berichtet");
    assert_eq!(b.1, "ZDF", "{b:?}");
    assert_eq!(b.3, "Die Fähre nach Nordholm fährt wieder", "{b:?}");
}

#[test]
fn quoted_outlet_names_in_a_source() {
    // NHK written «إن إتش كيه» starts with إن, which is also the complementiser "that"
    let (_, r) = run(
        "وكان الوزير يلقي خطابا عندما سمع صوت انفجار، حسبما أوردت محطة \"إن إتش كيه\" العامة.",
        "ar",
    );
    let a = by_cue(&r, "حسبما أوردت");
    assert_eq!(a.1, "NHK", "{a:?}");
    let (_, r) = run(
        "Il traghetto è affondato vicino all'isola, secondo quanto riporta il quotidiano «Corriere della Sera».",
        "it",
    );
    let b = by_cue(&r, "secondo quanto riporta");
    assert_eq!(b.1, "Corriere della Sera", "{b:?}");
}
