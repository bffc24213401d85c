//! Shared by the API and browser tests: a store built from `examples/` and the server
//! fixtures, a real server on an ephemeral loopback port, and a tiny HTTP/1.1 client.
#![allow(dead_code)]

use claimtrace_connect::Ingester;
use claimtrace_server::{Backend, Config, StoreBackend};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Builds (once per test binary) a store from `examples/` + `tests/fixtures/server/*.jsonl`.
pub fn store_path() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        // CLAIMTRACE_TEST_DB=path keeps a copy of the test store for inspection.
        if let Some(keep) = std::env::var_os("CLAIMTRACE_TEST_DB") {
            let keep = PathBuf::from(keep);
            if !keep.exists() {
                build_store(&keep);
            }
        }
        let db = dir.path().join("test.db");
        build_store(&db);
        (dir, db)
    })
    .1
}

pub fn build_store(db: &Path) {
    let opts = claimtrace_ingest::Options::default();
    let pipeline = claimtrace::Pipeline::new();
    let mut ing = Ingester::open(db, None)
        .expect("ingester")
        .with_today("2026-11-25");
    let preparer = ing.preparer();
    let paths = vec![
        format!("{ROOT}/examples"),
        format!("{ROOT}/tests/fixtures/server/story.jsonl"),
        format!("{ROOT}/tests/fixtures/server/hostile.jsonl"),
    ];
    for item in claimtrace_ingest::read_inputs(&paths, &opts) {
        let mut doc = item
            .and_then(|raw| raw.into_doc(&opts))
            .expect("fixture reads");
        pipeline.annotate(&mut doc);
        let p = preparer.prepare(doc);
        ing.push([p]).expect("push");
    }
    ing.finish().expect("finish");
}

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(config: Config, backend: Arc<dyn Backend>) -> TestServer {
        let (tx_addr, rx_addr) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx_addr.send(listener.local_addr().expect("addr")).ok();
                let app = claimtrace_server::api::router(config, backend);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        stopped.await.ok();
                    })
                    .await
                    .expect("serve");
            });
        });
        let addr = rx_addr
            .recv_timeout(Duration::from_secs(30))
            .expect("server address");
        TestServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// A server over the test store.
    pub fn with_store(config: Config) -> TestServer {
        let backend = StoreBackend::open(store_path(), false).expect("open read-only");
        Self::start(config, Arc::new(backend))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn get(&self, path: &str) -> Resp {
        http(self.addr, "GET", path, &[], b"")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with `Connection: close`.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).ok();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    // The server may answer (413) before reading the whole body: ignore write errors.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let mut headers = HashMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&b[start..(start + n).min(b.len())]);
        b = &b[(start + n + 2).min(b.len())..];
    }
    out
}

/// The headless browser of the page tests: `$CHROMIUM`, else the first Chromium or Chrome on
/// `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| {
            [
                "chromium",
                "chromium-browser",
                "google-chrome",
                "google-chrome-stable",
            ]
            .map(|n| d.join(n))
        })
        .find(|p| p.is_file())
}
