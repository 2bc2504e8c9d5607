//! `GET /api/audit/report`: who reached what, when, from where, with what outcome, over a
//! period, for one account or one envelope. Auditors and admins only, for their own
//! organisation; metadata only (the audit trail never holds content).

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiQuery;
use crate::routes::audit::{MAX_AUDIT_LIMIT, audit_entry};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use pli_proto::{AuditPage, ErrorBody};
use pli_store::{AuditQuery, Id, Outcome};
use serde::Deserialize;

/// Query of `GET /api/audit/report`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Events at or after this time, Unix seconds.
    pub since: i64,
    /// Events strictly before this time, Unix seconds.
    pub until: Option<i64>,
    /// Events by this account (its email), or about it.
    pub account: Option<String>,
    /// Events about this envelope (its id).
    pub envelope: Option<String>,
    /// Only events with a sequence number above this one (paging).
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 1000).
    pub limit: Option<u32>,
}

/// The report's events of the caller's organisation, oldest first.
#[utoipa::path(get, path = "/api/audit/report", tag = "audit",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "a page of the report", body = AuditPage),
        (status = 400, description = "bad period, envelope id or limit", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only auditors and admins read the audit trail", body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = match query.limit {
        None => MAX_AUDIT_LIMIT,
        Some(limit @ 1..=MAX_AUDIT_LIMIT) => limit,
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "limit must be between 1 and {MAX_AUDIT_LIMIT}"
            )));
        }
    };
    if query.until.is_some_and(|until| until <= query.since) {
        return Err(ApiError::invalid("until must be after since"));
    }
    let envelope = query
        .envelope
        .as_deref()
        .map(|text| Id::parse(text).ok_or_else(|| ApiError::invalid("envelope is not an id")))
        .transpose()?;
    let org = &principal.account.org;
    if authorize(&principal, Action::ReadAudit, &Resource::Org(org)).is_err() {
        // Durable before the answer: an auditor's next report must show this attempt.
        if let Err(error) = state
            .audit
            .record_durable(principal.event("audit.report", None, Outcome::Denied))
            .await
        {
            tracing::error!(%error, "a refused audit report could not be recorded");
        }
        return Err(ApiError::forbidden(
            "only auditors and admins read the audit trail",
        ));
    }
    let account = query.account.map(|email| email.trim().to_lowercase());
    // Who looked up whom, and over which period, is on record before the answer: a report is
    // itself an access to personal data.
    let mut asked = format!("since={}", query.since);
    if let Some(until) = query.until {
        asked.push_str(&format!(" until={until}"));
    }
    if let Some(account) = &account {
        asked.push_str(&format!(" account={account}"));
    }
    if let Some(envelope) = envelope {
        asked.push_str(&format!(" envelope={envelope}"));
    }
    state
        .audit
        .record_durable(principal.event("audit.report", Some(asked), Outcome::Allowed))
        .await?;
    let records = state
        .store
        .audit_report(&AuditQuery {
            org_id: Some(org.id),
            since: query.since,
            until: query.until,
            account,
            envelope,
            after_seq: query.after.unwrap_or(0),
            limit,
        })
        .await?;
    let items = records.into_iter().map(audit_entry).collect();
    Ok(Json(AuditPage { items }))
}
