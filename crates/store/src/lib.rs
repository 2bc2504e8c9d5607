//! The metadata store of a Pli server: organisations, accounts, sessions, mailboxes, envelope
//! routing rows and the audit trail, behind one [`Store`] trait.
//!
//! Backends live in their own crates (`pli-store-sqlite`, later `pli-store-postgres`) and map
//! their driver errors to [`StoreError`] once, so the server never sees a driver type and never
//! branches on the backend. Nothing here ever holds document content, a file name, a subject or
//! a private key: only routing metadata and wrapped (encrypted) keys.
//!
//! Ids are 128-bit random values ([`Id`]); "not found" is the only answer for a missing row.
#![forbid(unsafe_code)]

use async_trait::async_trait;
use std::collections::HashMap;
use std::fmt;

mod bundles;
mod links;
mod monitor;
mod requests;
pub use links::{Link, LinkOpening, LinkReceipt, LinkState, NewLink};
pub use monitor::{Canary, DownloadHold, HoldKind, JournalEntry, JournalKind, NewCanary};
pub use requests::{NewUploadRequest, OutsideOrigin, RequestState, RequestUpload, UploadRequest};
pub mod snapshot;
pub use snapshot::{Snapshot, SnapshotError, SnapshotSummary};

/// Unix time in seconds.
pub type Timestamp = i64;

/// A 128-bit random identifier, written as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id([u8; 16]);

impl Id {
    /// A fresh id from the operating system's random generator.
    pub fn random() -> Id {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Id(bytes)
    }

    /// Parses exactly 32 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Id> {
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Id(bytes))
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Id {
        Id(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

/// Errors of every backend, mapped once from driver errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such row (or a row the caller may not know about: the server answers both alike).
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated, such as an email or envelope id already taken.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A stored row could not be decoded; the database was edited by hand or is corrupt.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The backend failed (I/O, connection, ...). The text is for logs, not for clients.
    #[error("storage backend: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Roles of an account in its organisation, as stored.
pub use bundles::{
    BundleCodec, BundleError, BundleWrite, MAX_BUNDLE_BYTES, bundle_writes, compress_bundle,
    decode_bundle, encode_bundle, prune_bundle, prune_stored_bundle,
};
pub use pli_audit::{BUNDLE_WIDTH, TileAppend, TileId, bundle_appends, bundle_entries};
pub use pli_proto::Role;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    pub id: Id,
    pub name: String,
}

/// An account, with its keys as the client registered them (private keys only wrapped).
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Id,
    pub email: String,
    pub org: Org,
    pub role: Role,
    /// Salt of the client-side Argon2id derivation.
    pub kdf_salt: Vec<u8>,
    pub kdf_m_kib: u32,
    pub kdf_t: u32,
    pub kdf_p: u32,
    /// SHA-256 of the client's authentication key; compared in constant time.
    pub auth_hash: [u8; 32],
    /// age X25519 recipient (`age1...`).
    pub age_recipient: String,
    /// Ed25519 verifying key.
    pub signing_key: [u8; 32],
    /// Private keys sealed by the client under its wrapping key; opaque to the server.
    pub wrapped_keys: Vec<u8>,
    pub created_at: Timestamp,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authentication hash and wrapped keys stay out of logs.
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("org", &self.org.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What a redeemed invitation turns into.
#[derive(Clone)]
pub struct NewAccount {
    pub email: String,
    pub kdf_salt: Vec<u8>,
    pub kdf_m_kib: u32,
    pub kdf_t: u32,
    pub kdf_p: u32,
    pub auth_hash: [u8; 32],
    pub age_recipient: String,
    pub signing_key: [u8; 32],
    pub wrapped_keys: Vec<u8>,
}

/// An invitation as the admin made it. The code itself is never stored, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub email: String,
    pub org_id: Id,
    pub role: Role,
    /// Mailboxes (of the same organisation) the new account joins.
    pub mailbox_ids: Vec<Id>,
    pub code_hash: [u8; 32],
    pub expires_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub id: Id,
    pub name: String,
    pub org: Org,
}

/// One key generation of a functional mailbox, as its creator published it. The secret never
/// reaches the server: only copies of it encrypted to each member ([`MailboxKeyWrap`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxKey {
    pub generation: u32,
    /// age X25519 recipient (`age1...`).
    pub recipient: String,
    /// The account that made it (a member, or an admin of the mailbox's organisation).
    pub creator: Account,
    pub created_at: Timestamp,
    /// Ed25519 signature by the creator's account key (64 bytes).
    pub signature: Vec<u8>,
    /// Ids of the current members holding a copy of its secret.
    pub holders: Vec<Id>,
}

/// Every key generation of a mailbox and what the store computes from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxKeys {
    /// Oldest first.
    pub generations: Vec<MailboxKey>,
    /// A member was removed after the latest generation was made (always `false` without one).
    pub stale: bool,
    /// Current members holding no copy of the latest generation (every member without one).
    pub missing: Vec<Id>,
}

impl MailboxKeys {
    /// The latest generation.
    pub fn current(&self) -> Option<&MailboxKey> {
        self.generations.last()
    }

