//! The non-English part of `claimtrace eval match`: headlines in other languages, located by
//! stand-off offsets into the dev-stories corpora (`eval/gold/match/gold.jsonl`), matched
//! against claimtrace's own English statements of the same claims
//! (`eval/gold/match/factchecks.jsonl`) mixed into the 14,231 CheckThat! fact-checks as
//! distractors. Part `dev` (dev-stories) was looked at while writing the bilingual lists;
//! part `scored` (dev-stories-2) is reported apart.

use anyhow::{Context, Result, anyhow};
use claimtrace_match::eval::{PlainBm25, Scores, score};
use claimtrace_match::{Config, FactCheck, Matcher, read_factchecks};

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
struct Gold {
    corpus: String,
    id: String,
    lang: String,
    field: String,
    start: usize,
    end: usize,
    factcheck: String,
    part: String,
}

pub fn run(
    gold: &Path,
    corpora: &[PathBuf],
    vclaims: &[FactCheck],
    plain: &[FactCheck],
) -> Result<()> {
    let gpath = gold.join("gold.jsonl");
    let fpath = gold.join("factchecks.jsonl");
    let (Ok(gs), Ok(fs)) = (
        std::fs::read_to_string(&gpath),
        std::fs::read_to_string(&fpath),
    ) else {
        eprintln!(
            "claimtrace: no gold at {}: non-English part skipped",
            gold.display()
        );
        return Ok(());
    };
    let own = read_factchecks(&fs).map_err(|e| anyhow!("{}: {e}", fpath.display()))?;
    // Articles of the corpora, by (corpus folder name, id).
    let mut arts: FxHashMap<(String, String), serde_json::Value> = FxHashMap::default();
    for c in corpora {
        let name = c
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let p = c.join("articles.jsonl");
        let Ok(s) = std::fs::read_to_string(&p) else {
            eprintln!(
                "claimtrace: {} not found: its gold claims are skipped",
                p.display()
            );
            continue;
        };
        for line in s.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("{}", p.display()))?;
            let id = v
                .get("id")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string();
            arts.insert((name.clone(), id), v);
        }
    }
    let mut all: Vec<FactCheck> = vclaims.to_vec();
    all.extend(own.iter().cloned());
    let m = Matcher::new(&all, Config::default());
    let mut plain_all: Vec<FactCheck> = plain.to_vec();
    plain_all.extend(own.iter().cloned());
    let peer = PlainBm25::new(&plain_all);
    // part → (lang → runs), for claimtrace, claimtrace without bilingual lists, the peer.
    type Runs = Vec<(String, Vec<String>)>;
    let mut runs: BTreeMap<String, [Runs; 3]> = BTreeMap::new();
    let mut qrels: FxHashMap<String, FxHashSet<String>> = FxHashMap::default();
    let mut langs: BTreeMap<String, BTreeMap<String, [Runs; 3]>> = BTreeMap::new();
    for (n, line) in gs.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let g: Gold = serde_json::from_str(line)
            .map_err(|e| anyhow!("{}: line {}: {e}", gpath.display(), n + 1))?;
        let Some(a) = arts.get(&(g.corpus.clone(), g.id.clone())) else {
            continue;
        };
        let field = a.get(&g.field).and_then(|x| x.as_str()).unwrap_or("");
        let text: String = field
            .chars()
            .skip(g.start)
            .take(g.end.saturating_sub(g.start))
            .collect();
        let key = format!("{}/{}", g.corpus, g.id);
        qrels
            .entry(key.clone())
            .or_default()
            .insert(g.factcheck.clone());
        let ids = |v: Vec<usize>| v.into_iter().map(|i| all[i].id.clone()).collect::<Vec<_>>();
        let r0 = ids(m
            .rank(&text, &g.lang, 5)
            .into_iter()
            .map(|x| x.index)
            .collect());
        let r1 = ids(m.rank(&text, "", 5).into_iter().map(|x| x.index).collect());
        let r2: Vec<String> = peer
            .rank(&text, 5)
            .into_iter()
            .map(|i| plain_all[i].id.clone())
            .collect();
        for slot in [
            runs.entry(g.part.clone()).or_default(),
            langs
                .entry(g.part.clone())
                .or_default()
                .entry(g.lang.clone())
                .or_default(),
        ] {
            slot[0].push((key.clone(), r0.clone()));
            slot[1].push((key.clone(), r1.clone()));
            slot[2].push((key.clone(), r2.clone()));
        }
    }
    println!(
        "# Non-English headlines → own English statements among {} fact-checks ({} own)",
        all.len(),
        own.len()
    );
    let show = |name: &str, r: &[Runs; 3]| {
        let s: Vec<Scores> = r.iter().map(|x| score(x, &qrels)).collect();
        println!(
            "{name:<16} {:>4}  claimtrace MAP@1 {:.3} MAP@5 {:.3} | without lists MAP@5 {:.3} | peer plain BM25 MAP@5 {:.3}",
            s[0].queries, s[0].map1, s[0].map5, s[1].map5, s[2].map5
        );
    };
    for (part, r) in &runs {
        show(&format!("{part} (all)"), r);
        if let Some(ls) = langs.get(part) {
            for (l, r) in ls {
                show(&format!("  {part} {l}"), r);
            }
        }
    }
    Ok(())
}
