//! Lemma rewrite rules learned from the treebank (a flat form of the edit trees of UDPipe and
//! spaCy's lemmatizer): optionally lowercase the form, remove a suffix, append a string.
//! "stressed" → (keep, -"ed", +""), "dijo" → (keep, -"ijo", +"ecir"), "The" → (lower, -"", +"").

/// One rewrite rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Rule {
    /// Lowercase the form first.
    pub lower: bool,
    /// The suffix removed (must end the, possibly lowercased, form).
    pub del: String,
    /// The string appended.
    pub add: String,
}

pub(crate) fn lowercase_into(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn rule_for(base: &str, lemma: &str, lower: bool) -> Rule {
    let mut lcp = 0;
    for ((i, a), b) in base.char_indices().zip(lemma.chars()) {
        if a != b {
            break;
        }
        lcp = i + a.len_utf8();
    }
    Rule {
        lower,
        del: base.get(lcp..).unwrap_or("").to_string(),
        add: lemma.get(lcp..).unwrap_or("").to_string(),
    }
}

/// The simplest rule turning `form` into `lemma`.
pub fn derive(form: &str, lemma: &str) -> Rule {
    let keep = rule_for(form, lemma, false);
    let mut low = String::new();
    lowercase_into(form, &mut low);
    if low == form {
        return keep;
    }
    let lowr = rule_for(&low, lemma, true);
    let cost = |r: &Rule| r.del.chars().count() + r.add.chars().count();
    if cost(&lowr) < cost(&keep) {
        lowr
    } else {
        keep
    }
}

/// Applies `rule` to `form` into `out`; false when the rule does not fit the form.
pub fn apply(rule: &Rule, form: &str, lower_buf: &mut String, out: &mut String) -> bool {
    out.clear();
    let base = if rule.lower {
        lowercase_into(form, lower_buf);
        lower_buf.as_str()
    } else {
        form
    };
    let Some(stem) = base.strip_suffix(rule.del.as_str()) else {
        return false;
    };
    out.push_str(stem);
    out.push_str(&rule.add);
    !out.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(form: &str, lemma: &str) -> Rule {
        let r = derive(form, lemma);
        let (mut a, mut b) = (String::new(), String::new());
        assert!(apply(&r, form, &mut a, &mut b), "{form} {lemma} {r:?}");
        assert_eq!(b, lemma);
        r
    }

    #[test]
    fn rules() {
        assert_eq!(roundtrip("stressed", "stress").del, "ed");
        let r = roundtrip("dijo", "decir");
        assert_eq!((r.del.as_str(), r.add.as_str()), ("ijo", "ecir"));
        roundtrip("déclaré", "déclarer");
        assert_eq!(roundtrip("reportedly", "reportedly"), Rule::default());
        assert!(roundtrip("The", "the").lower);
        assert!(!roundtrip("Obama", "Obama").lower);
        roundtrip("ÉTAIT", "être");
        roundtrip("was", "be");
        let r = derive("stressed", "stress");
        let (mut a, mut b) = (String::new(), String::new());
        assert!(apply(&r, "dressed", &mut a, &mut b));
        assert_eq!(b, "dress");
        assert!(!apply(&r, "dress", &mut a, &mut b));
    }
}
