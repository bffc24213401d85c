//! CoNLL-U reading and writing (UD's 10-column format).
//!
//! Reads comments, multi-word token ranges (`4-5`) and empty nodes (`8.1`, kept aside).
//! Malformed lines give an error naming the line; [`Reader`] yields sentence by sentence so a
//! treebank is never held in memory twice.

use std::io::BufRead;

/// One syntactic word (an integer-id line).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub id: u32,
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    /// `_` is kept as `_`.
    pub feats: String,
    /// 0 = root; `None` when the column is `_`.
    pub head: Option<u32>,
    pub deprel: String,
    pub deps: String,
    pub misc: String,
}

/// A multi-word token range line (`4-5  du  _ ...`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MultiWord {
    pub first: u32,
    pub last: u32,
    pub form: String,
    pub misc: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    /// Comment lines without the leading `# ` (e.g. `sent_id = x`, `text = ...`).
    pub comments: Vec<String>,
    pub words: Vec<Word>,
    pub multiwords: Vec<MultiWord>,
    /// Empty-node lines (`8.1`), kept verbatim for writing back.
    pub empty_nodes: Vec<String>,
    /// 1-based line number of the sentence's first line in its file.
    pub line: usize,
}

impl Sentence {
    /// The `# text = ` comment, if present.
    pub fn text(&self) -> Option<&str> {
        self.comments.iter().find_map(|c| {
            c.strip_prefix("text = ")
                .or_else(|| c.strip_prefix("text ="))
        })
    }

    pub fn sent_id(&self) -> Option<&str> {
        self.comments
            .iter()
            .find_map(|c| c.strip_prefix("sent_id = "))
    }

    /// Whether `SpaceAfter=No` is set on the surface token ending at word `i` (0-based).
    pub fn space_after(&self, i: usize) -> bool {
        let id = self.words.get(i).map(|w| w.id).unwrap_or(0);
        if let Some(m) = self
            .multiwords
            .iter()
            .find(|m| m.first <= id && id <= m.last)
        {
            return id != m.last || !m.misc.split('|').any(|x| x == "SpaceAfter=No");
        }
        !self
            .words
            .get(i)
            .is_some_and(|w| w.misc.split('|').any(|x| x == "SpaceAfter=No"))
    }

    /// Writes the sentence in CoNLL-U, with its trailing blank line.
    pub fn write(&self, out: &mut String) {
        use std::fmt::Write;
        for c in &self.comments {
            let _ = writeln!(out, "# {c}");
        }
        for w in &self.words {
            if let Some(m) = self.multiwords.iter().find(|m| m.first == w.id) {
                let _ = writeln!(
                    out,
                    "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}",
                    m.first, m.last, m.form, m.misc
                );
            }
            let head = w.head.map(|h| h.to_string()).unwrap_or_else(|| "_".into());
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                w.id, w.form, w.lemma, w.upos, w.xpos, w.feats, head, w.deprel, w.deps, w.misc
            );
        }
        out.push('\n');
    }
}

/// An error in a CoNLL-U file: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConlluError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for ConlluError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ConlluError {}

/// Streams sentences from a CoNLL-U source.
pub struct Reader<R> {
    input: R,
    line_no: usize,
    buf: String,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            line_no: 0,
            buf: String::new(),
            done: false,
        }
    }
}

fn parse_id(s: &str, line: usize) -> Result<u32, ConlluError> {
    s.parse::<u32>().map_err(|_| ConlluError {
        line,
        reason: format!("bad word id `{s}`"),
    })
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Sentence, ConlluError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut sent = Sentence::default();
        loop {
            self.buf.clear();
            let n = match self.input.read_line(&mut self.buf) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(ConlluError {
                        line: self.line_no + 1,
                        reason: format!("cannot read: {e}"),
                    }));
                }
            };
            if n == 0 {
                self.done = true;
                return if sent.words.is_empty() && sent.comments.is_empty() {
                    None
                } else {
                    Some(Ok(sent))
                };
            }
            self.line_no += 1;
            let line = self.buf.trim_end_matches(['\n', '\r']);
            if sent.line == 0 {
                sent.line = self.line_no;
            }
            if line.trim().is_empty() {
                if sent.words.is_empty() && sent.comments.is_empty() {
                    sent.line = 0;
                    continue;
                }
                return Some(Ok(sent));
            }
            if let Some(c) = line.strip_prefix('#') {
                sent.comments
                    .push(c.strip_prefix(' ').unwrap_or(c).to_string());
                continue;
            }
            match parse_line(line, self.line_no) {
                Ok(Line::Empty(l)) => sent.empty_nodes.push(l),
                Ok(Line::Multi(m)) => sent.multiwords.push(m),
                Ok(Line::Word(w)) => sent.words.push(w),
                Err(e) => {
                    // Skip the rest of this sentence so the next one parses cleanly.
                    self.skip_to_blank();
                    return Some(Err(e));
                }
            }
        }
    }
}

