//! A typed client for the Pli HTTP API: one method per route, `pli_proto` types in and out.
//!
//! The server is not trusted with anything secret, and its answers are not trusted either:
//! JSON answers are size-capped, error messages are stripped of control characters before a
//! person sees them, and every cryptographic check happens in [`crate::send`] and
//! [`crate::get`].

use std::fmt;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _, TryStreamExt as _};
use pli_proto::{
    AccountInfo, CreateEnvelopeRequest, CreateMailboxRequest, DirectoryEntry, EnvelopePage,
    EnvelopeSummary, ErrorBody, Health, InviteRequest, InviteResponse, JoinRequest, LoginRequest,
    MailboxInfo, MailboxKeyInfo, MailboxKeyWrapsRequest, MailboxKeyring, MemberRequest,
    NewMailboxKeyRequest, PolicyAnswer, PreloginRequest, PreloginResponse, SessionResponse,
    SetPolicyRequest, SignedPolicy,
};
use pli_proto::{
    AlertPage, CanaryInfo, CanaryList, CanaryRequest, GrantInfo, GrantList, GrantRequest,
    OrgPolicy, RecoveryCodes, TotpCode, TotpEnrolment, UnblockRequest,
};
use pli_proto::{CreateUploadRequest, UploadRequestCreated, UploadRequestList};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Names a PEM file of extra trust anchors for HTTPS.
pub const CA_CERT_VARIABLE: &str = "PLI_CA_CERT";

/// Largest JSON answer accepted: a hostile server must not be able to fill the client's memory.
const MAX_JSON_ANSWER: usize = 16 * 1024 * 1024;

/// Errors of talking to the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The server URL cannot be used.
    #[error("invalid server url {url:?}: {reason}")]
    InvalidUrl { url: String, reason: &'static str },
    /// No connection could be made.
    #[error("cannot reach the server at {url}: is it running, and is the url right?")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The TLS handshake failed on the server's certificate.
    #[error(
        "the server's certificate at {url} is not trusted: if the server uses a private or \
         self-signed certificate, set PLI_CA_CERT to its PEM file"
    )]
    UntrustedCertificate {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status; `message` is its explanation, cleaned of
    /// control characters.
    #[error("the server refused (HTTP {status}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The server's answer is not what the API promises.
    #[error("the server's answer could not be understood: {0}")]
    BadAnswer(String),
    /// The connection failed in the middle of a request or answer.
    #[error("the connection to the server failed")]
    Transport(#[source] reqwest::Error),
    /// The extra trust anchors named by `PLI_CA_CERT` cannot be used.
    #[error("cannot use the CA certificate {path} (from PLI_CA_CERT): {reason}")]
    CaCertificate { path: String, reason: String },
    /// A command needs a session and the client has none.
    #[error("not logged in")]
    NoSession,
}

impl ApiError {
    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The connection failed or the server failed: the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Transport(_) | ApiError::Unreachable { .. })
            || self.status().is_some_and(|status| status >= 500)
    }

    /// "No such thing, or not allowed": the server answers both alike.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The session is missing, expired or revoked.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::NoSession) || self.status() == Some(401)
    }

    /// The server's flow monitor wants the second factor again before more downloads (see
    /// [`Api::step_up`]).
    pub fn is_second_factor_again(&self) -> bool {
        matches!(self, ApiError::Refused { code, .. } if code == "second_factor_again")
    }
}

/// A connection to one server, optionally with a bearer session.
#[derive(Clone)]
pub struct Api {
    base: Url,
    http: reqwest::Client,
    token: Option<SecretString>,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base.as_str())
            .field("logged_in", &self.token.is_some())
            .finish()
    }
}

