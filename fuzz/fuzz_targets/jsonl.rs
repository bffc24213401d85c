//! JSONL and JSON arrays of articles (sniffed), each turned into a document. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = claimtrace_ingest::Options {
        max_size: 1 << 20,
        ..claimtrace_ingest::Options::default()
    };
    let r = claimtrace_ingest::jsonl::JsonlReader::new("f.jsonl", std::io::Cursor::new(data.to_vec()), 1 << 20);
    for item in r.take(64) {
        if let Ok(raw) = item {
            let _ = raw.into_doc(&opts);
        }
    }
    // The same bytes through format sniffing (JSON arrays, HTML, text...).
    for item in claimtrace_ingest::read_stream("f.json", Box::new(std::io::Cursor::new(data.to_vec())), &opts).take(64) {
        if let Ok(raw) = item {
            let _ = raw.into_doc(&opts);
        }
    }
});