enum Line {
    Empty(String),
    Multi(MultiWord),
    Word(Word),
}

fn parse_line(line: &str, ln: usize) -> Result<Line, ConlluError> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() != 10 {
        return Err(ConlluError {
            line: ln,
            reason: format!("expected 10 tab-separated columns, found {}", cols.len()),
        });
    }
    let id = cols[0];
    if id.contains('.') {
        return Ok(Line::Empty(line.to_string()));
    }
    if let Some((a, b)) = id.split_once('-') {
        return match (parse_id(a, ln), parse_id(b, ln)) {
            (Ok(first), Ok(last)) if first <= last => Ok(Line::Multi(MultiWord {
                first,
                last,
                form: cols[1].to_string(),
                misc: cols[9].to_string(),
            })),
            _ => Err(ConlluError {
                line: ln,
                reason: format!("bad multi-word range `{id}`"),
            }),
        };
    }
    let id = parse_id(id, ln)?;
    let head = if cols[6] == "_" {
        None
    } else {
        Some(cols[6].parse::<u32>().map_err(|_| ConlluError {
            line: ln,
            reason: format!("bad head `{}`", cols[6]),
        })?)
    };
    Ok(Line::Word(Word {
        id,
        form: cols[1].to_string(),
        lemma: cols[2].to_string(),
        upos: cols[3].to_string(),
        xpos: cols[4].to_string(),
        feats: cols[5].to_string(),
        head,
        deprel: cols[7].to_string(),
        deps: cols[8].to_string(),
        misc: cols[9].to_string(),
    }))
}

impl<R: BufRead> Reader<R> {
    fn skip_to_blank(&mut self) {
        loop {
            self.buf.clear();
            match self.input.read_line(&mut self.buf) {
                Ok(0) | Err(_) => {
                    self.done = true;
                    return;
                }
                Ok(_) => {
                    self.line_no += 1;
                    if self.buf.trim().is_empty() {
                        return;
                    }
                }
            }
        }
    }
}

/// Reads a whole CoNLL-U file; the error names the file and line.
pub fn read_file(path: &std::path::Path) -> Result<Vec<Sentence>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Reader::new(std::io::BufReader::new(f))
        .map(|r| r.map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# sent_id = 1\n# text = Il parle du chat.\n1\tIl\til\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tparle\tparler\tVERB\t_\t_\t0\troot\t_\t_\n3-4\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n3\tde\tde\tADP\t_\t_\t5\tcase\t_\t_\n4\tle\tle\tDET\t_\t_\t5\tdet\t_\t_\n5\tchat\tchat\tNOUN\t_\t_\t2\tobl\t_\tSpaceAfter=No\n6\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n\n";

    #[test]
    fn reads_and_writes() {
        let s: Vec<_> = Reader::new(SAMPLE.as_bytes()).collect();
        let s = s[0].as_ref().unwrap();
        assert_eq!(s.text(), Some("Il parle du chat."));
        assert_eq!(s.words.len(), 6);
        assert_eq!(s.multiwords[0].form, "du");
        assert!(!s.space_after(4));
        assert!(s.space_after(1));
        assert!(s.space_after(3));
        let mut out = String::new();
        s.write(&mut out);
        assert_eq!(out, SAMPLE);
    }

    #[test]
    fn malformed_lines_name_the_line_and_go_on() {
        let bad = "1\tx\n\n1\ta\ta\tX\t_\t_\t0\troot\t_\t_\n\n";
        let r: Vec<_> = Reader::new(bad.as_bytes()).collect();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].as_ref().unwrap_err().line, 1);
        assert_eq!(r[1].as_ref().unwrap().words[0].form, "a");
    }
}
