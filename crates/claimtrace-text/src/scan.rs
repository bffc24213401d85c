//! Surface tokenization: text -> token spans (UD surface tokens: "don't", "du" and "l'" are one
//! token each; their syntactic words come from [`crate::mwt`]).

use crate::chars::{is_digit, is_joiner, is_superscript, is_word};
use crate::data::{Lang, LangData};
use claimtrace_core::Span;

/// Reusable scanner state (one per thread; no allocation per token once warm).
pub(crate) struct Scanner<'d> {
    pub lang: Lang,
    pub d: &'d LangData,
    /// The current chunk: (byte offset, char).
    buf: Vec<(usize, char)>,
    lower: String,
}

const EMOTICONS: &[&str] = &[
    ":-)", ":-(", ":-D", ":-P", ":-p", ":'(", ";-)", ":)", ":(", ":D", ":P", ":p", ";)", ":/",
    "<3", "=)", "^_^", "^^", ":-/", "XD",
];

/// Whitespace allowed inside a French/Spanish number ("10 000").
#[inline]
fn is_number_space(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}')
}

impl<'d> Scanner<'d> {
    pub fn new(lang: Lang, d: &'d LangData) -> Self {
        Scanner {
            lang,
            d,
            buf: Vec::with_capacity(64),
            lower: String::with_capacity(64),
        }
    }

    /// Appends the surface tokens of `text` to `out` (byte spans, in order, never overlapping,
    /// covering every non-whitespace character).
    pub fn scan(&mut self, text: &str, out: &mut Vec<Span>) {
        let joins_numbers = matches!(self.lang, Lang::Fr | Lang::Es);
        let it = text.char_indices();
        self.buf.clear();
        for (i, c) in it {
            if c.is_whitespace() {
                if self.buf.is_empty() {
                    continue;
                }
                if joins_numbers
                    && is_number_space(c)
                    && self.number_continues(text, i + c.len_utf8())
                {
                    self.buf.push((i, c));
                    continue;
                }
                self.flush_chunk(text, out);
                continue;
            }
            self.buf.push((i, c));
        }
        if !self.buf.is_empty() {
            self.flush_chunk(text, out);
        }
    }

    /// Whether the chunk so far ends in a group of 1-3 digits (itself not part of a longer
    /// digit run) and `text[at..]` starts with exactly three digits.
    fn number_continues(&self, text: &str, at: usize) -> bool {
        let mut run = 0;
        for &(_, c) in self.buf.iter().rev() {
            if c.is_ascii_digit() {
                run += 1;
            } else {
                if is_word(c) {
                    return false;
                }
                break;
            }
        }
        if !(1..=3).contains(&run) {
            return false;
        }
        let rest = text.get(at..).unwrap_or("").as_bytes();
        rest.len() >= 3
            && rest[..3].iter().all(u8::is_ascii_digit)
            && rest
                .get(3)
                .is_none_or(|b| !b.is_ascii_alphanumeric() && *b < 0x80)
    }

    fn end_of(&self, k: usize) -> usize {
        match self.buf.get(k) {
            Some(&(o, c)) => o + c.len_utf8(),
            None => self.buf.last().map_or(0, |&(o, c)| o + c.len_utf8()),
        }
    }

    fn ch(&self, k: usize) -> Option<char> {
        self.buf.get(k).map(|x| x.1)
    }

    fn emit(&self, out: &mut Vec<Span>, k: usize, j: usize) {
        if j > k {
            let s = self.buf.get(k).map_or(0, |x| x.0);
            let e = self.end_of(j - 1);
            out.push(Span::new(s, e));
        }
    }

    fn flush_chunk(&mut self, text: &str, out: &mut Vec<Span>) {
        let n = self.buf.len();
        let mut k = 0;
        while k < n {
            let c = self.buf[k].1;
            let prev_word = k > 0 && is_word(self.buf[k - 1].1);
            if c.is_whitespace() {
                k += 1;
                continue;
            }
            if !prev_word && let Some(j) = self.url_or_email(text, k) {
                self.emit(out, k, j);
                k = j;
                continue;
            }
            if is_word(c) {
                let j = self.scan_word(text, k);
                self.emit(out, k, j);
                k = j;
                continue;
            }
            let j = self.scan_punct(text, k, prev_word);
            self.emit(out, k, j);
            k = j.max(k + 1);
        }
        self.buf.clear();
    }

