//! `claimtrace eval time`: temporal expressions against TimeML-style gold.
//!
//! Gold is either stand-off JSONL (one article per line: `id`, `dct`, `lang`, `timex: [{start,
//! end, type, value}]` in character offsets into the article text, read from the corpus file)
//! or TimeML `.tml` files (TIMEX3 tags inside `<TEXT>`, the DCT from the `CREATION_TIME`
//! TIMEX3). Prints strict and relaxed span P/R/F1, type and value accuracy on relaxed matches,
//! and value P/R/F1 (a relaxed match with the right value), in the manner of TempEval-3.

use anyhow::{Context, Result};
use claimtrace_core::Doc;
use claimtrace_core::charmap::byte_of_char;
use claimtrace_timegeo::annotate_times;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A folder of gold files (`*.jsonl` stand-off, `*.tml` TimeML) or one such file.
    #[arg(long)]
    gold: PathBuf,
    /// Articles the stand-off gold refers to (JSONL with `id`, `text`, `lang`, `url`);
    /// repeatable, the files are merged by article id.
    #[arg(
        long,
        default_values = [
            "../shared/corpus/dev-stories/articles.jsonl",
            "../shared/corpus/dev-stories-2/articles.jsonl",
        ]
    )]
    corpus: Vec<PathBuf>,
    /// Language of `.tml` files.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Print every miss and wrong value.
    #[arg(long)]
    verbose: bool,
}

struct GoldTimex {
    start: usize,
    end: usize,
    kind: String,
    value: String,
}

struct GoldDoc {
    id: String,
    lang: String,
    dct: Option<String>,
    url: Option<String>,
    text: String,
    /// Char offsets.
    timex: Vec<GoldTimex>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    pred: usize,
    strict: usize,
    relaxed: usize,
    kind_ok: usize,
    value_ok: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.gold += o.gold;
        self.pred += o.pred;
        self.strict += o.strict;
        self.relaxed += o.relaxed;
        self.kind_ok += o.kind_ok;
        self.value_ok += o.value_ok;
    }
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 {
        0.0
    } else {
        tp as f64 / pred as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        tp as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn load_corpus(path: &Path) -> Result<HashMap<String, serde_json::Value>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the corpus {}", path.display()))?;
    let mut m = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if let Some(id) = v.get("id").and_then(|x| x.as_str()) {
            m.insert(id.to_owned(), v);
        }
    }
    Ok(m)
}

