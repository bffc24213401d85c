//! Temporal expressions and places, normalised relative to the article.
//!
//! In: a [`claimtrace_core::Doc`] with `text`, `lang`, `published` (and, when available,
//! `tokens`, `sentences` and `entities` from the other stages).
//! Out: `doc.times` (TIMEX3 values resolved against the publication date) via
//! [`annotate_times`], and `doc.places` + `doc.focus_countries` (GeoNames records) via
//! [`annotate_places`] with a [`Gazetteer`].

pub mod admin;
pub mod gazetteer;
pub mod places;
pub mod time;

pub use gazetteer::{Gazetteer, haversine_km};
pub use places::{annotate_places, find_places};
pub use time::{annotate_times, find_times, parse_dct};
