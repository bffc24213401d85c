//! The router: JSON API under `/api/`, the page's three files, security headers, token check.

use crate::backend::{ArticleQuery, Backend, ClaimQuery, PAGE_CAP, PAGE_DEFAULT, Sort, StoryQuery};
use crate::error::ApiError;
use crate::{CSP, Config, assets};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use claimtrace_core::json::JsonOptions;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;

/// Longest single query parameter value (characters).
pub const MAX_PARAM: usize = 1000;

/// Shared state of the handlers.
pub struct AppState {
    pub backend: Arc<dyn Backend>,
    pub config: Config,
    pipeline: Arc<OnceLock<claimtrace::Pipeline>>,
    analyze_slots: Semaphore,
}

type St = State<Arc<AppState>>;

/// The whole application.
pub fn router(config: Config, backend: Arc<dyn Backend>) -> Router {
    let max_body = config.max_body;
    let state = Arc::new(AppState {
        backend,
        analyze_slots: Semaphore::new(config.analyze_slots.max(1)),
        config,
        pipeline: Arc::new(OnceLock::new()),
    });
    let api = Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/openapi.json", get(openapi))
        .route("/api/articles", get(search_articles))
        .route("/api/articles/{id}", get(article))
        .route(
            "/api/analyze",
            post(analyze).layer(DefaultBodyLimit::max(max_body)),
        )
        .route("/api/stories", get(list_stories))
        .route("/api/stories/{id}", get(story))
        .route("/api/stories/{id}/provenance", get(provenance))
        .route("/api/stories/{id}/claimreview", get(claim_review))
        .route("/api/claims", get(search_claims))
        .route("/api/claims/{id}/trace", get(claim_trace));
    Router::new()
        .merge(api)
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/app.js", get(app_js))
        .route("/app.css", get(app_css))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}

/// Equal-time comparison of two byte strings.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    let c = headers.get(header::COOKIE)?.to_str().ok()?;
    c.split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "claimtrace_token")
        .map(|(_, v)| v)
}

/// URI cap, then the bearer token (header, or the cookie set by `/?token=`).
async fn guard(State(st): St, req: Request, next: Next) -> Response {
    let uri_len = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    if uri_len > st.config.max_uri {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("request URI longer than {} bytes", st.config.max_uri),
        )
        .into_response();
    }
    let Some(token) = st.config.token.as_deref() else {
        return next.run(req).await;
    };
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    if let Some(b) = bearer.or_else(|| cookie_token(headers))
        && same(b.trim().as_bytes(), token.as_bytes())
    {
        return next.run(req).await;
    }
    // `GET /?token=...` from a browser: set the cookie and go to the page.
    if req.uri().path() == "/"
        && let Some(q) = req.uri().query()
        && let Some(t) = q.split('&').find_map(|kv| kv.strip_prefix("token="))
        && same(t.as_bytes(), token.as_bytes())
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "claimtrace_token={token}; HttpOnly; SameSite=Strict; Path=/"
        ))
    {
        let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
        r.headers_mut().insert(header::SET_COOKIE, cookie);
        return r;
    }
    let mut r = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "this server needs a token: send `Authorization: Bearer TOKEN` (or open /?token=TOKEN)",
    )
    .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"claimtrace\""),
    );
    r
}

fn asset(ct: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", assets::INDEX_HTML)
}
async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", assets::APP_JS)
}
async fn app_css() -> Response {
    asset("text/css; charset=utf-8", assets::APP_CSS)
}
async fn openapi() -> Response {
    asset("application/json", assets::OPENAPI_JSON)
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("no such resource: {}", req.uri().path()))
}

fn json_text(s: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], s).into_response()
}

/// Run a backend call on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// Query parameters, checked: known names only, bounded lengths.
struct Params(HashMap<String, String>);

