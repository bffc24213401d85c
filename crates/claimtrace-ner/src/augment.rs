//! Mention replacement: copies of training sentences in which each entity is replaced by a
//! random name of the same type from the name lists, so that the model learns what list
//! matches mean instead of memorising the few names of a small training set.

use crate::Resources;
use crate::gazetteer::Cat;
use claimtrace_ml::iob2;

fn next(rng: &mut u64) -> u64 {
    use claimtrace_ml::rng::Rng;
    let mut x = claimtrace_ml::rng::XorShift64(*rng);
    let v = x.next_u64();
    *rng = x.0;
    v
}

fn pick<'a>(v: &'a [&'a str], rng: &mut u64) -> &'a str {
    if v.is_empty() {
        return "X";
    }
    v[(next(rng) % v.len() as u64) as usize]
}

fn entries(res: &Resources, cats: &[Cat]) -> Vec<String> {
    let mut out = Vec::new();
    for (c, text) in &res.lists {
        if cats.contains(c) {
            for l in text.lines() {
                let l = l.trim();
                if !l.is_empty() && !l.starts_with('#') {
                    out.push(l.to_string());
                }
            }
        }
    }
    out
}

/// The original sentences followed by `copies` augmented copies of each one that has entities.
pub fn augment(
    train: &[iob2::Sentence],
    res: &Resources,
    copies: usize,
    rng: &mut u64,
) -> Vec<iob2::Sentence> {
    let locs = entries(res, &[Cat::Place, Cat::Country, Cat::Admin1]);
    let firsts = entries(res, &[Cat::First]);
    let lasts = entries(res, &[Cat::Last]);
    let orgs = entries(res, &[Cat::OrgKnown]);
    let sufs = entries(res, &[Cat::OrgSuffix]);
    let locs: Vec<&str> = locs.iter().map(String::as_str).collect();
    let firsts: Vec<&str> = firsts.iter().map(String::as_str).collect();
    let lasts: Vec<&str> = lasts.iter().map(String::as_str).collect();
    let orgs: Vec<&str> = orgs.iter().map(String::as_str).collect();
    let sufs: Vec<&str> = sufs.iter().map(String::as_str).collect();
    let mut out: Vec<iob2::Sentence> = train.to_vec();
    if copies == 0 {
        return out;
    }
    for s in train {
        let spans = iob2::spans(&s.tags);
        if spans.is_empty() {
            continue;
        }
        for _ in 0..copies {
            let mut words = Vec::with_capacity(s.words.len());
            let mut tags = Vec::with_capacity(s.words.len());
            let mut i = 0;
            for (a, b, label) in &spans {
                while i < *a {
                    words.push(s.words[i].clone());
                    tags.push(s.tags[i].clone());
                    i += 1;
                }
                let orig = &s.words[*a..*b];
                // Keep some originals so the real contexts of real names stay.
                let keep = next(rng).is_multiple_of(4);
                let name: String = if keep {
                    orig.join(" ")
                } else {
                    match label.as_str() {
                        "LOC" => pick(&locs, rng).to_string(),
                        "PER" => match next(rng) % 8 {
                            0 | 1 => pick(&lasts, rng).to_string(),
                            2 => pick(&firsts, rng).to_string(),
                            // Names with particles ("Abu X al Y", "X bin Y").
                            3 => format!(
                                "{} {} {} {}",
                                pick(&firsts, rng),
                                pick(&firsts, rng),
                                ["al", "bin", "ibn", "el", "de", "van"][(next(rng) % 6) as usize],
                                pick(&lasts, rng)
                            ),
                            _ => format!("{} {}", pick(&firsts, rng), pick(&lasts, rng)),
                        },
                        "ORG" => match next(rng) % 3 {
                            0 => format!("{} {}", pick(&lasts, rng), pick(&sufs, rng)),
                            _ => pick(&orgs, rng).to_string(),
                        },
                        _ => orig.join(" "),
                    }
                };
                // Copy the casing style of the original mention.
                let lower = orig.iter().all(|w| !w.chars().any(char::is_uppercase));
                let upper = orig.iter().all(|w| !w.chars().any(char::is_lowercase));
                for (k, w) in name.split_whitespace().enumerate() {
                    let w = if keep {
                        w.to_string()
                    } else if lower {
                        w.to_lowercase()
                    } else if upper {
                        w.to_uppercase()
                    } else {
                        w.to_string()
                    };
                    words.push(w);
                    tags.push(format!("{}-{label}", if k == 0 { "B" } else { "I" }));
                }
                i = *b;
            }
            while i < s.words.len() {
                words.push(s.words[i].clone());
                tags.push(s.tags[i].clone());
                i += 1;
            }
            out.push(iob2::Sentence {
                comments: vec![],
                words,
                tags,
                line: 0,
            });
        }
    }
    out
}
