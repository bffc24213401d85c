//! Character classes used by the scanner.

/// Combining marks, joiners and variation selectors: they never start a token of their own
/// when something precedes them.
#[inline]
pub fn is_joiner(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{FEFF}'
        | '\u{E0100}'..='\u{E01EF}')
}

/// Letters, digits and joiners: the characters words are made of.
#[inline]
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_joiner(c)
    }
}

#[inline]
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric() && !is_superscript(c))
}

#[inline]
pub fn is_superscript(c: char) -> bool {
    matches!(c, '²' | '³' | '¹' | '\u{2070}'..='\u{209F}')
}

/// Sentence-final punctuation characters.
#[inline]
pub fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '؟' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？' | '۔'
    )
}

/// Quotes and brackets that close.
#[inline]
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '»' | '›' | '”' | '’' | '"' | '\'' | '」' | '』' | '〉' | '》'
    )
}

/// A letter with a case distinction in lower case.
#[inline]
pub fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_lowercase()
    } else {
        c.is_lowercase()
    }
}
