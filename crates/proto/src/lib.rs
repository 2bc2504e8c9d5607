//! Wire types of the Pli HTTP API, shared by the server, the client and the OpenAPI document.
//!
//! Every JSON body that crosses the network is one of these types. They reject unknown fields,
//! so a typo in a client is an error rather than a silently ignored setting.
//!
//! ```
//! use pli_proto::PreloginRequest;
//! let request: PreloginRequest = serde_json::from_str(r#"{"email":"a@b.fr"}"#).unwrap();
//! assert_eq!(request.email, "a@b.fr");
//! ```
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Parameters of the client-side Argon2id derivation of a password.
///
/// The client refuses parameters below its own floor, so a hostile server cannot make the
/// authentication key cheap to brute-force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory cost in KiB.
    pub m_kib: u32,
    /// Number of passes.
    pub t: u32,
    /// Parallelism.
    pub p: u32,
}

/// Public keys of an account, generated on its owner's machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicKeys {
    /// age X25519 recipient, `age1...`.
    pub age_recipient: String,
    /// Ed25519 verifying key, 32 bytes in unpadded base64url.
    pub signing_key: String,
}

/// `POST /api/auth/prelogin`: asks for the salt and cost of an account's password derivation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloginRequest {
    pub email: String,
}

/// Answer to a prelogin. Unknown accounts get a stable fake salt, so the answer does not tell
/// whether an account exists.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloginResponse {
    /// 16 bytes, unpadded base64url.
    pub salt: String,
    pub kdf: KdfParams,
}

/// `POST /api/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    /// The authentication half of the client-side derivation, 32 bytes, unpadded base64url.
    pub auth_key: String,
    /// The second factor of an account that has one: the 6-digit TOTP code of the moment, or
    /// one of its one-time recovery codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<String>,
    /// Or the answer of one of its passkeys to the challenge of `POST /api/auth/passkey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<PasskeyAssertion>,
}

/// A passkey's answer to a challenge: what the browser's `navigator.credentials.get` gave,
/// with the id of the ceremony that asked.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyAssertion {
    /// The ceremony id of the challenge, 32 lowercase hex digits.
    pub ceremony: String,
    /// The WebAuthn `PublicKeyCredential`, its binary fields in unpadded base64url.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// A WebAuthn challenge for the browser, valid for 5 minutes and once.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyChallenge {
    /// Name this ceremony when answering, 32 lowercase hex digits.
    pub ceremony: String,
    /// `{"publicKey": ...}` for `navigator.credentials.create` or `.get`, binary fields in
    /// unpadded base64url.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

/// `POST /api/auth/passkey`: the first factor again, to get a passkey challenge at login.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyLoginStart {
    pub email: String,
    /// As in `LoginRequest`.
    pub auth_key: String,
}

/// Proof of the second factor an account already has, to add or remove a passkey: a TOTP or
/// recovery code, or a passkey's answer to `POST /api/me/passkeys/challenge`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorProof {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<PasskeyAssertion>,
}

/// `POST /api/me/passkeys`: the browser's answer to a registration challenge.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasskeyRequest {
    /// The ceremony id of `POST /api/me/passkeys/options`.
    pub ceremony: String,
    /// A name for the owner's list, 1 to 64 characters.
    pub name: String,
    /// The WebAuthn `PublicKeyCredential` of `navigator.credentials.create`, binary fields in
    /// unpadded base64url.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// One of the caller's passkeys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyInfo {
    /// 32 lowercase hex digits.
    pub id: String,
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339; absent until first used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// The caller's passkeys, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyList {
    pub items: Vec<PasskeyInfo>,
}

/// `POST /api/auth/join`: redeems an invitation and registers the account's keys.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub email: String,
    /// The one-time invitation code.
    pub code: String,
    /// 16 bytes, unpadded base64url, chosen by the client.
    pub salt: String,
    pub kdf: KdfParams,
    /// 32 bytes, unpadded base64url.
    pub auth_key: String,
    pub public_keys: PublicKeys,
    /// The account's private keys sealed under the wrapping key, unpadded base64url.
    pub wrapped_keys: String,
}

