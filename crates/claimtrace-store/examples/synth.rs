//! Synthetic news stream for the scale benchmark: annotated claimtrace JSONL (entities and
//! attributions already set, so `claimtrace ingest --annotated` measures the connect stage
//! alone), streamed to stdout in publication order.
//!
//! ```text
//! cargo run --release -p claimtrace-store --example synth -- \
//!     --articles 1000000 --seed 1 > /tmp/synth-1m.jsonl
//! ```
//!
//! Stories of heavy-tailed size (40 % single articles, a few of thousands), spread over one to
//! four days, in five languages (en, fr, es, de, ar) with a majority language per story;
//! 20 % of re-reports are near-verbatim reprints of an earlier article of the story in another
//! outlet (a few words changed); 1 % of articles are sent twice (same URL: dedup); 1 % have
//! no date, 0.5 % a 1970 date, 0.5 % no outlet. Names, numbers and places carry the story
//! across languages; the remaining words are random vocabulary (noise).

use claimtrace_core::{Attribution, Doc, Entity, Span};
use claimtrace_ml::rng::SplitMix64;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

/// The shared seeded generator with the draws this generator needs.
struct Rng(SplitMix64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

const LANGS: [&str; 5] = ["en", "fr", "es", "de", "ar"];
const SAID: [&str; 5] = ["said", "a déclaré", "dijo", "sagte", "قال"];
const THAT: [&str; 5] = ["that", "que", "que", "dass", "إن"];
const HEDGE: [&str; 5] = [
    "is believed to have",
    "aurait",
    "habría",
    "soll",
    "يعتقد أنه",
];
const FUNC: [&[&str]; 5] = [
    &[
        "the", "of", "in", "and", "a", "to", "on", "for", "with", "after",
    ],
    &[
        "le", "la", "de", "et", "dans", "les", "un", "pour", "avec", "après",
    ],
    &[
        "el", "la", "de", "y", "en", "los", "un", "para", "con", "tras",
    ],
    &[
        "der", "die", "und", "in", "den", "von", "mit", "für", "nach", "das",
    ],
    &[
        "في", "من", "على", "إلى", "و", "عن", "مع", "بعد", "هذا", "التي",
    ],
];

fn syllables(rng: &mut Rng, n: usize, arabic: bool) -> String {
    const LAT: [&str; 24] = [
        "ka", "lo", "mi", "ra", "te", "su", "ne", "vo", "da", "ri", "po", "zu", "ba", "fe", "gi",
        "ho", "ja", "ku", "le", "mo", "na", "pe", "sa", "to",
    ];
    const AR: [&str; 16] = [
        "كا", "لو", "مي", "را", "تي", "سو", "نا", "فو", "دا", "ري", "بو", "زا", "با", "في", "جي",
        "هو",
    ];
    let mut s = String::new();
    for _ in 0..n {
        if arabic {
            s.push_str(AR[rng.below(AR.len())]);
        } else {
            s.push_str(LAT[rng.below(LAT.len())]);
        }
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

struct StoryPlan {
    people: Vec<String>,
    org: String,
    place: String,
    number: u32,
    topic: Vec<usize>,
    lang: usize,
    claim: Vec<usize>,
    /// Texts published so far (for reprints): (text, title, entities, attributions).
    published: Vec<Doc>,
    left: usize,
}

struct Gen {
    rng: Rng,
    vocab: Vec<Vec<String>>,
    outlets: Vec<String>,
    next_article: u64,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut rng = Rng(SplitMix64::new(seed));
        let vocab = (0..LANGS.len())
            .map(|l| {
                (0..20_000)
                    .map(|_| {
                        let n = 2 + rng.below(3);
                        syllables(&mut rng, n, l == 4)
                    })
                    .collect()
            })
            .collect();
        let outlets = (0..600)
            .map(|i| format!("{} {}", capitalise(&syllables(&mut rng, 3, false)), i))
            .collect();
        Gen {
            rng,
            vocab,
            outlets,
            next_article: 0,
        }
    }

    fn story(&mut self) -> StoryPlan {
        let r = &mut self.rng;
        let people = (0..2)
            .map(|_| {
                let first = 2 + r.below(2);
                let last = 2 + r.below(2);
                format!(
                    "{} {}",
                    capitalise(&syllables(r, first, false)),
                    capitalise(&syllables(r, last, false))
                )
            })
            .collect();
        let n = 2 + r.below(2);
        let org = format!("{} Council", capitalise(&syllables(r, n, false)));
        let n = 3 + r.below(2);
        let place = capitalise(&syllables(r, n, false));
        let u = r.unit().max(1e-9);
        let left = if r.chance(0.4) {
            1
        } else {
            ((1.5 / u.powf(1.0 / 1.2)) as usize + 1).min(3000)
        };
        let lang = if r.chance(0.6) {
            0
        } else {
            r.below(LANGS.len())
        };
        StoryPlan {
            people,
            org,
            place,
            number: 3 + r.below(400) as u32,
            topic: (0..8).map(|_| r.below(20_000)).collect(),
            lang,
            claim: (0..6).map(|_| r.below(20_000)).collect(),
            published: Vec::new(),
            left,
        }
    }

    /// One article of a story, written fresh or reprinted.
    fn article(&mut self, s: &mut StoryPlan, day: u32) -> Doc {
        self.next_article += 1;
        let id = format!("s{:08}", self.next_article);
        let outlet_i = self.rng.below(self.outlets.len());
        let outlet = self.outlets[outlet_i].clone();
        let date = day_string(day, self.rng.below(24));
        let url = format!(
            "https://{}.example/news/{}",
            outlet.to_lowercase().replace(' ', "-"),
            id
        );
        if !s.published.is_empty() && self.rng.chance(0.2) {
            let k = self.rng.below(s.published.len());
            let mut d = s.published[k].clone();
            // A light rewrite: swap one noise word at the end.
            let lang = LANGS
                .iter()
                .position(|l| Some(*l) == d.lang.as_deref())
                .unwrap_or(0);
            let w = self.vocab[lang][self.rng.below(20_000)].clone();
            d.text.push(' ');
            d.text.push_str(&w);
            d.id = id;
            d.url = Some(url);
            d.outlet = Some(outlet);
            d.published = Some(date);
            return d;
        }
        let lang = if self.rng.chance(0.7) {
            s.lang
        } else {
            self.rng.below(LANGS.len())
        };
        let arabic = lang == 4;
        let mut text = String::new();
        let mut entities = Vec::new();
        let mut attributions = Vec::new();
        let func = FUNC[lang];
        let push_word = |text: &mut String, w: &str| {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push(' ');
            }
            text.push_str(w);
        };
        let ent = |text: &mut String, name: &str, label: &str, entities: &mut Vec<Entity>| {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(name);
            entities.push(Entity {
                span: Span::new(start, text.len()),
                label: label.into(),
                ..Entity::default()
            });
        };
        // Lead: place, organisation, number.
        ent(&mut text, &s.place, "LOC", &mut entities);
        push_word(&mut text, ":");
        ent(&mut text, &s.org, "ORG", &mut entities);
        for i in 0..6 {
            let w = if i % 2 == 0 {
                func[self.rng.below(func.len())].to_owned()
            } else {
                self.vocab[lang][s.topic[self.rng.below(s.topic.len())]].clone()
            };
            push_word(&mut text, &w);
        }
        push_word(&mut text, &s.number.to_string());
        push_word(&mut text, &format!("{}.", self.vocab[lang][s.topic[0]]));
        text.push('\n');
        // The claim, attributed to a person, sometimes hedged.
        let person = s.people[self.rng.below(s.people.len())].clone();
        let src_start = if text.ends_with('\n') {
            text.len()
        } else {
            text.len() + 1
        };
        ent(&mut text, &person, "PER", &mut entities);
        let src = Span::new(src_start, text.len());
        let cue_start = text.len() + 1;
        push_word(&mut text, SAID[lang]);
        let cue = Span::new(cue_start, text.len());
        let content_start = text.len() + 1;
        push_word(&mut text, THAT[lang]);
        let hedged = self.rng.chance(0.3);
        let mut hedge = None;
        if hedged {
            let h0 = text.len() + 1;
            push_word(&mut text, HEDGE[lang]);
            hedge = Some(Span::new(h0, text.len()));
        }
        for &c in &s.claim {
            push_word(&mut text, &self.vocab[lang][c]);
        }
        push_word(&mut text, &s.number.to_string());
        let content = Span::new(content_start, text.len());
        text.push('.');
        attributions.push(Attribution {
            source: Some(src),
            source_type: "person".into(),
            cue: Some(cue),
            content,
            kind: "indirect".into(),
            certainty: if hedged { "hedged" } else { "asserted" }.into(),
            hedge,
            ..Attribution::default()
        });
        text.push('\n');
        // Body: noise with topic words; arabic text in Arabic script.
        let words = 80 + self.rng.below(250);
        for i in 0..words {
            let w = if self.rng.chance(0.1) {
                self.vocab[lang][s.topic[self.rng.below(s.topic.len())]].clone()
            } else if i % 3 == 0 {
                func[self.rng.below(func.len())].to_owned()
            } else {
                self.vocab[lang][self.rng.below(20_000)].clone()
            };
            push_word(&mut text, &w);
            if i % 17 == 16 {
                text.push('.');
            }
        }
        text.push('.');
        let _ = arabic;
        let title = format!(
            "{} {} {}",
            s.place, self.vocab[lang][s.topic[0]], self.vocab[lang][s.topic[1]]
        );
        let d = Doc {
            id,
            url: Some(url),
            outlet: Some(outlet),
            title: Some(title),
            published: Some(date),
            lang: Some(LANGS[lang].to_owned()),
            text,
            entities,
            attributions,
            ..Doc::default()
        };
        if s.published.len() < 8 {
            s.published.push(d.clone());
        }
        d
    }
}

fn day_string(day: u32, hour: usize) -> String {
    // Day 0 = 2020-01-01.
    let z = 18262 + day as i64 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{hour:02}:00:00Z")
}

fn main() {
    let mut articles: u64 = 100_000;
    let mut seed: u64 = 1;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--articles" => articles = args.next().and_then(|v| v.parse().ok()).unwrap_or(articles),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            _ => {
                eprintln!("usage: synth [--articles N] [--seed S] > out.jsonl");
                std::process::exit(2);
            }
        }
    }
    let mut g = Gen::new(seed);
    let per_day = (articles / 500).max(200);
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut stories: Vec<Option<StoryPlan>> = Vec::new();
    // day → story indices with an article due that day.
    let mut due: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let (mut planned, mut emitted) = (0u64, 0u64);
    let mut day = 0u32;
    let opts = claimtrace_core::json::JsonOptions::default();
    while emitted < articles {
        let mut today = due.get(&day).map_or(0, Vec::len) as u64;
        while today < per_day && planned < articles {
            let s = g.story();
            let idx = stories.len();
            let n = (s.left as u64).min(articles - planned) as usize;
            planned += n as u64;
            for _ in 0..n {
                let off = match g.rng.below(10) {
                    0..=5 => 0,
                    6..=7 => 1,
                    8 => 2,
                    _ => 3,
                };
                if off == 0 {
                    today += 1;
                }
                due.entry(day + off).or_default().push(idx);
            }
            let mut s = s;
            s.left = n;
            stories.push(Some(s));
        }
        let mut list = due.remove(&day).unwrap_or_default();
        // Interleave stories within the day.
        for i in (1..list.len()).rev() {
            let j = g.rng.below(i + 1);
            list.swap(i, j);
        }
        for idx in list {
            let Some(Some(mut s)) = stories.get_mut(idx).map(Option::take) else {
                continue;
            };
            let mut d = g.article(&mut s, day);
            s.left = s.left.saturating_sub(1);
            if s.left > 0 {
                stories[idx] = Some(s);
            }
            let r = g.rng.unit();
            if r < 0.01 {
                d.published = None;
            } else if r < 0.015 {
                d.published = Some("1970-01-01".into());
            } else if r < 0.02 {
                d.outlet = None;
            }
            let line = d.to_json_line(opts);
            let _ = out.write_all(line.as_bytes());
            let _ = out.write_all(b"\n");
            emitted += 1;
            if g.rng.chance(0.01) && emitted < articles {
                // Sent twice (same URL and text): ingest must store it once.
                let _ = out.write_all(line.as_bytes());
                let _ = out.write_all(b"\n");
                emitted += 1;
            }
            if emitted >= articles {
                break;
            }
        }
        day += 1;
        if day > 100_000 {
            break;
        }
    }
    let _ = out.flush();
}
