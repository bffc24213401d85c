//! `claimtrace eval geo`: toponym recognition and resolution against gold coordinates.
//!
//! Gold is stand-off JSONL (one article per line: `id`, `toponyms: [{start, end, geonameid,
//! lat, lon}]`, character offsets into the article text, read from the corpus file). Prints
//! recognition P/R/F1 (overlap; country adjectives such as "Syrian" are not counted as
//! predictions), and on the recognised toponyms the standard geoparsing metrics: accuracy
//! within 161 km (100 miles), mean and median error in km, and the AUC of the log-error curve
//! (Gritta et al. 2018; lower is better).

use anyhow::{Context, Result};
use claimtrace_core::{CharMap, Doc};
use claimtrace_timegeo::{Gazetteer, annotate_places, haversine_km};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Stand-off gold file (JSONL).
    #[arg(long, required_unless_present = "geoparsing")]
    gold: Option<PathBuf>,
    /// GeoWebNews / TR-News XML file (Gritta et al.; repeatable). Articles are split by the
    /// FNV-1a hash of their id: even = dev part, odd = scored part; both are always printed,
    /// and `--verbose` lists the errors of the dev part only.
    #[arg(long)]
    geoparsing: Vec<PathBuf>,
    /// Articles the gold refers to (JSONL with `id`, `text`, `lang`, `published`).
    #[arg(long, default_value = "../shared/corpus/dev-stories/articles.jsonl")]
    corpus: PathBuf,
    /// Print every miss and every error over 161 km.
    #[arg(long)]
    verbose: bool,
}

const MAX_KM: f64 = 20_039.0;

/// Distance errors (km) summed up: (share within 161 km, mean, median, AUC of the log error
/// over the largest possible error); zeros when there are none.
fn error_summary(errors: &[f64]) -> (f64, f64, f64, f64) {
    let n = errors.len().max(1) as f64;
    let acc = errors.iter().filter(|&&e| e <= 161.0).count() as f64 / n;
    let mean = errors.iter().sum::<f64>() / n;
    let mut sorted = errors.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let auc = errors
        .iter()
        .map(|e| (e + 1.0).ln() / (MAX_KM + 1.0).ln())
        .sum::<f64>()
        / n;
    (acc, mean, median, auc)
}

#[derive(Default)]
struct Stats {
    gold: usize,
    pred: usize,
    found: usize,
    errors: Vec<f64>,
    id_gold: usize,
    id_ok: usize,
}

