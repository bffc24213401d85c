//! Training: lexicons and rule tables from the treebank, then a few epochs of the three
//! averaged perceptrons with shuffling under a fixed seed.

use crate::features::{self, Bufs, PAD, WordInfo};
use crate::lemma::{self, Rule};
use crate::model::{LAYOUT, Lemma};
use crate::{Head, Scores, Tagger, UPOS};
use claimtrace_ml::conllu::Sentence;
use claimtrace_ml::map::U64Map;
use claimtrace_ml::table::{Layout, Table};
use claimtrace_ml::train::Trainer;
use rustc_hash::FxHashMap;

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub lang: String,
    pub epochs: usize,
    pub seed: u64,
    /// Train a second UPOS pass that sees the first pass's tags of the next words.
    pub two_pass: bool,
    /// log2 of the hash-table rows of the UPOS and morphology models.
    pub upos_bits: u32,
    pub feats_bits: u32,
    pub lemma_bits: u32,
    /// Folds for the jackknifed ambiguity classes of training words.
    pub folds: usize,
    /// Keep the epoch with the best dev score (when a dev set is given).
    pub keep_best: bool,
    /// Words seen at least this often, with one tag at least `tagdict_share` of the time, get
    /// that tag without scoring (0 = no tag dictionary).
    pub tagdict_min: u32,
    pub tagdict_share: f64,
    /// (form, tag) pairs seen at least this often with one FEATS string get it without scoring.
    pub morphdict_min: u32,
    /// Training forms seen at least this often get their UPOS feature sums cached at load.
    pub cache_min: u32,
    /// Lemma rules seen fewer times are only used through the lexicon.
    pub rule_min: u32,
    /// Rows of the weight tables whose largest quantised weight (of ±32000) is at most this
    /// are dropped (smaller, faster models).
    pub prune: i16,
    /// Hide the identity of words seen once in training (see `train_with_log`).
    pub hapax_unknown: bool,
    /// Train this many taggers with seeds `seed, seed + 1, …` (each keeping its own best
    /// epoch) and average their weights into one model of the same size and speed class
    /// (1 = a single model).
    pub soup: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            lang: String::new(),
            epochs: 10,
            seed: 1,
            two_pass: true,
            upos_bits: 20,
            feats_bits: 19,
            lemma_bits: 19,
            folds: 10,
            keep_best: true,
            tagdict_min: 10,
            tagdict_share: 0.99,
            morphdict_min: 3,
            cache_min: 2,
            rule_min: 2,
            prune: 0,
            hapax_unknown: false,
            soup: 1,
        }
    }
}

struct Prepared {
    w: Vec<WordInfo>,
    tags: Vec<u8>,
    /// Gold column per head.
    feat_cols: Vec<Vec<u16>>,
}

/// Trains a tagger (no progress output).
pub fn train(train: &[Sentence], dev: Option<&[Sentence]>, opts: &TrainOptions) -> Tagger {
    train_with_log(train, dev, opts, &mut |_| {})
}

fn parse_feats(f: &str) -> impl Iterator<Item = (&str, &str)> {
    f.split('|')
        .filter(|x| *x != "_" && !x.is_empty())
        .filter_map(|x| x.split_once('='))
}

