//! The outlet table (`lang/mul/outlets.tsv`) and its matcher live in
//! [`claimtrace_text::outlets`]; provenance reads them under its old name.

pub use claimtrace_text::outlets::{Mention, Outlet, Outlets as Lexicon};