    /// A URL or e-mail address starting at `k`: returns its end.
    fn url_or_email(&self, text: &str, k: usize) -> Option<usize> {
        let n = self.buf.len();
        let start = self.buf.get(k)?.0;
        let chunk_end = self.end_of(n - 1);
        let rest = text.get(start..chunk_end)?;
        let head = rest.get(..rest.len().min(8)).unwrap_or("");
        let is_url = {
            let h = head.as_bytes();
            let starts = |p: &[u8]| h.len() >= p.len() && h[..p.len()].eq_ignore_ascii_case(p);
            starts(b"http://")
                || starts(b"https://")
                || starts(b"ftp://")
                || starts(b"www.")
                || starts(b"mailto:")
        };
        if is_url {
            // Up to the end of the chunk, less trailing punctuation.
            let mut j = n;
            let has_paren = self.buf[k..n].iter().any(|x| x.1 == '(');
            while j > k + 1 {
                let c = self.buf[j - 1].1;
                let strip = matches!(
                    c,
                    '.' | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | ']'
                        | '}'
                        | '"'
                        | '\''
                        | '»'
                        | '”'
                        | '’'
                        | '>'
                ) || (c == ')' && !has_paren);
                if strip {
                    j -= 1;
                } else {
                    break;
                }
            }
            return Some(j);
        }
        // E-mail: [word . _ % + -]+ @ [word . -]+ ending in a word character.
        if !self.buf[k..].iter().take(66).any(|x| x.1 == '@') {
            return None;
        }
        let mut j = k;
        // (a local part is at most 64 characters)
        while j < n && j < k + 65 {
            let c = self.buf[j].1;
            if is_word(c) || matches!(c, '.' | '_' | '%' | '+' | '-') {
                j += 1;
            } else {
                break;
            }
        }
        if j == k || self.ch(j) != Some('@') {
            return None;
        }
        let mut e = j + 1;
        let mut last_word = e;
        while e < n && e < j + 256 {
            let c = self.buf[e].1;
            if is_word(c) {
                e += 1;
                last_word = e;
            } else if matches!(c, '.' | '-') {
                e += 1;
            } else {
                break;
            }
        }
        if last_word >= j + 3 && is_word(self.buf[k].1) {
            Some(last_word)
        } else {
            None
        }
    }