    /// Whether senders encrypt to the latest generation: there is one, no member left since it
    /// was made, and every current member holds a copy of its secret.
    pub fn usable(&self) -> bool {
        self.current().is_some() && !self.stale && self.missing.is_empty()
    }
}

/// A copy of a generation's secret for one member: an age file encrypted to the member's own
/// key, opaque to the server.
#[derive(Clone, PartialEq, Eq)]
pub struct MailboxKeyWrap {
    pub generation: u32,
    pub account_id: Id,
    pub wrapped: Vec<u8>,
}

impl fmt::Debug for MailboxKeyWrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxKeyWrap")
            .field("generation", &self.generation)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// A new generation and one copy of its secret per current member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMailboxKey {
    pub mailbox_id: Id,
    pub generation: u32,
    pub recipient: String,
    pub creator_id: Id,
    pub created_at: Timestamp,
    pub signature: Vec<u8>,
    /// Exactly one per current member, all of `generation`.
    pub wraps: Vec<MailboxKeyWrap>,
}

/// An addressee of an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addressee {
    Account(Id),
    Mailbox(Id),
}

/// Where an envelope is in its life. Only `Stored` envelopes are ever visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvelopeState {
    /// Announced; its content is not (yet) durable.
    Pending,
    /// Content durable in the blob store; visible to its sender and recipients.
    Stored,
}

/// An envelope announced by its sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEnvelope {
    pub id: Id,
    pub sender_id: Id,
    pub to: Vec<Addressee>,
    /// Declared ciphertext size in bytes.
    pub size: u64,
    pub created_at: Timestamp,
}

/// One durably written piece of a pending envelope's ciphertext: bytes `start..start + size`,
/// held in the blob store under `blob_key` until the envelope is complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadPiece {
    pub envelope_id: Id,
    pub start: u64,
    pub size: u64,
    pub blob_key: String,
    pub created_at: Timestamp,
}

/// Routing row of an envelope, with its addressees resolved to names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub id: Id,
    pub sender: Account,
    /// Addressee ids with their display names (account email or mailbox name), in the order
    /// the sender gave them.
    pub to: Vec<(Addressee, String)>,
    pub size: u64,
    pub created_at: Timestamp,
    pub state: EnvelopeState,
    /// Set when a person without an account uploaded it through an upload request; `sender`
    /// is then the requester.
    pub outside: Option<OutsideOrigin>,
}

/// A position in a listing, newest first: strictly older than (created_at, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: Timestamp,
    pub id: Id,
}

/// Which envelopes an inbox listing includes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InboxScope {
    /// Addressed to the account itself or to any mailbox it currently belongs to.
    All,
    /// Addressed to this one mailbox (the caller must have checked membership).
    Mailbox(Id),
}

/// Outcome of an audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One security event: who did what to which resource, from where, with what outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Timestamp,
    /// Account id, if the request was authenticated.
    pub actor: Option<Id>,
    /// Actor's email at the time (kept even if the account goes), or what was claimed.
    pub actor_email: Option<String>,
    /// Actor's organisation, so each organisation's auditors see their own trail.
    pub org_id: Option<Id>,
    /// Client address.
    pub from: String,
    /// Dotted action, such as `envelope.download`.
    pub action: String,
    /// Envelope id, email, mailbox name...
    pub target: Option<String>,
    pub outcome: Outcome,
}

/// A stored audit event with its sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: AuditEvent,
}

/// One appended batch of the audit log (`pli-audit`): the encoded entries, the tree hashes they
/// add and the checkpoint signed for the tree after them. The store keeps the bytes as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogBatch {
    /// Index of the first entry.
    pub first_index: u64,
    /// Encoded entries, at indexes `first_index` onwards, as the bundle writes that add them
    /// ([`bundle_writes`]).
    pub bundles: Vec<BundleWrite>,
    /// Tree hashes the batch adds, as tiles (`pli_audit::tiles`): a new tile when `start` is 0,
    /// else hashes appended to a tile that held exactly `start` of them. Stores keep the tiles
    /// of level 1 and above; the leaf hashes of level 0 are derived from the entries.
    pub tiles: Vec<TileAppend>,
    /// Number of entries of the log after the batch.
    pub size: u64,
    /// The signed checkpoint (a signed note) of the tree of `size` entries.
    pub checkpoint: String,
}

/// Most witnesses kept per checkpoint: a bound on what one checkpoint's note can grow to.
pub const MAX_WITNESSES: usize = 16;

/// Most witness keys one account may hand in cosignatures of for one checkpoint: a witness is
/// one key, and a few accounts cannot fill the [`MAX_WITNESSES`] slots.
pub const MAX_WITNESSES_PER_ACCOUNT: usize = 2;

/// [`Store::add_cosignature`]'s conflict when the checkpoint has [`MAX_WITNESSES`] witnesses.
pub const ALL_WITNESS_SLOTS_TAKEN: &str = "this checkpoint has as many witnesses as it may";

/// [`Store::add_cosignature`]'s conflict when the account used its [`MAX_WITNESSES_PER_ACCOUNT`].
pub const ACCOUNT_WITNESS_SLOTS_TAKEN: &str =
    "this account handed in as many witnesses' cosignatures of this checkpoint as it may";

/// A signed checkpoint of the audit log as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size it signs.
    pub size: u64,
    /// The signed note.
    pub note: String,
}

