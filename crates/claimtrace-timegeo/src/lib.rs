//! Temporal expressions and places, normalised relative to the article.
