//! The store's article JSON (`Doc::from_json`, the form `extract` writes and the store keeps):
//! any JSON is read or refused without panicking; a document read is written and read back
//! to the same document.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(doc) = claimtrace_core::Doc::from_json(&v) else {
        return;
    };
    let line = doc.to_json_line(claimtrace_core::json::JsonOptions { tokens: true });
    let v2: serde_json::Value = serde_json::from_str(&line).expect("written JSON parses");
    let doc2 = claimtrace_core::Doc::from_json(&v2).expect("written JSON reads back");
    assert_eq!(doc2.to_json_line(claimtrace_core::json::JsonOptions { tokens: true }), line);
});
