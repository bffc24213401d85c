//! Scoring against UD treebanks, after the CoNLL 2018 shared task (`conll18_ud_eval.py`):
//! the raw text of a test file is rebuilt from its `# text` comments, tokenized, and the
//! system's tokens, sentences and syntactic words are aligned to the gold ones by character
//! offsets in the text with whitespace removed.

use crate::Tokenizer;
use compact_str::CompactString;

/// One span in the whitespace-free character index.
pub type CharSpan = (usize, usize);

/// A syntactic word: its span (that of its surface token) and lowercased form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub span: CharSpan,
    pub form: String,
    /// Part of a multi-word token.
    pub multi: bool,
}

/// Gold annotation of a test file.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    /// The raw text: sentences joined by a space, paragraphs (`# newpar`, `# newdoc`) by a
    /// blank line.
    pub text: String,
    pub tokens: Vec<CharSpan>,
    pub sentences: Vec<CharSpan>,
    pub words: Vec<Word>,
    /// Sentences whose `# text` did not match their token forms (their forms were used).
    pub text_mismatches: usize,
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

fn nonspace_len(s: &str) -> usize {
    s.chars().filter(|&c| !is_space(c)).count()
}

/// Reads a CoNLL-U file's text.
pub fn read_gold(conllu: &str) -> Gold {
    let mut g = Gold::default();
    let mut pos = 0usize; // whitespace-free char index
    let mut new_par = true;
    let mut sent_text: Option<String> = None;
    // (form, misc, words of the token)
    let mut toks: Vec<(String, bool, Vec<String>)> = Vec::new();
    let mut mwt_left = 0usize;

    let finish = |g: &mut Gold,
                  pos: &mut usize,
                  new_par: &mut bool,
                  sent_text: &mut Option<String>,
                  toks: &mut Vec<(String, bool, Vec<String>)>| {
        if toks.is_empty() {
            *sent_text = None;
            return;
        }
        let forms_len: usize = toks.iter().map(|t| nonspace_len(&t.0)).sum();
        let text = match sent_text.take() {
            Some(t) if nonspace_len(&t) == forms_len => t,
            other => {
                if other.is_some() {
                    g.text_mismatches += 1;
                }
                let mut s = String::new();
                for (f, space_after, _) in toks.iter() {
                    s.push_str(f);
                    if *space_after {
                        s.push(' ');
                    }
                }
                s.trim_end().to_string()
            }
        };
        if !g.text.is_empty() {
            g.text.push_str(if *new_par { "\n\n" } else { " " });
        }
        g.text.push_str(&text);
        *new_par = false;
        let s0 = *pos;
        for (form, _, words) in toks.drain(..) {
            let len = nonspace_len(&form);
            let span = (*pos, *pos + len);
            *pos += len;
            g.tokens.push(span);
            if words.len() > 1 {
                for w in words {
                    g.words.push(Word {
                        span,
                        form: w.to_lowercase(),
                        multi: true,
                    });
                }
            } else {
                g.words.push(Word {
                    span,
                    form: form.to_lowercase(),
                    multi: false,
                });
            }
        }
        g.sentences.push((s0, *pos));
    };

    for line in conllu.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            finish(&mut g, &mut pos, &mut new_par, &mut sent_text, &mut toks);
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim_start();
            if c.starts_with("newdoc") || c.starts_with("newpar") {
                new_par = true;
            } else if let Some(t) = c.strip_prefix("text =") {
                sent_text = Some(t.trim().to_string());
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(id), Some(form)) = (cols.first(), cols.get(1)) else {
            continue;
        };
        let space_after = !cols
            .get(9)
            .is_some_and(|m| m.split('|').any(|x| x == "SpaceAfter=No"));
        if id.contains('.') {
            continue;
        }
        if let Some((a, b)) = id.split_once('-') {
            let a: usize = a.parse().unwrap_or(0);
            let b: usize = b.parse().unwrap_or(0);
            mwt_left = (b + 1).saturating_sub(a);
            toks.push((form.to_string(), space_after, Vec::new()));
            continue;
        }
        if mwt_left > 0 {
            if let Some(t) = toks.last_mut() {
                t.2.push(form.to_string());
            }
            mwt_left -= 1;
            continue;
        }
        toks.push((form.to_string(), space_after, vec![form.to_string()]));
    }
    finish(&mut g, &mut pos, &mut new_par, &mut sent_text, &mut toks);
    g
}

/// The system's output in the same terms.
#[derive(Debug, Clone, Default)]
pub struct System {
    pub tokens: Vec<CharSpan>,
    pub sentences: Vec<CharSpan>,
    pub words: Vec<Word>,
}

