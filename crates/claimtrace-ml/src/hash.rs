//! Stable feature hashing. Values are fixed across runs, versions and platforms (xxh3), because
//! hashed feature ids are stored in committed model files.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Hashes a feature: a template number and its string value.
#[inline]
pub fn feat(template: u32, value: &str) -> u64 {
    xxh3_64_with_seed(value.as_bytes(), template as u64)
}

/// Hashes a feature with two string parts (a separator byte keeps ("ab","c") apart from ("a","bc")).
#[inline]
pub fn feat2(template: u32, a: &str, b: &str) -> u64 {
    let h = xxh3_64_with_seed(a.as_bytes(), template as u64);
    xxh3_64_with_seed(b.as_bytes(), h ^ 0x9e37_79b9_7f4a_7c15)
}

/// Combines an existing hash with another value (for conjunctions built incrementally).
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    let x = h ^ v.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let x = (x ^ (x >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}
