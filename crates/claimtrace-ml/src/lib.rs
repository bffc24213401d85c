//! Shared machinery for claimtrace's own models.
//!
//! In: training data files (CoNLL-U, IOB2) and feature strings.
//! Out: parsed sentences ([`conllu`], [`iob2`]), stable feature hashes ([`hash`]) and a
//! compact averaged perceptron ([`perceptron`]) that the tagger, parser and entity recogniser
//! build on, with a gzip'd model file format ([`modelfile`]).

pub mod conllu;
pub mod hash;
pub mod iob2;
pub mod modelfile;
pub mod perceptron;
pub mod rank;
pub mod rng;
pub mod rows;