/// Runs `tok` on `text` and maps the result to whitespace-free character offsets.
pub fn run_system(tok: &mut Tokenizer, text: &str) -> System {
    // idx[b] = whitespace-free chars before byte b (for char boundaries).
    let mut idx = vec![0u32; text.len() + 1];
    let mut n = 0u32;
    for (b, c) in text.char_indices() {
        if let Some(x) = idx.get_mut(b) {
            *x = n;
        }
        if !is_space(c) {
            n += 1;
        }
    }
    if let Some(x) = idx.last_mut() {
        *x = n;
    }
    let at = |b: u32| idx.get(b as usize).copied().unwrap_or(n) as usize;
    let t = tok.tokenize_str(text);
    let mut sys = System::default();
    let mut parts: Vec<CompactString> = Vec::new();
    for &(a, b) in &t.sentences {
        let (Some(first), Some(last)) = (
            t.tokens.get(a as usize),
            t.tokens.get((b as usize).wrapping_sub(1)),
        ) else {
            continue;
        };
        sys.sentences.push((at(first.start), at(last.end)));
        for i in a as usize..b as usize {
            let Some(s) = t.tokens.get(i) else { continue };
            let span = (at(s.start), at(s.end));
            sys.tokens.push(span);
            if tok.words_of(text, &t, (a, b), i, &mut parts) {
                for p in &parts {
                    sys.words.push(Word {
                        span,
                        form: p.to_lowercase().to_string(),
                        multi: true,
                    });
                }
            } else {
                sys.words.push(Word {
                    span,
                    form: s.text(text).to_lowercase(),
                    multi: false,
                });
            }
        }
    }
    sys
}

/// Precision, recall, F1 with their counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub gold: usize,
    pub system: usize,
    pub correct: usize,
}

impl Prf {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.system)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.correct, self.gold + self.system)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Matching spans of two sorted span lists.
pub fn span_prf(gold: &[CharSpan], system: &[CharSpan]) -> Prf {
    let (mut i, mut j, mut c) = (0, 0, 0);
    while i < gold.len() && j < system.len() {
        let (g, s) = (gold[i], system[j]);
        if g == s {
            c += 1;
            i += 1;
            j += 1;
        } else if g.0 < s.0 || (g.0 == s.0 && g.1 < s.1) {
            i += 1;
        } else {
            j += 1;
        }
    }
    Prf {
        gold: gold.len(),
        system: system.len(),
        correct: c,
    }
}

/// Aligned syntactic words, as `align_words` of the CoNLL 2018 script: by span outside
/// multi-word tokens, by the longest common subsequence of lowercased forms inside them.
pub fn word_prf(gold: &[Word], system: &[Word]) -> Prf {
    let (mut gi, mut si, mut aligned) = (0usize, 0usize, 0usize);
    while gi < gold.len() && si < system.len() {
        if gold[gi].multi || system[si].multi {
            let (gs, ss, ge, se) = multiword_span(gold, system, gi, si);
            gi = ge;
            si = se;
            if ge > gs && se > ss {
                aligned += lcs_aligned(&gold[gs..ge], &system[ss..se]);
            }
        } else if gold[gi].span == system[si].span {
            aligned += 1;
            gi += 1;
            si += 1;
        } else if gold[gi].span.0 <= system[si].span.0 {
            gi += 1;
        } else {
            si += 1;
        }
    }
    Prf {
        gold: gold.len(),
        system: system.len(),
        correct: aligned,
    }
}

fn beyond_end(words: &[Word], i: usize, end: usize) -> bool {
    match words.get(i) {
        None => true,
        Some(w) if w.multi => w.span.0 >= end,
        Some(w) => w.span.1 > end,
    }
}

fn extend_end(w: &Word, end: usize) -> usize {
    if w.multi && w.span.1 > end {
        w.span.1
    } else {
        end
    }
}

fn multiword_span(
    gold: &[Word],
    system: &[Word],
    mut gi: usize,
    mut si: usize,
) -> (usize, usize, usize, usize) {
    let mut end;
    if gold[gi].multi {
        end = gold[gi].span.1;
        if !system[si].multi && system[si].span.0 < gold[gi].span.0 {
            si += 1;
        }
    } else {
        end = system[si].span.1;
        if !gold[gi].multi && gold[gi].span.0 < system[si].span.0 {
            gi += 1;
        }
    }
    let (gs, ss) = (gi, si);
    while !beyond_end(gold, gi, end) || !beyond_end(system, si, end) {
        if gi < gold.len() && (si >= system.len() || gold[gi].span.0 <= system[si].span.0) {
            end = extend_end(&gold[gi], end);
            gi += 1;
        } else if si < system.len() {
            end = extend_end(&system[si], end);
            si += 1;
        } else {
            break;
        }
    }
    (gs, ss, gi, si)
}

