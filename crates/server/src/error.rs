//! Errors: [`ServerError`] for the library API (start-up, offline administration) and
//! [`ApiError`], the one error every HTTP handler answers with.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pli_proto::ErrorBody;
use std::path::PathBuf;

/// Errors of starting a server or administering a data directory offline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The data directory (or a file in it) could not be created or read.
    #[error("cannot use the data directory {path}: {source}; check that it exists and is writable")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `server.key` exists but is not 32 bytes.
    #[error(
        "{path} is corrupt (expected 32 bytes); restore it from a backup, or remove it to make a new one (prelogin answers for unknown emails will change)"
    )]
    CorruptKey { path: PathBuf },
    /// The audit log could not be opened.
    #[error("audit log: {0}")]
    AuditLog(#[from] crate::audit::LogOpenError),
    /// The metadata store failed.
    #[error("metadata store: {0}; check the database file and the disk")]
    Store(#[from] pli_store::StoreError),
    /// The blob store failed to open.
    #[error("blob store: {0}; check the blobs directory and the disk")]
    Blob(#[from] pli_blob::BlobError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}; is another server running on that port?")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key could not be loaded.
    #[error("TLS: {0}; give a PEM certificate chain and its PEM private key")]
    Tls(String),
    /// Serving failed after start-up.
    #[error("server stopped: {0}")]
    Io(#[from] std::io::Error),
    /// An argument of an administrative command was invalid.
    #[error("{0}")]
    Invalid(String),
    /// An administrative command named something that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An administrative command would create something that already exists.
    #[error("{0}")]
    Conflict(String),
}

/// The error answer of every handler: an HTTP status and an [`ErrorBody`].
///
/// Client mistakes carry a message saying what was wrong. Internal failures carry their detail
/// only for the log: the client gets a generic sentence and the request id to quote.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    internal: Option<String>,
    upload_offset: Option<u64>,
}

/// Attached to error responses so the request-id middleware can complete the body and log
/// internal failures with the id.
#[derive(Clone, Debug)]
pub(crate) struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub internal: Option<String>,
    pub upload_offset: Option<u64>,
}

/// Header of resumable uploads: where a piece starts (request), how much the server holds
/// (answer).
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// Message of every "not found or not allowed" answer about an envelope: the same bytes for
/// both, so nobody learns that a document exists.
pub const ENVELOPE_NOT_FOUND: &str = "no such envelope, or you may not access it";
/// The same for mailboxes.
pub const MAILBOX_NOT_FOUND: &str = "no such mailbox, or you may not access it";

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            internal: None,
            upload_offset: None,
        }
    }

    /// The same error, telling a resumable upload's client where to continue (in the body's
    /// `upload_offset` and in the `Upload-Offset` header).
    pub fn with_upload_offset(mut self, offset: u64) -> ApiError {
        self.upload_offset = Some(offset);
        self
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 404 for an envelope that does not exist or that the caller may not see.
    pub fn envelope_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", ENVELOPE_NOT_FOUND)
    }

    /// 404 for a mailbox that does not exist or that the caller may not see.
    pub fn mailbox_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", MAILBOX_NOT_FOUND)
    }

    /// 403: the caller's role or organisation does not allow this (the resource is no secret).
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 401 for a missing, malformed, expired or revoked session.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "missing or expired session; log in again and send 'Authorization: Bearer TOKEN'",
        )
    }

    /// 401 for a failed login, identical for unknown accounts and wrong keys.
    pub fn invalid_credentials() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "invalid email or password",
        )
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// What went wrong, for the operator: the internal detail if any, else the message.
    pub(crate) fn detail(&self) -> &str {
        self.internal.as_deref().unwrap_or(&self.message)
    }

    /// 500 with a generic message; `detail` goes to the log only.
    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal server error; quote the request id to the administrator".into(),
            internal: Some(detail.into()),
            upload_offset: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.to_owned(),
            message: self.message.clone(),
            request_id: None,
            upload_offset: self.upload_offset,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(offset) = self.upload_offset {
            let headers = response.headers_mut();
            headers.insert(UPLOAD_OFFSET, axum::http::HeaderValue::from(offset));
            // A refused piece's body is not wanted: closing stops the client sending it (and
            // the server reading it to keep the connection) at once.
            headers.insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        response.extensions_mut().insert(ErrorInfo {
            status: self.status,
            code: self.code,
            message: self.message,
            internal: self.internal,
            upload_offset: self.upload_offset,
        });
        response
    }
}

impl From<pli_store::StoreError> for ApiError {
    fn from(error: pli_store::StoreError) -> ApiError {
        ApiError::internal(format!("store: {error}"))
    }
}

/// An action whose audit entry could not be made durable is not acknowledged.
impl From<crate::audit::AuditError> for ApiError {
    fn from(error: crate::audit::AuditError) -> ApiError {
        ApiError::internal(error.to_string())
    }
}

impl From<pli_blob::BlobError> for ApiError {
    fn from(error: pli_blob::BlobError) -> ApiError {
        ApiError::internal(format!("blob store: {error}"))
    }
}

impl From<crate::validate::Invalid> for ApiError {
    fn from(error: crate::validate::Invalid) -> ApiError {
        ApiError::invalid(error.0)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected 'Content-Type: application/json'",
            ),
            JsonRejection::JsonSyntaxError(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                // serde_json's text says where the syntax broke, and holds no server detail.
                format!("malformed JSON body: {}", rejection.body_text()),
            ),
            JsonRejection::JsonDataError(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_json",
                format!(
                    "JSON body does not match the expected shape: {}",
                    rejection.body_text()
                ),
            ),
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "JSON body is larger than 64 KiB",
                )
            }
            _ => ApiError::invalid("could not read the request body"),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::invalid(format!("bad path parameter: {}", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::invalid(format!("bad query string: {}", rejection.body_text()))
    }
}