    /// The end of the word starting at `k` (a word character).
    fn scan_word(&mut self, text: &str, k: usize) -> usize {
        let n = self.buf.len();
        if self.lang == Lang::Fr {
            // "12h30" -> "12" "h" "30".
            let c = self.buf[k].1;
            if c.is_ascii_digit() {
                let r = k + self.buf[k..]
                    .iter()
                    .take_while(|x| x.1.is_ascii_digit())
                    .count();
                if r - k <= 2 && matches!(self.ch(r), Some('h') | Some('H')) {
                    let m = self.buf[r + 1..]
                        .iter()
                        .take_while(|x| x.1.is_ascii_digit())
                        .count();
                    if m <= 2 && !self.ch(r + 1 + m).is_some_and(is_word) {
                        return r;
                    }
                }
            } else if matches!(c, 'h' | 'H') && k > 0 && self.buf[k - 1].1.is_ascii_digit() {
                return k + 1;
            }
        }
        let mut j = k + 1;
        let mut seg_start = k;
        while j < n {
            let c = self.buf[j].1;
            let p = self.buf[j - 1].1;
            if is_word(c) {
                if (is_superscript(c) != is_superscript(p)) && !is_joiner(c) && !is_joiner(p) {
                    break;
                }
                // "398,487MMBTU": a formatted number then a unit.
                if p.is_ascii_digit()
                    && c.is_alphabetic()
                    && self.buf[k..j].iter().any(|x| x.1 == ',' || x.1 == '.')
                    && self.buf[k..j]
                        .iter()
                        .all(|x| x.1.is_ascii_digit() || x.1 == ',' || x.1 == '.')
                {
                    break;
                }
                j += 1;
                continue;
            }
            let nx = self.ch(j + 1);
            let nx_word = nx.is_some_and(is_word);
            let keep = match c {
                '.' => {
                    nx_word && {
                        let nxc = nx.unwrap_or(' ');
                        // "end.The" (a missing space) splits; "U.S", "1.5", "EE.UU" do not.
                        !(p.is_lowercase() && nxc.is_uppercase() && j - seg_start >= 3)
                    }
                }
                ',' | '٫' | '٬' => {
                    p.is_ascii_digit() && nx.is_some_and(|x| x.is_ascii_digit())
                        || (is_digit(p) && nx.is_some_and(is_digit) && c != ',')
                }
                '\'' | '’' => {
                    if self.lang == Lang::Fr
                        && !nx.is_some_and(char::is_whitespace)
                        && self.elides(text, k, j)
                    {
                        return j + 1;
                    } else if !nx_word {
                        false
                    } else if self.lang == Lang::Fr && self.elides(text, k, j) {
                        return j + 1;
                    } else {
                        true
                    }
                }
                '-' | '‐' => nx_word && self.hyphen_joins(text, k, seg_start, j),
                '/' | ':' => p.is_ascii_digit() && nx.is_some_and(|x| x.is_ascii_digit()),
                '&' => p.is_uppercase() && nx.is_some_and(char::is_uppercase),
                '_' | '·' => nx_word,
                '(' => {
                    // "ami(e)s", "NUMERO(S)": a short optional ending in brackets.
                    let l = self.buf[j + 1..]
                        .iter()
                        .take_while(|x| x.1.is_alphabetic())
                        .count();
                    if (1..=2).contains(&l)
                        && self.ch(j + 1 + l) == Some(')')
                        && self.ch(j + 2 + l).is_none_or(|x| x != '(')
                    {
                        j += 2 + l;
                        continue;
                    }
                    false
                }
                c if is_number_space(c) => {
                    matches!(self.lang, Lang::Fr | Lang::Es)
                        && p.is_ascii_digit()
                        && nx.is_some_and(|x| x.is_ascii_digit())
                }
                _ => false,
            };
            if !keep {
                break;
            }
            j += 2;
            seg_start = j - 1;
        }
        // English plural possessive "Thames'" (the apostrophe is a word of its own later).
        if self.lang == Lang::En
            && matches!(self.ch(j), Some('\'') | Some('’'))
            && matches!(self.ch(j - 1), Some('s') | Some('S'))
            && j - k >= 3
            && !self
                .ch(j + 1)
                .is_some_and(|x| is_word(x) || x == '\'' || x == '’')
            && !self.quote_open_before(text, k)
        {
            return j + 1;
        }
        // Initials "J.-P.".
        if j == k + 1
            && self.buf[k].1.is_uppercase()
            && self.ch(j) == Some('.')
            && self.ch(j + 1) == Some('-')
            && self.ch(j + 2).is_some_and(char::is_uppercase)
            && self.ch(j + 3) == Some('.')
        {
            return j + 4;
        }
        // A final '.' that belongs to the word (abbreviations, initials, "U.S.").
        if self.ch(j) == Some('.') && self.ch(j + 1) != Some('.') && self.takes_dot(text, k, j) {
            j += 1;
        }
        j
    }