fn lcs_aligned(g: &[Word], s: &[Word]) -> usize {
    let (n, m) = (g.len(), s.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut v = if g[i].form == s[j].form {
                1 + lcs[i + 1][j + 1]
            } else {
                0
            };
            v = v.max(lcs[i + 1][j]).max(lcs[i][j + 1]);
            lcs[i][j] = v;
        }
    }
    // Walk as the official script does.
    let (mut i, mut j, mut a) = (0, 0, 0);
    while i < n && j < m {
        if g[i].form == s[j].form {
            a += 1;
            i += 1;
            j += 1;
        } else if lcs[i][j] == lcs[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    a
}

/// Tokens, sentences and words scores of a system run against gold.
#[derive(Debug, Clone, Copy, Default)]
pub struct Report {
    pub tokens: Prf,
    pub sentences: Prf,
    pub words: Prf,
}

pub fn score(gold: &Gold, sys: &System) -> Report {
    Report {
        tokens: span_prf(&gold.tokens, &sys.tokens),
        sentences: span_prf(&gold.sentences, &sys.sentences),
        words: word_prf(&gold.words, &sys.words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc\n# text = Il parle du chat.\n1\tIl\t_\t_\t_\t_\t_\t_\t_\t_\n2\tparle\t_\t_\t_\t_\t_\t_\t_\t_\n3-4\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n3\tde\t_\t_\t_\t_\t_\t_\t_\t_\n4\tle\t_\t_\t_\t_\t_\t_\t_\t_\n5\tchat\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n6\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n# text = Oui.\n1\tOui\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n";

    #[test]
    fn perfect_system_scores_one() {
        let g = read_gold(SAMPLE);
        assert_eq!(g.text, "Il parle du chat. Oui.");
        assert_eq!(g.tokens.len(), 7);
        assert_eq!(g.words.len(), 8);
        let mut t = Tokenizer::new("fr");
        let s = run_system(&mut t, &g.text);
        let r = score(&g, &s);
        assert_eq!(r.tokens.f1(), 1.0);
        assert_eq!(r.sentences.f1(), 1.0);
        assert_eq!(r.words.f1(), 1.0);
    }

    #[test]
    fn words_align_inside_multiword_tokens() {
        let w = |a, b, f: &str, m| Word {
            span: (a, b),
            form: f.into(),
            multi: m,
        };
        let gold = vec![
            w(0, 2, "de", true),
            w(0, 2, "le", true),
            w(2, 5, "cat", false),
        ];
        let sys = vec![w(0, 2, "du", false), w(2, 5, "cat", false)];
        let r = word_prf(&gold, &sys);
        assert_eq!(r.correct, 1);
    }
}

/// A full evaluation of one test file, with speed.
#[derive(Debug, Clone, Default)]
pub struct FileEval {
    pub report: Report,
    pub text_mismatches: usize,
    pub chars: usize,
    /// Surface tokens per second of tokenization and sentence splitting alone, and with the
    /// multi-word expansion into a [`claimtrace_core::Doc`] (best of several runs, one thread).
    pub tokens_per_sec: f64,
    pub tokens_per_sec_doc: f64,
}

/// Scores the tokenizer for `lang` on a CoNLL-U test file's content.
pub fn evaluate(conllu: &str, lang: &str) -> FileEval {
    let gold = read_gold(conllu);
    let mut tok = Tokenizer::new(lang);
    let sys = run_system(&mut tok, &gold.text);
    let report = score(&gold, &sys);
    let n_tokens = sys.tokens.len() as f64;
    let time = |f: &mut dyn FnMut()| {
        let mut best = f64::INFINITY;
        let start = std::time::Instant::now();
        let mut runs = 0;
        while runs < 3 || (start.elapsed().as_secs_f64() < 1.0 && runs < 200) {
            let t0 = std::time::Instant::now();
            f();
            best = best.min(t0.elapsed().as_secs_f64());
            runs += 1;
        }
        best
    };
    let mut out = crate::Tokenized::default();
    let secs = time(&mut || tok.tokenize_into(&gold.text, &mut out));
    let mut doc = claimtrace_core::Doc::from_text("eval", gold.text.clone());
    let secs_doc = time(&mut || tok.tokenize_doc(&mut doc));
    FileEval {
        report,
        text_mismatches: gold.text_mismatches,
        chars: gold.text.chars().count(),
        tokens_per_sec: n_tokens / secs.max(1e-9),
        tokens_per_sec_doc: n_tokens / secs_doc.max(1e-9),
    }
}

/// The report as the CLI prints it.
pub fn format_eval(e: &FileEval) -> String {
    let line = |name: &str, p: &Prf| {
        format!(
            "{name:<10} P {:6.2}  R {:6.2}  F1 {:6.2}   (gold {}, system {}, correct {})\n",
            100.0 * p.precision(),
            100.0 * p.recall(),
            100.0 * p.f1(),
            p.gold,
            p.system,
            p.correct
        )
    };
    let mut s = String::new();
    s.push_str(&line("Tokens", &e.report.tokens));
    s.push_str(&line("Sentences", &e.report.sentences));
    s.push_str(&line("Words", &e.report.words));
    s.push_str(&format!(
        "Speed      {:.2} M tokens/s (tokenize + split), {:.2} M tokens/s (into a Doc with multi-word tokens), {} chars\n",
        e.tokens_per_sec / 1e6,
        e.tokens_per_sec_doc / 1e6,
        e.chars
    ));
    if e.text_mismatches > 0 {
        s.push_str(&format!(
            "Note       {} sentences' `# text` differ from their forms (forms used)\n",
            e.text_mismatches
        ));
    }
    s
}