/// A new version of an organisation's sending policy, as an admin signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPolicy {
    pub org_id: Id,
    /// Grows with every change; the store refuses anything not newer than what it holds.
    pub version: u64,
    /// The policy file (TOML), exactly as signed.
    pub text: String,
    pub signer_id: Id,
    /// Ed25519 signature by the signer's account key (see `pli_proto::policy_signed_bytes`).
    pub signature: Vec<u8>,
    pub set_at: Timestamp,
}

/// A stored version of an organisation's sending policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPolicy {
    pub org_id: Id,
    pub version: u64,
    pub text: String,
    /// The signer's email (kept even if the account later goes).
    pub signer_email: String,
    pub signature: Vec<u8>,
    pub set_at: Timestamp,
    /// Index of the audit log entry that publishes this version; `None` until it is logged.
    pub log_index: Option<u64>,
}

/// An account's TOTP second factor as stored. The secret is sealed by the server; the store
/// keeps the bytes as given.
#[derive(Clone, PartialEq, Eq)]
pub struct Totp {
    /// The sealed secret.
    pub secret: Vec<u8>,
    /// `false` while enrolment waits for the first code.
    pub confirmed: bool,
    /// The highest RFC 6238 time step accepted so far (0 before any).
    pub last_step: i64,
    pub created_at: Timestamp,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("confirmed", &self.confirmed)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// A passkey (WebAuthn credential) of an account, as stored. `data` is the relying party's
/// serialized credential (public key, counter, flags): nothing in it is secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: Id,
    pub account_id: Id,
    /// The authenticator's credential id, unique on the server.
    pub credential_id: Vec<u8>,
    /// A name the owner chose ("YubiKey bleue", "téléphone").
    pub name: String,
    pub data: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// What a WebAuthn ceremony's challenge is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeremonyKind {
    /// Registering a new passkey.
    Register,
    /// Proving a passkey: at login, or before registering another one.
    Authenticate,
}

impl CeremonyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CeremonyKind::Register => "register",
            CeremonyKind::Authenticate => "authenticate",
        }
    }
}

/// The server's half of a WebAuthn ceremony in progress: kept in the store, so that any
/// server of a deployment can finish what another began, and used at most once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ceremony {
    pub id: Id,
    pub account_id: Id,
    pub kind: CeremonyKind,
    /// The relying party's serialized state (holds the challenge).
    pub state: String,
    pub expires_at: Timestamp,
}

/// What an account may do with one mailbox, and until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// List and download the mailbox's envelopes, hold copies of its keys.
    pub read: bool,
    /// Address envelopes to the mailbox.
    pub send: bool,
    /// A scoped grant (for subcontractors and temporary staff) rather than a membership.
    pub granted: bool,
    /// End of the access (exclusive), if any.
    pub until: Option<Timestamp>,
}

impl Access {
    /// A plain membership without an end.
    pub const MEMBER: Access = Access {
        read: true,
        send: true,
        granted: false,
        until: None,
    };

    /// Whether the access still holds at `at`.
    pub fn active_at(&self, at: Timestamp) -> bool {
        self.until.is_none_or(|until| until > at)
    }
}

/// One mailbox an account has access to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxAccess {
    pub mailbox: Mailbox,
    pub access: Access,
}

/// One account's access to one mailbox, as listed for admins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    pub account_id: Id,
    pub email: String,
    pub mailbox: Mailbox,
    pub access: Access,
}

/// A security alert for an organisation's admins, as raised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAlert {
    pub at: Timestamp,
    pub org_id: Id,
    pub account_id: Option<Id>,
    pub email: Option<String>,
    /// Dotted kind, such as `login.locked`.
    pub kind: String,
    /// What happened, in words; never a secret.
    pub details: String,
}

/// A stored alert with its sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub seq: i64,
    pub alert: NewAlert,
}

/// A recipient's signed receipt for an envelope it opened, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReceipt {
    pub envelope_id: Id,
    pub account_id: Id,
    /// The recipient's email when it signed.
    pub email: String,
    /// SHA-256 of the signed manifest it opened.
    pub manifest_hash: [u8; 32],
    /// When it says it opened the envelope (signed).
    pub opened_at: Timestamp,
    /// Ed25519 signature over `pli_proto::receipt_signed_bytes` (64 bytes).
    pub signature: Vec<u8>,
    /// Index of its audit log entry.
    pub log_index: u64,
}

/// Which audit events a report covers. Every filter given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this organisation's events (`None`: every organisation's and server-wide ones).
    pub org_id: Option<Id>,
    /// Events at or after this time.
    pub since: Timestamp,
    /// Events strictly before this time.
    pub until: Option<Timestamp>,
    /// Events whose actor had this email (lowercase), or whose target is it.
    pub account: Option<String>,
    /// Events whose target is this envelope id, or starts with it and a space (the policy's
    /// decision on it, what its external recipients did through their links).
    pub envelope: Option<Id>,
    /// Events with `seq > after_seq`.
    pub after_seq: i64,
    pub limit: u32,
}

