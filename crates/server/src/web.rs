//! The browser side: the account holders' app (`GET /app`), the recipient page of external
//! links (`GET /x/{link_id}`), the upload page of requests (`GET /r/{request_id}`), their
//! static assets, and the security headers every response carries, API included.
//!
//! The pages are built from `web/` (TypeScript) into `crates/server/web/dist/`, which is
//! committed and embedded here, so building the server needs no Node. The HTML is the same for
//! every link: the page reads the link id from its path and the key from its fragment, which
//! browsers never send, so nothing the server answers depends on a secret.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::routes::ApiPath;
use crate::state::AppState;

/// Scripts, styles, images and requests only from this server; no inline script or style, no
/// eval, no plugin, no frame, no form posted elsewhere, no `<base>` rewriting. The reader's
/// cryptography is plain JavaScript (no WebAssembly), so nothing needs `'wasm-unsafe-eval'`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
/// The scan worker's own policy (a worker follows the policy its script is served with): it
/// reads the plain text of the files about to be sent, so it may fetch nothing, open no socket,
/// import no script, evaluate no string and compile no WebAssembly. It only answers the page.
pub const WORKER_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
/// Sent over TLS only: a browser that saw it refuses plain HTTP to this host for two years.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

const RECIPIENT_HTML: &[u8] = include_bytes!("../web/dist/recipient.html");
const RECIPIENT_JS: &[u8] = include_bytes!("../web/dist/recipient.js");
const APP_HTML: &[u8] = include_bytes!("../web/dist/app.html");
const APP_JS: &[u8] = include_bytes!("../web/dist/app.js");
/// The app's data loss prevention scan, run off the page's thread (a module Web Worker).
const DLP_WORKER_JS: &[u8] = include_bytes!("../web/dist/dlp-worker.js");
const STYLESHEET: &[u8] = include_bytes!("../web/dist/pli.css");
const REQUEST_HTML: &[u8] = include_bytes!("../web/dist/request.html");
const REQUEST_JS: &[u8] = include_bytes!("../web/dist/request.js");

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The pages and assets, outside `/api/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        // One page for the whole app: its views are hash routes, which never reach the server.
        .route("/app", get(|| async { asset(HTML, APP_HTML) }))
        .route("/app/", get(|| async { asset(HTML, APP_HTML) }))
        .route(
            "/assets/app.js",
            get(|| async { asset(JAVASCRIPT, APP_JS) }),
        )
        .route(
            "/assets/dlp-worker.js",
            get(|| async {
                let mut response = asset(JAVASCRIPT, DLP_WORKER_JS);
                response.headers_mut().insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(WORKER_CONTENT_SECURITY_POLICY),
                );
                response
            }),
        )
        .route("/x/{link_id}", get(recipient_page))
        .route(
            "/assets/recipient.js",
            get(|| async { asset(JAVASCRIPT, RECIPIENT_JS) }),
        )
        .route("/assets/pli.css", get(|| async { asset(CSS, STYLESHEET) }))
        .route("/r/{request_id}", get(request_page))
        .route(
            "/assets/request.js",
            get(|| async { asset(JAVASCRIPT, REQUEST_JS) }),
        )
}

/// Whether responses go out over TLS, which decides HSTS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Plain,
    Tls,
}

/// Sets the browser security headers on every response, whatever the route or status.
pub async fn security_headers(transport: Transport, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A route may have set a stricter policy of its own (the scan worker's).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    let fixed: [(HeaderName, &'static str); 6] = [
        // The fragment holds a key: no page address ever leaves in a Referer.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if transport == Transport::Tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The same page for every well-formed link id; it changes nothing, since mail scanners open
/// links before their recipients do.
async fn recipient_page(ApiPath(link_id): ApiPath<String>) -> Result<Response, ApiError> {
    if link_id.len() != 32
        || !link_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "link_not_found",
            "a link id is 32 lowercase hexadecimal digits; copy the whole link from the message",
        ));
    }
    Ok(asset(HTML, RECIPIENT_HTML))
}

/// The upload page of requests (`docs/REQUESTS.md`): the same for every well-formed id, and
/// opening it changes nothing.
async fn request_page(ApiPath(request_id): ApiPath<String>) -> Result<Response, ApiError> {
    if pli_store::Id::parse(&request_id).is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "request_not_found",
            "a request id is 32 lowercase hexadecimal digits; copy the whole link from the message",
        ));
    }
    Ok(asset(HTML, REQUEST_HTML))
}

fn asset(content_type: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Not versioned by name: revalidate on each visit so a new server's page is used.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response()
}
