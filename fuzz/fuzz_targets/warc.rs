//! WARC streams (plain or gzip members, chunked and compressed HTTP bodies), read record by
//! record and each turned into a document. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Plain input is given the WARC signature so the fuzzer starts inside the WARC reader;
    // gzip input goes through as is (a member per record).
    let bytes = if data.starts_with(&[0x1f, 0x8b]) || data.starts_with(b"WARC/") {
        data.to_vec()
    } else {
        [b"WARC/1.0\r\n".as_slice(), data].concat()
    };
    let opts = claimtrace_ingest::Options {
        max_size: 1 << 20,
        ..claimtrace_ingest::Options::default()
    };
    for item in claimtrace_ingest::read_stream("f.warc", Box::new(std::io::Cursor::new(bytes)), &opts).take(64) {
        if let Ok(raw) = item {
            let _ = raw.into_doc(&opts);
        }
    }
});