/// Answer to a login or a join: a bearer session and what the client needs to unwrap its keys.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionResponse {
    /// Bearer token for `Authorization: Bearer ...`.
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
    pub account: AccountInfo,
    pub wrapped_keys: String,
}

/// Roles of an account inside its organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Agent,
    Auditor,
}

impl Role {
    /// The lowercase name used on the wire, in the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Auditor => "auditor",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            "auditor" => Some(Role::Auditor),
            _ => None,
        }
    }
}

/// `GET /api/me`, and part of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInfo {
    pub email: String,
    pub org: String,
    pub role: Role,
    /// Names of the functional mailboxes this account currently belongs to.
    pub mailboxes: Vec<String>,
    pub public_keys: PublicKeys,
    /// Key id: the first 16 bytes of SHA-256 over the Ed25519 verifying key, in hex.
    pub key_id: String,
}

/// `GET /api/directory/{address}`: what a sender needs to encrypt to an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// The address looked up, normalised (lowercase).
    pub address: String,
    pub kind: AddressKind,
    /// The organisation the account or mailbox belongs to.
    pub org: String,
    /// The account itself, or every current member of the mailbox.
    pub keys: Vec<AccountKey>,
    /// Mailboxes only: the latest key generation, if one was ever made, and whether senders
    /// should encrypt to it (otherwise they encrypt to every member's own key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox_key: Option<CurrentMailboxKey>,
}

/// The latest key generation of a mailbox, as the directory gives it to senders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentMailboxKey {
    pub key: MailboxKeyInfo,
    /// The generation is the latest, no member left since it was made, and every current
    /// member holds a copy of its secret: envelopes to the mailbox are encrypted to it.
    pub usable: bool,
    /// Index of the audit log entry publishing this generation's recipient for this mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

/// One key generation of a functional mailbox: an age X25519 key pair made on a member's (or
/// an admin's) machine, whose public half is signed by its creator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxKeyInfo {
    /// 1, 2, ...: each new generation is exactly one more than the previous.
    pub generation: u32,
    /// age X25519 recipient, `age1...`.
    pub recipient: String,
    /// Email of the account that made the generation.
    pub creator: String,
    /// Whether the creator is an admin of the mailbox's organisation (the one alternative to
    /// being a current member).
    pub creator_admin: bool,
    /// Ed25519 signature by the creator over [`mailbox_key_signed_bytes`], 64 bytes in
    /// unpadded base64url.
    pub signature: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /api/mailboxes/{name}/keys`: what a current member needs to read and repair the
/// mailbox's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxKeyring {
    pub mailbox: String,
    pub org: String,
    /// Current members and their public keys, ordered by email.
    pub members: Vec<AccountKey>,
    /// Every generation, oldest first.
    pub generations: Vec<HeldMailboxKey>,
    /// A member was removed after the latest generation was made: a new one is needed.
    pub stale: bool,
    /// Whether senders encrypt to the latest generation (see [`CurrentMailboxKey::usable`]).
    pub usable: bool,
}

/// A generation in a member's keyring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldMailboxKey {
    pub key: MailboxKeyInfo,
    /// Emails of the current members holding a copy of this generation's secret, sorted.
    pub holders: Vec<String>,
    /// The caller's copy of the secret: an age file (encrypted to the caller's own age key)
    /// holding `AGE-SECRET-KEY-1...`, in unpadded base64url. Absent if the caller has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<String>,
}

/// One copy of a generation's secret, encrypted to one member's own age key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxKeyWrap {
    pub generation: u32,
    /// The member the copy is for.
    pub email: String,
    /// An age file holding `AGE-SECRET-KEY-1...`, in unpadded base64url.
    pub wrapped: String,
}

/// `POST /api/mailboxes/{name}/keys`: publishes the next generation with one copy of its
/// secret for every current member (no more, no less).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMailboxKeyRequest {
    /// Exactly the latest generation plus one (1 for the first).
    pub generation: u32,
    /// age X25519 recipient, `age1...`.
    pub recipient: String,
    /// Ed25519 signature by the caller over [`mailbox_key_signed_bytes`], unpadded base64url.
    pub signature: String,
    /// One per current member, each with `generation` equal to the one published.
    pub wraps: Vec<MailboxKeyWrap>,
}

/// `POST /api/mailboxes/{name}/keys/wraps`: copies of existing generations' secrets for
/// current members who lack them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxKeyWrapsRequest {
    pub wraps: Vec<MailboxKeyWrap>,
}

/// Domain separation of a mailbox key signature.
pub const MAILBOX_KEY_CONTEXT: &[u8] = b"pli-mailbox-key-v1";

/// The bytes a mailbox key generation's creator signs with its Ed25519 account key:
///
/// ```text
/// "pli-mailbox-key-v1" || 0x00
/// || u16 big-endian length of the mailbox name || mailbox name (UTF-8)
/// || u32 big-endian generation
/// || u16 big-endian length of the recipient || recipient (ASCII, `age1...`)
/// ```
///
/// The name and the generation are bound, so a signature cannot be replayed for another
/// mailbox or another generation. Callers pass only validated values (names are at most 63
/// bytes, recipients 62), so a length never exceeds `u16::MAX`.
///
/// ```
/// let bytes = pli_proto::mailbox_key_signed_bytes("team", 2, "age1xyz");
/// assert_eq!(bytes, b"pli-mailbox-key-v1\0\0\x04team\0\0\0\x02\0\x07age1xyz");
/// ```
pub fn mailbox_key_signed_bytes(mailbox: &str, generation: u32, recipient: &str) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(MAILBOX_KEY_CONTEXT.len() + 9 + mailbox.len() + recipient.len());
    out.extend_from_slice(MAILBOX_KEY_CONTEXT);
    out.push(0);
    push_field(&mut out, mailbox.as_bytes());
    out.extend_from_slice(&generation.to_be_bytes());
    push_field(&mut out, recipient.as_bytes());
    out
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Domain separation of a receipt signature.
pub const RECEIPT_CONTEXT: &[u8] = b"pli-receipt-v1";

