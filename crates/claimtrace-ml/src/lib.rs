//! Shared machinery for claimtrace's own models: one linear-model kernel.
//!
//! In: training data files (CoNLL-U, IOB2), feature strings, and model files.
//! Out: parsed sentences ([`conllu`], [`iob2`]), stable feature hashes ([`hash`]), and the
//! hashed linear model every trained stage uses (tagger, parser, entity recogniser,
//! attribution):
//!
//! * [`train`]: the averaged multi-class perceptron ([`train::Trainer`], `f32`, lazy
//!   averaging; [`train::IntTrainer`], exact integer averaging), seed averaging
//!   ([`train::Weights::mean`], [`table::Table::soup`], [`train::seeds`]);
//! * [`rng`]: the seeded generators and the one training-data [`rng::shuffle`];
//! * [`table`]: quantised inference tables (`f32`, `i16`, `i8`; dense or sparse behind a rank
//!   index; rows on cache lines) scored in two phases;
//! * [`blob`]: the model file (magic, format version, checksum, 64-byte aligned blocks) read
//!   in place: a model embedded in the binary loads without copying or parsing its tables;
//! * [`map`]: a frozen `u64` → `u64` hash map read in place (lexicons, name lists);
//! * [`error`]: typed errors, converting into `claimtrace_core::Error::Model`.
//!
//! How a model crate uses it: train with [`train::Trainer`] → `averaged()` →
//! `quantise_i16`/`quantise_i8`/`to_f32` into a [`table::Table`]; save with a
//! [`blob::Writer`] (a [`blob::Meta`] block for labels and sizes, then `Table::write` per
//! table); load with [`blob::Reader::open_static`] over `aligned_bytes!` (or
//! [`blob::Reader::open_path`]), reading blocks in the order written; score with
//! [`table::Table::sum_into`]. See `PORTING.md` for the older types this replaces.

pub mod blob;
pub mod conllu;
pub mod error;
pub mod hash;
pub mod iob2;
pub mod map;
pub mod rng;
pub mod table;
pub mod train;

pub use error::{Error, Result};
