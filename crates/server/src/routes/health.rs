//! Public routes: health and the OpenAPI document.

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use pli_proto::Health;

/// Whether the server is up, and its version.
#[utoipa::path(get, path = "/api/health", tag = "public",
    responses((status = 200, description = "the server is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "public",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::spec_json(),
    )
}