/// The bytes a recipient signs with its Ed25519 account key when it opens an envelope:
///
/// ```text
/// "pli-receipt-v1" || 0x00
/// || 16-byte envelope id
/// || 32-byte SHA-256 of the signed manifest as opened
/// || i64 big-endian time of opening, Unix seconds
/// ```
///
/// ```
/// let bytes = pli_proto::receipt_signed_bytes(&[1; 16], &[2; 32], 3);
/// assert_eq!(&bytes[..15], b"pli-receipt-v1\0");
/// assert_eq!(bytes.len(), 15 + 16 + 32 + 8);
/// ```
pub fn receipt_signed_bytes(envelope_id: &[u8; 16], manifest_hash: &[u8; 32], at: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(RECEIPT_CONTEXT.len() + 1 + 16 + 32 + 8);
    out.extend_from_slice(RECEIPT_CONTEXT);
    out.push(0);
    out.extend_from_slice(envelope_id);
    out.extend_from_slice(manifest_hash);
    out.extend_from_slice(&at.to_be_bytes());
    out
}

/// Whether an address names an account or a functional mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AddressKind {
    Account,
    Mailbox,
}

/// One account's public keys in the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountKey {
    pub email: String,
    pub public_keys: PublicKeys,
    pub key_id: String,
    /// Index of the audit log entry publishing exactly these keys for this email (key
    /// transparency, `docs/AUDIT.md`); the directory gives it, senders check its inclusion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

/// `POST /api/envelopes`: announces an envelope before its ciphertext is uploaded.
///
/// The envelope stays invisible to everybody until its content is uploaded and durable.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnvelopeRequest {
    /// 128-bit random id chosen by the sender's client, 32 lowercase hex digits, also signed
    /// inside the envelope's manifest.
    pub id: String,
    /// Account emails and mailbox names, as resolved through the directory. May be empty
    /// when `external` is not.
    pub to: Vec<String>,
    /// Emails of people without an account the sender will offer the envelope to through
    /// links (`POST /api/envelopes/{id}/links`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<String>,
    /// Exact size in bytes of the ciphertext that will be uploaded.
    pub size: u64,
    /// What the sender's data loss prevention check found and decided, required when the
    /// sender's organisation has a sending policy: kinds and counts, never a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dlp: Option<DlpSummary>,
}

