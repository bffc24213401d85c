//! The tagger's model file before the claimtrace-ml kernel (gzip'd, version 2): read only, to
//! convert a committed model to the kernel's file without retraining
//! ([`crate::Tagger::from_legacy_bytes`]). The weight tables are the same `i16` values.

use crate::lemma::Rule;
use crate::model::Lemma;
use crate::{Head, Tagger};
use claimtrace_ml::map::U64Map;
use claimtrace_ml::perceptron::read_u32;
use claimtrace_ml::table::{Layout, Table};
use rustc_hash::FxHashMap;
use std::io::Read;

/// Reads the body of an old model file (after its header) and rebuilds the lexicons and
/// caches the new file stores.
pub(crate) fn read_body(r: &mut impl Read) -> std::io::Result<Tagger> {
    use claimtrace_ml::modelfile::read_str;
    use claimtrace_ml::perceptron::read_u64;
    let count = |r: &mut dyn FnMut() -> std::io::Result<u32>, max: u32| -> std::io::Result<usize> {
        let n = r()?;
        if n > max {
            return Err(bad("count is corrupt"));
        }
        Ok(n as usize)
    };
    let lang = read_str(r)?;
    let nt = count(&mut || read_u32(r), 32)?;
    let mut tags = Vec::with_capacity(nt);
    for _ in 0..nt {
        tags.push(read_str(r)?);
    }
    let na = count(&mut || read_u32(r), 1 << 26)?;
    let mut amb = FxHashMap::default();
    amb.reserve(na);
    for _ in 0..na {
        let k = read_u64(r)?;
        let v = read_u32(r)?;
        amb.insert(k, v);
    }
    let upos1 = read_compact(r)?;
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    let upos2 = if b[0] == 1 {
        Some(read_compact(r)?)
    } else {
        None
    };
    for m in std::iter::once(&upos1).chain(upos2.as_ref()) {
        if m.cols() != nt {
            return Err(bad("UPOS table does not match the tag set"));
        }
    }
    let nh = count(&mut || read_u32(r), 1 << 12)?;
    let mut heads = Vec::with_capacity(nh);
    for _ in 0..nh {
        let name = read_str(r)?;
        let offset = read_u32(r)? as usize;
        let nv = count(&mut || read_u32(r), 1 << 12)?;
        let mut values = Vec::with_capacity(nv);
        for _ in 0..nv {
            values.push(read_str(r)?);
        }
        heads.push(Head {
            name,
            values,
            offset,
        });
    }
    let nb = count(&mut || read_u32(r), 1 << 24)?;
    let mut bits = vec![0u8; nb];
    r.read_exact(&mut bits)?;
    let allowed: Vec<bool> = bits.iter().map(|&x| x != 0).collect();
    let feats_model = read_compact(r)?;
    if allowed.len() != nt * feats_model.cols()
        || heads
            .iter()
            .any(|h| h.offset + h.values.len() > feats_model.cols())
    {
        return Err(bad("morphology tables do not match"));
    }
    let nl = count(&mut || read_u32(r), 1 << 26)?;
    let mut lemmas = Vec::with_capacity(nl);
    for _ in 0..nl {
        lemmas.push(read_str(r)?);
    }
    let mut maps = Vec::new();
    for _ in 0..2 {
        let n = count(&mut || read_u32(r), 1 << 26)?;
        let mut m: FxHashMap<u64, Vec<(u8, u32)>> = FxHashMap::default();
        m.reserve(n);
        for _ in 0..n {
            let k = read_u64(r)?;
            r.read_exact(&mut b)?;
            let mut es = Vec::with_capacity(b[0] as usize);
            for _ in 0..b[0] {
                let mut t = [0u8; 1];
                r.read_exact(&mut t)?;
                es.push((t[0], read_u32(r)?));
            }
            m.insert(k, es);
        }
        maps.push(m);
    }
    let lem_lower = maps.pop().unwrap_or_default();
    let lem_exact = maps.pop().unwrap_or_default();
    let nr = count(&mut || read_u32(r), 1 << 24)?;
    let mut rules = Vec::with_capacity(nr);
    let mut rule_tags = Vec::with_capacity(nr);
    for _ in 0..nr {
        r.read_exact(&mut b)?;
        let del = read_str(r)?;
        let add = read_str(r)?;
        rules.push(Rule {
            lower: b[0] != 0,
            del,
            add,
        });
        rule_tags.push(read_u32(r)?);
    }
    let lemma_model = Lemma::I16(read_flat(r)?);
    let n = count(&mut || read_u32(r), 1 << 26)?;
    let mut tagdict = FxHashMap::default();
    for _ in 0..n {
        let k = read_u64(r)?;
        r.read_exact(&mut b)?;
        if b[0] as usize >= nt {
            return Err(bad("tag dictionary entry out of range"));
        }
        tagdict.insert(k, b[0]);
    }
    let n = count(&mut || read_u32(r), 1 << 20)?;
    let mut feat_strings = Vec::with_capacity(n);
    for _ in 0..n {
        feat_strings.push(read_str(r)?);
    }
    let n = count(&mut || read_u32(r), 1 << 26)?;
    let mut morphdict = FxHashMap::default();
    for _ in 0..n {
        let k = read_u64(r)?;
        morphdict.insert(k, read_u32(r)?);
    }
    let n = count(&mut || read_u32(r), 1 << 22)?;
    let mut cache_forms = Vec::with_capacity(n);
    for _ in 0..n {
        cache_forms.push(read_str(r)?);
    }
    let n = count(&mut || read_u32(r), 1 << 22)?;
    let mut morph_cache_forms = Vec::with_capacity(n);
    for _ in 0..n {
        let f = read_str(r)?;
        r.read_exact(&mut b)?;
        morph_cache_forms.push((f, b[0]));
    }
    let frozen = |m: FxHashMap<u64, u64>| U64Map::build(m);
    let mut t = Tagger {
        epoch: 0,
        morph_cache_forms,
        morph_cache: U64Map::default(),
        morph_cache_vecs: Default::default(),
        cache_forms,
        cache: U64Map::default(),
        cache_vecs: Default::default(),
        tagdict: frozen(tagdict.into_iter().map(|(k, v)| (k, v as u64)).collect()),
        morphdict: frozen(morphdict.into_iter().map(|(k, v)| (k, v as u64)).collect()),
        feat_strings,
        lang,
        tags,
        amb: frozen(amb.into_iter().map(|(k, v)| (k, v as u64)).collect()),
        upos1,
        upos2,
        heads,
        allowed,
        feats_model,
        lem_exact,
        lem_lower,
        lemmas,
        lemma_index: U64Map::default(),
        lemma_text: Default::default(),
        rules,
        rule_index: U64Map::default(),
        rule_lists: Default::default(),
        rule_tags,
        max_del: 0,
        lemma_model,
    };
    t.index_rules();
    t.build_cache();
    Ok(t)
}

