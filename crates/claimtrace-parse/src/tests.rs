use super::*;
use claimtrace_core::{Sentence, Span};

/// Hand-made sentences (fictional).
const TINY: &str = "\
1\tThe\tthe\tDET\t_\tDefinite=Def|PronType=Art\t2\tdet\t_\t_
2\tmayor\tmayor\tNOUN\t_\tNumber=Sing\t3\tnsubj\t_\t_
3\tsaid\tsay\tVERB\t_\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
4\tthat\tthat\tSCONJ\t_\t_\t7\tmark\t_\t_
5\tthe\tthe\tDET\t_\tDefinite=Def|PronType=Art\t6\tdet\t_\t_
6\tbridge\tbridge\tNOUN\t_\tNumber=Sing\t7\tnsubj\t_\t_
7\tcollapsed\tcollapse\tVERB\t_\tMood=Ind|Tense=Past|VerbForm=Fin\t3\tccomp\t_\t_
8\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

1\tAnna\tAnna\tPROPN\t_\tNumber=Sing\t2\tnsubj\t_\t_
2\treads\tread\tVERB\t_\tMood=Ind|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
3\told\told\tADJ\t_\tDegree=Pos\t4\tamod\t_\t_
4\tbooks\tbook\tNOUN\t_\tNumber=Plur\t2\tobj\t_\t_
5\tin\tin\tADP\t_\t_\t7\tcase\t_\t_
6\tthe\tthe\tDET\t_\tDefinite=Def|PronType=Art\t7\tdet\t_\t_
7\tgarden\tgarden\tNOUN\t_\tNumber=Sing\t2\tobl\t_\t_
8\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

1\tThey\tthey\tPRON\t_\tCase=Nom|PronType=Prs\t2\tnsubj\t_\t_
2\twant\twant\tVERB\t_\tMood=Ind|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_
3\tto\tto\tPART\t_\t_\t4\tmark\t_\t_
4\tleave\tleave\tVERB\t_\tVerbForm=Inf\t2\txcomp\t_\t_
5\tquickly\tquickly\tADV\t_\t_\t4\tadvmod\t_\t_
6\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

1\tPaul\tPaul\tPROPN\t_\tNumber=Sing\t3\tnsubj\t_\t_
2\tand\tand\tCCONJ\t_\t_\t3\tcc\t_\t_
3\tsang\tsing\tVERB\t_\tMood=Ind|Tense=Past|VerbForm=Fin\t0\troot\t_\t_
4\tloudly\tloudly\tADV\t_\t_\t3\tadvmod\t_\t_
5\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

";

fn tiny() -> Vec<conllu::Sentence> {
    conllu::Reader::new(TINY.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn tiny_model() -> Parser {
    let cfg = TrainConfig {
        epochs: 10,
        move_bits: 14,
        label_bits: 12,
        ..TrainConfig::default()
    };
    Parser::train(&tiny(), None, &cfg, |_| {}).unwrap()
}

#[test]
fn learns_its_training_sentences_and_roundtrips() {
    let p = tiny_model();
    let s = p.evaluate(&tiny());
    assert_eq!(s.words, 27);
    assert!(s.uas > 0.99 && s.las > 0.99, "{s:?}");
    let dir = std::env::temp_dir().join(format!("ctparse-{}", std::process::id()));
    let path = dir.join("tiny.bin");
    p.save(&path).unwrap();
    let q = Parser::load(&path).unwrap();
    assert_eq!(q.evaluate(&tiny()).las, s.las);
    let _ = std::fs::remove_dir_all(dir);
    assert!(Parser::from_bytes(b"garbage").is_err());
}

fn doc_of(words: &[(&str, &str)]) -> Doc {
    let mut text = String::new();
    let mut tokens = Vec::new();
    for (w, p) in words {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(w);
        let mut t = Token::new(Span::new(start, text.len()));
        t.upos = (*p).into();
        tokens.push(t);
    }
    let mut doc = Doc::from_text("t", text.clone());
    doc.sentences.push(Sentence {
        span: Span::new(0, text.len()),
        token_start: 0,
        token_end: tokens.len() as u32,
    });
    doc.tokens = tokens;
    doc
}

#[test]
fn parses_a_doc() {
    let p = tiny_model();
    let mut doc = doc_of(&[
        ("The", "DET"),
        ("mayor", "NOUN"),
        ("said", "VERB"),
        ("that", "SCONJ"),
        ("the", "DET"),
        ("bridge", "NOUN"),
        ("collapsed", "VERB"),
        (".", "PUNCT"),
    ]);
    p.parse(&mut doc);
    assert_eq!(doc.tokens[2].head, Token::ROOT);
    assert_eq!(doc.tokens[2].deprel, "root");
    assert_eq!(doc.tokens[1].head, 2);
    assert_eq!(doc.tokens[1].deprel, "nsubj");
}

#[test]
fn odd_inputs_do_not_panic() {
    let p = tiny_model();
    // Empty doc, empty sentence, out-of-range sentence.
    let mut doc = Doc::from_text("e", "");
    p.parse(&mut doc);
    doc.sentences.push(Sentence::default());
    doc.sentences.push(Sentence {
        span: Span::new(0, 0),
        token_start: 3,
        token_end: 9,
    });
    p.parse(&mut doc);
    // Tokens without tags, and a 10,000-token sentence.
    let words: Vec<(&str, &str)> = (0..10_000)
        .map(|i| (if i % 7 == 0 { "," } else { "word" }, ""))
        .collect();
    let mut doc = doc_of(&words);
    p.parse(&mut doc);
    let roots = doc.tokens.iter().filter(|t| t.head == Token::ROOT).count();
    assert_eq!(roots, 1);
    assert!(
        doc.tokens
            .iter()
            .all(|t| t.head == Token::ROOT || (t.head as usize) < 10_000)
    );
    // Tokens but no sentences: one sentence.
    let mut doc = doc_of(&[("Hello", ""), ("there", "")]);
    doc.sentences.clear();
    p.parse(&mut doc);
    assert_eq!(
        doc.tokens.iter().filter(|t| t.head == Token::ROOT).count(),
        1
    );
}

const EN_MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/parser-en.bin");

#[test]
fn english_model_finds_the_speaker() {
    let p = Parser::load(EN_MODEL).unwrap();
    let mut doc = doc_of(&[
        ("The", "DET"),
        ("minister", "NOUN"),
        ("said", "VERB"),
        ("that", "SCONJ"),
        ("the", "DET"),
        ("talks", "NOUN"),
        ("failed", "VERB"),
        (".", "PUNCT"),
    ]);
    for (t, f) in doc.tokens.iter_mut().zip([
        "Definite=Def|PronType=Art",
        "Number=Sing",
        "Mood=Ind|Tense=Past|VerbForm=Fin",
        "",
        "Definite=Def|PronType=Art",
        "Number=Plur",
        "Mood=Ind|Tense=Past|VerbForm=Fin",
        "",
    ]) {
        t.feats = f.into();
    }
    p.parse(&mut doc);
    assert_eq!(doc.tokens[2].head, Token::ROOT);
    assert_eq!(doc.tokens[1].head, 2);
    assert_eq!(doc.tokens[1].deprel, "nsubj");
    assert_eq!(doc.tokens[6].head, 2);
    assert_eq!(doc.tokens[6].deprel, "ccomp");
}
