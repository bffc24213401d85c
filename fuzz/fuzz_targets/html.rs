//! HTML pages: charset sniffing (BOM, `<meta charset>`, guessing) then extraction (body,
//! dates, bylines, JSON-LD). Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks a transport charset, as a WARC's HTTP header would give one.
    let (charset, bytes) = match data.split_first() {
        Some((b, rest)) if *b < 8 => (
            ["utf-8", "windows-1252", "iso-8859-1", "shift_jis", "utf-16le", "gbk", "koi8-r", "bogus"]
                .get(*b as usize)
                .copied(),
            rest,
        ),
        _ => (None, data),
    };
    let html = claimtrace_ingest::charset::decode_html(bytes, charset, Some("https://x.example/2020/01/02/a"));
    let _ = claimtrace_extract::extract(&html, None);
});
