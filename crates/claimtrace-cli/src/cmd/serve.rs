//! `claimtrace serve --db DB [--bind 127.0.0.1:8080] [--token T]`: the HTTP API and web page.
//!
//! The store is opened read-only (WAL), so `claimtrace ingest` can run beside the server.
//! Binding anything but loopback requires `--token`; Ctrl-C (or SIGTERM) stops gracefully and
//! leaves the store whole in its `.db` file (WAL checkpointed).

use claimtrace_server::{Config, StoreBackend};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// The store (built by `claimtrace ingest`).
    #[arg(long)]
    pub db: PathBuf,
    /// Address to listen on. Anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Bearer token required on every request (clients send `Authorization: Bearer TOKEN`;
    /// a browser opens `/?token=TOKEN` once). Also read from CLAIMTRACE_TOKEN.
    #[arg(long)]
    pub token: Option<String>,
    /// Let `POST /api/analyze?store=true` add articles to the store.
    #[arg(long)]
    pub allow_store: bool,
    /// Largest `POST /api/analyze` body, in MiB.
    #[arg(long, default_value_t = 5)]
    pub max_body_mib: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let token = args
        .token
        .or_else(|| std::env::var("CLAIMTRACE_TOKEN").ok())
        .filter(|t| !t.is_empty());
    let config = Config {
        bind: args.bind,
        token,
        max_body: args.max_body_mib.clamp(1, 1024) << 20,
        ..Config::default()
    };
    config.check().map_err(anyhow::Error::msg)?;
    let backend = StoreBackend::open(&args.db, args.allow_store)
        .map_err(|e| anyhow::anyhow!("cannot open the store: {e}"))?;
    let backend = Arc::new(backend);
    let served = claimtrace_server::run(config, backend.clone());
    // Every request is done (graceful shutdown): ours is the last handle.
    match Arc::try_unwrap(backend) {
        Ok(b) => {
            if let Err(e) = b.close() {
                eprintln!("claimtrace serve: could not fold the WAL into the store: {e}");
            }
        }
        Err(_) => eprintln!("claimtrace serve: requests still running; the WAL is left as is"),
    }
    served?;
    Ok(ExitCode::SUCCESS)
}
