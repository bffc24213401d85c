//! Terminal safety: the one escaping function for every human-readable output.
//!
//! In: any text from an article (titles, bylines, claims, snippets).
//! Out: the same text with every character that could act on a terminal shown escaped:
//! C0 controls (ESC, BEL, CR, backspace…) except newline and tab, DEL, C1 controls
//! (U+0080–U+009F, including the 8-bit CSI and OSC), and the Unicode bidi controls that
//! reorder what is displayed (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069). Each is written
//! as `\x1b` (below U+0100) or `\u{202e}`. `ESC[2J` becomes the visible `\x1b[2J`, which no
//! terminal acts on. JSON outputs are never passed through this: they stay exact.

use std::borrow::Cow;

fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes terminal control and bidi characters (see the module documentation); newlines
/// and tabs are kept. Borrows when there is nothing to escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            let n = c as u32;
            if n < 0x100 {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`] for one-line fields: newlines and tabs are shown as spaces as well.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    let e = escape(s);
    if e.contains(['\n', '\t']) {
        Cow::Owned(e.replace(['\n', '\t'], " "))
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(escape("plain\ntext\t"), "plain\ntext\t");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("\u{1b}]0;title\u{7}"), "\\x1b]0;title\\x07");
        assert_eq!(escape("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(escape("x\ry\u{9b}"), "x\\x0dy\\x9b");
        assert_eq!(escape_line("a\nb"), "a b");
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let e = escape_line(&c.to_string()).into_owned();
            assert!(
                !e.chars().any(|x| x.is_control() || unsafe_char(x)),
                "{c:?}"
            );
        }
    }
}
