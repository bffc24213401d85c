//! Robustness: no panic on any input, and the span invariants.

use claimtrace_core::Doc;
use claimtrace_text::Tokenizer;
use proptest::prelude::*;

fn check(text: &str, lang: &str) {
    let mut tk = Tokenizer::new(lang);
    let t = tk.tokenize_str(text);
    let mut prev_end = 0usize;
    let mut covered = vec![false; text.len()];
    for s in &t.tokens {
        let (a, b) = (s.start as usize, s.end as usize);
        assert!(a < b, "empty token");
        assert!(a >= prev_end, "overlap");
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
        for x in covered.iter_mut().take(b).skip(a) {
            *x = true;
        }
        prev_end = b;
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            assert!(covered[i], "char {c:?} at {i} not in a token of {text:?}");
        }
    }
    // Sentences partition the tokens.
    let mut next = 0u32;
    for &(a, b) in &t.sentences {
        assert_eq!(a, next);
        assert!(b > a);
        next = b;
    }
    assert_eq!(next as usize, t.tokens.len());
    // The Doc: plain tokens' form is their span text; parts share the span of their token.
    let mut doc = Doc::from_text("p", text);
    tk.tokenize_doc(&mut doc);
    for tok in &doc.tokens {
        assert!(tok.span.end as usize <= text.len());
        if tok.form.is_none() {
            assert_eq!(tok.form(&doc.text), tok.span.text(text));
        }
    }
    let mut last = 0;
    for s in &doc.sentences {
        assert!(s.token_start >= last && s.token_end > s.token_start);
        last = s.token_end;
    }
    assert_eq!(last as usize, doc.tokens.len());
}

const LANGS: [&str; 5] = ["en", "fr", "es", "ar", "xx"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_unicode(s in "\\PC{0,80}", l in 0usize..5) {
        check(&s, LANGS[l]);
    }

    #[test]
    fn any_chars_with_controls(s in any::<String>(), l in 0usize..5) {
        check(&s, LANGS[l]);
    }

    #[test]
    fn punctuation_heavy(s in "[a-zA-Zé0-9 .,;:!?'’\"«»“”()\\-/@#%&_\\n\u{200B}\u{200D}\u{0301}\u{FE0F}😀ال،؟]{0,60}", l in 0usize..5) {
        check(&s, LANGS[l]);
    }
}

#[test]
fn special_inputs() {
    let cases = [
        "",
        "\u{200B}",
        "\u{0301}abc",
        "e\u{0301}te\u{0301}.",
        "👨\u{200D}👩\u{200D}👧 family 🇫🇷!",
        "שלום עולם. مرحبا بالعالم.",
        "''''''''",
        "......",
        "-1 -- +2 - 3",
        "l' l’ qu' d'",
        "1 000 000 000 10 000,5",
        "a-t-il -t-il --il",
        "http:// www. @ # mailto:",
        "x@y.z @@ ## a@b",
        "M. J.-P. U.S. e.g. etc. .",
        "(s) a(b) a(bc)d a(",
        "'67 '6 ''67",
        "\r\n\r\n\u{2029}\u{2028}\u{85}",
    ];
    for c in cases {
        for l in LANGS {
            check(c, l);
        }
    }
}

#[test]
fn very_long_sentence() {
    let text = "word, ".repeat(10_000);
    check(&text, "en");
    let t = Tokenizer::new("en").tokenize_str(&text);
    assert_eq!(t.tokens.len(), 20_000);
    assert_eq!(t.sentences.len(), 1);
    let long_word = "a".repeat(100_000);
    check(&long_word, "fr");
}

#[test]
fn pathological_inputs_stay_linear() {
    let inputs = [
        "a-".repeat(50_000),
        "a.".repeat(50_000),
        "l'".repeat(50_000),
        "x@".repeat(50_000),
        "ab's' ".repeat(20_000),
        "1 000 ".repeat(20_000),
        "-t-il".repeat(20_000),
        "www.".repeat(20_000),
        "(s)".repeat(30_000),
        "ab'".repeat(30_000),
        "ab-".repeat(30_000),
        "celui-".repeat(20_000),
        "1.".repeat(30_000),
        "a@b.".repeat(20_000),
    ];
    for text in &inputs {
        for l in ["en", "fr", "es"] {
            let t0 = std::time::Instant::now();
            check(text, l);
            assert!(
                t0.elapsed().as_secs_f64() < 5.0,
                "slow on {:?}",
                &text[..20]
            );
        }
    }
}