impl Api {
    /// A client for the server at `server` (`http://` or `https://`, no query or fragment).
    ///
    /// HTTPS trusts the usual web roots, plus the PEM certificates of the file named by the
    /// `PLI_CA_CERT` environment variable, for servers under a private or self-signed
    /// certificate.
    pub fn new(server: &str) -> Result<Api, ApiError> {
        let base = normalize_server_url(server)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("pli/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = std::env::var_os(CA_CERT_VARIABLE).filter(|path| !path.is_empty()) {
            for certificate in extra_roots(Path::new(&path))? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(ApiError::Transport)?;
        Ok(Api {
            base,
            http,
            token: None,
        })
    }

    /// The same client, authenticated with `token`.
    pub fn with_token(mut self, token: SecretString) -> Api {
        self.token = Some(token);
        self
    }

    /// Replaces the session token (after a re-login).
    pub fn set_token(&mut self, token: Option<SecretString>) {
        self.token = token;
    }

    /// The server's base URL, without a trailing slash.
    pub fn server(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// `GET /api/health`.
    pub async fn health(&self) -> Result<Health, ApiError> {
        self.json(self.request(Method::GET, &["health"], false)?)
            .await
    }

    /// `POST /api/auth/prelogin`.
    pub async fn prelogin(&self, email: &str) -> Result<PreloginResponse, ApiError> {
        let body = PreloginRequest {
            email: email.to_owned(),
        };
        self.json(
            self.request(Method::POST, &["auth", "prelogin"], false)?
                .json(&body),
        )
        .await
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<SessionResponse, ApiError> {
        self.send_json(Method::POST, &["auth", "login"], false, request)
            .await
    }

    /// `POST /api/auth/join`.
    pub async fn join(&self, request: &JoinRequest) -> Result<SessionResponse, ApiError> {
        self.send_json(Method::POST, &["auth", "join"], false, request)
            .await
    }

    /// `POST /api/auth/logout`: revokes the session on the server.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.empty(self.request(Method::POST, &["auth", "logout"], true)?)
            .await
    }

    /// `GET /api/me`.
    pub async fn me(&self) -> Result<AccountInfo, ApiError> {
        self.json(self.request(Method::GET, &["me"], true)?).await
    }

    /// `GET /api/directory/{address}`.
    pub async fn directory(&self, address: &str) -> Result<DirectoryEntry, ApiError> {
        self.json(self.request(Method::GET, &["directory", address], true)?)
            .await
    }

    /// `POST /api/envelopes`: announces an envelope before its content.
    pub async fn create_envelope(
        &self,
        request: &CreateEnvelopeRequest,
    ) -> Result<EnvelopeSummary, ApiError> {
        self.send_json(Method::POST, &["envelopes"], true, request)
            .await
    }

    /// `PUT /api/envelopes/{id}/content`: streams exactly `size` bytes of ciphertext; answers
    /// once the server holds them durably.
    pub async fn upload_content(
        &self,
        id: &str,
        size: u64,
        body: reqwest::Body,
    ) -> Result<EnvelopeSummary, ApiError> {
        let request = self
            .request(Method::PUT, &["envelopes", id, "content"], true)?
            .header(reqwest::header::CONTENT_LENGTH, size)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body);
        self.json(request).await
    }

    /// `PUT /api/envelopes/{id}/content` with `Upload-Offset`: streams the `length` bytes of
    /// ciphertext from byte `offset` on, as a piece of a resumable upload. What arrives before
    /// the connection drops stays on the server: ask [`Api::upload_offset`] and continue.
    pub async fn upload_content_from(
        &self,
        id: &str,
        offset: u64,
        length: u64,
        body: reqwest::Body,
    ) -> Result<EnvelopeSummary, ApiError> {
        let request = self
            .request(Method::PUT, &["envelopes", id, "content"], true)?
            .header(reqwest::header::CONTENT_LENGTH, length)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header("upload-offset", offset)
            .body(body);
        self.json(request).await
    }

    /// `GET /api/envelopes/{id}/content/offset`: how much of a resumable upload the server
    /// holds.
    pub async fn upload_offset(&self, id: &str) -> Result<pli_proto::UploadOffset, ApiError> {
        self.json(self.request(Method::GET, &["envelopes", id, "content", "offset"], true)?)
            .await
    }

    /// `GET /api/envelopes/{id}`.
    pub async fn envelope(&self, id: &str) -> Result<EnvelopeSummary, ApiError> {
        self.json(self.request(Method::GET, &["envelopes", id], true)?)
            .await
    }

    /// `GET /api/envelopes/{id}/content`: the ciphertext as a stream of chunks.
    pub async fn download_content(
        &self,
        id: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, ApiError> {
        let response = self
            .call(self.request(Method::GET, &["envelopes", id, "content"], true)?)
            .await?;
        Ok(response.bytes_stream().map_err(std::io::Error::other))
    }

    /// `DELETE /api/envelopes/{id}`.
    pub async fn delete_envelope(&self, id: &str) -> Result<(), ApiError> {
        self.empty(self.request(Method::DELETE, &["envelopes", id], true)?)
            .await
    }

    /// `GET /api/inbox`: one page, of a mailbox's inbox if `mailbox` is given.
    pub async fn inbox(
        &self,
        mailbox: Option<&str>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<EnvelopePage, ApiError> {
        let mut request = self.request(Method::GET, &["inbox"], true)?;
        if let Some(mailbox) = mailbox {
            request = request.query(&[("mailbox", mailbox)]);
        }
        self.json(page_query(request, limit, cursor)).await
    }

    /// `GET /api/outbox`: one page.
    pub async fn outbox(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<EnvelopePage, ApiError> {
        let request = self.request(Method::GET, &["outbox"], true)?;
        self.json(page_query(request, limit, cursor)).await
    }

    /// `POST /api/requests`: asks a person without an account for documents.
    pub async fn create_request(
        &self,
        request: &CreateUploadRequest,
    ) -> Result<UploadRequestCreated, ApiError> {
        self.send_json(Method::POST, &["requests"], true, request)
            .await
    }

    /// `GET /api/requests`: the caller's upload requests, newest first.
    pub async fn requests(&self) -> Result<UploadRequestList, ApiError> {
        self.json(self.request(Method::GET, &["requests"], true)?)
            .await
    }

    /// `DELETE /api/requests/{id}`: withdraws an upload request.
    pub async fn withdraw_request(&self, id: &str) -> Result<(), ApiError> {
        self.empty(self.request(Method::DELETE, &["requests", id], true)?)
            .await
    }

    /// `POST /api/admin/invitations`.
    pub async fn invite(&self, request: &InviteRequest) -> Result<InviteResponse, ApiError> {
        self.send_json(Method::POST, &["admin", "invitations"], true, request)
            .await
    }

    /// `POST /api/admin/mailboxes`.
    pub async fn create_mailbox(
        &self,
        request: &CreateMailboxRequest,
    ) -> Result<MailboxInfo, ApiError> {
        self.send_json(Method::POST, &["admin", "mailboxes"], true, request)
            .await
    }

    /// `POST /api/admin/mailboxes/{name}/members`.
    pub async fn add_member(&self, mailbox: &str, email: &str) -> Result<(), ApiError> {
        let body = MemberRequest {
            email: email.to_owned(),
            until: None,
        };
        let request = self
            .request(
                Method::POST,
                &["admin", "mailboxes", mailbox, "members"],
                true,
            )?
            .json(&body);
        self.empty(request).await
    }

    /// `DELETE /api/admin/mailboxes/{name}/members/{email}`.
    pub async fn remove_member(&self, mailbox: &str, email: &str) -> Result<(), ApiError> {
        let request = self.request(
            Method::DELETE,
            &["admin", "mailboxes", mailbox, "members", email],
            true,
        )?;
        self.empty(request).await
    }

    /// `POST /api/admin/mailboxes/{name}/members` for a membership that ends at `until`
    /// (RFC 3339).
    pub async fn add_member_until(
        &self,
        mailbox: &str,
        email: &str,
        until: &str,
    ) -> Result<(), ApiError> {
        let body = MemberRequest {
            email: email.to_owned(),
            until: Some(until.to_owned()),
        };
        let request = self
            .request(
                Method::POST,
                &["admin", "mailboxes", mailbox, "members"],
                true,
            )?
            .json(&body);
        self.empty(request).await
    }

    /// `POST /api/me/totp`: starts second-factor enrolment.
    pub async fn totp_begin(&self) -> Result<TotpEnrolment, ApiError> {
        self.json(self.request(Method::POST, &["me", "totp"], true)?)
            .await
    }

    /// `POST /api/me/totp/confirm`: confirms enrolment with a first code.
    pub async fn totp_confirm(&self, code: &str) -> Result<RecoveryCodes, ApiError> {
        let body = TotpCode {
            code: code.to_owned(),
        };
        self.send_json(Method::POST, &["me", "totp", "confirm"], true, &body)
            .await
    }

    /// `POST /api/me/totp/disable`: removes the second factor with a code or recovery code.
    pub async fn totp_disable(&self, code: &str) -> Result<(), ApiError> {
        let body = TotpCode {
            code: code.to_owned(),
        };
        let request = self
            .request(Method::POST, &["me", "totp", "disable"], true)?
            .json(&body);
        self.empty(request).await
    }

    /// `GET /api/admin/alerts`.
    pub async fn alerts(&self, after: i64) -> Result<AlertPage, ApiError> {
        let request = self
            .request(Method::GET, &["admin", "alerts"], true)?
            .query(&[("after", after)]);
        self.json(request).await
    }

    /// `POST /api/admin/unblock`.
    pub async fn unblock(&self, request: &UnblockRequest) -> Result<(), ApiError> {
        let request = self
            .request(Method::POST, &["admin", "unblock"], true)?
            .json(request);
        self.empty(request).await
    }

    /// `POST /api/me/step-up`: gives the second factor again when a download was refused with
    /// `second_factor_again`.
    pub async fn step_up(&self, code: &str) -> Result<(), ApiError> {
        let body = TotpCode {
            code: code.to_owned(),
        };
        let request = self
            .request(Method::POST, &["me", "step-up"], true)?
            .json(&body);
        self.empty(request).await
    }

    /// `POST /api/admin/canaries`: plants a decoy envelope in a mailbox.
    pub async fn plant_canary(&self, mailbox: &str) -> Result<CanaryInfo, ApiError> {
        let body = CanaryRequest {
            mailbox: mailbox.to_owned(),
        };
        self.send_json(Method::POST, &["admin", "canaries"], true, &body)
            .await
    }

    /// `GET /api/admin/canaries`: the organisation's canaries.
    pub async fn canaries(&self) -> Result<CanaryList, ApiError> {
        self.json(self.request(Method::GET, &["admin", "canaries"], true)?)
            .await
    }

    /// `PUT /api/admin/policy`.
    pub async fn set_policy(&self, policy: &OrgPolicy) -> Result<OrgPolicy, ApiError> {
        self.send_json(Method::PUT, &["admin", "policy"], true, policy)
            .await
    }

    /// `POST /api/admin/grants`.
    pub async fn grant(&self, request: &GrantRequest) -> Result<GrantInfo, ApiError> {
        self.send_json(Method::POST, &["admin", "grants"], true, request)
            .await
    }

    /// `GET /api/admin/grants`.
    pub async fn grants(&self) -> Result<GrantList, ApiError> {
        self.json(self.request(Method::GET, &["admin", "grants"], true)?)
            .await
    }

    /// `DELETE /api/admin/grants/{name}/{email}`.
    pub async fn revoke(&self, mailbox: &str, email: &str) -> Result<(), ApiError> {
        let request = self.request(Method::DELETE, &["admin", "grants", mailbox, email], true)?;
        self.empty(request).await
    }

    /// `GET /api/mailboxes/{name}/keys`: the mailbox's keyring (current members only).
    pub async fn mailbox_keyring(&self, mailbox: &str) -> Result<MailboxKeyring, ApiError> {
        self.json(self.request(Method::GET, &["mailboxes", mailbox, "keys"], true)?)
            .await
    }

    /// `GET /api/policy`: the caller's organisation's sending policy, if any.
    pub async fn sending_policy(&self) -> Result<PolicyAnswer, ApiError> {
        self.json(self.request(Method::GET, &["policy"], true)?)
            .await
    }

    /// `PUT /api/policy`: publishes a new version of the organisation's sending policy.
    pub async fn set_sending_policy(
        &self,
        request: &SetPolicyRequest,
    ) -> Result<SignedPolicy, ApiError> {
        self.send_json(Method::PUT, &["policy"], true, request)
            .await
    }

    /// `POST /api/mailboxes/{name}/keys`: publishes the next key generation.
    pub async fn publish_mailbox_key(
        &self,
        mailbox: &str,
        request: &NewMailboxKeyRequest,
    ) -> Result<MailboxKeyInfo, ApiError> {
        self.send_json(Method::POST, &["mailboxes", mailbox, "keys"], true, request)
            .await
    }

    /// `POST /api/mailboxes/{name}/keys/wraps`: gives members copies of existing generations.
    pub async fn add_mailbox_key_wraps(
        &self,
        mailbox: &str,
        request: &MailboxKeyWrapsRequest,
    ) -> Result<(), ApiError> {
        let request = self
            .request(Method::POST, &["mailboxes", mailbox, "keys", "wraps"], true)?
            .json(request);
        self.empty(request).await
    }

    /// `GET /api/audit/log/checkpoint`: the latest signed checkpoint, a signed note.
    pub async fn audit_log_checkpoint(&self) -> Result<String, ApiError> {
        self.text(self.request(Method::GET, &["audit", "log", "checkpoint"], false)?)
            .await
    }

    /// `GET /api/audit/log/checkpoint?cosigned=true`: the latest checkpoint witnesses
    /// cosigned, with their signature lines.
    pub async fn audit_log_cosigned_checkpoint(
        &self,
        witnesses: &[String],
        required: usize,
    ) -> Result<String, ApiError> {
        let required = required.to_string();
        let witnesses = witnesses.join(",");
        let request = self
            .request(Method::GET, &["audit", "log", "checkpoint"], false)?
            .query(&[
                ("cosigned", "true"),
                ("witnesses", witnesses.as_str()),
                ("required", required.as_str()),
            ]);
        self.text(request).await
    }

    /// `POST /api/policy/refusals`: tells the organisation's audit trail that its policy stopped
    /// a send on this side (kinds and counts only).
    pub async fn policy_refused(&self, refusal: &pli_proto::DlpSummary) -> Result<(), ApiError> {
        let request = self
            .request(Method::POST, &["policy", "refusals"], true)?
            .json(refusal);
        self.empty(request).await
    }

    /// `POST /api/audit/log/cosignature`: hands in a witness's cosigned note.
    pub async fn cosign_checkpoint(&self, witness_key: &str, note: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({ "witness_key": witness_key, "note": note });
        let request = self
            .request(Method::POST, &["audit", "log", "cosignature"], true)?
            .json(&body);
        self.empty(request).await
    }

    /// `GET /api/audit/log/key`: the key the log's checkpoints are signed with.
    pub async fn audit_log_key(&self) -> Result<String, ApiError> {
        self.text(self.request(Method::GET, &["audit", "log", "key"], false)?)
            .await
    }

    /// `GET /api/audit/log/entries`: stored entries from `start`, at most `limit`.
    pub async fn audit_log_entries(
        &self,
        start: u64,
        limit: u32,
    ) -> Result<pli_proto::AuditLogEntries, ApiError> {
        let request = self
            .request(Method::GET, &["audit", "log", "entries"], true)?
            .query(&[("start", start.to_string()), ("limit", limit.to_string())]);
        self.json(request).await
    }

    /// `GET /api/audit/log/consistency`: proof that the tree of `from` entries is a prefix of
    /// the tree of `to` entries.
    pub async fn audit_log_consistency(
        &self,
        from: u64,
        to: u64,
    ) -> Result<pli_proto::AuditConsistencyProof, ApiError> {
        let request = self
            .request(Method::GET, &["audit", "log", "consistency"], true)?
            .query(&[("from", from.to_string()), ("to", to.to_string())]);
        self.json(request).await
    }

    /// `GET /api/audit/report`: one page of the audit report of the caller's organisation.
    pub async fn audit_report(
        &self,
        query: &[(&str, String)],
    ) -> Result<pli_proto::AuditPage, ApiError> {
        let request = self
            .request(Method::GET, &["audit", "report"], true)?
            .query(query);
        self.json(request).await
    }

    /// `GET /api/keys/proof`: a published key's log entry and its inclusion proof in the tree
    /// of `size` entries.
    pub async fn key_proof(&self, index: u64, size: u64) -> Result<pli_proto::KeyProof, ApiError> {
        let request = self
            .request(Method::GET, &["keys", "proof"], true)?
            .query(&[("index", index.to_string()), ("size", size.to_string())]);
        self.json(request).await
    }

    /// `GET /api/policy/proof`: a published policy's log entry and its inclusion proof in the
    /// tree of `size` entries (the caller's organisation's only).
    pub async fn policy_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<pli_proto::KeyProof, ApiError> {
        let request = self
            .request(Method::GET, &["policy", "proof"], true)?
            .query(&[("index", index.to_string()), ("size", size.to_string())]);
        self.json(request).await
    }

    /// `GET /api/envelopes/{id}/receipts/proof`: a receipt's log entry and its inclusion proof
    /// in the tree of `size` entries.
    pub async fn receipt_proof(
        &self,
        id: &str,
        index: u64,
        size: u64,
    ) -> Result<pli_proto::KeyProof, ApiError> {
        let request = self
            .request(Method::GET, &["envelopes", id, "receipts", "proof"], true)?
            .query(&[("index", index.to_string()), ("size", size.to_string())]);
        self.json(request).await
    }

    /// `POST /api/envelopes/{id}/receipt`: hands in a signed receipt.
    pub async fn sign_receipt(
        &self,
        id: &str,
        request: &pli_proto::ReceiptRequest,
    ) -> Result<pli_proto::ReceiptInfo, ApiError> {
        self.send_json(Method::POST, &["envelopes", id, "receipt"], true, request)
            .await
    }

    /// `POST /api/envelopes/{id}/links`: offers a stored envelope through an external link.
    pub async fn create_link(
        &self,
        envelope_id: &str,
        request: &pli_proto::CreateLinkRequest,
    ) -> Result<pli_proto::LinkCreated, ApiError> {
        self.send_json(
            Method::POST,
            &["envelopes", envelope_id, "links"],
            true,
            request,
        )
        .await
    }

    /// `GET /api/envelopes/{id}/links`: the links of an envelope one sent.
    pub async fn links(&self, envelope_id: &str) -> Result<pli_proto::LinkList, ApiError> {
        self.json(self.request(Method::GET, &["envelopes", envelope_id, "links"], true)?)
            .await
    }

    /// `GET /api/envelopes/{id}/receipts`: the receipts of an envelope one sent.
    pub async fn receipts(&self, id: &str) -> Result<pli_proto::ReceiptList, ApiError> {
        self.json(self.request(Method::GET, &["envelopes", id, "receipts"], true)?)
            .await
    }

    /// `GET /api/keys/consistency`: like [`Api::audit_log_consistency`], for any account.
    pub async fn key_consistency(
        &self,
        from: u64,
        to: u64,
    ) -> Result<pli_proto::AuditConsistencyProof, ApiError> {
        let request = self
            .request(Method::GET, &["keys", "consistency"], true)?
            .query(&[("from", from.to_string()), ("to", to.to_string())]);
        self.json(request).await
    }

    async fn text(&self, request: RequestBuilder) -> Result<String, ApiError> {
        let response = self.call(request).await?;
        let body = read_limited(response, MAX_JSON_ANSWER).await?;
        String::from_utf8(body).map_err(|_| ApiError::BadAnswer("not UTF-8 text".into()))
    }

    fn request(
        &self,
        method: Method,
        segments: &[&str],
        authenticated: bool,
    ) -> Result<RequestBuilder, ApiError> {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| ApiError::InvalidUrl {
                url: self.base.to_string(),
                reason: "cannot hold a path",
            })?;
            path.pop_if_empty().push("api");
            // `push` percent-encodes, so an address holding `/` or `?` stays one segment.
            for segment in segments {
                path.push(segment);
            }
        }
        let mut request = self.http.request(method, url);
        if authenticated {
            let token = self.token.as_ref().ok_or(ApiError::NoSession)?;
            request = request.bearer_auth(token.expose_secret());
        }
        Ok(request)
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        authenticated: bool,
        body: &B,
    ) -> Result<T, ApiError> {
        self.json(self.request(method, segments, authenticated)?.json(body))
            .await
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ApiError> {
        let response = self.call(request).await?;
        let body = read_limited(response, MAX_JSON_ANSWER).await?;
        serde_json::from_slice(&body).map_err(|error| ApiError::BadAnswer(error.to_string()))
    }

    async fn empty(&self, request: RequestBuilder) -> Result<(), ApiError> {
        let response = self.call(request).await?;
        // The body, if any, is not needed; reading it lets the connection be reused.
        read_limited(response, MAX_JSON_ANSWER).await?;
        Ok(())
    }

    /// Sends a request and turns an error status into [`ApiError::Refused`].
    async fn call(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let response = request.send().await.map_err(|error| {
            if error.is_connect() && mentions_certificate(&error) {
                ApiError::UntrustedCertificate {
                    url: self.server().to_owned(),
                    source: error,
                }
            } else if error.is_connect() {
                ApiError::Unreachable {
                    url: self.server().to_owned(),
                    source: error,
                }
            } else {
                ApiError::Transport(error)
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = read_limited(response, 64 * 1024).await.unwrap_or_default();
        Err(refusal(status, &body))
    }
}

/// Parses and checks a server URL: `http` or `https`, a host, no query, fragment or password.
pub fn normalize_server_url(server: &str) -> Result<Url, ApiError> {
    let invalid = |reason| ApiError::InvalidUrl {
        url: server.to_owned(),
        reason,
    };
    let url = Url::parse(server.trim())
        .map_err(|_| invalid("not a url such as https://pli.example.org"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not hold credentials"));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// Removes control characters from text that came from the server before it reaches a
/// terminal, so a hostile server cannot inject escape sequences.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// reqwest does not expose TLS errors as types; their text names the certificate.
fn mentions_certificate(error: &reqwest::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = cause {
        if current.to_string().contains("certificate") {
            return true;
        }
        cause = current.source();
    }
    false
}

fn extra_roots(path: &Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let failed = |reason: String| ApiError::CaCertificate {
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|error| failed(error.to_string()))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|_| failed("not a PEM certificate file".into()))?;
    if certificates.is_empty() {
        return Err(failed("no certificate in the file".into()));
    }
    Ok(certificates)
}

fn page_query(request: RequestBuilder, limit: Option<u32>, cursor: Option<&str>) -> RequestBuilder {
    let mut request = request;
    if let Some(limit) = limit {
        request = request.query(&[("limit", limit)]);
    }
    if let Some(cursor) = cursor {
        request = request.query(&[("cursor", cursor)]);
    }
    request
}

fn refusal(status: StatusCode, body: &[u8]) -> ApiError {
    let (code, message) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(error) => (sanitize(&error.error), sanitize(&error.message)),
        Err(_) => (
            String::new(),
            status
                .canonical_reason()
                .unwrap_or("unexpected status")
                .to_lowercase(),
        ),
    };
    ApiError::Refused {
        status: status.as_u16(),
        code,
        message,
    }
}

async fn read_limited(response: Response, limit: usize) -> Result<Vec<u8>, ApiError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ApiError::BadAnswer("the answer is too large".into()));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ApiError::Transport)?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::BadAnswer("the answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_checked_and_normalized() {
        let check = |input: &str, expected: &str| {
            assert_eq!(Api::new(input).unwrap().server(), expected, "{input}");
        };
        check("http://127.0.0.1:8080", "http://127.0.0.1:8080");
        check("http://127.0.0.1:8080/", "http://127.0.0.1:8080");
        check(
            "https://pli.example.org/base/",
            "https://pli.example.org/base",
        );
        for bad in [
            "127.0.0.1:8080",
            "ftp://example.org",
            "http://",
            "http://example.org/?a=b",
            "http://user:secret@example.org",
            "",
        ] {
            let error = Api::new(bad).unwrap_err();
            assert!(
                matches!(error, ApiError::InvalidUrl { .. }),
                "{bad}: {error:?}"
            );
            assert!(!error.to_string().contains("secret") || bad.contains("secret"));
        }
    }

    #[test]
    fn request_paths_are_encoded_segments() {
        let api = Api::new("http://127.0.0.1:1/base")
            .unwrap()
            .with_token(SecretString::from("t".to_owned()));
        let request = api
            .request(Method::GET, &["directory", "a/b?c@d.org"], true)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            request.url().as_str(),
            "http://127.0.0.1:1/base/api/directory/a%2Fb%3Fc@d.org"
        );
        assert_eq!(
            request.headers()["authorization"].to_str().unwrap(),
            "Bearer t"
        );
    }

    #[test]
    fn authenticated_requests_need_a_session() {
        let api = Api::new("http://127.0.0.1:1").unwrap();
        assert!(matches!(
            api.request(Method::GET, &["me"], true),
            Err(ApiError::NoSession)
        ));
    }

    #[test]
    fn refusals_carry_the_server_message_without_control_characters() {
        let body =
            br#"{"error":"not_found","message":"no such envelope\u001b[31m","request_id":"r1"}"#;
        let error = refusal(StatusCode::NOT_FOUND, body);
        assert!(error.is_not_found());
        assert_eq!(
            error.to_string(),
            "the server refused (HTTP 404): no such envelope?[31m"
        );
        let error = refusal(StatusCode::BAD_GATEWAY, b"<html>");
        assert_eq!(
            error.to_string(),
            "the server refused (HTTP 502): bad gateway"
        );
        assert!(refusal(StatusCode::UNAUTHORIZED, b"").is_unauthorized());
    }
}
