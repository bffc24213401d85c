//! IOB2 entity files as in `shared/data/uner` (`id  form  tag  ...`) or `shared/data/ner`
//! (`form  tag`), with comments and blank lines between sentences, and span extraction from tag
//! sequences.

use std::io::BufRead;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    pub comments: Vec<String>,
    pub words: Vec<String>,
    /// `O`, `B-PER`, `I-PER`…
    pub tags: Vec<String>,
    pub line: usize,
}

/// Reads a whole IOB2 file (column 2 = form, column 3 = tag; or, with exactly two columns,
/// column 1 = form, column 2 = tag). Errors name the line.
pub fn read(input: impl BufRead) -> Result<Vec<Sentence>, String> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", i + 1))?;
        if cur.line == 0 {
            cur.line = i + 1;
        }
        if line.trim().is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            } else {
                cur = Sentence::default();
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            cur.comments.push(c.trim_start().to_string());
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (form, tag) = match cols.len() {
            0 | 1 => {
                return Err(format!(
                    "line {}: expected at least 2 tab-separated columns",
                    i + 1
                ));
            }
            2 => (cols[0], cols[1]),
            _ => (cols[1], cols[2]),
        };
        if !(tag == "O" || tag.starts_with("B-") || tag.starts_with("I-")) {
            return Err(format!("line {}: `{tag}` is not an IOB2 tag", i + 1));
        }
        cur.words.push(form.to_string());
        cur.tags.push(tag.to_string());
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Entity spans `(start, end, label)` over token indices from IOB2 tags; a stray `I-X` starts
/// a span (CoNLL evaluation convention).
pub fn spans<S: AsRef<str>>(tags: &[S]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, t) in tags.iter().enumerate() {
        let t = t.as_ref();
        let (bio, label) = match t.split_once('-') {
            Some((b, l)) => (b, l),
            None => ("O", ""),
        };
        let continues = bio == "I" && cur.as_ref().is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((s, l)) = cur.take() {
                out.push((s, i, l));
            }
            if bio == "B" || bio == "I" {
                cur = Some((i, label.to_string()));
            }
        }
    }
    if let Some((s, l)) = cur {
        out.push((s, tags.len(), l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_from_tags() {
        let t = ["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "B-ORG"];
        assert_eq!(
            spans(&t),
            vec![
                (0, 2, "PER".to_string()),
                (3, 4, "LOC".to_string()),
                (4, 5, "ORG".to_string()),
                (5, 6, "ORG".to_string())
            ]
        );
    }

    #[test]
    fn reads_uner_layout() {
        let s =
            "# text = in tampa bay\n1\tin\tO\t-\t-\n2\ttampa\tB-LOC\t-\tx\n3\tbay\tI-LOC\t-\tx\n\n";
        let r = read(s.as_bytes()).unwrap();
        assert_eq!(r[0].tags, vec!["O", "B-LOC", "I-LOC"]);
        assert!(read("1\tx\tZ\n".as_bytes()).is_err());
    }

    #[test]
    fn reads_two_column_layout() {
        let r = read("# newdoc id = d1\nin\tO\nLake\tB-LOC\nOrrin\tI-LOC\n\n".as_bytes()).unwrap();
        assert_eq!(r[0].words, vec!["in", "Lake", "Orrin"]);
        assert_eq!(r[0].tags, vec!["O", "B-LOC", "I-LOC"]);
        assert!(read("justaword\n".as_bytes()).is_err());
    }
}
