//! Plain-text articles: an optional title line, then paragraphs.

/// Splits a text file into (title, body). The first non-empty line is the title when it looks
/// like one: short, no final period, and followed by a blank line and more text. The body's
/// paragraphs are separated by exactly one blank line (`"\n\n"`); lines inside a paragraph
/// and the words themselves are kept.
pub fn split_title(raw: &str) -> (Option<String>, String) {
    let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = text.lines().peekable();
    // Skip leading blank lines.
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    let first = lines.peek().map(|l| l.trim().to_owned());
    let mut title = None;
    if let Some(first) = first {
        let mut rest = lines.clone();
        rest.next();
        let blank_after = rest.peek().is_some_and(|l| l.trim().is_empty());
        let more = rest.any(|l| !l.trim().is_empty());
        let chars = first.chars().count();
        let words = first.split_whitespace().count();
        if blank_after
            && more
            && chars <= 200
            && words <= 30
            && !first.ends_with('.')
            && !first.ends_with(':')
            && !first.ends_with(',')
        {
            title = Some(first);
            lines.next();
        }
    }
    (title, paragraphs(lines))
}

/// Joins lines into paragraphs separated by one blank line; trailing spaces are dropped.
pub fn normalize_paragraphs(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    paragraphs(text.lines())
}

fn paragraphs<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut blank = false;
    for l in lines {
        let l = l.trim_end();
        if l.trim().is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_paragraphs() {
        let (t, b) = split_title("\n\nA title here\n\nFirst para.\nsame para\n\n\n\nSecond.  \n");
        assert_eq!(t.as_deref(), Some("A title here"));
        assert_eq!(b, "First para.\nsame para\n\nSecond.");
    }

    #[test]
    fn no_title() {
        let (t, b) = split_title("This is a sentence.\n\nAnother.");
        assert_eq!(t, None);
        assert_eq!(b, "This is a sentence.\n\nAnother.");
        let (t, _) = split_title("Only one line");
        assert_eq!(t, None);
        let (t, _) = split_title("Line one\nline two directly after\n\nmore");
        assert_eq!(t, None);
        assert_eq!(split_title(""), (None, String::new()));
    }

    #[test]
    fn crlf() {
        let (t, b) = split_title("Headline\r\n\r\nBody one.\r\n\r\nBody two.\r\n");
        assert_eq!(t.as_deref(), Some("Headline"));
        assert_eq!(b, "Body one.\n\nBody two.");
    }
}
