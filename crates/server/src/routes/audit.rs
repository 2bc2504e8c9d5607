//! `GET /api/audit`: the audit trail of the caller's organisation, for auditors and admins.

use crate::auth::{Principal, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use pli_proto::{AuditEntry, AuditPage, ErrorBody};
use pli_store::{AuditRecord, Outcome};
use serde::Deserialize;

/// Default and largest page of audit rows.
pub const DEFAULT_AUDIT_LIMIT: u32 = 100;
pub const MAX_AUDIT_LIMIT: u32 = 1000;

/// Query of `GET /api/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only rows with a sequence number above this one (default 0: from the start).
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

/// Audit rows of the caller's organisation, oldest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "a page of audit rows", body = AuditPage),
        (status = 400, description = "bad limit or sequence number", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only auditors and admins read the audit trail", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let after = query.after.unwrap_or(0);
    let limit = match query.limit {
        None => DEFAULT_AUDIT_LIMIT,
        Some(limit @ 1..=MAX_AUDIT_LIMIT) => limit,
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "limit must be between 1 and {MAX_AUDIT_LIMIT}"
            )));
        }
    };
    let org = &principal.account.org;
    if authorize(&principal, Action::ReadAudit, &Resource::Org(org)).is_err() {
        state
            .audit
            .record(principal.event("audit.read", None, Outcome::Denied))
            .await;
        return Err(ApiError::forbidden(
            "only auditors and admins read the audit trail",
        ));
    }
    let records = state.store.audit_events(Some(org.id), after, limit).await?;
    state
        .audit
        .record(principal.event("audit.read", None, Outcome::Allowed))
        .await;
    let items = records.into_iter().map(audit_entry).collect();
    Ok(Json(AuditPage { items }))
}

/// An audit row as the API shows it.
pub(crate) fn audit_entry(record: AuditRecord) -> AuditEntry {
    AuditEntry {
        seq: record.seq,
        at: rfc3339(record.event.at),
        actor: record.event.actor_email,
        from: record.event.from,
        action: record.event.action,
        target: record.event.target,
        outcome: record.event.outcome.as_str().to_owned(),
    }
}