/// The outcome of the sender's data loss prevention check, for the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DlpSummary {
    /// Version of the organisation's policy that was applied.
    pub policy_version: u64,
    /// `allow`, `warn` or `justify`.
    pub decision: String,
    /// Findings per kind of data (`nir`, `health`, ...), over all files.
    pub kinds: std::collections::BTreeMap<String, u64>,
    /// Files that could not be inspected.
    pub not_inspectable: u64,
    /// Whether the sender wrote a justification (it travels in the encrypted manifest only).
    pub justified: bool,
}

/// `PUT /api/policy`: a new version of the caller's organisation's sending policy.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPolicyRequest {
    /// Must be greater than the current version, and equal the `version` in the text.
    pub version: u64,
    /// The policy file (TOML), exactly as signed.
    pub text: String,
    /// Ed25519 signature by the caller over [`policy_signed_bytes`], unpadded base64url.
    pub signature: String,
}

/// `GET /api/policy`: the caller's organisation's sending policy, if it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyAnswer {
    pub policy: Option<SignedPolicy>,
}

/// A version of an organisation's sending policy with its admin's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedPolicy {
    pub org: String,
    pub version: u64,
    /// The policy file (TOML).
    pub text: String,
    /// Email of the admin who signed it.
    pub signer: String,
    /// The signer's role in the organisation now, or `None` when the signer's account is no
    /// longer in it. Clients follow a policy only while its signer is an admin.
    #[serde(default)]
    pub signer_role: Option<Role>,
    /// Ed25519 signature over [`policy_signed_bytes`], unpadded base64url.
    pub signature: String,
    /// RFC 3339.
    pub set_at: String,
    /// Index of the audit log entry that publishes this version (kind 0x04). Clients follow a
    /// version only once they have proved that entry included in a checkpoint they trust.
    #[serde(default)]
    pub log_index: Option<u64>,
    /// Index of the audit log entry stating the signer's role in the organisation (kind 0x05),
    /// `None` when the signer is no longer in it. Clients follow a version only once they have
    /// proved that entry, and it says admin.
    #[serde(default)]
    pub signer_role_log_index: Option<u64>,
}

/// Domain separation of a policy signature.
pub const POLICY_CONTEXT: &[u8] = b"pli-policy-v1";

/// The bytes an admin signs to publish a version of their organisation's sending policy:
/// `pli-policy-v1`, a zero byte, the organisation's name (u16 big-endian length, then its
/// bytes), the version (u64 big-endian) and the text (u32 big-endian length, then its bytes).
/// The organisation and version are bound, so a policy cannot be replayed for another
/// organisation or in place of a newer version.
///
/// ```
/// let bytes = pli_proto::policy_signed_bytes("chu", 3, "version = 3\n");
/// assert_eq!(bytes, b"pli-policy-v1\0\0\x03chu\0\0\0\0\0\0\0\x03\0\0\0\x0cversion = 3\n");
/// ```
pub fn policy_signed_bytes(org: &str, version: u64, text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(POLICY_CONTEXT.len() + 15 + org.len() + text.len());
    out.extend_from_slice(POLICY_CONTEXT);
    out.push(0);
    push_field(&mut out, org.as_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out
}

/// Routing metadata of an envelope, as listed in an inbox or outbox.
///
/// Only what the server needs to route: never a file name, a subject or any content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSummary {
    pub id: String,
    /// Sender's account email.
    pub sender: String,
    /// Account emails and mailbox names the envelope was addressed to.
    pub to: Vec<String>,
    /// Ciphertext size in bytes.
    pub size: u64,
    /// RFC 3339.
    pub created_at: String,
    /// Set when a person without an account uploaded it through an upload request
    /// (`docs/REQUESTS.md`): `sender` is then the requester, and nobody vouches for who wrote
    /// it. Absent for every other envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside: Option<OutsideUpload>,
}