impl Stats {
    fn print(&self, name: &str) {
        let p = if self.pred == 0 {
            0.0
        } else {
            self.found as f64 / self.pred as f64
        };
        let r = if self.gold == 0 {
            0.0
        } else {
            self.found as f64 / self.gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        let (acc, mean, median, auc) = error_summary(&self.errors);
        let idacc = if self.id_gold == 0 {
            0.0
        } else {
            self.id_ok as f64 / self.id_gold as f64
        };
        println!(
            "{name:<14} {:>5} {:>5} | {p:.3} / {r:.3} / {f:.3} | {:>5} {acc:>7.3} {mean:>9.1} {median:>8.1} {auc:>6.3} | {idacc:>6.3}",
            self.gold,
            self.pred,
            self.errors.len()
        );
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    if !args.geoparsing.is_empty() {
        return run_geoparsing(&args);
    }
    let Some(gold_path) = args.gold.as_ref() else {
        anyhow::bail!("give --gold or --geoparsing");
    };
    let corpus_text = std::fs::read_to_string(&args.corpus)
        .with_context(|| format!("reading the corpus {}", args.corpus.display()))?;
    let mut corpus: HashMap<String, serde_json::Value> = HashMap::new();
    for line in corpus_text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if let Some(id) = v.get("id").and_then(|x| x.as_str()) {
            corpus.insert(id.to_owned(), v);
        }
    }
    let t0 = std::time::Instant::now();
    let gaz = Gazetteer::load()?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let gold_text = std::fs::read_to_string(gold_path)
        .with_context(|| format!("reading {}", gold_path.display()))?;
    let mut by_lang: std::collections::BTreeMap<String, Stats> = Default::default();
    let mut all = Stats::default();
    let mut no_countries = Stats::default();
    let mut docs = 0;
    let t1 = std::time::Instant::now();
    for line in gold_text.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line)?;
        let id = g["id"].as_str().unwrap_or_default();
        let Some(art) = corpus.get(id) else {
            eprintln!("claimtrace: article {id} not in the corpus: skipped");
            continue;
        };
        docs += 1;
        let s = |k: &str| art.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let mut doc = Doc::from_text(id, s("text").unwrap_or_default());
        doc.lang = s("lang");
        doc.published = s("published");
        annotate_places(&mut doc, &gaz);
        let cm = CharMap::new(&doc.text);
        let preds: Vec<(usize, usize, &claimtrace_core::Place)> = doc
            .places
            .iter()
            .filter(|p| p.relation.as_deref() != Some("demonym"))
            .map(|p| {
                (
                    cm.char_of(p.span.start as usize),
                    cm.char_of(p.span.end as usize),
                    p,
                )
            })
            .collect();
        let lang = doc.lang.clone().unwrap_or_default();
        let st = by_lang.entry(lang).or_default();
        st.pred += preds.len();
        all.pred += preds.len();
        let mut used = vec![false; preds.len()];
        let chars: Vec<char> = doc.text.chars().collect();
        for t in g["toponyms"].as_array().into_iter().flatten() {
            let (gs, ge) = (
                t["start"].as_u64().unwrap_or(0) as usize,
                t["end"].as_u64().unwrap_or(0) as usize,
            );
            let (glat, glon) = (
                t["lat"].as_f64().unwrap_or(0.0),
                t["lon"].as_f64().unwrap_or(0.0),
            );
            let gid = t["geonameid"].as_u64().unwrap_or(0) as u32;
            let is_country = gaz
                .lookup_key(&claimtrace_timegeo::gazetteer::key(
                    &chars
                        .get(gs..ge)
                        .map(|c| c.iter().collect::<String>())
                        .unwrap_or_default(),
                ))
                .first()
                .and_then(|&i| gaz.record(i))
                .is_some_and(|r| {
                    r.geonameid == gid && r.kind == claimtrace_timegeo::gazetteer::Kind::Country
                });
            let surface: String = chars
                .get(gs..ge)
                .map(|c| c.iter().collect())
                .unwrap_or_default();
            let hit = preds
                .iter()
                .enumerate()
                .find(|(i, p)| !used[*i] && p.0 < ge && gs < p.1)
                .map(|(i, p)| (i, p.2));
            for s in [&mut *st, &mut all] {
                s.gold += 1;
            }
            if !is_country {
                no_countries.gold += 1;
            }
            match hit {
                Some((i, p)) => {
                    used[i] = true;
                    let err = haversine_km(glat, glon, p.lat, p.lon);
                    for s in [&mut *st, &mut all] {
                        s.found += 1;
                        s.errors.push(err);
                        if gid != 0 {
                            s.id_gold += 1;
                            if p.geonameid == gid {
                                s.id_ok += 1;
                            }
                        }
                    }
                    if !is_country {
                        no_countries.found += 1;
                        no_countries.errors.push(err);
                        if gid != 0 {
                            no_countries.id_gold += 1;
                            no_countries.id_ok += usize::from(p.geonameid == gid);
                        }
                    }
                    if args.verbose && err > 161.0 {
                        println!(
                            "  far {id}: {surface:?} → {} {} ({}, {:.0} km off, confidence {})",
                            p.geonameid, p.name, p.country, err, p.confidence
                        );
                    }
                }
                None if args.verbose => println!("  missed {id}: {surface:?}"),
                None => {}
            }
        }
        if args.verbose {
            for (i, p) in preds.iter().enumerate() {
                if !used[i] {
                    let surface: String = chars
                        .get(p.0..p.1)
                        .map(|c| c.iter().collect())
                        .unwrap_or_default();
                    println!(
                        "  extra {id}: {surface:?} → {} {} {}",
                        p.2.geonameid, p.2.name, p.2.country
                    );
                }
            }
        }
    }
    let run_ms = t1.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{:<14} {:>5} {:>5} | {:>21} | {:>5} {:>7} {:>9} {:>8} {:>6} | {:>6}",
        "lang",
        "gold",
        "pred",
        "recog. P / R / F1",
        "found",
        "Acc@161",
        "mean km",
        "med. km",
        "AUC",
        "id acc"
    );
    for (l, s) in &by_lang {
        s.print(l);
    }
    all.print("all");
    no_countries.pred = 0;
    no_countries.print("all-no-country");
    println!(
        "{docs} documents; gazetteer load {load_ms:.1} ms; annotate+score {run_ms:.1} ms (id acc = GeoNames id agreement where the gold has one; no-country row: recognition P not computed)"
    );
    Ok(ExitCode::SUCCESS)
}

