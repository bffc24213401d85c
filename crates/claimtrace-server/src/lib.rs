//! claimtrace's HTTP API and web page.
//!
//! `claimtrace serve --db DB` builds a [`Backend`] over the SQLite store and calls [`run`].
//! The API is JSON (documented by `/api/openapi.json`), the web page is three embedded files
//! (`index.html`, `app.js`, `app.css`) that never load anything from another origin, and
//! [`report::render`] writes one self-contained story page.
//!
//! Security: article text is hostile. The page inserts data only as text (`textContent`,
//! `createTextNode`, `setAttribute` of non-URL attributes); every response carries a
//! `Content-Security-Policy` that forbids inline scripts, inline styles and other origins;
//! bodies are capped ([`Config::max_body`]), URIs and queries too; binding anything but
//! loopback requires a bearer token.

pub mod api;
pub mod backend;
pub mod error;
pub mod report;
pub mod store;

pub use backend::{ArticleQuery, Backend, BackendError, MemoryBackend, Page, Sort, StoryQuery};
pub use store::{StoreBackend, report_data};

use std::net::SocketAddr;
use std::sync::Arc;

/// The page's own files, embedded in the binary.
pub mod assets {
    pub const INDEX_HTML: &str = include_str!("../assets/index.html");
    pub const APP_JS: &str = include_str!("../assets/app.js");
    pub const APP_CSS: &str = include_str!("../assets/app.css");
    pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");
}

/// The Content-Security-Policy of every response from the server.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// Bearer token required on every request (mandatory when `bind` is not loopback).
    pub token: Option<String>,
    /// Largest `POST /api/analyze` body, bytes.
    pub max_body: usize,
    /// Longest request URI (path + query), bytes.
    pub max_uri: usize,
    /// How many analyses may run at once (each takes a blocking thread and a core).
    pub analyze_slots: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            max_body: 5 << 20,
            max_uri: 8 << 10,
            analyze_slots: 2,
        }
    }
}

impl Config {
    /// Refuse a non-loopback bind without a token, and an empty token.
    pub fn check(&self) -> Result<(), String> {
        if let Some(t) = &self.token
            && t.trim().len() < 8
        {
            return Err("--token must be at least 8 characters".into());
        }
        if !self.bind.ip().is_loopback() && self.token.is_none() {
            return Err(format!(
                "binding {} exposes the store beyond this machine: pass --token TOKEN \
                 (clients then send `Authorization: Bearer TOKEN`)",
                self.bind
            ));
        }
        Ok(())
    }
}

/// Bind, print the address, and serve until Ctrl-C / SIGTERM (graceful: in-flight requests
/// finish). Blocks the calling thread.
pub fn run(config: Config, backend: Arc<dyn Backend>) -> std::io::Result<()> {
    config
        .check()
        .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        eprintln!("claimtrace serve: listening on http://{addr}/  (Ctrl-C to stop)");
        let app = api::router(config, backend);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        eprintln!("claimtrace serve: stopped");
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
