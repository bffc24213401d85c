//! Schema and migrations: `PRAGMA user_version` holds the number of migrations applied; each
//! migration runs in its own transaction together with the version bump, so an interrupted
//! upgrade leaves the previous version intact.

use rusqlite::Connection;

/// `PRAGMA application_id` of a claimtrace store ("CTst").
pub const APPLICATION_ID: i64 = 0x4354_7374;

/// Migrations, in order. Never edit one that was released: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: articles, full-text index, stories, claims, provenance edges, meta.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT,
        content_hash INTEGER NOT NULL,
        outlet TEXT,
        title TEXT,
        published TEXT,
        pub_key TEXT NOT NULL,
        lang TEXT,
        story INTEGER,
        reprint_of TEXT,
        snippet TEXT NOT NULL,
        json TEXT NOT NULL,
        fingerprint BLOB NOT NULL
    );
    CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_story ON articles(story, pub_key);
    CREATE INDEX articles_pub ON articles(pub_key, seq);
    CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE, pub_key);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        articles INTEGER NOT NULL,
        first_date TEXT NOT NULL DEFAULT '',
        last_date TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL,
        title TEXT,
        origin TEXT,
        top_entities TEXT NOT NULL DEFAULT '[]',
        provenance TEXT,
        stale INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX stories_last ON stories(last_date, id);
    CREATE INDEX stories_stale ON stories(stale) WHERE stale > 0;
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        story INTEGER NOT NULL,
        text TEXT NOT NULL,
        origin TEXT
    ) WITHOUT ROWID;
    CREATE INDEX claims_story ON claims(story);
    CREATE TABLE claim_members (
        claim TEXT NOT NULL,
        article TEXT NOT NULL,
        attribution INTEGER NOT NULL,
        PRIMARY KEY (claim, article, attribution)
    ) WITHOUT ROWID;
    CREATE INDEX claim_members_article ON claim_members(article);
    CREATE TABLE edges (
        story INTEGER NOT NULL,
        src TEXT NOT NULL,
        dst TEXT NOT NULL,
        kinds TEXT NOT NULL,
        PRIMARY KEY (story, src, dst)
    ) WITHOUT ROWID;
    CREATE INDEX edges_dst ON edges(dst);
    "#,
    // 2: one row per attribution (the claims table of `claimtrace claims --db`), indexed for
    // its filters, with a full-text index of the content; an outlet key on articles. Filled
    // from the stored article JSON by `crate::claims::backfill` in the same transaction.
    r#"
    CREATE TABLE attributions (
        id INTEGER PRIMARY KEY,
        article INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        story INTEGER,
        pub_key TEXT NOT NULL,
        lang TEXT,
        outlet_key TEXT NOT NULL DEFAULT '',
        source TEXT,
        entity TEXT,
        source_key TEXT NOT NULL DEFAULT '',
        text_key TEXT NOT NULL DEFAULT '',
        source_type TEXT NOT NULL DEFAULT '',
        certainty TEXT NOT NULL DEFAULT '',
        cue TEXT,
        content TEXT NOT NULL,
        start INTEGER NOT NULL DEFAULT 0,
        end INTEGER NOT NULL DEFAULT 0,
        parent INTEGER,
        UNIQUE (article, idx)
    );
    CREATE INDEX attributions_pub ON attributions(pub_key);
    CREATE TABLE attribution_sources (
        key TEXT NOT NULL,
        pub_key TEXT NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (key, pub_key, id)
    ) WITHOUT ROWID;
    CREATE TABLE outlet_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE INDEX attributions_type ON attributions(source_type, pub_key);
    CREATE INDEX attributions_certainty ON attributions(certainty, pub_key);
    CREATE INDEX attributions_lang ON attributions(lang, pub_key);
    CREATE INDEX attributions_outlet ON attributions(outlet_key, pub_key);
    CREATE INDEX attributions_story ON attributions(story, pub_key);
    CREATE VIRTUAL TABLE attributions_fts USING fts5(
        content, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2'
    );
    ALTER TABLE articles ADD COLUMN outlet_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX articles_outlet_key ON articles(outlet_key, pub_key);
    "#,
    // 3: fact-checks an article's claims repeat (`ingest --factchecks`).
    r#"
    CREATE TABLE factcheck_matches (
        article TEXT NOT NULL,
        attribution INTEGER NOT NULL,
        factcheck TEXT NOT NULL,
        claim TEXT NOT NULL,
        factcheck_text TEXT NOT NULL,
        url TEXT,
        rating TEXT,
        score REAL NOT NULL,
        PRIMARY KEY (article, attribution, factcheck)
    ) WITHOUT ROWID;
    CREATE INDEX factcheck_matches_fc ON factcheck_matches(factcheck);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies the migrations after `from` (the current `user_version`).
pub(crate) fn migrate(conn: &mut Connection, from: u32) -> rusqlite::Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the write lock.
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        if i == 1 {
            crate::claims::backfill(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        if i == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('application', 'claimtrace')",
                [],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}
