//! The story suite every [`Store`] implementation runs, so that backends agree on behaviour
//! and the server never needs to know which one it talks to.
//!
//! Each story is a public async function taking a [`Fixture`] (a fresh, empty store plus the
//! few backend-specific hooks the suite needs); [`store_stories!`] turns them into one
//! `#[tokio::test]` each in the backend's own test crate:
//!
//! ```text
//! struct Fresh { store: SqliteStore, _dir: tempfile::TempDir }
//!
//! #[async_trait::async_trait]
//! impl pli_store_tests::Fixture for Fresh {
//!     fn store(&self) -> &dyn Store { &self.store }
//!     async fn corrupt_account_role(&self, account: Id) -> bool { /* backend SQL */ true }
//!     async fn overwrite_audit_bundle(&self, index: u64, stored: &[u8]) -> bool { /* SQL */ true }
//! }
//!
//! async fn fresh() -> Fresh { /* open in a temporary directory */ }
//!
//! pli_store_tests::store_stories!(fresh());
//! ```
//!
//! The stories speak only through the [`Store`] trait: there is no SQL here. Timestamps are
//! fixed values around [`NOW`]; nothing depends on the clock.
//!
//! This crate is test support: failing an assertion (or unwrapping) is how it reports.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod audit;
mod envelopes;
mod links;
mod mailbox_keys;
mod mailboxes;
mod monitor;
mod passkeys;
mod pieces;
mod policies;
mod requests;
mod security;
mod shared;
mod snapshot;
mod transparency;
pub mod upgrade;

pub use accounts::*;
pub use audit::*;
pub use envelopes::*;
pub use links::*;
pub use mailbox_keys::*;
pub use mailboxes::*;
pub use monitor::*;
pub use passkeys::*;
pub use pieces::*;
pub use policies::*;
pub use requests::*;
pub use security::*;
pub use shared::*;
pub use snapshot::*;
pub use transparency::*;

use async_trait::async_trait;
use pli_store::{
    Account, Addressee, Cursor, Envelope, Id, InboxScope, Mailbox, NewAccount, NewEnvelope,
    NewInvitation, Org, Role, Store, Timestamp,
};
use sha2::{Digest, Sha256};

/// A fresh, empty store and the backend-specific hooks of the suite.
#[async_trait]
pub trait Fixture: Send + Sync {
    /// The store under test.
    fn store(&self) -> &dyn Store;

    /// Overwrites the stored role of `account` with a value no [`Role`] parses, as an operator
    /// editing the database by hand would. Returns `false` if the backend cannot do that, in
    /// which case the story that uses it checks nothing more.
    async fn corrupt_account_role(&self, account: Id) -> bool;

    /// Overwrites the stored bytes of audit log bundle `index` (its codec unchanged), as an
    /// insider editing the database would. Returns `false` if the backend cannot do that.
    async fn overwrite_audit_bundle(&self, index: u64, stored: &[u8]) -> bool;
}

/// "Now" in every story.
pub const NOW: Timestamp = 1_750_000_000;

/// One hour, in seconds.
pub const HOUR: Timestamp = 3_600;

/// Generates one `#[tokio::test]` per story, each on a fresh fixture from `$fresh` (an
/// expression evaluating to a future of a [`Fixture`]). The calling crate needs `tokio` with
/// the `macros` and `rt` features among its dev-dependencies.
#[macro_export]
macro_rules! store_stories {
    ($fresh:expr) => {
        $crate::store_stories!(@each $fresh;
            orgs_are_created_once,
            first_admin_joins_by_invitation,
            wrong_expired_and_used_codes_are_not_found,
            a_failed_attempt_leaves_the_invitation_usable,
            a_new_invitation_replaces_the_earlier_one,
            inviting_an_existing_account_conflicts,
            invitations_name_existing_org_and_own_mailboxes,
            a_code_is_redeemed_once_under_concurrency,
            sessions_expire_and_end,
            unicode_emails_and_names_round_trip,
            corrupt_rows_are_reported,
            mailbox_names_are_unique,
            membership_is_idempotent_and_ordered,
            a_member_who_leaves_stops_seeing_mailbox_envelopes,
            mailbox_key_generations_are_compare_and_set,
            mailbox_key_copies_are_only_for_members,
            a_removal_makes_the_mailbox_key_stale,
            mailbox_key_usability_follows_members,
            pending_envelopes_are_invisible_until_stored,
            envelope_ids_are_unique_and_addressees_must_exist,
            envelopes_name_their_addressees_in_order,
            inbox_pages_give_every_envelope_once,
            inbox_merges_direct_and_mailbox_envelopes,
            inbox_scopes_to_one_mailbox,
            outbox_lists_what_the_account_sent,
            deleted_envelopes_disappear,
            stale_pending_envelopes_are_listed_for_clean_up,
            upload_pieces_follow_each_other,
            racing_upload_pieces_record_one,
            upload_pieces_end_with_the_pending_state,
            audit_events_keep_their_order,
            audit_events_are_filtered_by_org,
            concurrent_audit_batches_stay_contiguous,
            audit_log_batches_are_kept_with_their_rows,
            audit_log_positions_are_never_overwritten,
            audit_log_tiles_hold_the_tree_across_boundaries,
            audit_log_bundles_hold_entries_across_boundaries,
            compressed_bundles_are_pruned_and_damage_stays_in_them,
            cosignatures_are_kept_per_witness_and_bounded,
            policy_versions_only_grow,
            policies_need_a_known_org_and_signer,
            totp_steps_and_recovery_codes_are_used_once,
            login_failures_are_counted_and_locks_lifted,
            grants_scope_and_expire_access,
            alerts_are_kept_per_organisation,
            key_log_indexes_are_kept_per_key,
            role_log_indexes_are_kept_per_account,
            receipts_are_one_per_recipient,
            audit_reports_filter_and_page,
            audit_reports_on_an_envelope_find_what_its_links_did,
            pruning_keeps_headers_and_leaf_hashes,
            monitor_baselines_are_kept_per_subject,
            download_holds_escalate_and_lift,
            canaries_are_listed_per_organisation,
            monitor_journal_is_read_in_order_and_pruned,
            rate_hits_are_counted_per_key_and_window,
            links_lock_after_wrong_codes,
            link_downloads_are_counted_and_exhaust,
            links_expire_and_are_withdrawn,
            org_admins_are_listed_per_organisation,
            passkeys_are_unique_and_belong_to_one_account,
            ceremonies_are_taken_once_before_expiry,
            upload_requests_route_and_count_uploads,
            upload_requests_expire_and_are_withdrawn,
        );
    };
    (@each $fresh:expr; $($story:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $story() {
                let fixture = $fresh.await;
                $crate::$story(&fixture).await;
            }
        )*
    };
}

