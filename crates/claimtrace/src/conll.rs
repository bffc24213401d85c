//! CoNLL-U in and out of the pipeline, and the UD evaluation with gold tokens.
//!
//! In: CoNLL-U sentences (gold tokens) or raw text. Out: CoNLL-U with our lemmas, UPOS,
//! features, heads and relations, and entity labels in MISC (`NER=B-PER`), keeping comments
//! and any other MISC items; [`UdScores`] for `claimtrace eval ud`.

use crate::Pipeline;
use claimtrace_core::{Doc, Sentence, Span, Token};
use claimtrace_ml::conllu;
use std::time::Instant;

/// A document holding one CoNLL-U sentence's syntactic words as its tokens (text = the words
/// joined by single spaces), ready for the stages after tokenization.
pub fn doc_of_sentence(sent: &conllu::Sentence, lang: &str) -> Doc {
    let mut text = String::new();
    let mut tokens = Vec::with_capacity(sent.words.len());
    for w in &sent.words {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(&w.form);
        tokens.push(Token::new(Span::new(start, text.len())));
    }
    let mut doc = Doc::from_text(sent.sent_id().unwrap_or(""), text);
    doc.lang = Some(lang.to_string());
    doc.sentences.push(Sentence {
        span: Span::new(0, doc.text.len()),
        token_start: 0,
        token_end: tokens.len() as u32,
    });
    doc.tokens = tokens;
    doc
}

/// One document holding several CoNLL-U sentences (one [`Sentence`] each, in order; text =
/// the words joined by single spaces). Empty sentences add no sentence span.
pub fn doc_of_sentences(sents: &[conllu::Sentence], lang: &str) -> Doc {
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut spans = Vec::with_capacity(sents.len());
    for sent in sents {
        let (t0, c0) = (tokens.len(), text.len() + (!text.is_empty()) as usize);
        for w in &sent.words {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(&w.form);
            tokens.push(Token::new(Span::new(start, text.len())));
        }
        if tokens.len() > t0 {
            spans.push(Sentence {
                span: Span::new(c0, text.len()),
                token_start: t0 as u32,
                token_end: tokens.len() as u32,
            });
        }
    }
    let id = sents.first().and_then(|s| s.sent_id()).unwrap_or("");
    let mut doc = Doc::from_text(id, text);
    doc.lang = Some(lang.to_string());
    doc.sentences = spans;
    doc.tokens = tokens;
    doc
}

/// Splits a treebank into its documents at `# newdoc` comments (sentences before the first
/// one form a document of their own); `None` when the file has no `# newdoc` comment.
pub fn newdoc_groups(sents: &[conllu::Sentence]) -> Option<Vec<std::ops::Range<usize>>> {
    let starts: Vec<usize> = sents
        .iter()
        .enumerate()
        .filter(|(_, s)| s.comments.iter().any(|c| c.starts_with("newdoc")))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(starts.len() + 1);
    let mut prev = 0;
    for &st in starts.iter().chain(std::iter::once(&sents.len())) {
        if st > prev {
            out.push(prev..st);
        }
        prev = st;
    }
    Some(out)
}

/// IOB2 label of every token from the entity layer.
pub fn iob2_labels(doc: &Doc) -> Vec<String> {
    let mut labels = vec![String::from("O"); doc.tokens.len()];
    for e in &doc.entities {
        let (a, b) = (
            e.token_start as usize,
            (e.token_end as usize).min(labels.len()),
        );
        for (k, l) in labels.iter_mut().enumerate().take(b).skip(a) {
            *l = format!("{}-{}", if k == a { "B" } else { "I" }, e.label);
        }
    }
    labels
}

/// Writes our annotations into a copy of `sent` (gold tokens kept; comments kept).
pub fn fill_sentence(sent: &conllu::Sentence, doc: &Doc) -> conllu::Sentence {
    let mut out = sent.clone();
    let ner = iob2_labels(doc);
    for (i, (w, t)) in out.words.iter_mut().zip(&doc.tokens).enumerate() {
        let or = |s: &str| {
            if s.is_empty() {
                "_".to_string()
            } else {
                s.to_string()
            }
        };
        w.lemma = or(&t.lemma);
        w.upos = or(&t.upos);
        w.feats = or(&t.feats);
        if !t.deprel.is_empty() {
            w.head = Some(if t.head == Token::ROOT { 0 } else { t.head + 1 });
            w.deprel = t.deprel.to_string();
        } else {
            w.head = None;
            w.deprel = "_".into();
        }
        w.misc = set_misc(
            &w.misc,
            "NER",
            ner.get(i).map(String::as_str).unwrap_or("O"),
        );
    }
    out
}

/// Sets `key=value` in a MISC column, keeping the other items.
pub fn set_misc(misc: &str, key: &str, value: &str) -> String {
    let mut items: Vec<&str> = misc
        .split('|')
        .filter(|x| !x.is_empty() && *x != "_" && !x.starts_with(&format!("{key}=")))
        .collect();
    let kv = format!("{key}={value}");
    items.push(&kv);
    items.join("|")
}