/// Trains a tagger, reporting each epoch (with dev scores when `dev` is given) to `log`.
/// With `opts.soup > 1`, trains that many taggers under consecutive seeds and averages them.
pub fn train_with_log(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    log: &mut dyn FnMut(&str),
) -> Tagger {
    if opts.soup <= 1 {
        return train_one(train, dev, opts, log);
    }
    let parts = claimtrace_ml::train::soup(opts.seed, opts.soup, |seed, k| {
        let o = TrainOptions {
            seed,
            soup: 1,
            ..opts.clone()
        };
        log(&format!(
            "soup member {} of {}: seed {seed}",
            k + 1,
            opts.soup
        ));
        Ok::<_, std::convert::Infallible>(train_one(train, dev, &o, log))
    })
    .unwrap_or_default();
    let mut t = match parts.first() {
        Some(p) => p.clone(),
        None => return train_one(train, dev, opts, log),
    };
    let ups: Vec<&Table<i16>> = parts.iter().map(|p| &p.upos1).collect();
    t.upos1 = Table::soup(&ups, LAYOUT, 0);
    let u2: Vec<&Table<i16>> = parts.iter().filter_map(|p| p.upos2.as_ref()).collect();
    t.upos2 = (u2.len() == parts.len() && !u2.is_empty()).then(|| Table::soup(&u2, LAYOUT, 0));
    let fs: Vec<&Table<i16>> = parts.iter().map(|p| &p.feats_model).collect();
    t.feats_model = Table::soup(&fs, LAYOUT, 0);
    let ls: Vec<&Lemma> = parts.iter().map(|p| &p.lemma_model).collect();
    t.lemma_model = Lemma::soup(&ls);
    // The soup's "epoch": the members' mean best epoch (what `--holdout` retrains with).
    t.epoch =
        (parts.iter().map(|p| p.epoch).sum::<usize>() as f64 / parts.len() as f64).round() as usize;
    t.build_cache();
    if let Some(d) = dev {
        let sc: Scores = t.evaluate(d);
        log(&format!(
            "soup of {}: dev UPOS {:.4} UFeats {:.4} Lemma {:.4} (unknown-word UPOS {:.4})",
            opts.soup, sc.upos, sc.ufeats, sc.lemma, sc.upos_unknown
        ));
    }
    t
}