/// Published keys that have no audit log entry yet ([`Store::unlogged_keys`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnloggedKeys {
    /// Accounts whose current keys are not logged.
    pub accounts: Vec<Id>,
    /// Mailboxes whose current key generation is not logged: name, generation, recipient.
    pub mailboxes: Vec<(String, u32, String)>,
}

/// An audit log entry as stored: whole, or pruned to its header with its leaf hash kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub index: u64,
    /// The entry, or only its 50-byte header once pruned.
    pub bytes: Vec<u8>,
    /// Set once pruned: the entry's leaf hash.
    pub pruned_leaf: Option<[u8; 32]>,
}

/// A bundle of log entries as stored (C2SP tlog-tiles `tile/entries`, read with
/// [`StoredBundle::data`], then [`pli_audit::bundle_entries`]), with the leaf hashes kept for its
/// pruned entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBundle {
    /// Number of the bundle: it holds entries `256 * index` onwards.
    pub index: u64,
    /// How `stored` holds the bundle: compressed once full.
    pub codec: BundleCodec,
    /// The stored bytes. Decoded ([`StoredBundle::data`]): each entry as a u16 length and its
    /// bytes; a pruned entry is only its 50-byte header.
    pub stored: Vec<u8>,
    /// Leaf hashes of the pruned entries among indexes `256 * index .. 256 * (index + 1)`.
    pub pruned: Vec<(u64, [u8; 32])>,
}

/// An entry to prune: its index, its header and its leaf hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrunedEntry {
    pub index: u64,
    pub header: Vec<u8>,
    pub leaf: [u8; 32],
}