    /// Whether a single quote opened earlier on the same line is still open before `k`
    /// (then a final "s'" closes it rather than marking a possessive).
    fn quote_open_before(&self, text: &str, k: usize) -> bool {
        let at = self.buf.get(k).map_or(0, |x| x.0);
        let mut from = at.saturating_sub(600);
        while from > 0 && !text.is_char_boundary(from) {
            from -= 1;
        }
        let before = text.get(from..at).unwrap_or("");
        let line = before.rsplit('\n').next().unwrap_or("");
        let mut open = false;
        let mut prev = ' ';
        for c in line
            .chars()
            .rev()
            .take(300)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if (c == '\'' || c == '‘') && !is_word(prev) {
                open = true;
            } else if (c == '\'' || c == '’') && is_word(prev) && open {
                open = false;
            }
            prev = c;
        }
        open
    }

    /// The lowercased text of buf[k..j] into `self.lower`.
    fn lower_range(&mut self, text: &str, k: usize, j: usize) {
        self.lower.clear();
        let s = self.buf.get(k).map_or(0, |x| x.0);
        let e = self.end_of(j.saturating_sub(1).max(k));
        if j > k {
            for c in text.get(s..e).unwrap_or("").chars() {
                if c == '’' {
                    self.lower.push('\'');
                } else {
                    self.lower.extend(c.to_lowercase());
                }
            }
        }
    }

    /// French: split after the apostrophe at `j` ("l'", "qu'")?
    fn elides(&mut self, text: &str, k: usize, j: usize) -> bool {
        // Elided words are short ("l", "jusqu", "lorsqu").
        if j - k > 8 {
            return false;
        }
        self.lower_range(text, k, j);
        if !self.d.elision.contains(self.lower.as_str()) {
            return false;
        }
        // The whole word ("aujourd'hui") may be a known exception.
        let n = self.buf.len();
        let mut e = j + 1;
        while e < n
            && (is_word(self.buf[e].1)
                || self.buf[e].1 == '-' && self.ch(e + 1).is_some_and(is_word))
        {
            e += 1;
        }
        self.lower_range(text, k, e);
        !self.d.no_elision.contains(self.lower.as_str())
    }

    /// Does the hyphen at `j` stay inside the word that started at `k`?
    fn hyphen_joins(&mut self, text: &str, k: usize, seg_start: usize, j: usize) -> bool {
        match self.lang {
            Lang::En => {
                let p = self.buf[j - 1].1;
                let nx = self.ch(j + 1).unwrap_or(' ');
                if is_digit(p) && is_digit(nx) {
                    // "713-853-3989" stays whole, a score or range "5-3", "16-18" splits.
                    let left = self.buf[seg_start..j]
                        .iter()
                        .filter(|x| is_digit(x.1))
                        .count();
                    let right = self.buf[j + 1..]
                        .iter()
                        .take_while(|x| is_digit(x.1))
                        .count();
                    return left >= 3 || right >= 3 || seg_start != k;
                }
                if self.buf[seg_start..j].iter().any(|x| is_digit(x.1)) || is_digit(nx) {
                    // "01-Feb-02", "B-52"
                    return self.buf[k..j].iter().any(|x| x.1.is_alphabetic())
                        == self.buf[k..j].iter().any(|x| is_digit(x.1))
                        || seg_start != k
                        || is_digit(nx) && self.buf[k..j].iter().any(|x| is_digit(x.1));
                }
                // "e-mail", "co-workers": decided by the first part.
                if seg_start != k {
                    // A later hyphen of a word kept whole so far: decide on its own part.
                    self.lower_range(text, seg_start, j);
                } else {
                    self.lower_range(text, k, j);
                }
                self.d.hyphen_keep.contains(self.lower.as_str())
            }
            Lang::Fr => {
                // "celui-là", "celle-ci" stay whole; "ce jour-là" splits like "dit-il".
                let short = j - k <= 6;
                if short {
                    self.lower_range(text, k, j);
                }
                short && matches!(self.lower.as_str(), "celui" | "celle" | "ceux" | "celles")
                    || self.french_clitic_at(text, j).is_none()
            }
            _ => true,
        }
    }

    /// French: if a pronoun such as "-il", "-t-elle" starts at the hyphen `j`, its end.
    fn french_clitic_at(&mut self, text: &str, j: usize) -> Option<usize> {
        let n = self.buf.len();
        let word_end = |from: usize, buf: &[(usize, char)]| {
            let mut e = from;
            while e < n && is_word(buf[e].1) {
                e += 1;
            }
            e
        };
        let e1 = word_end(j + 1, &self.buf);
        if e1 == j + 1 {
            return None;
        }
        // "-t-il": try the two-part pronoun first.
        if self.ch(e1) == Some('-') {
            let e2 = word_end(e1 + 1, &self.buf);
            if e2 > e1 + 1 {
                self.lower_range(text, j + 1, e2);
                if self.d.hyphen_clitics.contains(self.lower.as_str())
                    && !(self.ch(e2) == Some('-') && self.ch(e2 + 1).is_some_and(is_word))
                {
                    return Some(e2);
                }
            }
            if self.ch(e1 + 1).is_some_and(is_word) {
                // "-la-bas"...: a longer compound, not a pronoun.
                self.lower_range(text, j + 1, e1);
                if self.lower != "t" {
                    return None;
                }
            }
        }
        self.lower_range(text, j + 1, e1);
        if self.d.hyphen_clitics.contains(self.lower.as_str()) {
            Some(e1)
        } else {
            None
        }
    }

    /// Does the '.' at `j` end the word buf[k..j]?
    fn takes_dot(&mut self, text: &str, k: usize, j: usize) -> bool {
        let s = self.buf.get(k).map_or(0, |x| x.0);
        let e = self.end_of(j);
        let with_dot = text.get(s..e).unwrap_or("");
        if self.d.abbrevs.contains_key(with_dot) {
            return true;
        }
        self.lower_range(text, k, j + 1);
        if self.d.abbrevs_lower.contains_key(self.lower.as_str()) {
            return true;
        }
        let word = &self.buf[k..j];
        // Initials: "J." (one capital letter).
        if word.len() == 1 && word[0].1.is_uppercase() {
            return true;
        }
        // "U.S", "e.g", "EE.UU": letters in short groups joined by dots.
        if word.iter().any(|x| x.1 == '.') {
            let mut seg = 0;
            for &(_, c) in word {
                if c == '.' {
                    seg = 0;
                } else if c.is_alphabetic() {
                    seg += 1;
                    if seg > 3 {
                        return false;
                    }
                } else {
                    return false;
                }
            }
            return true;
        }
        false
    }

    /// The end of the punctuation or symbol token starting at `k`.
    fn scan_punct(&mut self, text: &str, k: usize, prev_word: bool) -> usize {
        let n = self.buf.len();
        let c = self.buf[k].1;
        let nx = self.ch(k + 1);
        // French "-il" after a verb.
        if c == '-'
            && prev_word
            && self.lang == Lang::Fr
            && let Some(e) = self.french_clitic_at(text, k)
        {
            return e;
        }
        // Emoticons (not inside words).
        if !prev_word && matches!(c, ':' | ';' | '<' | '=' | '^' | 'X') {
            for e in EMOTICONS {
                let len = e.chars().count();
                if k + len <= n
                    && self.buf[k..k + len].iter().map(|x| x.1).eq(e.chars())
                    && self.ch(k + len).is_none_or(|x| !is_word(x))
                {
                    return k + len;
                }
            }
        }
        // A sign before a number ("-0,8"), not after a word.
        if matches!(c, '-' | '+' | '−') && !prev_word && nx.is_some_and(|x| x.is_ascii_digit()) {
            let mut j = k + 1;
            while j < n {
                let x = self.buf[j].1;
                if x.is_ascii_digit() {
                    j += 1;
                } else if matches!(x, '.' | ',')
                    && self.ch(j + 1).is_some_and(|y| y.is_ascii_digit())
                {
                    j += 2;
                } else {
                    break;
                }
            }
            return j;
        }
        // "'67" (a year).
        if matches!(c, '\'' | '’')
            && !prev_word
            && self.ch(k + 1).is_some_and(|x| x.is_ascii_digit())
            && self.ch(k + 2).is_some_and(|x| x.is_ascii_digit())
            && !self
                .ch(k + 3)
                .is_some_and(|x| x.is_ascii_digit() || x == '\'' || x == '’')
        {
            let mut j = k + 3;
            // "'60s"
            if self.ch(j) == Some('s') && !self.ch(j + 1).is_some_and(is_word) {
                j += 1;
            }
            return j;
        }
        // Hashtags and mentions.
        if matches!(c, '#' | '@') && !prev_word && nx.is_some_and(|x| x.is_alphabetic()) {
            let mut j = k + 1;
            while j < n && (is_word(self.buf[j].1) || self.buf[j].1 == '_') {
                j += 1;
            }
            return j;
        }
        // "+/-", "°C".
        if c == '+' && self.ch(k + 1) == Some('/') && self.ch(k + 2) == Some('-') {
            return k + 3;
        }
        if c == '°'
            && matches!(self.ch(k + 1), Some('C') | Some('F'))
            && !self.ch(k + 2).is_some_and(is_word)
        {
            return k + 2;
        }
        // Runs: "...", "?!", "--", "***".
        let mut j = k + 1;
        if self.lang == Lang::En && matches!(c, '.' | '!' | '?') {
            // English web text: ".?", "!.." are one token in EWT.
            while j < n && matches!(self.buf[j].1, '.' | '!' | '?') {
                j += 1;
            }
        } else if matches!(c, '!' | '?') {
            while j < n && matches!(self.buf[j].1, '!' | '?') {
                j += 1;
            }
        } else if c == '.' {
            while j < n && self.buf[j].1 == '.' {
                j += 1;
            }
        } else if matches!(c, '-' | '*' | '=' | '_' | '~' | '+' | '—' | '–') {
            while j < n && self.buf[j].1 == c {
                j += 1;
            }
        }
        // Marks and joiners after a symbol (emoji sequences) stay with it.
        while j < n && is_joiner(self.buf[j].1) {
            let zwj = self.buf[j].1 == '\u{200D}';
            j += 1;
            if zwj && j < n && !is_word(self.buf[j].1) && !self.buf[j].1.is_whitespace() {
                j += 1;
            }
        }
        j
    }
}