/// Where an envelope of an unverified outside sender came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutsideUpload {
    /// The upload request, 32 lowercase hex digits.
    pub request_id: String,
    /// The address the request was sent to (the uploader was never checked to own it).
    pub email: String,
}

/// A page of envelopes, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopePage {
    pub items: Vec<EnvelopeSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `POST /api/admin/invitations`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub email: String,
    /// Must be the inviting admin's own organisation.
    pub org: String,
    pub role: Role,
    #[serde(default)]
    pub mailboxes: Vec<String>,
}

/// The one-time invitation code, shown once to the admin who invited.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteResponse {
    pub code: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// `POST /api/admin/mailboxes`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMailboxRequest {
    pub name: String,
    /// Must be the admin's own organisation.
    pub org: String,
}

/// `POST /api/admin/mailboxes/{name}/members`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub email: String,
    /// End of the membership (RFC 3339); absent for a membership without an end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// One functional mailbox and its current members.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxInfo {
    pub name: String,
    pub org: String,
    pub members: Vec<String>,
}

/// One row of the audit trail.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339.
    pub at: String,
    /// Account email, or absent for an anonymous request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Client address as seen by the server.
    pub from: String,
    /// Dotted action name, such as `envelope.download`.
    pub action: String,
    /// The resource acted on, such as an envelope id or an email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    pub outcome: String,
}

/// A page of audit rows, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
}

/// Every error answer of the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable machine-readable code, such as `not_found` or `invalid_request`.
    pub error: String,
    /// A sentence for a person: what was wrong and what to do.
    pub message: String,
    /// Identifier of the request in the server's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// On a refused or interrupted piece of a resumable upload: the bytes the server holds,
    /// where the next piece must start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_offset: Option<u64>,
}

/// `GET /api/envelopes/{id}/content/offset`: how much of a resumable upload the server holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadOffset {
    /// Bytes durably written and acknowledged: the next piece starts here.
    pub offset: u64,
    /// The announced size of the ciphertext.
    pub size: u64,
    /// Whether the content is complete and the envelope visible (then `offset` is `size`).
    pub complete: bool,
}

/// `GET /api/health`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// An RFC 9162 inclusion proof of entry `index` in the audit log's tree of `size` entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditInclusionProof {
    pub index: u64,
    pub size: u64,
    /// The audit path, base64 SHA-256 hashes, leaf side first.
    pub hashes: Vec<String>,
}

/// `GET /api/keys/proof`: a published key's audit log entry and its inclusion proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyProof {
    pub index: u64,
    pub size: u64,
    /// The entry's bytes (a published key, kind 2), base64.
    pub entry: String,
    /// The audit path, base64 SHA-256 hashes, leaf side first.
    pub hashes: Vec<String>,
}

/// `POST /api/envelopes/{id}/receipt`: a recipient's signed receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// SHA-256 of the signed manifest as opened, unpadded base64url.
    pub manifest_hash: String,
    /// Time of opening, Unix seconds, as signed.
    pub opened_at: i64,
    /// Ed25519 signature over [`receipt_signed_bytes`], unpadded base64url.
    pub signature: String,
}

/// A receipt as the server keeps it; clients check its signature themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInfo {
    /// The recipient account that signed.
    pub email: String,
    /// SHA-256 of the signed manifest, unpadded base64url.
    pub manifest_hash: String,
    /// Unix seconds, as signed.
    pub opened_at: i64,
    /// Ed25519 signature over [`receipt_signed_bytes`], unpadded base64url.
    pub signature: String,
    /// Index of the receipt's audit log entry.
    pub log_index: u64,
}

/// `GET /api/envelopes/{id}/receipts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptList {
    pub items: Vec<ReceiptInfo>,
}

/// An RFC 9162 consistency proof between the audit log's trees of `from` and `to` entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditConsistencyProof {
    pub from: u64,
    pub to: u64,
    /// Base64 SHA-256 hashes.
    pub hashes: Vec<String>,
}

