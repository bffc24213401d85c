//! Byte offset → character offset conversion for JSON output.

/// Maps byte offsets of one text to character (Unicode scalar value) offsets.
///
/// For pure-ASCII text the map is the identity and costs nothing; otherwise it keeps one entry
/// per non-ASCII character, and a lookup is a binary search.
#[derive(Debug, Clone)]
pub struct CharMap {
    /// Byte offsets of every multi-byte character, with the number of extra bytes before and
    /// including it (cumulative), so `char = byte - extra_before(byte)`.
    marks: Vec<(u32, u32)>,
    len_bytes: usize,
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0u32;
            for (i, c) in text.char_indices() {
                let l = c.len_utf8() as u32;
                if l > 1 {
                    extra += l - 1;
                    // After this char, every byte offset is `extra` ahead of its char offset.
                    marks.push((i as u32 + l, extra));
                }
            }
        }
        CharMap {
            marks,
            len_bytes: text.len(),
        }
    }

    /// Character offset of a byte offset (which should be a char boundary; offsets inside a
    /// character map to the character's end, offsets past the end are clamped).
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.len_bytes);
        if self.marks.is_empty() {
            return byte;
        }
        let idx = self.marks.partition_point(|&(b, _)| b as usize <= byte);
        if idx == 0 {
            byte
        } else {
            byte - self.marks[idx - 1].1 as usize
        }
    }
}

/// Byte offset of a character offset in `text` (clamped to the end). Linear; for input
/// conversions (gold files with character offsets), not hot paths.
pub fn byte_of_char(text: &str, ch: usize) -> usize {
    text.char_indices()
        .nth(ch)
        .map(|(b, _)| b)
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        let m = CharMap::new("hello world");
        assert_eq!(m.char_of(5), 5);
        assert_eq!(m.char_of(100), 11);
    }

    #[test]
    fn multibyte() {
        let t = "a«b»é😀x";
        let m = CharMap::new(t);
        for (ci, (bi, _)) in t.char_indices().enumerate() {
            assert_eq!(m.char_of(bi), ci);
            assert_eq!(byte_of_char(t, ci), bi);
        }
        assert_eq!(m.char_of(t.len()), t.chars().count());
    }

    proptest::proptest! {
        #[test]
        fn matches_naive(s in "\\PC{0,40}") {
            let m = CharMap::new(&s);
            for (ci, (bi, _)) in s.char_indices().enumerate() {
                proptest::prop_assert_eq!(m.char_of(bi), ci);
            }
        }
    }
}