/// A document's sentences as CoNLL-U (from raw text: our tokens, with multi-word token ranges).
pub fn doc_to_conllu(doc: &Doc, out: &mut String) {
    let ner = iob2_labels(doc);
    for (si, s) in doc.sentences.iter().enumerate() {
        let range = s.tokens();
        let toks = doc.tokens.get(range.clone()).unwrap_or(&[]);
        let mut sent = conllu::Sentence {
            comments: vec![
                format!(
                    "sent_id = {}-{}",
                    if doc.id.is_empty() { "doc" } else { &doc.id },
                    si + 1
                ),
                format!("text = {}", s.span.text(&doc.text).replace('\n', " ")),
            ],
            ..Default::default()
        };
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            // Parts of a multi-word token share the surface span.
            let mut j = i + 1;
            while j < toks.len() && toks[j].span == t.span && t.form.is_some() {
                j += 1;
            }
            let space_after = doc
                .text
                .get(t.span.end as usize..)
                .and_then(|r| r.chars().next())
                .is_none_or(char::is_whitespace);
            let no_space = if space_after { "" } else { "SpaceAfter=No" };
            if j > i + 1 {
                sent.multiwords.push(conllu::MultiWord {
                    first: (i + 1) as u32,
                    last: j as u32,
                    form: t.span.text(&doc.text).to_string(),
                    misc: if no_space.is_empty() {
                        "_".into()
                    } else {
                        no_space.into()
                    },
                });
            }
            for (k, w) in toks.iter().enumerate().take(j).skip(i) {
                let or = |s: &str| {
                    if s.is_empty() {
                        "_".to_string()
                    } else {
                        s.to_string()
                    }
                };
                let head = if w.deprel.is_empty() {
                    None
                } else if w.head == Token::ROOT {
                    Some(0)
                } else {
                    Some(w.head.saturating_sub(s.token_start) + 1)
                };
                let mut misc = format!(
                    "NER={}",
                    ner.get(range.start + k).map(String::as_str).unwrap_or("O")
                );
                if j == i + 1 && !no_space.is_empty() {
                    misc = format!("{no_space}|{misc}");
                }
                sent.words.push(conllu::Word {
                    id: (k + 1) as u32,
                    form: w.form(&doc.text).replace(['\t', '\n'], " "),
                    lemma: or(&w.lemma),
                    upos: or(&w.upos),
                    xpos: "_".into(),
                    feats: or(&w.feats),
                    head,
                    deprel: or(&w.deprel),
                    deps: "_".into(),
                    misc,
                });
            }
            i = j;
        }
        sent.write(out);
    }
}

/// Scores of `claimtrace eval ud` (CoNLL 2018 definitions with gold tokens).
#[derive(Debug, Clone, Default)]
pub struct UdScores {
    pub words: usize,
    pub upos: f64,
    pub ufeats: f64,
    pub lemma: f64,
    pub uas: f64,
    pub las: f64,
    /// Wall-clock seconds of the fastest annotation pass.
    pub seconds: f64,
    /// On-CPU seconds of the annotating thread in its cheapest pass (Linux
    /// `/proc/thread-self/schedstat`; 0 where unavailable): the speed of an idle core.
    pub cpu_seconds: f64,
}

impl UdScores {
    pub fn tokens_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.words as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// Tokens per on-CPU second (0 when CPU time is unavailable).
    pub fn tokens_per_cpu_second(&self) -> f64 {
        if self.cpu_seconds > 0.0 {
            self.words as f64 / self.cpu_seconds
        } else {
            0.0
        }
    }
}

/// On-CPU nanoseconds of the calling thread (Linux), if available.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Universal features only, sorted (CoNLL 2018 UFeats compares these).
fn ufeats(f: &str) -> Vec<&str> {
    const UNIVERSAL: &[&str] = &[
        "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender", "Animacy", "Number",
        "Case", "Definite", "Degree", "VerbForm", "Mood", "Tense", "Aspect", "Voice", "Evident",
        "Polarity", "Person", "Polite", "Typo",
    ];
    let mut v: Vec<&str> = f
        .split('|')
        .filter(|x| x.split('=').next().is_some_and(|k| UNIVERSAL.contains(&k)))
        .collect();
    v.sort_unstable();
    v
}

fn universal(rel: &str) -> &str {
    rel.split(':').next().unwrap_or(rel)
}

/// Tags and parses every sentence from its gold tokens and scores the result.
pub fn eval_ud(p: &Pipeline, sents: &[conllu::Sentence], lang: &str) -> UdScores {
    eval_ud_repeat(p, sents, lang, 1, false)
}