/// One entry of the audit log (`docs/AUDIT.md`). An entry of the caller's organisation comes
/// whole; any other comes as its 50-byte header and its leaf hash, which is all a verifier needs
/// to check the chain and recompute the tree without seeing another organisation's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditLogEntry {
    pub index: u64,
    /// The encoded entry, base64; absent when redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Header of a redacted entry (version, kind, index, previous leaf hash, time), base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Leaf hash of a redacted entry, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaf_hash: Option<String>,
}

/// Consecutive stored entries of the audit log, by increasing index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditLogEntries {
    pub items: Vec<AuditLogEntry>,
}

/// `POST /api/me/totp`: a new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 seconds), shown
/// once. It works only after `POST /api/me/totp/confirm` with a first code.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpEnrolment {
    /// The secret, base32 without padding, for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://totp/...` URI, for a QR code.
    pub uri: String,
}

/// A second-factor code: a 6-digit TOTP code, or (to disable) a recovery code.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// The one-time recovery codes, shown once when the second factor is confirmed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// `PUT /api/admin/policy`: the admin's organisation's security policy.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// Every account of the organisation must have a second factor; one without gets a
    /// session that can only enrol.
    pub require_totp: bool,
}

/// What a scoped grant allows on its mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GrantScope {
    /// List and download the mailbox's envelopes; not address envelopes to it.
    Read,
    /// Address envelopes to the mailbox; not list or download them.
    Send,
}

/// `POST /api/admin/grants`: a scoped, expiring grant on one mailbox of the admin's
/// organisation. It replaces what the account had on that mailbox.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    pub email: String,
    pub mailbox: String,
    pub scope: GrantScope,
    /// End of the grant, RFC 3339, in the future.
    pub until: String,
}

/// One grant or time-limited membership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInfo {
    pub email: String,
    pub mailbox: String,
    pub read: bool,
    pub send: bool,
    /// A scoped grant, rather than a membership with an end.
    pub granted: bool,
    /// RFC 3339; absent for no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Not expired yet.
    pub active: bool,
}

/// Grants and time-limited memberships of the admin's organisation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantList {
    pub items: Vec<GrantInfo>,
}

/// One security alert for the organisation's admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertInfo {
    pub seq: i64,
    /// RFC 3339.
    pub at: String,
    /// The account concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Dotted kind, such as `login.locked`.
    pub kind: String,
    pub details: String,
}

/// Alerts, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertPage {
    pub items: Vec<AlertInfo>,
}

/// `POST /api/admin/unblock`: lifts a login lock and a hold on the account's downloads.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnblockRequest {
    pub email: String,
    /// Why, for the audit trail.
    pub reason: String,
}

/// `POST /api/admin/canaries`: plants a decoy envelope in a mailbox of the admin's
/// organisation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryRequest {
    pub mailbox: String,
}

/// A planted canary, as its organisation's admins see it (members see an ordinary envelope).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryInfo {
    /// The envelope's id.
    pub id: String,
    pub mailbox: String,
    pub planted_by: String,
    /// RFC 3339.
    pub planted_at: String,
}

/// Canaries of the admin's organisation, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryList {
    pub items: Vec<CanaryInfo>,
}

/// `POST /api/envelopes/{id}/links`: offers a stored envelope to a person without an account
/// (`docs/EXTERNAL.md`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkRequest {
    /// The link id, 32 lowercase hex digits: 128 random bits drawn by the sending client,
    /// which needs it before sealing (it salts the key derivation).
    pub id: String,
    /// Where the link goes.
    pub email: String,
    /// Where the code goes by SMS (E.164, `+33612345678`); without it, by a second mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Seconds until the link expires, 3600 to 2592000 (default 259200, 72 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// Downloads allowed, 1 to 100 (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_downloads: Option<u32>,
    /// `S`, the server's half of the key: 32 bytes, unpadded base64url.
    pub server_half: String,
    /// The Ed25519 public key the recipient's receipt must verify with, unpadded base64url.
    pub receipt_key: String,
    /// `F_B64.SENDER_KEY_B64`: written into the link mail, never stored.
    pub fragment: String,
}

