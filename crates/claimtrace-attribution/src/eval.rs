//! PolNeAR (brat standoff) and CofeNet paragraph readers, and the CofeNet span metric
//! (exact, begin and Jaccard match per role), restated from the paper's description.

#![allow(clippy::needless_range_loop)]

use std::path::Path;

pub const ROLES: [&str; 3] = ["source", "cue", "content"];

/// One CofeNet paragraph: PTB tokens with BIO labels over source / cue / content.
#[derive(Debug, Clone)]
pub struct Para {
    pub id: String,
    pub tokens: Vec<String>,
    pub labels: Vec<String>,
}

/// Reads CofeNet's JSON Lines (`tokens`, `labels`, `id`).
pub fn read_cofenet(path: &Path) -> Result<Vec<Para>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let strs = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .map(|x| x.as_str().unwrap_or("").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let tokens = strs("tokens");
        let mut labels = strs("labels");
        labels.resize(tokens.len(), "O".into());
        out.push(Para {
            id: v
                .get("id")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_owned(),
            tokens,
            labels,
        });
    }
    Ok(out)
}

/// Joins PTB tokens into text as news text is written (and as the model's training text,
/// PolNeAR's own articles, reads): brackets restored, quote marks with the direction PTB
/// gives them (`` → “, '' → ”), no space before closing punctuation and clitics or after
/// opening quotes and brackets ([`spaced`]); byte range of each token. (Joining every token
/// with a space and straight quotes, as before 07 Dec, scored the same model 74.3 / 69.7 /
/// 58.0 exact F1 on dev instead of 75.6 / 69.9 / 59.4.)
pub fn detok(tokens: &[String]) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut offs = Vec::with_capacity(tokens.len());
    let mut prev = "";
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 && spaced(prev, t) {
            text.push(' ');
        }
        prev = t.as_str();
        let s = match t.as_str() {
            "``" => "\u{201c}",
            "''" => "\u{201d}",
            "`" => "'",
            "-LRB-" => "(",
            "-RRB-" => ")",
            "-LSB-" => "[",
            "-RSB-" => "]",
            "-LCB-" => "{",
            "-RCB-" => "}",
            x => x,
        };
        let st = text.len();
        text.push_str(s);
        offs.push((st, text.len()));
    }
    (text, offs)
}

/// Whether the detokenised text has a space between the PTB tokens `prev` and `t`: not
/// before closing punctuation, a closing quote or a clitic ("n't", "'s"), not after an
/// opening quote or bracket (as news text is written, and as the training text reads).
fn spaced(prev: &str, t: &str) -> bool {
    const CLITICS: [&str; 7] = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];
    let closes = matches!(
        t,
        "," | "." | ";" | ":" | "!" | "?" | "%" | "''" | "-RRB-" | "-RSB-" | "-RCB-"
    );
    let t_ascii = t.replace('\u{2019}', "'");
    let clitic = CLITICS.iter().any(|c| t_ascii.eq_ignore_ascii_case(c));
    let opens = matches!(prev, "``" | "-LRB-" | "-LSB-" | "-LCB-" | "$");
    !(closes || clitic || opens)
}

/// Contiguous spans (start, end exclusive) of a role in BIO labels.
pub fn role_spans(labels: &[String], role: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<usize> = None;
    for (i, l) in labels.iter().enumerate() {
        let (bio, r) = l.split_once('-').unwrap_or(("O", ""));
        let inside = r == role && (bio == "B" || bio == "I");
        match (cur, inside, bio) {
            (Some(s), true, "B") => {
                out.push((s, i));
                cur = Some(i);
            }
            (Some(_), true, _) => {}
            (Some(s), false, _) => {
                out.push((s, i));
                cur = None;
            }
            (None, true, _) => cur = Some(i),
            (None, false, _) => {}
        }
    }
    if let Some(s) = cur {
        out.push((s, labels.len()));
    }
    out
}