fn train_one(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    log: &mut dyn FnMut(&str),
) -> Tagger {
    let t0 = std::time::Instant::now();
    // Tag set.
    let mut tags: Vec<String> = UPOS.iter().map(|s| s.to_string()).collect();
    for s in train {
        for w in &s.words {
            if !tags.contains(&w.upos) && tags.len() < 32 {
                tags.push(w.upos.clone());
            }
        }
    }
    let tag_id = |u: &str| tags.iter().position(|t| t == u).unwrap_or(16) as u8;
    let nt = tags.len();

    // Morphology heads, sorted like UD (case-insensitively by name).
    let mut hv: Vec<(String, Vec<String>)> = Vec::new();
    for s in train {
        for w in &s.words {
            for (k, v) in parse_feats(&w.feats) {
                let h = match hv.iter_mut().position(|(n, _)| n == k) {
                    Some(i) => &mut hv[i],
                    None => {
                        hv.push((k.to_string(), vec![String::new()]));
                        let last = hv.len() - 1;
                        &mut hv[last]
                    }
                };
                if !h.1.iter().any(|x| x == v) {
                    h.1.push(v.to_string());
                }
            }
        }
    }
    hv.sort_by_key(|(n, _)| n.to_lowercase());
    let mut heads = Vec::new();
    let mut off = 0;
    for (name, values) in hv {
        let l = values.len();
        heads.push(Head {
            name,
            values,
            offset: off,
        });
        off += l;
    }
    let cols = off.max(1);
    let mut allowed = vec![false; nt * cols];
    for t in 0..nt {
        for h in &heads {
            allowed[t * cols + h.offset] = true;
        }
    }

    // Ambiguity classes: full counts, and per fold for jackknifing.
    let folds = opts.folds.max(2);
    let mut bufs = Bufs::default();
    let mut counts: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut fold_counts: Vec<FxHashMap<u64, Vec<u32>>> = vec![FxHashMap::default(); folds];
    for (si, s) in train.iter().enumerate() {
        for w in &s.words {
            lemma::lowercase_into(&w.form, &mut bufs.lower);
            let k = features::lower_key(&bufs.lower);
            let t = tag_id(&w.upos) as usize;
            counts.entry(k).or_insert_with(|| vec![0; nt])[t] += 1;
            fold_counts[si % folds]
                .entry(k)
                .or_insert_with(|| vec![0; nt])[t] += 1;
        }
    }
    let mask_of = |c: &[u32]| -> u32 {
        let total: u32 = c.iter().sum();
        let mut m = 0u32;
        for (t, &n) in c.iter().enumerate() {
            if n > 0 && n * 100 >= total {
                m |= 1 << t;
            }
        }
        m
    };
    let amb: FxHashMap<u64, u32> = counts.iter().map(|(&k, c)| (k, mask_of(c))).collect();

    // Tag and morphology dictionaries for frequent unambiguous words.
    let mut form_counts: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut morph_counts: FxHashMap<u64, FxHashMap<String, u32>> = FxHashMap::default();
    for s in train {
        for w in &s.words {
            let k = features::form_key(&w.form);
            let t = tag_id(&w.upos) as usize;
            form_counts.entry(k).or_insert_with(|| vec![0; nt])[t] += 1;
            *morph_counts
                .entry(crate::morph_key(k, t))
                .or_default()
                .entry(canonical_feats(&w.feats))
                .or_default() += 1;
        }
    }
    let mut form_total: FxHashMap<&str, u32> = FxHashMap::default();
    for s in train {
        for w in &s.words {
            *form_total.entry(w.form.as_str()).or_default() += 1;
        }
    }
    let mut cache_forms: Vec<String> = form_total
        .iter()
        .filter(|(_, n)| **n >= opts.cache_min)
        .map(|(f, _)| f.to_string())
        .collect();
    cache_forms.sort_unstable();
    let mut pair_total: FxHashMap<(&str, u8), u32> = FxHashMap::default();
    for s in train {
        for w in &s.words {
            *pair_total
                .entry((w.form.as_str(), tag_id(&w.upos)))
                .or_default() += 1;
        }
    }
    let mut tagdict: FxHashMap<u64, u8> = FxHashMap::default();
    if opts.tagdict_min > 0 {
        for (&k, c) in &form_counts {
            let total: u32 = c.iter().sum();
            if let Some((t, &m)) = c.iter().enumerate().max_by_key(|(_, n)| **n)
                && total >= opts.tagdict_min
                && m as f64 >= opts.tagdict_share * total as f64
            {
                tagdict.insert(k, t as u8);
            }
        }
    }
    let mut feat_strings: Vec<String> = Vec::new();
    let mut feat_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut morphdict: FxHashMap<u64, u32> = FxHashMap::default();
    if opts.morphdict_min > 0 {
        let mut mc: Vec<_> = morph_counts.iter().collect();
        mc.sort_unstable_by_key(|(k, _)| **k);
        for (&k, c) in mc {
            let total: u32 = c.values().sum();
            if c.len() == 1
                && total >= opts.morphdict_min
                && let Some(f) = c.keys().next()
            {
                let n = feat_strings.len() as u32;
                let id = *feat_ids.entry(f.clone()).or_insert(n);
                if id == n {
                    feat_strings.push(f.clone());
                }
                morphdict.insert(k, id);
            }
        }
    }

    // Lemma rules and lexicons.
    let mut rule_ids: FxHashMap<Rule, u32> = FxHashMap::default();
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_tags: Vec<u32> = Vec::new();
    let mut rule_counts: Vec<u32> = Vec::new();
    let mut lemma_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut lemmas: Vec<String> = Vec::new();
    let mut exact_counts: FxHashMap<(u64, u8), FxHashMap<u32, u32>> = FxHashMap::default();
    let mut lower_counts: FxHashMap<(u64, u8), FxHashMap<u32, u32>> = FxHashMap::default();
    // Types for the rule classifier: (word, tag, feats, rule) with counts.
    let mut types: FxHashMap<(String, u8, String), (u32, u32)> = FxHashMap::default();
    for s in train {
        for w in &s.words {
            if w.lemma == "_" || w.lemma.is_empty() {
                continue;
            }
            let t = tag_id(&w.upos);
            let r = lemma::derive(&w.form, &w.lemma);
            let n = rules.len() as u32;
            let rid = *rule_ids.entry(r.clone()).or_insert(n);
            if rid == n {
                rules.push(r);
                rule_tags.push(0);
            }
            rule_tags[rid as usize] |= 1 << t;
            if rule_counts.len() <= rid as usize {
                rule_counts.resize(rid as usize + 1, 0);
            }
            rule_counts[rid as usize] += 1;
            let n = lemmas.len() as u32;
            let lid = *lemma_ids.entry(w.lemma.clone()).or_insert(n);
            if lid == n {
                lemmas.push(w.lemma.clone());
            }
            *exact_counts
                .entry((features::form_key(&w.form), t))
                .or_default()
                .entry(lid)
                .or_default() += 1;
            lemma::lowercase_into(&w.form, &mut bufs.lower);
            *lower_counts
                .entry((features::lower_key(&bufs.lower), t))
                .or_default()
                .entry(lid)
                .or_default() += 1;
            let feats = if w.feats == "_" {
                String::new()
            } else {
                w.feats.clone()
            };
            types
                .entry((w.form.clone(), t, feats))
                .or_insert((rid, 0))
                .1 += 1;
        }
    }
    let best_lemma =
        |m: FxHashMap<(u64, u8), FxHashMap<u32, u32>>| -> FxHashMap<u64, Vec<(u8, u32)>> {
            let mut out: FxHashMap<u64, Vec<(u8, u32)>> = FxHashMap::default();
            for ((k, t), c) in m {
                if let Some((&l, _)) = c.iter().max_by_key(|(l, n)| (**n, std::cmp::Reverse(**l))) {
                    out.entry(k).or_default().push((t, l));
                }
            }
            for v in out.values_mut() {
                v.sort_unstable();
            }
            out
        };
    // Rules seen too rarely (irregular forms: the lexicon has them) are not candidates for
    // unknown words.
    for (m, &c) in rule_tags.iter_mut().zip(&rule_counts) {
        if c < opts.rule_min {
            *m = 0;
        }
    }
    // (form, tag) pairs worth caching: frequent, not settled by the morphology dictionary.
    let mut morph_cache_forms: Vec<(String, u8)> = pair_total
        .iter()
        .filter(|((f, t), n)| {
            **n >= opts.cache_min
                && !morphdict.contains_key(&crate::morph_key(features::form_key(f), *t as usize))
        })
        .map(|(&(f, t), _)| (f.to_string(), t))
        .collect();
    morph_cache_forms.sort_unstable();
    let lem_exact = best_lemma(exact_counts);
    let lem_lower = best_lemma(lower_counts);

    // Per-sentence precomputation.
    let mut prepared: Vec<Prepared> = Vec::with_capacity(train.len());
    for (si, s) in train.iter().enumerate() {
        let fold = &fold_counts[si % folds];
        let mut w = vec![features::sentinel(1), features::sentinel(2)];
        let mut tg = Vec::with_capacity(s.words.len());
        let mut fc = Vec::with_capacity(s.words.len());
        for x in &s.words {
            let mut wi = features::word_info(&x.form, &mut bufs);
            wi.amb = match (counts.get(&wi.lower), fold.get(&wi.lower)) {
                (Some(all), Some(mine)) => {
                    let rest: Vec<u32> = all.iter().zip(mine).map(|(a, b)| a - b).collect();
                    if rest.iter().any(|&n| n > 0) {
                        mask_of(&rest)
                    } else {
                        0
                    }
                }
                (Some(all), None) => mask_of(all),
                _ => 0,
            };
            if opts.hapax_unknown
                && counts
                    .get(&wi.lower)
                    .is_some_and(|c| c.iter().sum::<u32>() == 1)
            {
                // Train on words seen once as if unknown: the model must rely on affixes and
                // shape, as it will for unknown words at tagging time.
                wi.lower = features::UNKNOWN_LOWER;
                wi.form = features::UNKNOWN_FORM;
            }
            w.push(wi);
            let t = tag_id(&x.upos);
            tg.push(t);
            let mut gold = vec![0u16; heads.len()];
            for (k, v) in parse_feats(&x.feats) {
                if let Some((hi, h)) = heads.iter().enumerate().find(|(_, h)| h.name == k)
                    && let Some(vi) = h.values.iter().position(|y| y == v)
                {
                    gold[hi] = vi as u16;
                    allowed[t as usize * cols + h.offset + vi] = true;
                }
            }
            fc.push(gold);
        }
        w.push(features::sentinel(3));
        w.push(features::sentinel(4));
        prepared.push(Prepared {
            w,
            tags: tg,
            feat_cols: fc,
        });
    }
    let n_words: usize = prepared.iter().map(|p| p.tags.len()).sum();
    log(&format!(
        "{} sentences, {} words, {} tags, {} feature heads ({} columns), {} lemma rules, {} lemma types; prepared in {:.1}s",
        train.len(),
        n_words,
        nt,
        heads.len(),
        cols,
        rules.len(),
        types.len(),
        t0.elapsed().as_secs_f64()
    ));

    let mut upos1 = Trainer::new(nt, opts.upos_bits);
    let mut upos2 = opts.two_pass.then(|| Trainer::new(nt, opts.upos_bits));
    let mut fm = Trainer::new(cols, opts.feats_bits);
    let mut lm = Trainer::new(1, opts.lemma_bits);
    let mut rng = claimtrace_ml::rng::SplitMix64::new(opts.seed);
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    type LemmaType<'a> = (&'a (String, u8, String), &'a (u32, u32));
    let mut type_list: Vec<LemmaType> = types.iter().collect();
    type_list.sort_unstable();

    let mut base = Tagger {
        lang: opts.lang.clone(),
        tags: tags.clone(),
        amb: U64Map::build(amb.iter().map(|(&k, &v)| (k, v as u64))),
        heads,
        allowed,
        lem_exact,
        lem_lower,
        lemmas,
        rules,
        rule_tags,
        tagdict: U64Map::build(tagdict.iter().map(|(&k, &v)| (k, v as u64))),
        morphdict: U64Map::build(morphdict.iter().map(|(&k, &v)| (k, v as u64))),
        feat_strings,
        cache_forms,
        morph_cache_forms,
        ..Tagger::default()
    };
    base.index_rules();

    let mut feats: Vec<u64> = Vec::new();
    let mut sf = vec![0f32; nt.max(cols)];
    let mut cands: Vec<u32> = Vec::new();
    let mut lbuf = String::new();
    let mut best: Option<(f64, Tagger)> = None;
    for epoch in 1..=opts.epochs.max(1) {
        let te = std::time::Instant::now();
        rng.shuffle(&mut order);
        let (mut correct, mut total) = (0usize, 0usize);
        for &si in &order {
            let p = &prepared[si];
            let n = p.tags.len();
            // UPOS, pass 1 (and 2).
            let mut pred = vec![0u8; n];
            let mut first: Vec<u8> = Vec::new();
            for pass in 0..2 {
                let model = match pass {
                    0 => &mut upos1,
                    _ => match upos2.as_mut() {
                        Some(m) => m,
                        None => break,
                    },
                };
                if pass == 1 {
                    first = pred.clone();
                }
                for i in 0..n {
                    let pp = i + PAD;
                    if let Some(t) = base.tagdict.get(p.w[pp].form) {
                        pred[i] = t as u8;
                        continue;
                    }
                    feats.clear();
                    features::upos_static(&p.w, pp, &mut feats);
                    let t1 = if i >= 1 { pred[i - 1] as u64 } else { 98 };
                    let t2 = if i >= 2 { pred[i - 2] as u64 } else { 98 };
                    features::upos_dynamic(&p.w[pp], t1, t2, &mut feats);
                    if pass == 1 {
                        let n1 = first.get(i + 1).map_or(97, |&t| t as u64);
                        let n2 = first.get(i + 2).map_or(97, |&t| t as u64);
                        features::upos_lookahead(&p.w[pp], n1, n2, t1, &mut feats);
                    }
                    let s = &mut sf[..nt];
                    s.fill(0.0);
                    model.score(&feats, s);
                    let guess = argmax_f(s);
                    model.tick();
                    model.update(&feats, p.tags[i] as usize, guess);
                    pred[i] = guess as u8;
                }
            }
            correct += pred.iter().zip(&p.tags).filter(|(a, b)| a == b).count();
            total += n;
            // Morphology, from gold tags.
            let mut u = vec![98u64, 98];
            u.extend(p.tags.iter().map(|&t| t as u64));
            u.extend([97, 97]);
            for i in 0..n {
                let t = p.tags[i] as usize;
                feats.clear();
                features::feats_features(&p.w, &u, i + PAD, &mut feats);
                let s = &mut sf[..cols];
                s.fill(0.0);
                fm.score(&feats, s);
                fm.tick();
                for (hi, h) in base.heads.iter().enumerate() {
                    let al =
                        &base.allowed[t * cols + h.offset..t * cols + h.offset + h.values.len()];
                    if !al.iter().skip(1).any(|&x| x) {
                        continue;
                    }
                    let seg = &s[h.offset..h.offset + h.values.len()];
                    let mut g = 0usize;
                    let mut bs = f32::MIN;
                    for (j, &x) in seg.iter().enumerate() {
                        if al[j] && (x > bs) {
                            bs = x;
                            g = j;
                        }
                    }
                    let gold = p.feat_cols[i][hi] as usize;
                    fm.update(&feats, h.offset + gold, h.offset + g);
                }
            }
        }
        // Lemma rules, over word types.
        rng.shuffle(&mut type_list);
        for ((form, t, fs), (rid, _)) in &type_list {
            base.candidates(form, *t as usize, &mut cands, &mut lbuf);
            if cands.len() < 2 || !cands.contains(rid) {
                continue;
            }
            let wi = features::word_info(form, &mut bufs);
            feats.clear();
            features::lemma_features(
                &wi,
                *t as u64,
                claimtrace_ml::hash::feat(5, &canonical_feats(fs)),
                &mut feats,
            );
            let mut bestc = (f32::MIN, u32::MAX);
            for &c in &cands {
                let sc = Lemma::train_score(&lm, &feats, c);
                if bestc.1 == u32::MAX || sc > bestc.0 {
                    bestc = (sc, c);
                }
            }
            lm.tick();
            Lemma::update(&mut lm, &feats, *rid, bestc.1);
        }
        let mut snap = base.clone();
        snap.upos1 = upos1.averaged().quantise_i16(LAYOUT, opts.prune);
        snap.upos2 = upos2
            .as_ref()
            .map(|m| m.averaged().quantise_i16(LAYOUT, opts.prune));
        snap.feats_model = fm.averaged().quantise_i16(LAYOUT, opts.prune);
        snap.lemma_model = Lemma::F32(lm.averaged().to_f32(Layout::Dense));
        snap.build_cache();
        snap.epoch = epoch;
        let train_acc = correct as f64 / total.max(1) as f64;
        let mut line = format!(
            "epoch {epoch}: train UPOS (online) {train_acc:.4}, {:.1}s, rows {}+{}+{}",
            te.elapsed().as_secs_f64(),
            snap.upos1.n_rows(),
            snap.upos2.as_ref().map_or(0, |m| m.n_rows()),
            snap.feats_model.n_rows()
        );
        if let Some(d) = dev {
            let sc: Scores = snap.evaluate(d);
            line.push_str(&format!(
                "; dev UPOS {:.4} UFeats {:.4} Lemma {:.4} (unknown-word UPOS {:.4}), {:.0} words/s",
                sc.upos, sc.ufeats, sc.lemma, sc.upos_unknown, sc.tokens_per_sec
            ));
            let key = sc.upos + sc.ufeats + sc.lemma;
            if !opts.keep_best || best.as_ref().is_none_or(|(b, _)| key > *b) {
                best = Some((key, snap));
            }
        } else {
            best = Some((0.0, snap));
        }
        log(&line);
    }
    let t = best.map(|(_, t)| t).unwrap_or(base);
    log(&format!("trained in {:.1}s", t0.elapsed().as_secs_f64()));
    t
}

/// FEATS in the form the tagger outputs (`""` for none, heads in UD order), so training and
/// tagging hash the same string.
fn canonical_feats(f: &str) -> String {
    let mut v: Vec<&str> = f
        .split('|')
        .filter(|x| !x.is_empty() && *x != "_")
        .collect();
    v.sort_by_key(|x| x.split('=').next().unwrap_or("").to_lowercase());
    v.join("|")
}

fn argmax_f(s: &[f32]) -> usize {
    let mut b = 0;
    let mut bs = f32::MIN;
    for (i, &x) in s.iter().enumerate() {
        if x > bs {
            bs = x;
            b = i;
        }
    }
    b
}
