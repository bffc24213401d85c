//! Seeded generators and the one shuffle of training data.
//!
//! [`shuffle`] is Fisher–Yates over any [`Rng`] (`j = next % (i + 1)`); the generators keep
//! the sequences the committed models were trained with: [`SplitMix64`] (tagger, parser),
//! [`Lcg64`] (Knuth's MMIX LCG, output `state >> 33`: attribution), [`XorShift64`]
//! (Marsaglia 13/7/17: entity recogniser). Sequences are fixed, so training runs reproduce
//! from their seed.

/// A source of 64-bit values.
pub trait Rng {
    fn next_u64(&mut self) -> u64;

    /// A float in `[0, 1)` (the top 53 bits).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fisher–Yates shuffle: for `i` from the end, swap `i` with `next_u64() % (i + 1)`.
pub fn shuffle<T>(rng: &mut impl Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        Rng::unit(self)
    }

    /// Fisher–Yates shuffle ([`shuffle`]).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        shuffle(self, v)
    }
}

impl Rng for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        SplitMix64::next_u64(self)
    }
}

/// 64-bit LCG with Knuth's MMIX constants; yields `state >> 33` (31 bits).
#[derive(Debug, Clone)]
pub struct Lcg64(pub u64);

impl Rng for Lcg64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Marsaglia's xorshift64 (13, 7, 17); yields the new state. A zero state stays zero: seed
/// it with an odd number.
#[derive(Debug, Clone)]
pub struct XorShift64(pub u64);

impl Rng for XorShift64 {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_sequence() {
        // Reference values of SplitMix64 from seed 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        let mut v: Vec<u32> = (0..10).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort_unstable();
        assert_eq!(s, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn lcg_shuffle_matches_the_attribution_loop() {
        // The loop attribution trained with: seed carried on, j = (seed >> 33) % (i + 1).
        let mut seed = 42u64;
        let mut a: Vec<u32> = (0..50).collect();
        for i in (1..a.len()).rev() {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            a.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let mut b: Vec<u32> = (0..50).collect();
        let mut r = Lcg64(42);
        shuffle(&mut r, &mut b);
        assert_eq!(a, b);
        assert_eq!(r.0, seed);
    }

    #[test]
    fn xorshift_shuffle_matches_the_ner_loop() {
        let mut rng = 12345u64 | 1;
        let mut a: Vec<u32> = (0..50).collect();
        for i in (1..a.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            a.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut b: Vec<u32> = (0..50).collect();
        let mut r = XorShift64(12345 | 1);
        shuffle(&mut r, &mut b);
        assert_eq!(a, b);
        assert_eq!(r.0, rng);
    }
}
