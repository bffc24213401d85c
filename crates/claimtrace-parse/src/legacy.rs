//! The parser's model file before the claimtrace-ml kernel (gzip'd, version 1): read only, to
//! convert a committed model to the kernel's file without retraining
//! ([`crate::Parser::from_legacy_bytes`]). The tables are the same `i16` weights.

use claimtrace_ml::table::{Layout, Table};
use std::io::Read;

/// Reads one table of the old format (non-zero rows, delta-coded row numbers, values
/// column-major) as a kernel table.
pub(crate) fn read_table(r: &mut impl Read, layout: Layout) -> std::io::Result<Table<i16>> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let n = read_u32(r)? as usize;
    let bits = read_u32(r)?;
    if n == 0 || n > 4096 || bits > 26 {
        return Err(bad("parser table header is corrupt"));
    }
    let nrows = 1usize << bits;
    let count = read_u32(r)? as usize;
    let idx_len = read_u32(r)? as usize;
    if count > nrows || idx_len > count * 10 {
        return Err(bad("parser table row count is corrupt"));
    }
    let mut idx = vec![0u8; idx_len];
    r.read_exact(&mut idx)?;
    let mut rows = Vec::with_capacity(count);
    let mut pos = 0usize;
    let mut prev = 0u64;
    for _ in 0..count {
        let d = read_varint(&idx, &mut pos).ok_or_else(|| bad("parser table rows corrupt"))?;
        prev = prev.saturating_add(d);
        if prev >= nrows as u64 {
            return Err(bad("parser table row out of range"));
        }
        rows.push(prev as usize);
    }
    let mut w = vec![0i16; nrows * n];
    let mut vals = vec![0u8; count * n * 2];
    r.read_exact(&mut vals)?;
    let mut it = vals.chunks_exact(2);
    for c in 0..n {
        for &row in &rows {
            if let (Some(b), Some(slot)) = (it.next(), w.get_mut(row * n + c)) {
                *slot = i16::from_le_bytes([b[0], b[1]]);
            }
        }
    }
    let scale = 1.0;
    Ok(Table::from_dense(n, bits, layout, scale, &w))
}

fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift > 63 {
            return None;
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
    }
}

pub(crate) fn read_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}
