//! The web pages and the browser security headers: every page, asset, error and API route
//! answers with them, and the recipient page and the account app work under their policy (no
//! inline script or style, French first).

use crate::helpers::TestApp;
use crate::openapi::documented;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use pli_proto::Role;
use tower::ServiceExt as _;

const LINK: &str = "0123456789abcdef0123456789abcdef";

async fn fetch(
    router: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = if method == Method::GET || method == Method::DELETE {
        Body::empty()
    } else {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    };
    let response = router
        .clone()
        .oneshot(builder.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

fn check_headers(what: &str, headers: &HeaderMap, tls: bool) {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_owned()
    };
    let csp = value("content-security-policy");
    // The scan worker reads the plain text of files about to be sent: it may load nothing.
    let worker = what.starts_with("GET /assets/dlp-worker.js ");
    let directives: &[&str] = if worker {
        &[
            "default-src 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    } else {
        &[
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    };
    if worker {
        assert!(
            !csp.contains("'self'"),
            "{what}: the worker may load from this server: {csp}"
        );
    }
    for &directive in directives {
        assert!(
            csp.split(';').any(|part| part.trim() == directive),
            "{what}: CSP lacks {directive:?}: {csp}"
        );
    }
    for weak in [
        "unsafe-inline",
        "unsafe-eval",
        "wasm-unsafe-eval",
        "*",
        "data:",
        "blob:",
    ] {
        assert!(!csp.contains(weak), "{what}: CSP allows {weak}: {csp}");
    }
    assert_eq!(value("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("cross-origin-opener-policy"), "same-origin", "{what}");
    assert_eq!(value("x-frame-options"), "DENY", "{what}");
    match headers.get("strict-transport-security") {
        Some(hsts) if tls => assert!(
            hsts.to_str().unwrap().starts_with("max-age=63072000"),
            "{what}: {hsts:?}"
        ),
        Some(hsts) => panic!("{what}: HSTS over plain HTTP: {hsts:?}"),
        None if tls => panic!("{what}: no HSTS over TLS"),
        None => {}
    }
}

/// Every documented API route, anonymous and as an account, every page and asset, and the
/// errors in between.
async fn check_everything(app: &TestApp, router: &axum::Router, tls: bool) {
    let user = app.user("alice@hopital.fr", "Hôpital", Role::Agent).await;
    let pages = [
        "/app".to_owned(),
        "/app/".to_owned(),
        "/assets/app.js".to_owned(),
        "/assets/dlp-worker.js".to_owned(),
        format!("/x/{LINK}"),
        "/assets/recipient.js".to_owned(),
        "/assets/pli.css".to_owned(),
        "/x/not-a-link".to_owned(),
        "/nothing/here".to_owned(),
        "/api/openapi.json".to_owned(),
    ];
    for uri in &pages {
        let (status, headers, _) = fetch(router, Method::GET, uri, None).await;
        check_headers(&format!("GET {uri} ({status})"), &headers, tls);
    }
    for (method, path) in documented() {
        let uri = path
            .replace("{id}", LINK)
            .replace("{link_id}", LINK)
            .replace("{address}", "alice@hopital.fr")
            .replace("{name}", "urgences")
            .replace("{email}", "alice@hopital.fr");
        let uri = fill_placeholders(&uri);
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for token in [None, Some(user.token.as_str())] {
            let (status, headers, _) = fetch(router, method.clone(), &uri, token).await;
            check_headers(&format!("{method} {uri} ({status})"), &headers, tls);
        }
    }
}

/// Any placeholder left in a path gets a plausible value, so the request reaches its handler.
fn fill_placeholders(uri: &str) -> String {
    let mut out = String::new();
    let mut rest = uri;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end + 1);
        out.push('1');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::fast().await;
    let router = app.router.clone();
    check_everything(&app, &router, false).await;
}

#[tokio::test]
async fn over_tls_every_response_also_carries_hsts() {
    let app = TestApp::fast().await;
    let router = pli_server::router_over(app.state.clone(), pli_server::web::Transport::Tls).layer(
        axum::extract::connect_info::MockConnectInfo(
            "192.0.2.7:40000".parse::<std::net::SocketAddr>().unwrap(),
        ),
    );
    check_everything(&app, &router, true).await;
}

#[tokio::test]
async fn the_recipient_page_is_the_same_for_every_link_and_french_first() {
    let app = TestApp::fast().await;
    let (status, headers, first) =
        fetch(&app.router, Method::GET, &format!("/x/{LINK}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let (_, _, second) = fetch(
        &app.router,
        Method::GET,
        "/x/ffffffffffffffffffffffffffffffff",
        None,
    )
    .await;
    assert_eq!(first, second, "the page never depends on the link");
    let html = String::from_utf8(first).unwrap();
    assert!(html.contains(r#"<html lang="fr">"#), "{html}");
    assert!(
        html.contains(r#"<label for="code" data-t="code_label">Code</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"<script type="module" src="/assets/recipient.js"></script>"#));
    // Under the policy, inline scripts, inline styles and event attributes would not run.
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one external script and nothing inline"
    );
    for inline in [
        "<style",
        " style=",
        " onclick=",
        " onload=",
        " onsubmit=",
        "javascript:",
    ] {
        assert!(!html.contains(inline), "inline {inline:?} in the page");
    }
    for external in ["http://", "https://", "//fonts", "@import"] {
        assert!(
            !html.contains(external),
            "external resource {external:?} in the page"
        );
    }
}

#[tokio::test]
async fn assets_have_their_content_types_and_nothing_else_is_served() {
    let app = TestApp::fast().await;
    let (status, headers, js) = fetch(&app.router, Method::GET, "/assets/recipient.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    let js = String::from_utf8(js).unwrap();
    assert!(
        js.contains("Télécharger"),
        "the bundle carries the French labels"
    );
    for forbidden in ["eval(", "new Function(", "WebAssembly.instantiate"] {
        assert!(!js.contains(forbidden), "the bundle uses {forbidden}");
    }
    let (status, headers, css) = fetch(&app.router, Method::GET, "/assets/pli.css", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        !String::from_utf8(css).unwrap().contains("url("),
        "no resource from the stylesheet"
    );

    for uri in [
        "/x/NOT-HEX",
        "/x/0123456789ABCDEF0123456789ABCDEF",
        "/x/0123",
        "/assets/other.js",
        "/assets/../Cargo.toml",
    ] {
        let (status, _, _) = fetch(&app.router, Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (status, _, _) = fetch(&app.router, Method::POST, &format!("/x/{LINK}"), None).await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "the page changes nothing"
    );
}

#[tokio::test]
async fn the_account_app_is_one_page_french_first_with_nothing_inline() {
    let app = TestApp::fast().await;
    let (status, headers, page) = fetch(&app.router, Method::GET, "/app", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(
        headers.get(header::SET_COOKIE).is_none(),
        "the app never sets a cookie"
    );
    let (_, _, slash) = fetch(&app.router, Method::GET, "/app/", None).await;
    assert_eq!(page, slash);
    let html = String::from_utf8(page).unwrap();
    assert!(html.contains(r#"<html lang="fr">"#), "{html}");
    for label in [
        r#"<label for="email" data-t="email_label">Adresse électronique</label>"#,
        r#"<label for="password" data-t="password_label">Mot de passe</label>"#,
        r#"<label for="code" data-t="code_label">Code</label>"#,
    ] {
        assert!(html.contains(label), "{label} in {html}");
    }
    assert!(html.contains(r#"<script type="module" src="/assets/app.js"></script>"#));
    assert_eq!(html.matches("<script").count(), 1);
    for inline in [
        "<style",
        " style=",
        " onclick=",
        " onload=",
        " onsubmit=",
        "javascript:",
        "http://",
        "https://",
    ] {
        assert!(!html.contains(inline), "{inline:?} in the page");
    }

    let (status, headers, js) = fetch(&app.router, Method::GET, "/assets/app.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    let js = String::from_utf8(js).unwrap();
    for french in ["Télécharger", "Boîte de réception", "Se déconnecter"] {
        assert!(js.contains(french), "the bundle carries {french:?}");
    }
    // The session lives in the page's memory only.
    for forbidden in [
        "eval(",
        "new Function(",
        "WebAssembly.instantiate",
        "sessionStorage",
        "document.cookie",
        "indexedDB",
    ] {
        assert!(!js.contains(forbidden), "the bundle uses {forbidden}");
    }
    // localStorage holds public pins only (web/src/app/pins.ts: the audit log key, its
    // checkpoint, the policy version), reached through one accessor; the browser tests check
    // that nothing else is ever stored.
    assert_eq!(
        js.matches("localStorage").count(),
        1,
        "localStorage is reached from pins.ts only"
    );
    assert!(js.contains("pli.audit-log-key"));
    // The scan before sending runs in a module worker served beside the app, with the health
    // dictionary bundled in (never fetched).
    let (status, headers, worker) =
        fetch(&app.router, Method::GET, "/assets/dlp-worker.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    // It reads the plain text of the files about to be sent: its own policy lets it reach
    // nothing (no request, no script, no eval, no WebAssembly); web/tests/dlp-send.test.mjs
    // checks in Chromium that the browser holds it to that.
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        pli_server::web::WORKER_CONTENT_SECURITY_POLICY
    );
    let worker = String::from_utf8(worker).unwrap();
    assert!(worker.contains("schizophrénie"));
    // No string becomes code, not even on paths the policy would stop: the PDF reader's are
    // rewritten out at build time (web/build.mjs). (The PDF reader's own `xref.fetch(` reads
    // objects of the file, so `fetch(` is left to the policy.)
    for forbidden in [
        "eval(",
        "new Function(",
        "Function(\"",
        "Function('",
        "localStorage",
        "indexedDB",
    ] {
        assert!(!worker.contains(forbidden), "the worker uses {forbidden}");
    }
    let (status, _, _) = fetch(&app.router, Method::POST, "/app", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _, _) = fetch(&app.router, Method::GET, "/app/inbox", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "views are hash routes");
}
