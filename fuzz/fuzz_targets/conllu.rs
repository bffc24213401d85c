//! CoNLL-U reader: every sentence read, written back and read again. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for s in claimtrace_ml::conllu::Reader::new(data).take(256).flatten() {
        let _ = s.text();
        let _ = s.sent_id();
        for i in 0..s.words.len() + 1 {
            let _ = s.space_after(i);
        }
        let mut out = String::new();
        s.write(&mut out);
        let again: Vec<_> = claimtrace_ml::conllu::Reader::new(out.as_bytes()).collect();
        let _ = again;
    }
});