/// [`eval_ud`] with `repeat` timed annotation passes over fresh copies of the documents;
/// the speed is that of the fastest pass (wall clock and on-CPU time apart). With `by_doc`,
/// the sentences of each treebank document (`# newdoc`) form one [`Doc`], as an article
/// would; otherwise (or when the file marks no documents) every sentence is a document.
pub fn eval_ud_repeat(
    p: &Pipeline,
    sents: &[conllu::Sentence],
    lang: &str,
    repeat: usize,
    by_doc: bool,
) -> UdScores {
    let groups: Vec<std::ops::Range<usize>> = match newdoc_groups(sents) {
        Some(g) if by_doc => g,
        _ => (0..sents.len()).map(|i| i..i + 1).collect(),
    };
    let fresh: Vec<Doc> = groups
        .iter()
        .map(|g| doc_of_sentences(sents.get(g.clone()).unwrap_or(&[]), lang))
        .collect();
    let (mut seconds, mut cpu_seconds) = (f64::MAX, f64::MAX);
    let mut docs = Vec::new();
    for _ in 0..repeat.max(1) {
        let mut pass = fresh.clone();
        let c0 = thread_cpu_ns();
        let start = Instant::now();
        for d in pass.iter_mut() {
            p.annotate_pretokenized(d);
        }
        seconds = seconds.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, thread_cpu_ns()) {
            cpu_seconds = cpu_seconds.min(b.saturating_sub(a) as f64 / 1e9);
        }
        docs = pass;
    }
    if cpu_seconds == f64::MAX {
        cpu_seconds = 0.0;
    }
    let (mut n, mut upos, mut feats, mut lemma, mut uas, mut las) = (0usize, 0, 0, 0, 0, 0);
    for (g, d) in groups.iter().zip(&docs) {
        // Heads are doc-level token indices; UD heads count from the sentence's first word.
        let mut base = 0usize;
        for s in sents.get(g.clone()).unwrap_or(&[]) {
            let toks = d.tokens.get(base..).unwrap_or(&[]);
            for (w, t) in s.words.iter().zip(toks) {
                n += 1;
                upos += (w.upos == t.upos) as usize;
                let gf = if w.feats == "_" { "" } else { w.feats.as_str() };
                feats += (ufeats(gf) == ufeats(&t.feats)) as usize;
                lemma += (w.lemma == t.lemma || (w.lemma == "_" && t.lemma.is_empty())) as usize;
                let head = if t.deprel.is_empty() {
                    None
                } else if t.head == Token::ROOT {
                    Some(0)
                } else {
                    (t.head as usize).checked_sub(base).map(|h| h as u32 + 1)
                };
                if head.is_some() && head == w.head {
                    uas += 1;
                    las += (universal(&w.deprel) == universal(&t.deprel)) as usize;
                }
            }
            base += s.words.len();
        }
    }
    let r = |x: usize| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    UdScores {
        words: n,
        upos: r(upos),
        ufeats: r(feats),
        lemma: r(lemma),
        uas: r(uas),
        las: r(las),
        seconds,
        cpu_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn treebank_documents_become_docs() {
        let src = "# newdoc id = a\n# sent_id = 1\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n\n\
                   # sent_id = 2\n1\tGo\tgo\tVERB\t_\t_\t0\troot\t_\t_\n2\tnow\tnow\tADV\t_\t_\t1\tadvmod\t_\t_\n\n\
                   # newdoc id = b\n# sent_id = 3\n1\tBye\tbye\tINTJ\t_\t_\t0\troot\t_\t_\n\n";
        let sents: Vec<conllu::Sentence> = conllu::Reader::new(src.as_bytes())
            .filter_map(Result::ok)
            .collect();
        assert_eq!(sents.len(), 3);
        let g = newdoc_groups(&sents).unwrap();
        assert_eq!(g, vec![0..2, 2..3]);
        let d = doc_of_sentences(&sents[0..2], "en");
        assert_eq!(d.tokens.len(), 3);
        assert_eq!(d.sentences.len(), 2);
        assert_eq!(d.sentences[1].token_start, 1);
        assert_eq!(&d.text[d.sentences[1].span.start as usize..], "Go now");
        assert!(newdoc_groups(&sents[1..2]).is_none());
    }

    #[test]
    fn misc_items_are_kept() {
        assert_eq!(set_misc("_", "NER", "O"), "NER=O");
        assert_eq!(
            set_misc("SpaceAfter=No|NER=B-PER", "NER", "O"),
            "SpaceAfter=No|NER=O"
        );
    }

    #[test]
    fn text_to_conllu_has_mwt_ranges() {
        let p = Pipeline::new();
        let mut d = Doc::from_text("x", "Il parle du chat.");
        d.lang = Some("fr".into());
        p.annotate(&mut d);
        let mut out = String::new();
        doc_to_conllu(&d, &mut out);
        assert!(out.contains("# text = Il parle du chat."), "{out}");
        assert!(out.contains("3-4\tdu"), "{out}");
        let back: Vec<_> = conllu::Reader::new(out.as_bytes()).collect();
        assert!(back.iter().all(Result::is_ok));
    }
}