/// The metadata store. Every method is one transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Returns the organisation with this name, creating it if needed.
    async fn ensure_org(&self, name: &str) -> Result<Org>;
    async fn org_by_name(&self, name: &str) -> Result<Org>;

    /// Records an invitation, replacing any earlier unredeemed one for the same email.
    /// `Conflict` if an account with this email exists.
    async fn create_invitation(&self, invitation: &NewInvitation) -> Result<()>;
    /// Atomically consumes the unexpired invitation for `email` whose code hashes to
    /// `code_hash`, creates the account in the invitation's organisation with its role, and
    /// adds it to the invitation's mailboxes. `NotFound` for a wrong, used or expired code.
    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Account>;

    async fn account_by_email(&self, email: &str) -> Result<Account>;
    async fn account_by_id(&self, id: Id) -> Result<Account>;

    /// Stores a session by the SHA-256 of its bearer token.
    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account_id: Id,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// The account of an unexpired session. `NotFound` otherwise.
    async fn session_account(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Account>;
    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()>;

    /// `Conflict` if the name is taken (mailbox names are unique on the server, and never equal
    /// to an account email since they hold no `@`).
    async fn create_mailbox(&self, org_id: Id, name: &str) -> Result<Mailbox>;
    async fn mailbox_by_name(&self, name: &str) -> Result<Mailbox>;
    /// Idempotent.
    async fn add_member(&self, mailbox_id: Id, account_id: Id) -> Result<()>;
    /// `NotFound` if the account was not a member. Records the removal, so the mailbox's latest
    /// key generation becomes stale ([`MailboxKeys::stale`]).
    async fn remove_member(&self, mailbox_id: Id, account_id: Id, at: Timestamp) -> Result<()>;
    /// Current members, ordered by email.
    async fn mailbox_members(&self, mailbox_id: Id) -> Result<Vec<Account>>;
    /// Mailboxes the account currently belongs to, ordered by name.
    async fn account_mailboxes(&self, account_id: Id) -> Result<Vec<Mailbox>>;

    /// Every key generation of the mailbox, staleness and missing copies, in one snapshot.
    /// `NotFound` if the mailbox does not exist.
    async fn mailbox_keys(&self, mailbox_id: Id) -> Result<MailboxKeys>;
    /// The copies of the mailbox's generations held for `account_id`, oldest first.
    async fn mailbox_key_wraps(
        &self,
        mailbox_id: Id,
        account_id: Id,
    ) -> Result<Vec<MailboxKeyWrap>>;
    /// Publishes a generation, as a compare-and-set in one transaction: `Conflict("mailbox key
    /// generation")` unless it is exactly the latest plus one (so of two racing clients one
    /// wins), `Conflict("mailbox members")` unless the wraps are exactly one per current member,
    /// `NotFound` for a missing mailbox or creator.
    async fn create_mailbox_key(&self, key: &NewMailboxKey) -> Result<()>;
    /// Adds copies of existing generations for current members, in one transaction; a copy a
    /// member already holds is kept as it is. `NotFound` for a missing generation,
    /// `Conflict("mailbox members")` for an account that is not a current member.
    async fn add_mailbox_key_wraps(&self, mailbox_id: Id, wraps: &[MailboxKeyWrap]) -> Result<()>;

    /// Records an envelope in the `Pending` state. `Conflict` if the id exists.
    async fn create_envelope(&self, envelope: &NewEnvelope) -> Result<()>;
    /// Moves a `Pending` envelope to `Stored` with its final size, forgetting its upload
    /// pieces (their bytes now form the envelope's blob). `NotFound` if it is not pending.
    async fn mark_stored(&self, id: Id, size: u64) -> Result<()>;
    /// The acknowledged pieces of a pending envelope's upload, in order (empty for any other).
    async fn upload_pieces(&self, envelope_id: Id) -> Result<Vec<UploadPiece>>;
    /// Records a durably written piece, as a compare-and-set in one transaction: `NotFound`
    /// unless the envelope is pending, `Conflict("upload offset")` unless the piece starts
    /// exactly where the last one ends (0 for the first), so of two racing uploads one wins;
    /// `Conflict("upload size")` if it ends past the envelope's declared size.
    async fn add_upload_piece(&self, piece: &UploadPiece) -> Result<()>;
    /// Any envelope, whatever its state; the caller authorizes.
    async fn envelope(&self, id: Id) -> Result<Envelope>;
    /// `Stored` envelopes addressed to the account (directly or through a mailbox it currently
    /// belongs to), newest first, at most `limit`, strictly after `after`.
    async fn inbox(
        &self,
        account_id: Id,
        scope: &InboxScope,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>>;
    /// `Stored` envelopes the account sent, newest first.
    async fn outbox(
        &self,
        account_id: Id,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>>;
    /// Removes the envelope's row (its blob is removed by the caller).
    async fn delete_envelope(&self, id: Id) -> Result<()>;
    /// `Pending` envelopes created before `before`, for clean-up of abandoned uploads.
    async fn stale_pending(&self, before: Timestamp) -> Result<Vec<Id>>;

    /// Appends events in one transaction, in order (the server batches concurrent events into
    /// one durable commit).
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()>;
    /// Events of one organisation (or all with `None`), oldest first, with `seq > after_seq`.
    async fn audit_events(
        &self,
        org_id: Option<Id>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>>;

    // The audit log (`pli-audit`): its entries, its tree's stored hashes and its checkpoints.

    /// Appends the events' rows and the log batch recording them in one transaction: either
    /// all of it is durable or none. `Conflict` if an entry, hash or checkpoint position is
    /// already taken (the log never overwrites).
    async fn append_audit_logged(&self, events: &[AuditEvent], batch: &LogBatch) -> Result<()>;
    /// The checkpoint of the largest tree signed so far, if any.
    async fn audit_log_latest(&self) -> Result<Option<StoredCheckpoint>>;
    /// The checkpoint signed for a tree of exactly `size` entries. `NotFound` if none.
    async fn audit_log_checkpoint(&self, size: u64) -> Result<StoredCheckpoint>;
    /// Keeps `witness`'s cosignature `line` of the checkpoint of `size`, handed in by `account`
    /// (replacing an older line of the same witness). `NotFound` if no checkpoint has that size;
    /// `Conflict(ALL_WITNESS_SLOTS_TAKEN)` if [`MAX_WITNESSES`] other witnesses already cosigned
    /// it, `Conflict(ACCOUNT_WITNESS_SLOTS_TAKEN)` if `account` handed in lines of
    /// [`MAX_WITNESSES_PER_ACCOUNT`] other witnesses for it.
    async fn add_cosignature(
        &self,
        size: u64,
        witness: &str,
        line: &str,
        account: Id,
    ) -> Result<()>;
    /// The latest checkpoint cosigned by at least `required` (at least 1) of `witnesses` (their
    /// keys as stored; empty: any witness), with those witnesses' cosignature lines. A client
    /// asks for the witnesses it trusts, so cosignatures by others cannot hide the checkpoints
    /// it would accept.
    async fn latest_cosigned(
        &self,
        witnesses: &[String],
        required: usize,
    ) -> Result<Option<(StoredCheckpoint, Vec<String>)>>;
    /// The stored hash tiles asked for that exist, with their bytes (32 per hash). Tiles of
    /// level 0 (the leaf hashes) are not stored: [`Store::audit_log_hashes`] derives them from
    /// the entries.
    async fn audit_log_tiles(&self, tiles: &[TileId]) -> Result<HashMap<TileId, Vec<u8>>>;
    /// Stored tree hashes by stored index, in the order asked, read from their tiles; the leaf
    /// hashes from the entries of their bundle (`bundles::leaf_tile`). `NotFound` if one is
    /// missing.
    async fn audit_log_hashes(&self, indexes: &[u64]) -> Result<Vec<[u8; 32]>> {
        let tiles = pli_audit::tiles_for(indexes).ok_or(StoreError::NotFound)?;
        let (leaves, stored): (Vec<TileId>, Vec<TileId>) =
            tiles.into_iter().partition(|tile| tile.level == 0);
        let mut data = self.audit_log_tiles(&stored).await?;
        for tile in leaves {
            let bundles = self.audit_log_bundles(tile.index, 1).await?;
            if let Some(bundle) = bundles.iter().find(|bundle| bundle.index == tile.index) {
                data.insert(tile, bundles::leaf_tile(bundle)?);
            }
        }
        let hashes =
            pli_audit::hashes_from_tiles(&data, indexes).map_err(|_| StoreError::NotFound)?;
        Ok(hashes.iter().map(|hash| *hash.as_bytes()).collect())
    }
    /// Stored entries with `index >= start`, by increasing index, at most `limit`, each with
    /// its index (an index missing from the store is skipped, not invented). Entries are read
    /// from their bundles: entry `i` of bundle `n` is at index `256 * n + i`.
    async fn audit_log_entries(&self, start: u64, limit: u32) -> Result<Vec<(u64, Vec<u8>)>> {
        Ok(self
            .audit_log_stored(start, limit)
            .await?
            .into_iter()
            .map(|entry| (entry.index, entry.bytes))
            .collect())
    }
    /// Stored entry bundles with `index >= start`, by increasing index, at most `limit`, exactly
    /// as stored (a verifier reads what the database holds, however it was changed).
    async fn audit_log_bundles(&self, start: u64, limit: u32) -> Result<Vec<StoredBundle>>;

    // Sending policies (data loss prevention): every version is kept.
    /// Stores a new version of an organisation's policy. `Conflict` unless its version is
    /// greater than every stored one (one compare-and-set), `NotFound` for an unknown
    /// organisation or signer.
    async fn set_policy(&self, policy: &NewPolicy) -> Result<()>;
    /// The latest version of an organisation's policy, if one was ever set.
    async fn latest_policy(&self, org_id: Id) -> Result<Option<StoredPolicy>>;
    /// Records the audit log entry that publishes a version. `NotFound` for an unknown version.
    async fn set_policy_log_index(&self, org_id: Id, version: u64, index: u64) -> Result<()>;
    // Second factor, brute-force limits, scoped and expiring access, alerts.

    /// The account's TOTP second factor, if it has one (confirmed or not).
    async fn totp(&self, account_id: Id) -> Result<Option<Totp>>;
    /// Starts enrolment with a sealed secret, replacing an unconfirmed one. `Conflict("totp")`
    /// if a confirmed one exists, `NotFound` for a missing account.
    async fn begin_totp(&self, account_id: Id, secret: &[u8], at: Timestamp) -> Result<()>;
    /// Confirms enrolment: records `step` as used and replaces the recovery codes with
    /// `recovery_hashes`. `NotFound` if no enrolment is pending.
    async fn confirm_totp(
        &self,
        account_id: Id,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<()>;
    /// Removes the second factor and its recovery codes. `NotFound` if there is none.
    async fn delete_totp(&self, account_id: Id) -> Result<()>;
    /// Records `step` as used, as a compare-and-set: `Conflict("totp step")` unless it is
    /// later than every step used before (so a code is accepted once). `NotFound` if the
    /// account has no confirmed second factor.
    async fn use_totp_step(&self, account_id: Id, step: i64) -> Result<()>;
    /// Consumes a recovery code by its SHA-256. `NotFound` if it is not (or no longer) there.
    async fn use_recovery_code(&self, account_id: Id, code_hash: &[u8; 32]) -> Result<()>;
    /// Recovery codes left.
    async fn recovery_codes_left(&self, account_id: Id) -> Result<u32>;
    /// Whether every account of the organisation must have a second factor.
    async fn set_org_requires_totp(&self, org_id: Id, required: bool) -> Result<()>;
    /// `false` for an organisation that never said.
    async fn org_requires_totp(&self, org_id: Id) -> Result<bool>;

    /// Records a failed login for `email` (as typed, whether or not an account has it) and
    /// returns the failures at or after `since`, this one included. Older ones are forgotten.
    async fn record_login_failure(
        &self,
        email: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> Result<u32>;
    /// Forgets the failures of `email` (after a successful login).
    async fn clear_login_failures(&self, email: &str) -> Result<()>;
    /// Locks logins to `email` until `until`.
    async fn lock_login(&self, email: &str, until: Timestamp) -> Result<()>;
    /// End of the lock of `email`, if it is locked at `at`.
    async fn login_locked_until(&self, email: &str, at: Timestamp) -> Result<Option<Timestamp>>;
    /// Lifts the lock of `email` and forgets its failures. `NotFound` if it was neither locked
    /// nor had failures.
    async fn unlock_login(&self, email: &str) -> Result<()>;

    /// Gives an account access to a mailbox, replacing what it had there. Taking away `read`
    /// from someone who had it is recorded as a removal (the key goes stale). `NotFound` for
    /// a missing mailbox or account.
    async fn set_access(
        &self,
        mailbox_id: Id,
        account_id: Id,
        access: &Access,
        at: Timestamp,
    ) -> Result<()>;
    /// Every mailbox access of the account, expired ones included, ordered by mailbox name.
    async fn account_access(&self, account_id: Id) -> Result<Vec<MailboxAccess>>;
    /// Grants and time-limited memberships on the organisation's mailboxes, expired ones
    /// included, ordered by email then mailbox.
    async fn org_access(&self, org_id: Id) -> Result<Vec<AccessEntry>>;
    /// Ends every access whose `until` is at or before `at`, recording removals for those that
    /// could read; returns how many ended.
    async fn expire_access(&self, at: Timestamp) -> Result<u32>;

    /// Stores an alert.
    async fn add_alert(&self, alert: &NewAlert) -> Result<()>;
    /// Alerts of one organisation with `seq > after_seq`, oldest first, at most `limit`.
    async fn alerts(&self, org_id: Id, after_seq: i64, limit: u32) -> Result<Vec<Alert>>;
    // Key transparency, signed receipts, audit reports and retention (`docs/AUDIT.md`).

    /// Records the audit log index of the entry publishing the account's current keys.
    async fn set_account_key_log_index(&self, account_id: Id, index: u64) -> Result<()>;
    /// The audit log index of the entry publishing the account's current keys, if logged.
    async fn account_key_log_index(&self, account_id: Id) -> Result<Option<u64>>;
    /// Records the audit log index of the entry stating the account's role.
    async fn set_account_role_log_index(&self, account_id: Id, index: u64) -> Result<()>;
    /// The audit log index of the entry stating the account's role, if logged.
    async fn account_role_log_index(&self, account_id: Id) -> Result<Option<u64>>;
    /// Records the audit log index of the entry publishing a mailbox key generation.
    async fn set_mailbox_key_log_index(
        &self,
        mailbox_id: Id,
        generation: u32,
        index: u64,
    ) -> Result<()>;
    /// The audit log index of the entry publishing a mailbox key generation, if logged.
    async fn mailbox_key_log_index(&self, mailbox_id: Id, generation: u32) -> Result<Option<u64>>;
    /// Keys the directory publishes without a log entry: accounts' keys, and mailboxes' current
    /// generations, made before keys were logged.
    async fn unlogged_keys(&self) -> Result<UnloggedKeys>;
    /// Stores a receipt. `Conflict` if this account already gave one for this envelope.
    async fn add_receipt(&self, receipt: &StoredReceipt) -> Result<()>;
    /// Receipts of an envelope, by recipient email.
    async fn receipts(&self, envelope_id: Id) -> Result<Vec<StoredReceipt>>;
    /// Audit events matching `query`, oldest first (by `seq`), at most `query.limit`.
    async fn audit_report(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
    /// Like [`Store::audit_log_entries`], saying which entries were pruned.
    async fn audit_log_stored(&self, start: u64, limit: u32) -> Result<Vec<StoredEntry>> {
        // Enough bundles for `limit` entries from `start`, which may sit inside the first.
        let bundles = (u64::from(limit).div_ceil(pli_audit::BUNDLE_WIDTH) + 1).min(1 << 20);
        let bundles = self
            .audit_log_bundles(
                start / pli_audit::BUNDLE_WIDTH,
                u32::try_from(bundles).unwrap_or(u32::MAX),
            )
            .await?;
        bundles::stored_entries(&bundles, start, limit)
    }
    /// Retention: replaces each entry's bytes by its header and keeps its leaf hash, and deletes
    /// the audit event rows older than `before`, in one transaction. Returns the number of event
    /// rows deleted.
    async fn prune_audit(&self, entries: &[PrunedEntry], before: Timestamp) -> Result<u64>;

    // Flow monitor.

    /// The saved baseline of an account or organisation (`subject`), as the monitor encoded
    /// it; `None` if it has none yet.
    async fn monitor_baseline(&self, subject: Id) -> Result<Option<Vec<u8>>>;
    /// Saves baselines (replacing earlier ones), all or none.
    async fn save_monitor_baselines(
        &self,
        baselines: &[(Id, Vec<u8>)],
        at: Timestamp,
    ) -> Result<()>;
    /// Holds an account's downloads. A block is never downgraded to a step-up: setting a
    /// step-up over a block keeps the block. `NotFound` for an unknown account.
    async fn set_download_hold(&self, hold: &DownloadHold) -> Result<()>;
    /// The hold on an account's downloads, if any.
    async fn download_hold(&self, account_id: Id) -> Result<Option<DownloadHold>>;
    /// Lifts the hold on an account's downloads if it is at most `up_to` (a second factor
    /// lifts a step-up, not a block; an admin lifts both). `NotFound` if there is no such hold.
    async fn lift_download_hold(&self, account_id: Id, up_to: HoldKind) -> Result<()>;
    /// Flags an envelope as a canary of a mailbox. `NotFound` for an unknown envelope,
    /// mailbox or account; `Conflict` if it is already one.
    async fn add_canary(&self, canary: &NewCanary) -> Result<()>;
    /// Canaries of the organisation's mailboxes (every canary with `None`), oldest first.
    async fn canaries(&self, org_id: Option<Id>) -> Result<Vec<Canary>>;

    // Shared counting between servers on one database.

    /// Appends flow monitor journal entries, in order, all or none. Their sequence numbers
    /// become visible in increasing order (a reader that saw `n` never later finds a new entry
    /// below `n`).
    async fn append_monitor_journal(&self, entries: &[JournalEntry]) -> Result<()>;
    /// Journal entries with a sequence number above `after`, oldest first, at most `limit`,
    /// each with its sequence number.
    async fn monitor_journal(&self, after: i64, limit: u32) -> Result<Vec<(i64, JournalEntry)>>;
    /// Deletes the journal entries older than `before`. Returns how many.
    async fn prune_monitor_journal(&self, before: Timestamp) -> Result<u64>;
    /// Counts one hit of `key` (a hash: the store never sees what is counted) in the window
    /// that starts at `window`, and returns the window's count, this hit included. Servers on
    /// one database share the count.
    async fn count_hit(&self, key: &[u8; 32], window: Timestamp) -> Result<u64>;
    /// Deletes the counts of windows that start before `before`. Returns how many.
    async fn prune_hits(&self, before: Timestamp) -> Result<u64>;
    /// Emails of the organisation's admins, sorted (alerts are mailed to them).
    async fn org_admin_emails(&self, org_id: Id) -> Result<Vec<String>>;

    // Passkeys (WebAuthn second factor).

    /// Stores a passkey. `Conflict("passkey")` if its credential id is registered already (to
    /// any account), `NotFound` for an unknown account.
    async fn add_passkey(&self, passkey: &StoredPasskey) -> Result<()>;
    /// The account's passkeys, oldest first.
    async fn passkeys(&self, account_id: Id) -> Result<Vec<StoredPasskey>>;
    /// Saves a passkey's credential data after a use (its signature counter moves) and the
    /// time of that use. `NotFound` if it is gone.
    async fn passkey_used(&self, id: Id, data: &str, at: Timestamp) -> Result<()>;
    /// Removes one of the account's passkeys. `NotFound` if the account has no such passkey.
    async fn delete_passkey(&self, account_id: Id, id: Id) -> Result<()>;
    /// Stores a ceremony in progress, and drops every expired one.
    async fn put_ceremony(&self, ceremony: &Ceremony, now: Timestamp) -> Result<()>;
    /// Takes (reads and deletes, at most once) the account's unexpired ceremony of that kind.
    /// `NotFound` otherwise: unknown, another account's, another kind, used or expired.
    async fn take_ceremony(
        &self,
        id: Id,
        account_id: Id,
        kind: CeremonyKind,
        now: Timestamp,
    ) -> Result<Ceremony>;

    // External links (`docs/EXTERNAL.md`).

    /// Stores a new active link. `NotFound` for an unknown envelope or creator, `Conflict`
    /// if the id is taken.
    async fn create_link(&self, link: &NewLink) -> Result<()>;
    /// One link, with its openings and receipt.
    async fn link(&self, id: Id) -> Result<Link>;
    /// The links of an envelope, oldest first.
    async fn envelope_links(&self, envelope_id: Id) -> Result<Vec<Link>>;
    /// Counts a wrong code on an active link; the `lock_after`-th locks it and destroys `S`
    /// in the same transaction. Returns the link as it now is. `NotFound` if unknown,
    /// `Conflict` if it is not active.
    async fn record_link_code_failure(&self, id: Id, lock_after: u32) -> Result<Link>;
    /// Ends an active link (locked, expired, exhausted or withdrawn) and destroys `S`.
    /// `NotFound` if unknown, `Conflict` if it is not active.
    async fn end_link(&self, id: Id, state: LinkState) -> Result<()>;
    /// Ends every active link whose expiry is at or before `now`, destroying their `S`.
    /// Returns their ids.
    async fn expire_links(&self, now: Timestamp) -> Result<Vec<Id>>;
    /// Keeps the hash of a download token of an active, unexpired link until `expires_at`.
    /// `Conflict` if the link is not active or past its expiry at `now`.
    async fn add_link_token(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// Whether a token of this link with this hash is valid at `now`.
    async fn link_token_valid(&self, id: Id, token_hash: &[u8; 32], now: Timestamp)
    -> Result<bool>;
    /// Counts one download of an active, unexpired link with downloads left, and records the
    /// opening; the last allowed download exhausts the link and destroys `S`. All in one
    /// transaction. `Conflict` if nothing was counted.
    async fn count_link_download(&self, id: Id, at: Timestamp, address: &str) -> Result<Link>;
    /// Keeps the recipient's receipt. `Conflict` if the link has one.
    async fn set_link_receipt(&self, id: Id, receipt: &LinkReceipt) -> Result<()>;

    // Upload requests (`docs/REQUESTS.md`).

    /// Stores a new active request. `NotFound` for an unknown creator or mailbox, `Conflict`
    /// if the id is taken.
    async fn create_upload_request(&self, request: &NewUploadRequest) -> Result<()>;
    /// One request, with its stored envelopes.
    async fn upload_request(&self, id: Id) -> Result<UploadRequest>;
    /// The requests an account made, newest first.
    async fn account_upload_requests(&self, creator_id: Id) -> Result<Vec<UploadRequest>>;
    /// Ends an active request (expired, exhausted or withdrawn). `NotFound` if unknown,
    /// `Conflict` if it is not active.
    async fn end_upload_request(&self, id: Id, state: RequestState) -> Result<()>;
    /// Ends every active request whose expiry is at or before `now`; returns their ids.
    async fn expire_upload_requests(&self, now: Timestamp) -> Result<Vec<Id>>;
    /// Announces an envelope uploaded through an active, unexpired request with uploads left
    /// (`Pending`, invisible, sender the requester, addressed to the request's addressee), and
    /// records the caller's address, in one transaction. `NotFound` for an unknown request,
    /// `Conflict("upload request")` if it takes no upload, `Conflict("envelope id")` if the
    /// envelope id is taken.
    async fn begin_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
        address: &str,
    ) -> Result<()>;
    /// Makes a begun upload visible with its final size and counts it, forgetting its upload
    /// pieces; the last allowed upload exhausts the request. All in one transaction. `Conflict("upload request")` if
    /// the request no longer takes an upload (nothing changes), `NotFound` if the envelope is
    /// not a pending upload of this request.
    async fn complete_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
    ) -> Result<UploadRequest>;
}
