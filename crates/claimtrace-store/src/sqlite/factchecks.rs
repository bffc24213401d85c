//! Fact-check matches: which earlier fact-checks an article's claims repeat (written by
//! `claimtrace ingest --factchecks`, read by the article page and API). Table
//! `factcheck_matches` (migration 2).

use super::SqliteStore;
use crate::error::Result;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// One fact-check matched to a claim of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactCheckMatch {
    /// Index of the claim in the article's `attributions`; `None` for the article as a whole.
    pub attribution: Option<u32>,
    /// The claim's content as matched.
    pub claim: String,
    pub factcheck_id: String,
    /// The fact-checked claim's text.
    pub factcheck_text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// The matcher's score (compares within one claim only).
    pub score: f64,
}

impl SqliteStore {
    /// Replaces the fact-check matches of an article.
    pub fn put_factcheck_matches(&self, article: &str, matches: &[FactCheckMatch]) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM factcheck_matches WHERE article = ?1",
                params![article],
            )?;
            {
                let mut ins = tx.prepare_cached(
                    "INSERT OR REPLACE INTO factcheck_matches(article, attribution, factcheck, claim, \
                     factcheck_text, url, rating, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?;
                for m in matches {
                    ins.execute(params![
                        article,
                        m.attribution.map_or(-1i64, i64::from),
                        m.factcheck_id,
                        m.claim,
                        m.factcheck_text,
                        m.url,
                        m.rating,
                        m.score,
                    ])?;
                }
            }
            tx.commit()
        })
    }

    /// The fact-check matches of an article, by claim then best first.
    pub fn factcheck_matches(&self, article: &str) -> Result<Vec<FactCheckMatch>> {
        self.read(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT attribution, factcheck, claim, factcheck_text, url, rating, score \
                 FROM factcheck_matches WHERE article = ?1 ORDER BY attribution, score DESC, factcheck",
            )?;
            let rows = st.query_map(params![article], |r| {
                let a: i64 = r.get(0)?;
                Ok(FactCheckMatch {
                    attribution: u32::try_from(a).ok(),
                    factcheck_id: r.get(1)?,
                    claim: r.get(2)?,
                    factcheck_text: r.get(3)?,
                    url: r.get(4)?,
                    rating: r.get(5)?,
                    score: r.get(6)?,
                })
            })?;
            rows.collect()
        })
    }

    /// The ids of every stored article, in the order they were stored (for `claimtrace match
    /// --db`).
    pub fn article_ids(&self) -> Result<Vec<String>> {
        self.read(|conn| {
            let mut st = conn.prepare_cached("SELECT id FROM articles ORDER BY seq")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })
    }

    /// How many articles have at least one fact-check match.
    pub fn factchecked_articles(&self) -> Result<u64> {
        self.read(|conn| {
            conn.query_row(
                "SELECT COUNT(DISTINCT article) FROM factcheck_matches",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
        })
    }
}