/// Counts for one role.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoleCounts {
    pub gold: usize,
    pub pred: usize,
    pub exact: usize,
    pub begin: usize,
    /// Sum over gold spans of their best Jaccard overlap with a predicted span.
    pub jac_gold: f64,
    /// Sum over predicted spans of their best Jaccard overlap with a gold span.
    pub jac_pred: f64,
}

fn prf(tp_p: f64, tp_r: f64, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 { 0.0 } else { tp_p / pred as f64 };
    let r = if gold == 0 { 0.0 } else { tp_r / gold as f64 };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

impl RoleCounts {
    pub fn exact_prf(&self) -> (f64, f64, f64) {
        prf(self.exact as f64, self.exact as f64, self.pred, self.gold)
    }
    pub fn begin_prf(&self) -> (f64, f64, f64) {
        prf(self.begin as f64, self.begin as f64, self.pred, self.gold)
    }
    pub fn jaccard_prf(&self) -> (f64, f64, f64) {
        prf(self.jac_pred, self.jac_gold, self.pred, self.gold)
    }
}

fn jaccard(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// The three roles' counts over a split.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub roles: [RoleCounts; 3],
    pub paragraphs: usize,
    pub tokens: usize,
}

impl Scores {
    /// Adds one paragraph (gold and predicted labels over the same tokens).
    pub fn add(&mut self, gold: &[String], pred: &[String]) {
        self.paragraphs += 1;
        self.tokens += gold.len();
        for (k, role) in ROLES.iter().enumerate() {
            let g = role_spans(gold, role);
            let p = role_spans(pred, role);
            let Some(c) = self.roles.get_mut(k) else {
                continue;
            };
            c.gold += g.len();
            c.pred += p.len();
            c.exact += p.iter().filter(|x| g.contains(x)).count();
            c.begin += p.iter().filter(|x| g.iter().any(|y| y.0 == x.0)).count();
            for x in &g {
                c.jac_gold += p.iter().map(|y| jaccard(*x, *y)).fold(0.0, f64::max);
            }
            for x in &p {
                c.jac_pred += g.iter().map(|y| jaccard(*x, *y)).fold(0.0, f64::max);
            }
        }
    }

    /// A table: role, P/R/F1 exact, F1 begin, F1 Jaccard.
    pub fn report(&self) -> String {
        let mut s = String::from(
            "role     exact P   exact R   exact F1 | begin F1 | jaccard F1 | gold  pred\n",
        );
        for (k, role) in ROLES.iter().enumerate() {
            if let Some(c) = self.roles.get(k) {
                let (p, r, f) = c.exact_prf();
                s.push_str(&format!(
                    "{role:<8} {:>7.3}   {:>7.3}   {:>8.3} | {:>8.3} | {:>10.3} | {:>5} {:>5}\n",
                    p,
                    r,
                    f,
                    c.begin_prf().2,
                    c.jaccard_prf().2,
                    c.gold,
                    c.pred
                ));
            }
        }
        s
    }
}

/// Projects character-level role spans (byte ranges in `text`) onto tokens given by byte
/// ranges: BIO labels, a token taking the role of the first span it overlaps.
pub fn project(spans: &[(usize, usize, usize)], offs: &[(usize, usize)]) -> Vec<String> {
    let mut labels = vec!["O".to_string(); offs.len()];
    let mut owner: Vec<Option<usize>> = vec![None; offs.len()];
    for (si, &(s, e, role)) in spans.iter().enumerate() {
        let Some(rname) = ROLES.get(role) else {
            continue;
        };
        let mut first = true;
        for (ti, &(ts, te)) in offs.iter().enumerate() {
            if ts < e && s < te && owner.get(ti).is_some_and(|o| o.is_none()) {
                if let Some(l) = labels.get_mut(ti) {
                    *l = format!("{}-{rname}", if first { "B" } else { "I" });
                }
                if let Some(o) = owner.get_mut(ti) {
                    *o = Some(si);
                }
                first = false;
            }
        }
    }
    labels
}

/// One PolNeAR attribution: char ranges (code points) per role.
#[derive(Debug, Clone, Default)]
pub struct AnnAttribution {
    pub source: Vec<(usize, usize)>,
    pub cue: Vec<(usize, usize)>,
    pub content: Vec<(usize, usize)>,
}

/// A PolNeAR article: text and the attributions of one annotation file.
#[derive(Debug, Clone)]
pub struct Article {
    pub name: String,
    pub text: String,
    pub attributions: Vec<AnnAttribution>,
}

/// Parses a brat `.ann` file (text-bound spans and E records; notes and flags ignored).
pub fn parse_ann(ann: &str) -> Vec<AnnAttribution> {
    use std::collections::HashMap;
    let mut spans: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut events = Vec::new();
    for line in ann.lines() {
        let mut f = line.splitn(3, '\t');
        let (Some(id), Some(body)) = (f.next(), f.next()) else {
            continue;
        };
        if id.starts_with('T') {
            let mut parts = body.splitn(2, ' ');
            let _label = parts.next();
            let ranges = parts.next().unwrap_or("");
            let mut rs = Vec::new();
            for r in ranges.split(';') {
                let mut n = r.split_whitespace().filter_map(|x| x.parse::<usize>().ok());
                if let (Some(a), Some(b)) = (n.next(), n.next())
                    && a <= b
                {
                    rs.push((a, b));
                }
            }
            spans.insert(id, rs);
        } else if id.starts_with('E') {
            events.push(body);
        }
    }
    let mut out = Vec::new();
    for body in events {
        let mut a = AnnAttribution::default();
        for item in body.split(' ').filter(|x| !x.is_empty()) {
            let Some((role, t)) = item.split_once(':') else {
                continue;
            };
            let rs = spans.get(t).cloned().unwrap_or_default();
            match role {
                "Source" => a.source.extend(rs),
                "Cue" => a.cue.extend(rs),
                "Content" | "Content2" => a.content.extend(rs),
                _ => {}
            }
        }
        out.push(a);
    }
    out
}

/// Reads a PolNeAR compartment (`train`, `dev`…): each article with its alphabetically first
/// annotation file.
pub fn read_polnear(dir: &Path) -> Result<Vec<Article>, String> {
    let tdir = dir.join("text");
    let adir = dir.join("attributions");
    let mut names: Vec<String> = std::fs::read_dir(&tdir)
        .map_err(|e| format!("{}: {e}", tdir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut anns: Vec<String> = std::fs::read_dir(&adir)
        .map_err(|e| format!("{}: {e}", adir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    let mut out = Vec::new();
    for n in names {
        let stem = n.trim_end_matches(".txt");
        let prefix = format!("{stem}_");
        let Some(ann) = anns.iter().find(|a| {
            a.strip_prefix(&prefix)
                .is_some_and(|rest| rest.len() == 8 && rest.ends_with(".ann"))
        }) else {
            continue;
        };
        let text = std::fs::read_to_string(tdir.join(&n)).map_err(|e| format!("{n}: {e}"))?;
        let a = std::fs::read_to_string(adir.join(ann)).map_err(|e| format!("{ann}: {e}"))?;
        out.push(Article {
            name: stem.to_owned(),
            text,
            attributions: parse_ann(&a),
        });
    }
    Ok(out)
}

/// Char (code point) offset → byte offset table for a text (length + 1 entries).
pub fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// Role spans (byte ranges; 0 source, 1 cue, 2 content) predicted for a text: by the tagger
/// when given, else by the rules.
pub fn predict_spans(
    att: &crate::Attributor,
    model: Option<&crate::tagger::Model>,
    text: &str,
    lang: &'static str,
    words: &[claimtrace_core::Token],
) -> Vec<(usize, usize, usize)> {
    let an = att.analyse_parsed(text, lang, words);
    if let Some(m) = model {
        return m.predict(att, &an, text);
    }
    let mut out = Vec::new();
    let sp = |r: (usize, usize)| -> Option<(usize, usize)> {
        let s = an.toks.get(r.0)?.start;
        let e = an.toks.get(r.1.checked_sub(1)?)?.end;
        (s < e).then_some((s, e))
    };
    for c in &an.cands {
        if let Some(s) = c.source.and_then(sp) {
            out.push((s.0, s.1, 0));
        }
        if let Some(s) = sp(c.cue) {
            out.push((s.0, s.1, 1));
        }
        if c.parent.is_none()
            && let Some(s) = sp(c.content)
        {
            out.push((s.0, s.1, 2));
        }
    }
    out
}

/// The linguistic core run on one text: its words with tags, lemmas and dependency tree.
pub type ParseFn<'a> = &'a dyn Fn(&str) -> Vec<claimtrace_core::Token>;

/// Scores a system on CofeNet paragraphs: each paragraph is detokenised ([`detok`]),
/// annotated, and the predicted spans projected back onto its tokens.
pub fn eval_cofenet(
    att: &crate::Attributor,
    model: Option<&crate::tagger::Model>,
    paras: &[Para],
    parse: Option<ParseFn<'_>>,
) -> Scores {
    eval_cofenet_raw(att, model, paras, &[], parse).0
}

/// A paragraph's text and the byte range of each of its tokens in it.
pub type TextOffs = (String, Vec<(usize, usize)>);

/// The written forms a PTB token may have in the original text.
fn surfaces(t: &str) -> Vec<String> {
    let fixed: &[&str] = match t {
        "``" => &["\u{201c}", "\"", "``", "''", "\u{2018}", "'"],
        "''" => &["\u{201d}", "\"", "''", "\u{2019}", "'"],
        "`" => &["\u{2018}", "'", "`"],
        "'" => &["\u{2019}", "'"],
        "-LRB-" => &["(", "["],
        "-RRB-" => &[")", "]"],
        "-LSB-" => &["[", "("],
        "-RSB-" => &["]", ")"],
        "-LCB-" => &["{"],
        "-RCB-" => &["}"],
        "--" => &["--", "\u{2014}", "\u{2013}", "-"],
        "..." => &["...", "\u{2026}", ". . ."],
        _ => &[],
    };
    let mut out: Vec<String> = fixed.iter().map(|x| x.to_string()).collect();
    out.push(t.to_string());
    if t.contains('\'') {
        out.push(t.replace('\'', "\u{2019}"));
    }
    if t.contains('\u{a0}') {
        out.push(t.replace('\u{a0}', " "));
    }
    out
}

/// Matches the tokens (each as its [`surfaces`]) in order in `text` from byte `at`
/// (whitespace between them skipped): the byte range of each, or None at the first word that
/// is not there. A token of punctuation only that is not there (the PTB tokenizer adds some)
/// gets an empty range.
fn match_tokens(text: &str, mut at: usize, toks: &[Vec<String>]) -> Option<Vec<(usize, usize)>> {
    let mut offs = Vec::with_capacity(toks.len());
    for forms in toks {
        let rest = text.get(at..)?;
        let here = at + (rest.len() - rest.trim_start().len());
        let found = forms.iter().find_map(|sf| {
            text.get(here..)
                .filter(|r| r.starts_with(sf.as_str()))
                .map(|_| (here, here + sf.len()))
        });
        // a word: the token has a letter or digit (so has every form of it)
        let word = forms.iter().any(|f| f.chars().any(char::is_alphanumeric));
        match found {
            Some(r) => {
                offs.push(r);
                at = r.1;
            }
            None if !word => offs.push((here, here)),
            None => return None,
        }
    }
    Some(offs)
}

/// The paragraphs as their article's own text (`<dir>/text/<article>.txt`, the article being
/// the paragraph id without its `_<annotator>` tail) instead of detokenised: per paragraph,
/// the text from its first token to its last and the byte range of each token in it, or None
/// where its tokens could not be found in order (then [`detok`] serves: 61 of the 1,925 dev
/// paragraphs). The data's README allows either for the published comparison; this is the
/// text the model trains on and the product reads.
pub fn raw_paragraphs(dir: &Path, paras: &[Para]) -> Vec<Option<TextOffs>> {
    let mut out = Vec::with_capacity(paras.len());
    let mut article = String::new();
    let mut text = String::new();
    let mut cursor = 0usize;
    for p in paras {
        let name = p.id.rsplit_once('_').map_or(p.id.as_str(), |x| x.0);
        if name != article {
            article = name.to_string();
            text = std::fs::read_to_string(dir.join("text").join(format!("{name}.txt")))
                .unwrap_or_default();
            cursor = 0;
        }
        // the paragraph starts at an occurrence of its first word (from its line's start
        // when punctuation comes first); the first occurrence that matches wins
        let k = p
            .tokens
            .iter()
            .position(|t| t.chars().any(char::is_alphanumeric))
            .unwrap_or(0);
        // every token's written forms, once per paragraph (tried at each candidate start)
        let forms: Vec<Vec<String>> = p.tokens.iter().map(|t| surfaces(t)).collect();
        let first = forms.get(k).cloned().unwrap_or_default();
        let mut pos = cursor;
        let mut found = None;
        for _ in 0..200 {
            let Some(j) = first
                .iter()
                .filter_map(|sf| text.get(pos..).and_then(|r| r.find(sf.as_str())))
                .min()
                .map(|x| x + pos)
            else {
                break;
            };
            let st = if k > 0 {
                let ls = text
                    .get(..j)
                    .and_then(|x| x.rfind('\n'))
                    .map_or(0, |x| x + 1);
                ls.max(cursor)
            } else {
                j
            };
            if let Some(offs) = match_tokens(&text, st, &forms) {
                found = Some(offs);
                break;
            }
            pos = j + text
                .get(j..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        }
        let Some(offs) = found.filter(|o| !o.is_empty()) else {
            out.push(None);
            continue;
        };
        let (first, last) = (
            offs.first().map_or(0, |x| x.0),
            offs.last().map_or(0, |x| x.1),
        );
        cursor = last;
        // exactly the paragraph's tokens (no more of the line: no context the tokens lack)
        let para = text.get(first..last).unwrap_or("").to_string();
        let offs = offs
            .into_iter()
            .map(|(a, b)| (a.saturating_sub(first), b.saturating_sub(first)))
            .collect();
        out.push(Some((para, offs)));
    }
    out
}

/// [`eval_cofenet`] on each paragraph's own text where [`raw_paragraphs`] found it (else
/// detokenised); also returns how many paragraphs were read from the original text.
pub fn eval_cofenet_raw(
    att: &crate::Attributor,
    model: Option<&crate::tagger::Model>,
    paras: &[Para],
    raw: &[Option<TextOffs>],
    parse: Option<ParseFn<'_>>,
) -> (Scores, usize) {
    let mut s = Scores::default();
    let mut n = 0;
    for (i, p) in paras.iter().enumerate() {
        let built;
        let (text, offs): (&str, &[(usize, usize)]) = match raw.get(i) {
            Some(Some((t, o))) => {
                n += 1;
                (t, o)
            }
            _ => {
                built = detok(&p.tokens);
                (&built.0, &built.1)
            }
        };
        let words = parse.map(|f| f(text)).unwrap_or_default();
        let spans = predict_spans(att, model, text, "en", &words);
        let pred = project(&spans, offs);
        s.add(&p.labels, &pred);
    }
    (s, n)
}

/// Training units from a PolNeAR compartment: one per paragraph (line), with the gold role
/// spans as byte ranges into the paragraph.
pub fn units_from_polnear(arts: &[Article]) -> Vec<crate::tagger::Unit> {
    let mut out = Vec::new();
    for a in arts {
        let c2b = char_to_byte(&a.text);
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        for at in &a.attributions {
            for (role, rs) in [(0, &at.source), (1, &at.cue), (2, &at.content)] {
                for &(s, e) in rs {
                    if let (Some(&bs), Some(&be)) = (c2b.get(s), c2b.get(e)) {
                        spans.push((bs, be, role));
                    }
                }
            }
        }
        let mut start = 0;
        for line in a.text.split('\n') {
            let end = start + line.len();
            if !line.trim().is_empty() {
                let sp: Vec<(usize, usize, usize)> = spans
                    .iter()
                    .filter(|(s, e, _)| *s < end && *e > start)
                    .map(|&(s, e, r)| (s.max(start) - start, e.min(end) - start, r))
                    .collect();
                out.push((line.to_owned(), sp));
            }
            start = end + 1;
        }
    }
    out
}

/// Where each byte of `derived` lies in `orig`, when `derived` was made from `orig` by
/// dropping a part (a title line) and changing whitespace (lines rejoined, spaces trimmed), as
/// a reader does with a text file: `derived.len() + 1` entries (the last one is the end).
/// A character of `derived` is matched with its next occurrence in `orig`; whitespace in
/// `derived` maps to where `orig` stands.
pub fn align(derived: &str, orig: &str) -> Vec<usize> {
    let mut map = vec![0usize; derived.len() + 1];
    let ob = orig.as_bytes();
    let mut j = 0usize;
    for (i, c) in derived.char_indices() {
        if c.is_whitespace() {
            if let Some(x) = map.get_mut(i..i + c.len_utf8()) {
                x.fill(j);
            }
            if orig
                .get(j..)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_whitespace)
            {
                j += orig
                    .get(j..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
            }
            continue;
        }
        let mut buf = [0u8; 4];
        let pat = c.encode_utf8(&mut buf).as_bytes();
        let at = orig
            .get(j..)
            .and_then(|r| r.find(c))
            .map(|k| j + k)
            .filter(|&k| ob.get(k..k + pat.len()) == Some(pat));
        let k = at.unwrap_or(j);
        for (d, x) in map.iter_mut().skip(i).take(c.len_utf8()).enumerate() {
            *x = k + d;
        }
        j = if at.is_some() { k + pat.len() } else { j };
    }
    if let Some(x) = map.last_mut() {
        *x = j;
    }
    map
}

/// Byte ranges of a text's words for article scoring: runs of letters and digits, and every
/// other non-space character on its own (the same cut for gold and predicted spans).
pub fn word_offsets(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            run.get_or_insert(i);
            continue;
        }
        if let Some(s) = run.take() {
            out.push((s, i));
        }
        if !c.is_whitespace() {
            out.push((i, i + c.len_utf8()));
        }
    }
    if let Some(s) = run {
        out.push((s, text.len()));
    }
    out
}

/// The gold role spans of a PolNeAR article as byte ranges into its text (0 source, 1 cue,
/// 2 content; a discontinuous span gives one range per part).
pub fn gold_spans(a: &Article) -> Vec<(usize, usize, usize)> {
    let c2b = char_to_byte(&a.text);
    let mut spans = Vec::new();
    for at in &a.attributions {
        for (role, rs) in [(0, &at.source), (1, &at.cue), (2, &at.content)] {
            for &(s, e) in rs {
                if let (Some(&bs), Some(&be)) = (c2b.get(s), c2b.get(e)) {
                    spans.push((bs, be, role));
                }
            }
        }
    }
    spans
}

/// Adds one whole article to `scores`: gold and predicted spans (byte ranges into the
/// article's text) projected onto its words ([`word_offsets`]), the article as one unit.
pub fn add_article(
    scores: &mut Scores,
    text: &str,
    gold: &[(usize, usize, usize)],
    pred: &[(usize, usize, usize)],
) {
    let offs = word_offsets(text);
    scores.add(&project(gold, &offs), &project(pred, &offs));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn article_alignment() {
        let orig = "A Title Line\n\nFirst  line said\nhere.\n\nSecond “one”.";
        let derived = "First line said here.\n\nSecond “one”.";
        let m = align(derived, orig);
        let at = |needle: &str| {
            let i = derived.find(needle).unwrap();
            (m[i], m[i + needle.len()])
        };
        let (a, b) = at("said here");
        assert_eq!(&orig[a..b], "said\nhere");
        let (a, b) = at("“one”");
        assert_eq!(&orig[a..b], "“one”");
        let w = word_offsets("He said, “no.”");
        let ws: Vec<&str> = w.iter().map(|&(a, b)| &"He said, “no.”"[a..b]).collect();
        assert_eq!(ws, ["He", "said", ",", "“", "no", ".", "”"]);
    }

    #[test]
    fn metric() {
        let gold = l("B-source I-source B-cue B-content I-content I-content O");
        let pred = l("B-source I-source B-cue B-content I-content O O");
        let mut s = Scores::default();
        s.add(&gold, &pred);
        assert_eq!(s.roles[0].exact, 1);
        assert_eq!(s.roles[2].exact, 0);
        assert_eq!(s.roles[2].begin, 1);
        assert!((s.roles[2].jac_gold - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            role_spans(&l("I-cue I-cue O B-cue"), "cue"),
            vec![(0, 2), (3, 4)]
        );
    }

    #[test]
    fn ann() {
        let a = parse_ann(
            "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 20;22 31\tx\nT4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 \n#1\tAnnotatorNotes T1\tx",
        );
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].content, vec![(15, 20), (22, 31)]);
        assert_eq!(a[0].source, vec![(0, 9)]);
    }

    #[test]
    fn raw_paragraphs_found_in_the_article() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("text")).unwrap();
        std::fs::write(
            dir.path().join("text/a_2016.txt"),
            "Headline\n\n\u{201c}Yes,\u{201d} he said \u{2014} twice.\n\nThe mayor couldn't (or wouldn't) pay.\n",
        )
        .unwrap();
        let para = |id: &str, t: &str| Para {
            id: id.to_string(),
            tokens: l(t),
            labels: Vec::new(),
        };
        let paras = [
            para("a_2016_x1", "`` Yes , '' he said -- twice ."),
            para(
                "a_2016_x1",
                "The mayor could n't -LRB- or would n't -RRB- pay .",
            ),
            para("a_2016_x1", "Not in the text ."),
        ];
        let raw = raw_paragraphs(dir.path(), &paras);
        let (t0, o0) = raw[0].clone().unwrap();
        assert_eq!(t0, "\u{201c}Yes,\u{201d} he said \u{2014} twice.");
        assert_eq!(&t0[o0[6].0..o0[6].1], "\u{2014}");
        let (t1, o1) = raw[1].clone().unwrap();
        assert_eq!(&t1[o1[3].0..o1[3].1], "n't");
        assert_eq!(&t1[o1[4].0..o1[4].1], "(");
        assert!(raw[2].is_none());
    }

    #[test]
    fn projection() {
        let (text, offs) = detok(&l("`` Yes '' , he said ."));
        // quote marks keep their direction; punctuation and quotes attach as written
        assert_eq!(text, "\u{201c}Yes\u{201d}, he said.");
        let (t2, _) = detok(&l("He could n't -LRB- or would n't -RRB- pay $ 5 ."));
        assert_eq!(t2, "He couldn't (or wouldn't) pay $5.");
        let labels = project(
            &[(offs[4].0, offs[4].1, 0), (offs[5].0, offs[5].1, 1)],
            &offs,
        );
        assert_eq!(labels[4], "B-source");
        assert_eq!(labels[5], "B-cue");
    }
}
