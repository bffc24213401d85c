//! Training (feature `train`): the two passes with jackknifed stacking, seed averaging, the
//! refiner; the span filter trains in [`super::filter`].
use super::*;

use claimtrace_core::Token;

/// The training order of the passes, the refiner and the filter: the kernel's Fisher–Yates
/// shuffle ([`claimtrace_ml::rng::shuffle`]) over Knuth's MMIX LCG ([`claimtrace_ml::rng::Lcg64`]);
/// `seed` carries on from one epoch to the next.
pub(crate) fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    let mut g = claimtrace_ml::rng::Lcg64(*seed);
    claimtrace_ml::rng::shuffle(&mut g, items);
    *seed = g.0;
}

/// Train the refiner on jackknifed second-pass tags (else on first-pass tags).
pub(super) const REFINER_ON_PASS2: bool = true;

impl Model {
    /// Trains on (text, gold byte spans) units, each with the pipeline's words for its text
    /// (`words[i]`, possibly empty): a first pass, then (with `stacked`) a second pass on the
    /// first pass's tags, those tags coming from 2-fold jackknifing on train. Both passes are
    /// quantised to i8 at the end. `opts` are recorded in the model. `cache`: a file that
    /// keeps the two passes and the refiner's training tags (written when missing, read when
    /// present), so that refiner experiments skip the tagger training; the model is the same
    /// either way.
    pub fn train(
        att: &Attributor,
        units: &[Unit],
        words: &[Vec<Token>],
        opts: &TrainOptions,
        cache: Option<&Path>,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> Result<Model, String> {
        let o = &opts.checked();
        let analyses: Vec<(Analysis, Vec<usize>)> = units
            .iter()
            .enumerate()
            .map(|(i, (t, sp))| {
                let w = words.get(i).map(|w| w.as_slice()).unwrap_or(&[]);
                let an = att.analyse_with(t, "en", w, &[], o.rules_parse);
                let g = spans_to_tags(&an.toks, sp);
                (an, g)
            })
            .collect();
        let cached = cache.and_then(|c| read_tagger_cache(c).ok());
        let (p, p2, stack2, stack1) = match cached {
            Some(x) => {
                log("tagger cache read", 0, 0.0);
                x
            }
            None => {
                let Some(x) = train_taggers(att, units, &analyses, o, log)? else {
                    let p = train_pass(
                        att,
                        units,
                        &analyses,
                        &(0..units.len()).collect::<Vec<_>>(),
                        None,
                        o,
                        &mut |e, a| log("pass 1", e, a),
                    );
                    return Ok(Model {
                        options: Some(o.clone()),
                        p: QTable::of(&p),
                        p2: None,
                        r1: None,
                        f1: None,
                    });
                };
                if let Some(c) = cache {
                    write_tagger_cache(c, &x).map_err(|e| e.to_string())?;
                }
                x
            }
        };
        let rp = train_refiner(att, units, &analyses, &stack2, o, &mut |e, a| {
            log("refiner", e, a)
        });
        let r = QTable::of(&rp);
        let r1 = Column::of(&r, 1);
        let f1 = if filter::FILTER_ROLES != 0 {
            let fp = filter::train_filter(
                att,
                units,
                &analyses,
                (&stack2, &stack1),
                &r1,
                o,
                &mut |e, a| log("filter", e, a),
            );
            let f = QTable::of(&fp);
            Some(Column::of(&f, 1))
        } else {
            None
        };
        Ok(Model {
            options: Some(o.clone()),
            p,
            p2: Some(p2),
            r1: Some(r1),
            f1,
        })
    }
}

/// The two quantised passes, the jackknifed second-pass tags the refiner trains on and the
/// jackknifed first-pass tags (the span filter reads both).
pub(super) type Taggers = (QTable, QTable, Vec<Vec<usize>>, Vec<Vec<usize>>);

/// Trains both passes (None when `stacked` is off: the caller trains the single pass).
pub(super) fn train_taggers(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    o: &TrainOptions,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Result<Option<Taggers>, String> {
    if !o.stacked {
        return Ok(None);
    }
    let all: Vec<usize> = (0..units.len()).collect();
    let folds = o.folds as usize;
    let p = train_pass(att, units, analyses, &all, None, o, &mut |e, a| {
        log("pass 1", e, a)
    });
    // jackknife first-pass tags
    let mut stack: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for fold in 0..folds {
        let tr: Vec<usize> = all.iter().copied().filter(|i| i % folds != fold).collect();
        let pf = train_pass(att, units, analyses, &tr, None, o, &mut |e, a| {
            log(&format!("fold {fold}"), e, a)
        });
        for i in all.iter().copied().filter(|i| i % folds == fold) {
            if let (Some((an, _)), Some((text, _))) = (analyses.get(i), units.get(i)) {
                let prep = Prep::new(att, an, text);
                if let Some(x) = stack.get_mut(i) {
                    *x = decode_with(&pf, &prep);
                }
            }
        }
    }
    let p2 = train_pass(att, units, analyses, &all, Some(&stack), o, &mut |e, a| {
        log("pass 2", e, a)
    });
    // the refiner learns on what it will see: jackknifed second-pass tags
    let mut stack2: Vec<Vec<usize>> = stack.clone();
    if REFINER_ON_PASS2 {
        for fold in 0..folds {
            let tr: Vec<usize> = all.iter().copied().filter(|i| i % folds != fold).collect();
            let pf = train_pass(att, units, analyses, &tr, Some(&stack), o, &mut |e, a| {
                log(&format!("pass 2 fold {fold}"), e, a)
            });
            for i in all.iter().copied().filter(|i| i % folds == fold) {
                if let (Some((an, _)), Some((text, _))) = (analyses.get(i), units.get(i)) {
                    let mut prep = Prep::new(att, an, text);
                    prep.stack = stack.get(i).cloned();
                    if let Some(x) = stack2.get_mut(i) {
                        *x = decode_with(&pf, &prep);
                    }
                }
            }
        }
    }
    Ok(Some((QTable::of(&p), QTable::of(&p2), stack2, stack)))
}

const CACHE_MAGIC: &[u8; 8] = b"CTATTRC\0";
/// 2: a claimtrace-ml blob (1 was the sparse stream of the version-4 model files).
const CACHE_VERSION: u32 = 2;

/// Writes the two passes and the jackknifed tags (a claimtrace-ml blob: the two tables, then
/// per tag list a block of lengths (u32) and a block of tags (u8)).
pub(super) fn write_tagger_cache(
    path: &Path,
    (p, p2, stack, stack1): &Taggers,
) -> claimtrace_ml::Result<()> {
    let mut w = Writer::new(CACHE_MAGIC, CACHE_VERSION);
    p.t.write(&mut w);
    p2.t.write(&mut w);
    for st in [stack, stack1] {
        w.block(
            st.iter()
                .flat_map(|t| (t.len() as u32).to_le_bytes())
                .collect::<Vec<u8>>(),
        );
        w.block(st.iter().flatten().map(|&x| x as u8).collect::<Vec<u8>>());
    }
    w.save(path)
}

pub(super) fn read_tagger_cache(path: &Path) -> claimtrace_ml::Result<Taggers> {
    let mut r = Reader::open_path(path, CACHE_MAGIC, CACHE_VERSION)?;
    let p = QTable {
        t: Table::<i8>::read(&mut r)?,
    };
    let p2 = QTable {
        t: Table::<i8>::read(&mut r)?,
    };
    let mut read_stack = || -> claimtrace_ml::Result<Vec<Vec<usize>>> {
        let lens = r.block()?;
        let tags = r.block()?;
        let mut tags = tags.as_slice().iter();
        let mut stack = Vec::new();
        for l in lens.as_slice().chunks_exact(4) {
            let n = u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize;
            let t: Vec<usize> = tags.by_ref().take(n).map(|&x| usize::from(x)).collect();
            if t.len() != n {
                return Err(claimtrace_ml::Error::corrupt("tagger cache: tags missing"));
            }
            stack.push(t);
        }
        Ok(stack)
    };
    let stack = read_stack()?;
    let stack1 = read_stack()?;
    Ok((p, p2, stack, stack1))
}

/// Trains one pass ([`train_pass_seed`]) on [`TrainOptions::pass_seeds`] shuffling seeds and
/// averages the weights.
#[allow(clippy::too_many_arguments)]
pub(super) fn train_pass(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    subset: &[usize],
    stack: Option<&Vec<Vec<usize>>>,
    o: &TrainOptions,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    let ps: Vec<Weights> = (0..o.pass_seeds as usize)
        .map(|j| {
            let seed = seeds::nth_seed(0x2545_f491_4f6c_dd1d, j, o.seed_shift);
            train_pass_seed(att, units, analyses, subset, stack, o, seed, log)
        })
        .collect();
    Weights::mean(&ps.iter().collect::<Vec<_>>())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn train_pass_seed(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    subset: &[usize],
    stack: Option<&Vec<Vec<usize>>>,
    o: &TrainOptions,
    mut seed: u64,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    let epochs = o.epochs as usize;
    let mut p = Trainer::new(TAGS.len(), o.bits);
    let mut order: Vec<usize> = subset.to_vec();
    let mut feats = Vec::with_capacity(128);
    let mut scores = Vec::new();
    // features are computed once per unit and epoch-independent except for the history,
    // so the preps are built once
    let mut inside = vec![false; units.len()];
    for &u in subset {
        if let Some(x) = inside.get_mut(u) {
            *x = true;
        }
    }
    let preps: Vec<Option<Prep<'_>>> = (0..units.len())
        .map(|u| {
            if !inside.get(u).copied().unwrap_or(false) {
                return None;
            }
            let (an, _) = analyses.get(u)?;
            let (text, _) = units.get(u)?;
            let mut prep = Prep::new(att, an, text);
            prep.stack = stack.and_then(|s| s.get(u)).cloned();
            Some(prep)
        })
        .collect();
    for ep in 0..epochs {
        shuffle(&mut order, &mut seed);
        let (mut right, mut total) = (0usize, 0usize);
        for &u in &order {
            let (Some((_, gold)), Some(Some(prep))) = (analyses.get(u), preps.get(u)) else {
                continue;
            };
            let mut h = Hist {
                since_cue: 99,
                ..Hist::default()
            };
            for (i, &g) in gold.iter().enumerate() {
                prep.feats(i, &h, &mut feats);
                scores.clear();
                scores.resize(TAGS.len(), 0.0);
                p.score(&feats, &mut scores);
                let pr = argmax(&scores);
                p.tick();
                p.update(&feats, g, pr);
                right += usize::from(pr == g);
                total += 1;
                h.push(
                    fix(h.p1, pr),
                    prep.sent_start.get(i + 1).copied().unwrap_or(false),
                );
                h.track(i, prep);
            }
        }
        log(ep, right as f64 / total.max(1) as f64);
    }
    p.averaged()
}

/// A refiner training item: unit, predicted run, gold span, role.
pub(super) type RefinerItem = (usize, (usize, usize), (usize, usize), usize);

/// Trains the span refiner on jackknifed first-pass runs against the gold runs.
pub(super) fn train_refiner(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    stack: &[Vec<usize>],
    o: &TrainOptions,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    let ps: Vec<Weights> = (0..o.span_seeds as usize)
        .map(|j| {
            let seed = seeds::nth_seed(0x9e37_79b9_7f4a_7c15, j, o.seed_shift);
            let epochs = o.refiner_epochs as usize;
            train_refiner_seed(att, units, analyses, stack, epochs, seed, log)
        })
        .collect();
    Weights::mean(&ps.iter().collect::<Vec<_>>())
}

pub(super) fn train_refiner_seed(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    stack: &[Vec<usize>],
    epochs: usize,
    mut seed: u64,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    let mut p = Trainer::new(2, 18);
    // (unit, run, gold span, role)
    let mut items: Vec<RefinerItem> = Vec::new();
    let mut others_of: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); units.len()];
    let preps: Vec<Option<Prep<'_>>> = (0..units.len())
        .map(|u| {
            let (an, _) = analyses.get(u)?;
            let (text, _) = units.get(u)?;
            Some(Prep::new(att, an, text))
        })
        .collect();
    for (u, (_, gold)) in analyses.iter().enumerate() {
        let Some(pred) = stack.get(u) else { continue };
        let g = role_runs(gold);
        let pr = role_runs(pred);
        if let Some(x) = others_of.get_mut(u) {
            *x = pr.clone();
        }
        for (s, e, role) in pr {
            let best = g
                .iter()
                .filter(|x| x.2 == role && x.0 < e && s < x.1)
                .max_by_key(|x| x.1.min(e) - x.0.max(s));
            if let Some(&(gs, ge, _)) = best {
                items.push((u, (s, e), (gs, ge), role));
            }
        }
    }
    let mut fa = Vec::with_capacity(40);
    let mut fb = Vec::with_capacity(40);
    let mut scores = vec![0f32; 2];
    for ep in 0..epochs {
        shuffle(&mut items, &mut seed);
        let (mut right, mut total, mut covered) = (0usize, 0usize, 0usize);
        for &(u, run, gold, role) in &items {
            let (Some(Some(prep)), Some(pred)) = (preps.get(u), stack.get(u)) else {
                continue;
            };
            let others: Vec<(usize, usize)> = others_of
                .get(u)
                .map(|v| {
                    v.iter()
                        .filter(|o| o.2 == role && (o.0, o.1) != run)
                        .map(|o| (o.0, o.1))
                        .collect()
                })
                .unwrap_or_default();
            let cands = prep.span_cands(run, &others);
            total += 1;
            if !cands.contains(&gold) {
                continue;
            }
            covered += 1;
            let mut best = (run, f32::MIN);
            for &(a, b) in &cands {
                prep.span_feats(role as u64, run, &others, pred, a, b, None, &mut fa);
                scores.iter_mut().for_each(|x| *x = 0.0);
                p.score(&fa, &mut scores);
                let sc = scores.get(1).copied().unwrap_or(0.0);
                if sc > best.1 {
                    best = ((a, b), sc);
                }
            }
            // one step per item, or one per update (as the trainer this replaced counted)
            p.tick();
            if best.0 == gold {
                right += 1;
            } else {
                prep.span_feats(
                    role as u64,
                    run,
                    &others,
                    pred,
                    gold.0,
                    gold.1,
                    None,
                    &mut fa,
                );
                prep.span_feats(
                    role as u64,
                    run,
                    &others,
                    pred,
                    best.0.0,
                    best.0.1,
                    None,
                    &mut fb,
                );
                p.update(&fa, 1, 0);
                p.tick();
                p.update(&fb, 0, 1);
            }
        }
        if ep == 0 {
            eprintln!("refiner: {total} predicted runs, gold among the candidates for {covered}");
        }
        log(ep, right as f64 / covered.max(1) as f64);
    }
    p.averaged()
}

#[cfg(test)]
mod shuffle_tests {
    /// The private shuffle the committed model was trained with (before the kernel port).
    fn old_shuffle<T>(items: &mut [T], seed: &mut u64) {
        for i in (1..items.len()).rev() {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = (*seed >> 33) as usize % (i + 1);
            items.swap(i, j);
        }
    }

    /// The kernel shuffle gives the old orders and carries the same seed across epochs.
    #[test]
    fn kernel_shuffle_is_the_old_one() {
        for n in [0usize, 1, 2, 3, 17, 1000] {
            for start in [
                0u64,
                1,
                0x2545_f491_4f6c_dd1d,
                0x9e37_79b9_7f4a_7c15,
                u64::MAX,
            ] {
                let (mut a, mut b): (Vec<usize>, Vec<usize>) = ((0..n).collect(), (0..n).collect());
                let (mut sa, mut sb) = (start, start);
                for _epoch in 0..5 {
                    old_shuffle(&mut a, &mut sa);
                    super::shuffle(&mut b, &mut sb);
                    assert_eq!(a, b, "n {n}, seed {start}");
                    assert_eq!(sa, sb);
                }
            }
        }
    }
}