/// One gold toponym of GeoWebNews / TR-News (char offsets into the article text).
struct GpToponym {
    start: usize,
    end: usize,
    /// GeoWebNews type ("Literal", "Metonymic", …); "TR-News" for TR-News.
    kind: String,
    coords: Option<(f64, f64)>,
    /// GeoNames id where the gold gives one.
    geonameid: Option<u32>,
}

struct GpArticle {
    id: String,
    published: Option<String>,
    url: Option<String>,
    text: String,
    toponyms: Vec<GpToponym>,
}

/// XML text with its five entities and numeric references decoded (CDATA taken as is).
fn xml_text(s: &str) -> String {
    if let Some(inner) = s
        .trim()
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
    {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(j) = tail.find(';').filter(|&j| j <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..j];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The content of the first `<tag …>…</tag>` in `s` (raw), if any.
fn xml_child<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let mut from = 0;
    loop {
        let i = from + s[from..].find(&open)?;
        let after = &s[i + open.len()..];
        let gt = after.find('>')?;
        let head = &after[..gt];
        if !(head.is_empty() || head.starts_with(char::is_whitespace) || head == "/") {
            from = i + open.len();
            continue;
        }
        if head.ends_with('/') {
            return Some("");
        }
        let body = &after[gt + 1..];
        let close = format!("</{tag}>");
        // CDATA may hold "</": skip it whole.
        let search_from = if body.trim_start().starts_with("<![CDATA[") {
            body.find("]]>").map_or(0, |k| k + 3)
        } else {
            0
        };
        let j = search_from + body[search_from..].find(&close)?;
        return Some(&body[..j]);
    }
}

fn xml_attr(s: &str, tag: &str, name: &str) -> Option<String> {
    let i = s.find(&format!("<{tag}"))?;
    let head = &s[i..i + s[i..].find('>')?];
    let k = head.find(&format!("{name}=\""))? + name.len() + 2;
    let v = &head[k..];
    Some(v[..v.find('"')?].to_owned())
}

/// Reads GeoWebNews (`<article file>`, `<latitude>`) or TR-News (`<article docid>`,
/// `<gaztag><lat>`). Gold offsets that do not point at their phrase (some TR-News articles
/// are shifted by a few characters) are moved to the nearest occurrence of the phrase within
/// 80 characters, or dropped (the count is returned).
fn read_geoparsing(path: &Path) -> Result<(Vec<GpArticle>, usize)> {
    let raw =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    let mut dropped = 0;
    for chunk in raw.split("<article ").skip(1) {
        let chunk = &chunk[..chunk.find("</article>").unwrap_or(chunk.len())];
        let head = format!("<article {}>", &chunk[..chunk.find('>').unwrap_or(0)]);
        let id = xml_attr(&head, "article", "file")
            .or_else(|| xml_attr(&head, "article", "docid"))
            .unwrap_or_default();
        let text = xml_text(xml_child(chunk, "text").unwrap_or(""));
        let published = xml_child(chunk, "dltime").map(|d| xml_text(d).trim().to_owned());
        let url = xml_child(chunk, "link")
            .or_else(|| xml_child(chunk, "url"))
            .map(|u| xml_text(u).trim().to_owned());
        let chars: Vec<char> = text.chars().collect();
        let mut toponyms = Vec::new();
        for t in chunk.split("<toponym>").skip(1) {
            let num = |tag: &str| xml_child(t, tag).and_then(|v| xml_text(v).trim().parse().ok());
            let (Some(mut start), Some(mut end)) = (num("start"), num("end")) else {
                continue;
            };
            let start_end: (usize, usize) = (start, end);
            let phrase = xml_child(t, "extractedName")
                .or_else(|| xml_child(t, "phrase"))
                .map(|p| xml_text(p).trim().to_owned())
                .unwrap_or_default();
            let at = |s: usize, e: usize| chars.get(s..e).map(|c| c.iter().collect::<String>());
            if at(start, end).as_deref() != Some(phrase.as_str()) {
                let n = phrase.chars().count();
                let found = (0..=80usize)
                    .flat_map(|d| [start_end.0.checked_sub(d), start_end.0.checked_add(d)])
                    .flatten()
                    .find(|&s| at(s, s + n).as_deref() == Some(phrase.as_str()));
                match found {
                    Some(s) => {
                        start = s;
                        end = s + n;
                    }
                    None => {
                        dropped += 1;
                        continue;
                    }
                }
            }
            let coords = if let Some(g) = xml_child(t, "gaztag") {
                num_pair(g, "lat", "lon")
            } else {
                num_pair(t, "latitude", "longitude")
            };
            let geonameid = xml_attr(t, "gaztag", "geonameid")
                .or_else(|| xml_child(t, "geonamesID").map(|g| xml_text(g).trim().to_owned()))
                .and_then(|g| g.parse::<u32>().ok())
                .filter(|&g| g != 0);
            let kind = xml_child(t, "type")
                .map(|k| xml_text(k).trim().to_owned())
                .unwrap_or_else(|| "TR-News".to_owned());
            toponyms.push(GpToponym {
                start,
                end,
                kind,
                coords,
                geonameid,
            });
        }
        out.push(GpArticle {
            id,
            published,
            url,
            text,
            toponyms,
        });
    }
    Ok((out, dropped))
}

fn num_pair(s: &str, a: &str, b: &str) -> Option<(f64, f64)> {
    let f = |tag: &str| xml_child(s, tag).and_then(|v| xml_text(v).trim().parse::<f64>().ok());
    Some((f(a)?, f(b)?))
}

/// FNV-1a, 64 bits: the split key (stable across platforms and Rust versions).
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The part an article belongs to: 0 = dev (tune on it), 1 = scored (never look at errors).
pub fn geoparsing_part(id: &str) -> usize {
    (fnv1a(id) % 2) as usize
}

#[derive(Default)]
struct GpStats {
    docs: usize,
    sentences: usize,
    gold: usize,
    found: usize,
    pred: usize,
    pred_on_any: usize,
    errors: Vec<f64>,
    /// Errors with a GeoNames id match counted as 0 km (the same record placed elsewhere:
    /// countries and divisions have their own reference points here).
    errors_id: Vec<f64>,
    by_kind: std::collections::BTreeMap<String, (usize, usize, usize)>,
    secs: f64,
}

impl GpStats {
    fn print(&self, name: &str) {
        let r = self.found as f64 / self.gold.max(1) as f64;
        let p = self.pred_on_any as f64 / self.pred.max(1) as f64;
        let n = self.errors.len().max(1) as f64;
        let (acc, mean, median, auc) = error_summary(&self.errors);
        let sps = self.sentences as f64 / self.secs.max(1e-9);
        let acc_id = self.errors_id.iter().filter(|&&e| e <= 161.0).count() as f64 / n;
        println!(
            "{name:<22} {:>4} {:>5} {:>5} {r:>7.3} {:>5} {p:>7.3} {acc:>8.3} {acc_id:>7.3} {mean:>8.0} {median:>7.0} {auc:>6.3} {sps:>9.0}",
            self.docs, self.gold, self.found, self.pred,
        );
    }
}

fn run_geoparsing(args: &Args) -> Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let gaz = Gazetteer::load()?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{:<22} {:>4} {:>5} {:>5} {:>7} {:>5} {:>7} {:>8} {:>7} {:>8} {:>7} {:>6} {:>9}",
        "set / part",
        "docs",
        "gold",
        "found",
        "recall",
        "pred",
        "P(any)",
        "Acc@161",
        "+id=0km",
        "mean km",
        "med. km",
        "AUC",
        "sent/s"
    );
    let mut kinds_out = Vec::new();
    for path in &args.geoparsing {
        let (articles, dropped) = read_geoparsing(path)?;
        let set = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut parts = [GpStats::default(), GpStats::default()];
        for a in &articles {
            let part = geoparsing_part(&a.id);
            let st = &mut parts[part];
            st.docs += 1;
            st.sentences += a
                .text
                .split(['.', '!', '?', '\n'])
                .filter(|s| s.trim().chars().count() > 1)
                .count();
            let mut doc = Doc::from_text(a.id.as_str(), a.text.clone());
            doc.lang = Some("en".to_owned());
            doc.published = a.published.clone();
            doc.url = a.url.clone();
            let t = std::time::Instant::now();
            annotate_places(&mut doc, &gaz);
            st.secs += t.elapsed().as_secs_f64();
            let cm = CharMap::new(&doc.text);
            let preds: Vec<(usize, usize, &claimtrace_core::Place)> = doc
                .places
                .iter()
                .map(|p| {
                    (
                        cm.char_of(p.span.start as usize),
                        cm.char_of(p.span.end as usize),
                        p,
                    )
                })
                .collect();
            st.pred += preds.len();
            st.pred_on_any += preds
                .iter()
                .filter(|p| a.toponyms.iter().any(|g| p.0 < g.end && g.start < p.1))
                .count();
            let mut used = vec![false; preds.len()];
            let chars: Vec<char> = a.text.chars().collect();
            let dev_verbose = args.verbose && part == 0;
            for g in &a.toponyms {
                let Some((glat, glon)) = g.coords else {
                    continue;
                };
                st.gold += 1;
                let k = st.by_kind.entry(g.kind.clone()).or_default();
                k.0 += 1;
                let surface: String = chars
                    .get(g.start..g.end)
                    .map(|c| c.iter().collect())
                    .unwrap_or_default();
                let hit = preds
                    .iter()
                    .enumerate()
                    .find(|(i, p)| !used[*i] && p.0 < g.end && g.start < p.1);
                match hit {
                    Some((i, p)) => {
                        used[i] = true;
                        let err = haversine_km(glat, glon, p.2.lat, p.2.lon);
                        st.found += 1;
                        st.errors.push(err);
                        let same = g.geonameid.is_some_and(|id| id == p.2.geonameid);
                        st.errors_id.push(if same { 0.0 } else { err });
                        k.1 += 1;
                        if err <= 161.0 {
                            k.2 += 1;
                        }
                        if dev_verbose && err > 161.0 && !same {
                            println!(
                                "  far {set}:{}: {surface:?} [{}] → {} {} ({}, {:.0} km off)",
                                a.id, g.kind, p.2.geonameid, p.2.name, p.2.country, err
                            );
                        }
                    }
                    None if dev_verbose => {
                        println!("  missed {set}:{}: {surface:?} [{}]", a.id, g.kind)
                    }
                    None => {}
                }
            }
        }
        for (i, name) in ["dev", "scored"].iter().enumerate() {
            parts[i].print(&format!("{set} {name}"));
        }
        if dropped > 0 {
            println!("  ({dropped} gold toponyms of {set} dropped: offsets not at their phrase)");
        }
        kinds_out.push((set, parts));
    }
    println!("recall / Acc@161 by gold type (dev | scored):");
    for (set, parts) in &kinds_out {
        let mut kinds: Vec<&String> = parts.iter().flat_map(|p| p.by_kind.keys()).collect();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            let f = |p: &GpStats| {
                let (g, f, ok) = p.by_kind.get(k).copied().unwrap_or_default();
                format!(
                    "{g:>4} {:.3} {:.3}",
                    f as f64 / g.max(1) as f64,
                    ok as f64 / f.max(1) as f64
                )
            };
            println!("  {set:<10} {k:<22} {} | {}", f(&parts[0]), f(&parts[1]));
        }
    }
    println!(
        "gazetteer load {load_ms:.1} ms; recall = gold toponyms with coordinates overlapped by a predicted place (one to one); Acc@161 on those found (+id=0km: a GeoNames id equal to the gold's counts as 0 km); P(any) = predictions overlapping any annotated span (coordinates or not); sent/s = places stage only"
    );
    Ok(ExitCode::SUCCESS)
}