/// SHA-256 of an invitation code or session token, as the server stores it.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// What a client registers when it redeems an invitation for `email`; keys derive from the
/// email so two accounts never share them.
pub fn new_account(email: &str) -> NewAccount {
    let seed = digest(email);
    NewAccount {
        email: email.to_owned(),
        kdf_salt: seed[..16].to_vec(),
        kdf_m_kib: 65_536,
        kdf_t: 3,
        kdf_p: 4,
        auth_hash: digest(&format!("auth {email}")),
        age_recipient: format!("age1{}", hex_of(&seed)),
        signing_key: digest(&format!("signing {email}")),
        // Wrapped keys are opaque bytes, including NUL and high bytes.
        wrapped_keys: (0..=255u8).chain(seed).collect(),
    }
}

/// An invitation to `org` for `email`, valid for a day.
pub fn invitation(org: &Org, email: &str, role: Role, code: &str) -> NewInvitation {
    NewInvitation {
        email: email.to_owned(),
        org_id: org.id,
        role,
        mailbox_ids: Vec::new(),
        code_hash: digest(code),
        expires_at: NOW + 24 * HOUR,
    }
}

/// Invites `email` into `org` (joining `mailboxes`) and redeems the invitation.
pub async fn join(
    store: &dyn Store,
    org: &Org,
    email: &str,
    role: Role,
    mailboxes: &[&Mailbox],
) -> Account {
    let code = format!("code for {email}");
    let mut new_invitation = invitation(org, email, role, &code);
    new_invitation.mailbox_ids = mailboxes.iter().map(|mailbox| mailbox.id).collect();
    store.create_invitation(&new_invitation).await.unwrap();
    store
        .redeem_invitation(&digest(&code), &new_account(email), NOW)
        .await
        .unwrap()
}

/// Announces and stores an envelope from `sender`, as a completed upload does.
pub async fn send(
    store: &dyn Store,
    sender: &Account,
    to: &[Addressee],
    created_at: Timestamp,
) -> Id {
    let id = announce(store, sender, to, created_at).await;
    store.mark_stored(id, 4096).await.unwrap();
    id
}

/// Announces an envelope (still `Pending`) from `sender`.
pub async fn announce(
    store: &dyn Store,
    sender: &Account,
    to: &[Addressee],
    created_at: Timestamp,
) -> Id {
    let id = Id::random();
    store
        .create_envelope(&NewEnvelope {
            id,
            sender_id: sender.id,
            to: to.to_vec(),
            size: 1000,
            created_at,
        })
        .await
        .unwrap();
    id
}

/// Every page of an inbox, `page` envelopes at a time, following the cursor as a client does.
pub async fn whole_inbox(
    store: &dyn Store,
    account: &Account,
    scope: &InboxScope,
    page: u32,
) -> Vec<Envelope> {
    let mut all: Vec<Envelope> = Vec::new();
    loop {
        let after = all.last().map(cursor_of);
        let envelopes = store.inbox(account.id, scope, after, page).await.unwrap();
        assert!(
            envelopes.len() <= page as usize,
            "a page holds at most `limit` envelopes"
        );
        let done = envelopes.len() < page as usize;
        all.extend(envelopes);
        if done {
            return all;
        }
    }
}

/// Every page of an outbox.
pub async fn whole_outbox(store: &dyn Store, account: &Account, page: u32) -> Vec<Envelope> {
    let mut all: Vec<Envelope> = Vec::new();
    loop {
        let after = all.last().map(cursor_of);
        let envelopes = store.outbox(account.id, after, page).await.unwrap();
        assert!(
            envelopes.len() <= page as usize,
            "a page holds at most `limit` envelopes"
        );
        let done = envelopes.len() < page as usize;
        all.extend(envelopes);
        if done {
            return all;
        }
    }
}

/// The cursor a client sends to get the page after `envelope`.
pub fn cursor_of(envelope: &Envelope) -> Cursor {
    Cursor {
        created_at: envelope.created_at,
        id: envelope.id,
    }
}

/// Ids of a listing, in its order.
pub fn ids(envelopes: &[Envelope]) -> Vec<Id> {
    envelopes.iter().map(|envelope| envelope.id).collect()
}

/// Whether `result` is `NotFound`.
pub fn not_found<T>(result: pli_store::Result<T>) -> bool {
    matches!(result, Err(pli_store::StoreError::NotFound))
}

/// Whether `result` is `Corrupt`.
pub fn corrupt<T>(result: pli_store::Result<T>) -> bool {
    matches!(result, Err(pli_store::StoreError::Corrupt(_)))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
