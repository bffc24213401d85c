//! The demo inputs in `examples/` (fictional articles) read as expected.

use claimtrace_ingest::{Body, Options, read_inputs};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

#[test]
fn examples_directory() {
    let opts = Options::default();
    let warc = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ingest/sample.warc.gz"
    );
    let items: Vec<_> = read_inputs(&[EXAMPLES.to_string()], &opts).collect();
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    let names: Vec<String> = items
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|d| {
            let f = std::path::Path::new(&d.input).file_name();
            f.map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        names,
        [
            "en-festival-rumour.txt",
            "en-harbour-spill.html",
            "en-mines-minister.html",
            "es-presa-rumor.txt",
            "fr-vignoble-gel.html",
            // examples/story/: the four-outlet story of the demo, one JSONL file.
            "aldervik-spill.jsonl",
            "aldervik-spill.jsonl",
            "aldervik-spill.jsonl",
            "aldervik-spill.jsonl",
        ]
    );
    // The same three HTML pages packed as a CC-NEWS-style WARC (gzip per record).
    let from_warc: Vec<_> = read_inputs(&[warc.to_string()], &opts).collect();
    assert_eq!(from_warc.len(), 3);
    assert!(from_warc.iter().all(Result::is_ok), "{from_warc:?}");
    for d in items.into_iter().chain(from_warc).flatten() {
        match &d.body {
            Body::Html { bytes, charset } => {
                let html = claimtrace_ingest::charset::decode_html(
                    bytes,
                    charset.as_deref(),
                    d.url.as_deref(),
                );
                if d.input.ends_with("en-mines-minister.html") || html.contains("Keldra") {
                    // windows-1252 page: curly quotes and accents decode.
                    assert!(html.contains("Agnès Ferrand"), "{}", d.input);
                    assert!(html.contains("“was one phone call away"), "{}", d.input);
                }
            }
            Body::Text(t) => {
                assert!(d.title.is_some(), "{}", d.input);
                assert!(!t.contains("\n\n\n"), "{}", d.input);
            }
        }
        if d.input.ends_with(".warc.gz") {
            assert!(d.url.as_deref().is_some_and(|u| u.starts_with("https://")));
            assert_eq!(d.fetched.as_deref(), Some("2026-05-01T12:00:00Z"));
        }
    }
}