impl std::fmt::Debug for CreateLinkRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The fragment and the server's half are halves of a key: never in a log.
        f.debug_struct("CreateLinkRequest")
            .field("email", &self.email)
            .field("expires_in", &self.expires_in)
            .field("max_downloads", &self.max_downloads)
            .finish_non_exhaustive()
    }
}

/// Answer of `POST /api/envelopes/{id}/links`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCreated {
    /// The link id, 32 lowercase hex digits.
    pub id: String,
    /// The link without its fragment.
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
    pub max_downloads: u32,
}

/// A counted download of a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkOpeningInfo {
    /// RFC 3339.
    pub at: String,
    /// The client address that downloaded.
    pub address: String,
}

/// One link of an envelope, as its sender (and the organisation's auditors) see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSummary {
    pub id: String,
    pub url: String,
    pub email: String,
    /// The phone the code went to; none when it went by mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `active`, `locked`, `expired`, `exhausted` or `withdrawn`.
    pub state: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    pub max_downloads: u32,
    pub downloads: u32,
    pub code_failures: u32,
    pub openings: Vec<LinkOpeningInfo>,
    /// The Ed25519 key the receipt verifies with, unpadded base64url.
    pub receipt_key: String,
    /// The recipient's signed receipt (its `email` is the link's address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ReceiptInfo>,
}

/// `GET /api/envelopes/{id}/links`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkList {
    pub items: Vec<LinkSummary>,
}

/// Who sent the envelope a link offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSender {
    pub email: String,
    /// The name shown for the sender (accounts have no display name: the email).
    pub name: String,
    pub organisation: String,
    /// The directory's Ed25519 key of the sender (base64url, no padding): the page shows the
    /// sender as verified when it is the key the link's fragment carries.
    pub signing_key: String,
}

/// `GET /api/links/{link_id}`: what the recipient's page shows before the code. Reading it
/// changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkPublic {
    pub sender: LinkSender,
    /// Always true: the subject travels encrypted in the envelope.
    pub subject_hidden: bool,
    /// Size of the ciphertext in bytes.
    pub size: u64,
    /// RFC 3339.
    pub expires_at: String,
    /// `active`, `locked`, `expired`, `exhausted` or `withdrawn`.
    pub state: String,
    /// Wrong codes left before the link locks.
    pub attempts_left: u32,
}

/// `POST /api/links/{link_id}/code`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCodeRequest {
    /// The 6 digits received by SMS or by the second mail.
    pub code: String,
}

impl std::fmt::Debug for LinkCodeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkCodeRequest { .. }")
    }
}

/// Answer to the right code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCodeAccepted {
    /// `S`, unpadded base64url.
    pub server_half: String,
    /// Bearer token for `content` and `receipt`.
    pub token: String,
    /// RFC 3339.
    pub token_expires_at: String,
}

impl std::fmt::Debug for LinkCodeAccepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkCodeAccepted")
            .field("token_expires_at", &self.token_expires_at)
            .finish_non_exhaustive()
    }
}

/// Answer to a wrong code: `403 invalid_code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCodeRefused {
    /// `invalid_code`.
    pub error: String,
    pub message: String,
    /// Wrong codes left before the link locks.
    pub attempts_left: u32,
}

/// `POST /api/links/{link_id}/receipt`: the recipient's receipt, signed with the key derived
/// from the link (`docs/EXTERNAL.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkReceiptRequest {
    /// SHA-256 of the signed manifest as opened, 64 lowercase hex digits.
    pub manifest_sha256: String,
    /// Time of opening, Unix seconds, as signed.
    pub opened_at: i64,
    /// Ed25519 signature over [`receipt_signed_bytes`], unpadded base64url.
    pub signature: String,
}

/// Context of a request statement signature (`docs/REQUESTS.md`, section 2).
pub const REQUEST_CONTEXT: &[u8] = b"pli-request-v1";