impl Params {
    fn new(
        q: Result<Query<HashMap<String, String>>, QueryRejection>,
        known: &[&str],
    ) -> Result<Self, ApiError> {
        let Query(map) = q.map_err(|e| ApiError::bad_request(format!("bad query string: {e}")))?;
        for (k, v) in &map {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{k}` (known: {})",
                    known.join(", ")
                )));
            }
            if v.chars().count() > MAX_PARAM {
                return Err(ApiError::bad_request(format!(
                    "parameter `{k}` longer than {MAX_PARAM} characters"
                )));
            }
        }
        Ok(Params(map))
    }
    fn text(&self, k: &str) -> Option<String> {
        self.0
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
    fn date(&self, k: &str) -> Result<Option<String>, ApiError> {
        let Some(v) = self.text(k) else {
            return Ok(None);
        };
        let b = v.as_bytes();
        let ok = b.len() >= 10
            && b.len() <= 35
            && b.iter().take(10).enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !ok {
            return Err(ApiError::bad_request(format!(
                "`{k}` must be a date, YYYY-MM-DD (or RFC 3339)"
            )));
        }
        Ok(Some(v))
    }
    fn number(&self, k: &str) -> Result<Option<u64>, ApiError> {
        self.text(k)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| ApiError::bad_request(format!("`{k}` must be a whole number")))
            })
            .transpose()
    }
    fn limit(&self) -> Result<usize, ApiError> {
        Ok(self
            .number("limit")?
            .map(|n| (n as usize).clamp(1, PAGE_CAP))
            .unwrap_or(PAGE_DEFAULT))
    }
    fn flag(&self, k: &str) -> Result<bool, ApiError> {
        match self.text(k).as_deref() {
            None | Some("false") | Some("0") | Some("no") => Ok(false),
            Some("true") | Some("1") | Some("yes") => Ok(true),
            Some(_) => Err(ApiError::bad_request(format!(
                "`{k}` must be true or false"
            ))),
        }
    }
}

fn story_id(s: &str) -> Result<u64, ApiError> {
    s.parse()
        .map_err(|_| ApiError::bad_request(format!("story id must be a whole number, not {s:?}")))
}

fn check_id(s: &str) -> Result<(), ApiError> {
    if s.is_empty() || s.len() > 200 || s.chars().any(char::is_control) {
        return Err(ApiError::bad_request("bad id"));
    }
    Ok(())
}

async fn search_articles(
    State(st): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = Params::new(
        q,
        &[
            "q", "lang", "outlet", "from", "to", "story", "cursor", "limit", "sort",
        ],
    )?;
    let sort = match p.text("sort").as_deref() {
        None | Some("relevance") => Sort::Relevance,
        Some("newest") => Sort::Newest,
        Some(_) => {
            return Err(ApiError::bad_request("`sort` must be relevance or newest"));
        }
    };
    let query = ArticleQuery {
        q: p.text("q"),
        lang: p.text("lang"),
        outlet: p.text("outlet"),
        from: p.date("from")?,
        to: p.date("to")?,
        story: p.number("story")?,
        cursor: p.text("cursor"),
        limit: p.limit()?,
        sort: Some(sort),
    };
    let be = st.backend.clone();
    let page = blocking(move || Ok(be.search(&query)?)).await?;
    Ok(Json(page).into_response())
}

async fn search_claims(
    State(st): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = Params::new(
        q,
        &[
            "source",
            "source_type",
            "outlet",
            "certainty",
            "lang",
            "from",
            "to",
            "story",
            "q",
            "cursor",
            "limit",
        ],
    )?;
    let query = ClaimQuery {
        source: p.text("source"),
        source_type: p.text("source_type"),
        outlet: p.text("outlet"),
        certainty: p.text("certainty"),
        lang: p.text("lang"),
        from: p.date("from")?,
        to: p.date("to")?,
        story: p.number("story")?,
        query: p.text("q"),
        cursor: p.text("cursor"),
        limit: p.limit()?,
    };
    let be = st.backend.clone();
    let page = blocking(move || Ok(be.claims(&query)?)).await?;
    Ok(Json(page).into_response())
}

async fn article(State(st): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let be = st.backend.clone();
    let idc = id.clone();
    match blocking(move || Ok(be.article(&idc)?)).await? {
        Some(s) => Ok(json_text(s)),
        None => Err(ApiError::not_found(format!("no article {id:?}"))),
    }
}

async fn list_stories(
    State(st): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = Params::new(q, &["q", "lang", "from", "to", "cursor", "limit"])?;
    let query = StoryQuery {
        q: p.text("q"),
        lang: p.text("lang"),
        from: p.date("from")?,
        to: p.date("to")?,
        cursor: p.text("cursor"),
        limit: p.limit()?,
        min_articles: None,
    };
    let be = st.backend.clone();
    let page = blocking(move || Ok(be.stories(&query)?)).await?;
    Ok(Json(page).into_response())
}

async fn story(State(st): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    let n = story_id(&id)?;
    let be = st.backend.clone();
    match blocking(move || Ok(be.story(n)?)).await? {
        Some(v) => Ok(json_text(v)),
        None => Err(ApiError::not_found(format!("no story {n}"))),
    }
}

async fn provenance(State(st): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    let n = story_id(&id)?;
    let be = st.backend.clone();
    match blocking(move || Ok(be.provenance(n)?)).await? {
        Some(v) => Ok(json_text(v)),
        None => Err(ApiError::not_found(format!("no provenance for story {n}"))),
    }
}

/// `GET /api/stories/{id}/claimreview`: the story's claims as schema.org ClaimReview JSON-LD
/// (`application/ld+json`), the same document as `claimtrace export claimreview --story N`.
async fn claim_review(State(st): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    let n = story_id(&id)?;
    let be = st.backend.clone();
    match blocking(move || Ok(be.claim_review(n)?)).await? {
        Some(v) => Ok(([(header::CONTENT_TYPE, "application/ld+json")], v).into_response()),
        None => Err(ApiError::not_found(format!(
            "no provenance for story {n} (unknown or not traced yet)"
        ))),
    }
}

async fn claim_trace(State(st): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let be = st.backend.clone();
    let idc = id.clone();
    match blocking(move || Ok(be.claim_trace(&idc)?)).await? {
        Some(v) => Ok(json_text(v)),
        None => Err(ApiError::not_found(format!("no claim {id:?}"))),
    }
}

/// `POST /api/analyze[?store=true][&lang=xx]`: text, HTML or a JSON object
/// (`{"text"|"html", "title", "url", "published", ...}`) → the analysed article.
async fn analyze(
    State(st): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let p = Params::new(q, &["store", "lang", "published"])?;
    let store = p.flag("store")?;
    let lang = p.text("lang");
    if let Some(l) = &lang
        && (l.len() > 8 || !l.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
    {
        return Err(ApiError::bad_request(
            "`lang` must be a language code such as en",
        ));
    }
    let published = p.date("published")?;
    let body = body.map_err(|e| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                format!("request body larger than {} bytes", st.config.max_body),
            )
        } else {
            ApiError::new(status, format!("cannot read the body: {e}"))
        }
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "empty body: send the article's text or HTML",
        ));
    }
    let _permit = st
        .analyze_slots
        .acquire()
        .await
        .map_err(|_| ApiError::internal("shutting down"))?;
    let pipeline = st.pipeline.clone();
    let be = st.backend.clone();
    let max = st.config.max_body as u64;
    blocking(move || {
        let opts = claimtrace_ingest::Options {
            max_size: max.max(1 << 20),
            default_published: published,
            ..claimtrace_ingest::Options::default()
        };
        let reader: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(body));
        let mut items = claimtrace_ingest::read_stream("request body", reader, &opts);
        let raw = match items.next() {
            Some(Ok(raw)) => raw,
            Some(Err(e)) => return Err(ApiError::unprocessable(format!("cannot read: {e}"))),
            None => return Err(ApiError::unprocessable("no article found in the body")),
        };
        let mut doc = raw
            .into_doc(&opts)
            .map_err(|e| ApiError::unprocessable(format!("cannot read: {e}")))?;
        if doc.text.trim().is_empty() {
            return Err(ApiError::unprocessable("no article text found in the body"));
        }
        if let Some(l) = lang {
            doc.lang = Some(l);
        }
        let pipeline = pipeline.get_or_init(claimtrace::Pipeline::new);
        pipeline.annotate(&mut doc);
        let line = doc.to_json_line(JsonOptions::default());
        if !store {
            return Ok(json_text(line));
        }
        let stored = be.store(&doc)?;
        let mut v: Value = serde_json::from_str(&line)
            .map_err(|e| ApiError::internal(format!("bad JSON from the pipeline: {e}")))?;
        if let Some(m) = v.as_object_mut() {
            m.insert("stored".into(), stored);
        }
        Ok((StatusCode::CREATED, Json(v)).into_response())
    })
    .await
}
