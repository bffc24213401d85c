//! The claimtrace document model.
//!
//! In: nothing (this crate is the vocabulary every stage shares).
//! Out: [`Doc`], the one object per article that every stage reads and annotates, in the spirit of
//! spaCy's `Doc`/`Span`: metadata, the body `text`, and one layer per stage. Spans are **byte**
//! ranges into `text` internally ([`Span`]); the JSON written for users carries **character**
//! (Unicode scalar value) offsets, so that Python's `text[start:end]` gives the span
//! ([`CharMap`] converts).

pub mod charmap;
pub mod date;
pub mod doc;
pub mod error;
pub mod json;
pub mod span;
pub mod term;

pub use charmap::CharMap;
pub use doc::{Attribution, Doc, Entity, Place, Sentence, Source, TimeExpr, Token};
pub use error::{Error, InputError, Result};
pub use span::Span;