/// The bytes a requester signs for an upload request (`docs/REQUESTS.md`, section 2): the
/// request id, the addressee, the outside person's email, the recipients' age keys in order,
/// the expiry and the number of uploads. `None` when a text is longer than 65,535 bytes or
/// there are more than 65,535 recipients.
///
/// ```
/// let bytes = pli_proto::request_signed_bytes(&[1; 16], "accueil", "a@b.fr", &["age1x".into()], 5, 1).unwrap();
/// assert_eq!(&bytes[..15], b"pli-request-v1\0");
/// assert_eq!(bytes.len(), 15 + 16 + 2 + 7 + 2 + 6 + 2 + 2 + 5 + 8 + 4);
/// ```
pub fn request_signed_bytes(
    request_id: &[u8; 16],
    addressee: &str,
    email: &str,
    recipients: &[String],
    expires_at: i64,
    max_uploads: u32,
) -> Option<Vec<u8>> {
    fn text(out: &mut Vec<u8>, value: &str) -> Option<()> {
        out.extend_from_slice(&u16::try_from(value.len()).ok()?.to_be_bytes());
        out.extend_from_slice(value.as_bytes());
        Some(())
    }
    let mut out = Vec::new();
    out.extend_from_slice(REQUEST_CONTEXT);
    out.push(0);
    out.extend_from_slice(request_id);
    text(&mut out, addressee)?;
    text(&mut out, email)?;
    out.extend_from_slice(&u16::try_from(recipients.len()).ok()?.to_be_bytes());
    for recipient in recipients {
        text(&mut out, recipient)?;
    }
    out.extend_from_slice(&expires_at.to_be_bytes());
    out.extend_from_slice(&max_uploads.to_be_bytes());
    Some(out)
}

/// `POST /api/requests`: an upload request, as the requester's client signed it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUploadRequest {
    /// 32 lowercase hex digits, drawn by the requester's client.
    pub id: String,
    /// The outside person's email.
    pub email: String,
    /// The mailbox the documents go to; absent: the requester's own inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// The age recipients the envelope must be encrypted to, in order.
    pub recipients: Vec<String>,
    /// Unix seconds, 1 hour to 30 days from now.
    pub expires_at: i64,
    /// Uploads allowed (1 to 20, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uploads: Option<u32>,
    /// Ed25519 signature of the statement by the requester's key, unpadded base64url.
    pub signature: String,
    /// The link's fragment: the requester's verifying key, unpadded base64url. Mailed in the
    /// link, never stored.
    pub fragment: String,
}

/// `201` answer of `POST /api/requests`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequestCreated {
    pub id: String,
    /// The link without its fragment.
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
    pub max_uploads: u32,
}

/// One envelope uploaded through a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestUploadInfo {
    /// The envelope id.
    pub id: String,
    pub size: u64,
    /// RFC 3339.
    pub at: String,
    /// The uploader's client address.
    pub address: String,
}

/// One of the requester's upload requests.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequestSummary {
    pub id: String,
    pub url: String,
    pub email: String,
    /// The requester's email or the mailbox name.
    pub addressee: String,
    /// `active`, `expired`, `exhausted` or `withdrawn`.
    pub state: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    pub max_uploads: u32,
    pub uploads: u32,
    pub envelopes: Vec<RequestUploadInfo>,
}

/// `GET /api/requests`, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequestList {
    pub items: Vec<UploadRequestSummary>,
}

/// What the requester signed, as the page needs it to check the signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestStatement {
    pub id: String,
    pub addressee: String,
    pub email: String,
    pub recipients: Vec<String>,
    /// Unix seconds.
    pub expires_at: i64,
    pub max_uploads: u32,
}

/// `GET /api/requests/{id}`: what the upload page shows and checks.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequestPublic {
    /// The requester, with the directory's signing key.
    pub requester: LinkSender,
    pub statement: RequestStatement,
    /// The requester's signature of the statement, unpadded base64url.
    pub signature: String,
    /// RFC 3339.
    pub expires_at: String,
    /// Largest upload in bytes.
    pub max_size: u64,
    pub uploads: u32,
    /// `active`, `expired`, `exhausted` or `withdrawn`.
    pub state: String,
}

/// `201` answer of an upload.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestUploaded {
    pub envelope_id: String,
    pub size: u64,
}
