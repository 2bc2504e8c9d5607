//! The OpenAPI document against the router.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use std::collections::BTreeSet;

/// (method, path) of every operation in the document.
pub fn documented() -> BTreeSet<(String, String)> {
    let spec: serde_json::Value = serde_json::from_str(&pli_server::openapi::spec_json()).unwrap();
    let mut routes = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

#[test]
fn route_table_equals_the_document() {
    let table: BTreeSet<(String, String)> = pli_server::openapi::ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(
        table.len(),
        pli_server::openapi::ROUTES.len(),
        "no duplicates"
    );
    assert_eq!(table, documented());
}

#[tokio::test]
async fn every_documented_route_is_routed() {
    let app = TestApp::fast().await;
    for (method, path) in documented() {
        let uri = path
            .replace("{id}", "00000000000000000000000000000000")
            .replace("{address}", "someone@example.org")
            .replace("{name}", "somebox")
            .replace("{email}", "someone@example.org");
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let answer = app.raw(request).await;
        assert_ne!(answer.error(), "unknown_route", "{method} {path}");
        assert_ne!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
    }
    // And the fallback does answer for what is not documented.
    let answer = app.call(Method::GET, "/api/undocumented", None, None).await;
    assert_eq!(answer.error(), "unknown_route");
}

#[tokio::test]
async fn the_document_is_served_and_describes_errors() {
    let app = TestApp::fast().await;
    let answer = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body["openapi"].as_str().unwrap().starts_with("3."));
    let schemas = answer.body["components"]["schemas"].as_object().unwrap();
    for name in ["ErrorBody", "EnvelopeSummary", "JoinRequest", "AuditPage"] {
        assert!(schemas.contains_key(name), "{name}");
    }
    let get_envelope = &answer.body["paths"]["/api/envelopes/{id}"]["get"];
    assert!(get_envelope["responses"]["404"].is_object());
    assert_eq!(get_envelope["parameters"][0]["name"], "id");
    assert!(answer.body["components"]["securitySchemes"]["bearer"].is_object());
}
