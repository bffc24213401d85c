//! Plain-text articles: charset guessing, title split, and the document built. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let t = claimtrace_ingest::charset::decode_text(data);
    let (title, body) = claimtrace_ingest::text::split_title(&t);
    let _ = (title, body);
    let opts = claimtrace_ingest::Options::default();
    for item in claimtrace_ingest::read_stream("f.txt", Box::new(std::io::Cursor::new(data.to_vec())), &opts).take(4) {
        if let Ok(raw) = item {
            let _ = raw.into_doc(&opts);
        }
    }
    // Written dates and bylines in any text.
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = claimtrace_extract::dates::written_dates(s, true, 16);
        let _ = claimtrace_extract::dates::relative_date(s);
        let mut v = Vec::new();
        claimtrace_extract::meta::push_author(&mut v, s, None);
        let _ = claimtrace_core::term::escape(s);
    }
});
