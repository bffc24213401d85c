//! Language: declared (`<html lang>`, meta, JSON-LD) first, else detected from the body. The
//! decision lives in [`claimtrace_text::lang`]; this module re-exports it.

pub use claimtrace_text::lang::{detect, normalize_tag};