/// Reads a sparse weight table of the old format (per non-zero row its bucket and
/// `(column, value)` pairs) as a kernel table.
pub(crate) fn read_compact(r: &mut impl Read) -> std::io::Result<Table<i16>> {
    let cols = read_u32(r)? as usize;
    let bits = read_u32(r)?;
    if cols == 0 || cols > 1 << 14 || bits == 0 || bits > 26 {
        return Err(bad("weight table header is corrupt"));
    }
    let nh = read_u32(r)? as usize;
    if nh > cols {
        return Err(bad("weight table heads are corrupt"));
    }
    for _ in 0..nh {
        let o = read_u32(r)? as usize;
        let l = read_u32(r)? as usize;
        if o + l > cols || l == 0 {
            return Err(bad("weight table head out of range"));
        }
    }
    let rows = 1usize << bits;
    let nrows = read_u32(r)? as usize;
    if nrows > rows {
        return Err(bad("weight table row count is corrupt"));
    }
    let mut w = vec![0i16; rows * cols];
    let mut bucket = 0u64;
    for _ in 0..nrows {
        bucket += read_varint(r)?;
        if bucket as usize >= rows {
            return Err(bad("weight table bucket out of range"));
        }
        let nz = read_varint(r)? as usize;
        if nz > cols {
            return Err(bad("weight table row is corrupt"));
        }
        for _ in 0..nz {
            let c = read_varint(r)? as usize;
            let mut b = [0u8; 2];
            r.read_exact(&mut b)?;
            let v = w
                .get_mut(bucket as usize * cols + c)
                .filter(|_| c < cols)
                .ok_or_else(|| bad("weight table column out of range"))?;
            *v = i16::from_le_bytes(b);
        }
    }
    Ok(Table::from_dense(cols, bits, Layout::Sparse, 1.0, &w))
}

/// Reads the lemma-rule table of the old format (quantised `i16` with its scale) as a dense
/// one-column kernel table with the same values and scale.
pub(crate) fn read_flat(r: &mut impl Read) -> std::io::Result<Table<i16>> {
    let bits = read_u32(r)?;
    if bits == 0 || bits > 26 {
        return Err(bad("lemma table header is corrupt"));
    }
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    let scale = f32::from_le_bytes(b);
    if !(scale.is_finite() && scale > 0.0) {
        return Err(bad("lemma table scale is corrupt"));
    }
    let n = 1usize << bits;
    let count = claimtrace_ml::perceptron::read_u64(r)? as usize;
    if count > n {
        return Err(bad("lemma table count is corrupt"));
    }
    let mut w = vec![0i16; n];
    let mut i = 0usize;
    for _ in 0..count {
        i += read_varint(r)? as usize;
        let mut q = [0u8; 2];
        r.read_exact(&mut q)?;
        let slot = w
            .get_mut(i)
            .ok_or_else(|| bad("lemma table index out of range"))?;
        *slot = i16::from_le_bytes(q);
    }
    Ok(Table::from_dense(1, bits, Layout::Dense, scale, &w))
}

pub(crate) fn bad(m: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string())
}

pub(crate) fn read_varint(r: &mut impl Read) -> std::io::Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        v |= ((b[0] & 0x7f) as u64) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(bad("varint too long"))
}
