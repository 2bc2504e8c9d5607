//! The route table and the OpenAPI document generated from it.
//!
//! [`api_router`] registers every handler through `routes!`, which feeds both axum and the
//! document, so a route cannot exist without being described. [`ROUTES`] lists the same routes
//! by hand; a test checks that it equals the document and that every entry answers.

use crate::routes::{
    admin, audit, audit_log, auth, directory, envelopes, health, mailboxes, me, policy,
};
use crate::routes::{audit_report, keys, links, receipts, requests, witnesses};
use crate::routes::{canaries, outside_pieces, passkeys, resumable, second_factor, security};
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every route of the API, as (method, path): the table the tests check the router and the
/// document against.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
    ("POST", "/api/auth/prelogin"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/join"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/me"),
    ("GET", "/api/directory/{address}"),
    ("POST", "/api/envelopes"),
    ("GET", "/api/envelopes/{id}"),
    ("DELETE", "/api/envelopes/{id}"),
    ("PUT", "/api/envelopes/{id}/content"),
    ("GET", "/api/envelopes/{id}/content"),
    ("GET", "/api/envelopes/{id}/content/offset"),
    ("POST", "/api/envelopes/{id}/receipt"),
    ("GET", "/api/envelopes/{id}/receipts"),
    ("GET", "/api/envelopes/{id}/receipts/proof"),
    ("GET", "/api/inbox"),
    ("GET", "/api/outbox"),
    ("GET", "/api/audit"),
    ("GET", "/api/audit/log/checkpoint"),
    ("GET", "/api/audit/log/key"),
    ("GET", "/api/audit/log/inclusion"),
    ("GET", "/api/audit/log/consistency"),
    ("GET", "/api/audit/log/entries"),
    ("POST", "/api/admin/invitations"),
    ("POST", "/api/admin/mailboxes"),
    ("GET", "/api/admin/mailboxes/{name}"),
    ("POST", "/api/admin/mailboxes/{name}/members"),
    ("DELETE", "/api/admin/mailboxes/{name}/members/{email}"),
    ("GET", "/api/mailboxes/{name}/keys"),
    ("POST", "/api/mailboxes/{name}/keys"),
    ("POST", "/api/mailboxes/{name}/keys/wraps"),
    ("GET", "/api/policy"),
    ("PUT", "/api/policy"),
    ("POST", "/api/policy/refusals"),
    ("GET", "/api/policy/proof"),
    ("POST", "/api/me/totp"),
    ("POST", "/api/me/totp/confirm"),
    ("POST", "/api/me/totp/disable"),
    ("POST", "/api/me/step-up"),
    ("GET", "/api/me/passkeys"),
    ("POST", "/api/me/passkeys"),
    ("POST", "/api/me/passkeys/challenge"),
    ("POST", "/api/me/passkeys/options"),
    ("POST", "/api/me/passkeys/{id}/remove"),
    ("POST", "/api/auth/passkey"),
    ("POST", "/api/admin/canaries"),
    ("GET", "/api/admin/canaries"),
    ("GET", "/api/admin/alerts"),
    ("POST", "/api/admin/unblock"),
    ("PUT", "/api/admin/policy"),
    ("POST", "/api/admin/grants"),
    ("GET", "/api/admin/grants"),
    ("DELETE", "/api/admin/grants/{name}/{email}"),
    ("GET", "/api/keys/proof"),
    ("POST", "/api/audit/log/cosignature"),
    ("GET", "/api/keys/consistency"),
    ("GET", "/api/audit/report"),
    ("POST", "/api/envelopes/{id}/links"),
    ("GET", "/api/envelopes/{id}/links"),
    ("DELETE", "/api/links/{link_id}"),
    ("GET", "/api/links/{link_id}"),
    ("POST", "/api/links/{link_id}/code"),
    ("GET", "/api/links/{link_id}/content"),
    ("POST", "/api/links/{link_id}/receipt"),
    ("POST", "/api/requests"),
    ("GET", "/api/requests"),
    ("GET", "/api/requests/{id}"),
    ("DELETE", "/api/requests/{id}"),
    ("PUT", "/api/requests/{id}/envelopes/{envelope_id}"),
    ("GET", "/api/requests/{id}/envelopes/{envelope_id}/offset"),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pli",
        description = "Exchange of end-to-end encrypted documents. Errors are `ErrorBody`; an envelope or mailbox you may not access answers exactly like a missing one (404)."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "public", description = "No session needed"),
        (name = "auth", description = "Accounts and sessions"),
        (name = "account", description = "The caller's account"),
        (name = "directory", description = "Public keys of accounts and mailboxes"),
        (name = "envelopes", description = "Sending, listing and receiving envelopes"),
        (name = "audit", description = "The organisation's audit trail"),
        (name = "admin", description = "Invitations and mailboxes, for admins"),
        (name = "mailboxes", description = "Key generations of functional mailboxes, for their members"),
        (name = "policy", description = "The organisation's sending policy (data loss prevention)"),
        (name = "links", description = "External recipients: links and one-time codes (docs/EXTERNAL.md)"),
        (name = "requests", description = "Upload requests: documents from people without an account (docs/REQUESTS.md)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route, registered with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    // The upload streams bodies of any size and enforces the announced size itself.
    let (schemas, paths, upload) = routes!(envelopes::upload);
    let upload = (schemas, paths, upload.layer(DefaultBodyLimit::disable()));
    let (schemas, paths, outside) = routes!(requests::upload);
    let outside = (schemas, paths, outside.layer(DefaultBodyLimit::disable()));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::openapi_json))
        .routes(routes!(auth::prelogin))
        .routes(routes!(auth::login))
        .routes(routes!(auth::join))
        .routes(routes!(auth::logout))
        .routes(routes!(me::me))
        .routes(routes!(directory::lookup))
        .routes(routes!(envelopes::create))
        .routes(routes!(envelopes::get, envelopes::delete))
        .routes(upload)
        .routes(routes!(envelopes::download))
        .routes(routes!(resumable::offset))
        .routes(routes!(envelopes::inbox))
        .routes(routes!(envelopes::outbox))
        .routes(routes!(audit::list))
        .routes(routes!(audit_log::checkpoint))
        .routes(routes!(audit_log::key))
        .routes(routes!(audit_log::inclusion))
        .routes(routes!(audit_log::consistency))
        .routes(routes!(audit_log::entries))
        .routes(routes!(admin::invite))
        .routes(routes!(admin::create_mailbox))
        .routes(routes!(admin::get_mailbox))
        .routes(routes!(admin::add_member))
        .routes(routes!(admin::remove_member))
        .routes(routes!(mailboxes::keyring, mailboxes::rotate))
        .routes(routes!(mailboxes::wrap))
        .routes(routes!(policy::get, policy::set))
        .routes(routes!(policy::refused))
        .routes(routes!(policy::proof))
        .routes(routes!(second_factor::begin))
        .routes(routes!(second_factor::confirm))
        .routes(routes!(second_factor::disable))
        .routes(routes!(second_factor::step_up))
        .routes(routes!(passkeys::list, passkeys::add))
        .routes(routes!(passkeys::challenge))
        .routes(routes!(passkeys::options))
        .routes(routes!(passkeys::remove))
        .routes(routes!(auth::passkey_challenge))
        .routes(routes!(canaries::plant, canaries::list))
        .routes(routes!(security::alerts))
        .routes(routes!(security::unblock))
        .routes(routes!(security::set_policy))
        .routes(routes!(security::grant, security::grants))
        .routes(routes!(security::revoke))
        .routes(routes!(receipts::sign))
        .routes(routes!(receipts::list))
        .routes(routes!(receipts::proof))
        .routes(routes!(keys::proof))
        .routes(routes!(witnesses::cosign))
        .routes(routes!(keys::consistency))
        .routes(routes!(audit_report::report))
        .routes(routes!(links::create, links::list))
        .routes(routes!(links::public, links::withdraw))
        .routes(routes!(links::code))
        .routes(routes!(links::content))
        .routes(routes!(links::receipt))
        .routes(routes!(requests::create, requests::list))
        .routes(routes!(requests::public, requests::withdraw))
        .routes(routes!(outside_pieces::offset))
        .routes(outside)
}

/// The OpenAPI document.
pub fn spec() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The OpenAPI document as JSON, built once.
pub fn spec_json() -> String {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| spec().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()))
        .clone()
}