fn read_standoff(path: &Path, corpus: &HashMap<String, serde_json::Value>) -> Result<Vec<GoldDoc>> {
    let mut out = Vec::new();
    let text = std::fs::read_to_string(path)?;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        let Some(art) = corpus.get(&id) else {
            eprintln!(
                "claimtrace: {}: article {id} not in the corpus: skipped",
                path.display()
            );
            continue;
        };
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let timex = v["timex"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| GoldTimex {
                        start: t["start"].as_u64().unwrap_or(0) as usize,
                        end: t["end"].as_u64().unwrap_or(0) as usize,
                        kind: t["type"].as_str().unwrap_or_default().to_owned(),
                        value: t["value"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(GoldDoc {
            id,
            lang: s("lang")
                .or_else(|| art["lang"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "en".into()),
            dct: s("dct"),
            url: art["url"].as_str().map(str::to_owned),
            text: art["text"].as_str().unwrap_or_default().to_owned(),
            timex,
        });
    }
    Ok(out)
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!("{name}=\"");
    let i = tag.find(&pat)? + pat.len();
    let j = tag[i..].find('"')? + i;
    Some(tag[i..j].to_owned())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A TimeML file: the text inside `<TEXT>` without tags, TIMEX3 spans in char offsets.
fn read_tml(path: &Path, lang: &str) -> Result<GoldDoc> {
    let raw = std::fs::read_to_string(path)?;
    let dct = raw.find("<DCT>").and_then(|i| {
        let rest = &raw[i..];
        let end = rest.find("</DCT>")?;
        attr(&rest[..end], "value").map(|v| v.get(..10).unwrap_or(&v).to_owned())
    });
    let body = match (raw.find("<TEXT>"), raw.find("</TEXT>")) {
        (Some(a), Some(b)) if a + 6 <= b => &raw[a + 6..b],
        _ => raw.as_str(),
    };
    let mut text = String::new();
    let mut chars = 0usize;
    let mut timex = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let piece = unescape(&rest[..lt]);
        chars += piece.chars().count();
        text.push_str(&piece);
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt..lt + gt + 1];
        if tag.starts_with("<TIMEX3") {
            open = Some((
                chars,
                attr(tag, "type").unwrap_or_default(),
                attr(tag, "value").unwrap_or_default(),
            ));
        } else if tag.starts_with("</TIMEX3")
            && let Some((s, kind, value)) = open.take()
        {
            timex.push(GoldTimex {
                start: s,
                end: chars,
                kind,
                value,
            });
        }
        rest = &rest[lt + gt + 1..];
    }
    let piece = unescape(rest);
    text.push_str(&piece);
    Ok(GoldDoc {
        id: path.display().to_string(),
        lang: lang.to_owned(),
        dct,
        url: None,
        text,
        timex,
    })
}

fn score(g: &GoldDoc, verbose: bool) -> Counts {
    let mut doc = Doc::from_text(g.id.clone(), g.text.clone());
    doc.lang = Some(g.lang.clone());
    doc.published = g.dct.clone();
    doc.url = g.url.clone();
    annotate_times(&mut doc);
    let cm = claimtrace_core::CharMap::new(&doc.text);
    let pred: Vec<(usize, usize, &str, &str)> = doc
        .times
        .iter()
        .map(|t| {
            (
                cm.char_of(t.span.start as usize),
                cm.char_of(t.span.end as usize),
                t.kind.as_str(),
                t.value.as_str(),
            )
        })
        .collect();
    let mut c = Counts {
        gold: g.timex.len(),
        pred: pred.len(),
        ..Counts::default()
    };
    let mut used = vec![false; pred.len()];
    let snippet = |s: usize, e: usize| {
        let (a, b) = (byte_of_char(&g.text, s), byte_of_char(&g.text, e));
        g.text.get(a..b).unwrap_or("").replace('\n', " ")
    };
    for gt in &g.timex {
        // Best overlapping prediction: exact first, then the largest overlap.
        let mut best: Option<(usize, usize)> = None;
        for (i, p) in pred.iter().enumerate() {
            if used[i] || p.1 <= gt.start || gt.end <= p.0 {
                continue;
            }
            let ov = p.1.min(gt.end) - p.0.max(gt.start);
            let score = if p.0 == gt.start && p.1 == gt.end {
                usize::MAX
            } else {
                ov
            };
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
        match best {
            Some((i, _)) => {
                used[i] = true;
                let p = pred[i];
                c.relaxed += 1;
                if p.0 == gt.start && p.1 == gt.end {
                    c.strict += 1;
                }
                if p.2 == gt.kind {
                    c.kind_ok += 1;
                }
                if p.3 == gt.value {
                    c.value_ok += 1;
                } else if verbose {
                    println!(
                        "  value {}: {:?} gold {} {} / system {:?} {} {}",
                        g.id,
                        snippet(gt.start, gt.end),
                        gt.kind,
                        gt.value,
                        snippet(p.0, p.1),
                        p.2,
                        p.3
                    );
                }
            }
            None if verbose => println!(
                "  missed {}: {:?} {} {}",
                g.id,
                snippet(gt.start, gt.end),
                gt.kind,
                gt.value
            ),
            None => {}
        }
    }
    if verbose {
        for (i, p) in pred.iter().enumerate() {
            if !used[i] {
                println!("  extra {}: {:?} {} {}", g.id, snippet(p.0, p.1), p.2, p.3);
            }
        }
    }
    c
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut files: Vec<PathBuf> = if args.gold.is_dir() {
        std::fs::read_dir(&args.gold)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl" || e == "tml"))
            .collect()
    } else {
        vec![args.gold.clone()]
    };
    files.sort();
    anyhow::ensure!(
        !files.is_empty(),
        "no .jsonl or .tml gold files in {}",
        args.gold.display()
    );
    let mut corpus: Option<HashMap<String, serde_json::Value>> = None;
    // (gold file stem, documents): one block of rows per file, so a dev part and a scored
    // part kept in separate files are reported apart.
    let mut parts: Vec<(String, Vec<GoldDoc>)> = Vec::new();
    for f in &files {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if f.extension().is_some_and(|e| e == "tml") {
            let d = read_tml(f, &args.lang)?;
            match parts.iter_mut().find(|p| p.0 == "tml") {
                Some(p) => p.1.push(d),
                None => parts.push(("tml".into(), vec![d])),
            }
        } else {
            if corpus.is_none() {
                let mut m = HashMap::new();
                for c in &args.corpus {
                    if c.exists() {
                        m.extend(load_corpus(c)?);
                    } else {
                        eprintln!("claimtrace: corpus {} absent: skipped", c.display());
                    }
                }
                corpus = Some(m);
            }
            let docs = read_standoff(f, corpus.as_ref().unwrap_or(&HashMap::new()))?;
            parts.push((stem, docs));
        }
    }
    let docs: Vec<&GoldDoc> = parts.iter().flat_map(|p| p.1.iter()).collect();
    let t0 = std::time::Instant::now();
    let mut by_lang: std::collections::BTreeMap<String, Counts> = Default::default();
    let mut by_part: Vec<(String, Counts, std::collections::BTreeMap<String, Counts>)> = Vec::new();
    let mut all = Counts::default();
    let mut sentences = 0usize;
    for (name, pdocs) in &parts {
        let mut pc = Counts::default();
        let mut pl: std::collections::BTreeMap<String, Counts> = Default::default();
        for d in pdocs {
            sentences += d
                .text
                .split(['.', '!', '?', '\n'])
                .filter(|s| s.trim().chars().count() > 1)
                .count();
            let c = score(d, args.verbose);
            by_lang.entry(d.lang.clone()).or_default().add(c);
            pl.entry(d.lang.clone()).or_default().add(c);
            pc.add(c);
            all.add(c);
        }
        by_part.push((name.clone(), pc, pl));
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{:<6} {:>5} {:>5} | {:>21} | {:>21} | {:>6} {:>6} | {:>21}",
        "lang",
        "gold",
        "pred",
        "strict P / R / F1",
        "relaxed P / R / F1",
        "type",
        "value",
        "value P / R / F1"
    );
    let row = |name: &str, c: &Counts| {
        let (sp, sr, sf) = prf(c.strict, c.pred, c.gold);
        let (rp, rr, rf) = prf(c.relaxed, c.pred, c.gold);
        let (vp, vr, vf) = prf(c.value_ok, c.pred, c.gold);
        let acc = |x: usize| {
            if c.relaxed == 0 {
                0.0
            } else {
                x as f64 / c.relaxed as f64
            }
        };
        println!(
            "{name:<6} {:>5} {:>5} | {sp:.3} / {sr:.3} / {sf:.3} | {rp:.3} / {rr:.3} / {rf:.3} | {:>6.3} {:>6.3} | {vp:.3} / {vr:.3} / {vf:.3}",
            c.gold,
            c.pred,
            acc(c.kind_ok),
            acc(c.value_ok)
        );
    };
    for (name, c, langs) in &by_part {
        if by_part.len() > 1 {
            println!("{name}:");
            for (l, lc) in langs {
                row(&format!("  {l}"), lc);
            }
        }
        row(if by_part.len() > 1 { "  all" } else { "all" }, c);
    }
    if by_part.len() > 1 {
        println!("all files:");
        for (l, c) in &by_lang {
            row(&format!("  {l}"), c);
        }
        row("  all", &all);
    }
    println!(
        "{} documents in {:.1} ms (annotation and scoring; ~{sentences} sentences, {:.0} sentences/s)",
        docs.len(),
        secs * 1000.0,
        sentences as f64 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
