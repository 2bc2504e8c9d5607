//! Organisations, invitations, accounts and sessions.

use crate::{Fixture, HOUR, NOW, corrupt, digest, invitation, join, new_account, not_found};
use pli_store::{Id, Role, StoreError};

/// An organisation is created by its first mention and found by name afterwards.
pub async fn orgs_are_created_once(fixture: &dyn Fixture) {
    let store = fixture.store();
    assert!(matches!(
        store.org_by_name("Hôpital Nord").await,
        Err(StoreError::NotFound)
    ));
    let org = store.ensure_org("Hôpital Nord").await.unwrap();
    assert_eq!(org.name, "Hôpital Nord");
    assert_eq!(store.ensure_org("Hôpital Nord").await.unwrap(), org);
    assert_eq!(store.org_by_name("Hôpital Nord").await.unwrap(), org);

    let other = store.ensure_org("Tribunal judiciaire").await.unwrap();
    assert_ne!(other.id, org.id);
    // Names are exact: no case folding behind the server's back.
    assert!(matches!(
        store.org_by_name("hôpital nord").await,
        Err(StoreError::NotFound)
    ));
}

/// The first admin is invited offline, redeems the code, and gets the account the client
/// registered, in the invitation's organisation, with the invitation's role.
pub async fn first_admin_joins_by_invitation(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    store
        .create_invitation(&invitation(
            &org,
            "admin@chu-sud.example",
            Role::Admin,
            "first code",
        ))
        .await
        .unwrap();
    assert!(matches!(
        store.account_by_email("admin@chu-sud.example").await,
        Err(StoreError::NotFound)
    ));

    let registered = new_account("admin@chu-sud.example");
    let account = store
        .redeem_invitation(&digest("first code"), &registered, NOW)
        .await
        .unwrap();
    assert_eq!(account.email, "admin@chu-sud.example");
    assert_eq!(account.org, org);
    assert_eq!(account.role, Role::Admin);
    assert_eq!(account.created_at, NOW);
    assert_eq!(account.kdf_salt, registered.kdf_salt);
    assert_eq!(
        (account.kdf_m_kib, account.kdf_t, account.kdf_p),
        (65_536, 3, 4)
    );
    assert_eq!(account.auth_hash, registered.auth_hash);
    assert_eq!(account.age_recipient, registered.age_recipient);
    assert_eq!(account.signing_key, registered.signing_key);
    assert_eq!(account.wrapped_keys, registered.wrapped_keys);

    assert_eq!(store.account_by_id(account.id).await.unwrap(), account);
    assert_eq!(
        store
            .account_by_email("admin@chu-sud.example")
            .await
            .unwrap(),
        account
    );
    assert!(
        store
            .account_mailboxes(account.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.account_by_id(Id::random()).await,
        Err(StoreError::NotFound)
    ));
}

/// Wrong, expired and already used codes, and codes for another email, are all `NotFound`
/// and create nothing.
pub async fn wrong_expired_and_used_codes_are_not_found(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let email = "agent@chu-sud.example";
    let mut expiring = invitation(&org, email, Role::Agent, "good code");
    expiring.expires_at = NOW + HOUR;
    store.create_invitation(&expiring).await.unwrap();

    assert!(not_found(
        store
            .redeem_invitation(&digest("bad code"), &new_account(email), NOW)
            .await
    ));
    // The code is valid for another email only.
    assert!(not_found(
        store
            .redeem_invitation(&digest("good code"), &new_account("other@x.example"), NOW)
            .await
    ));
    // Expired at the instant it expires, and after.
    assert!(not_found(
        store
            .redeem_invitation(&digest("good code"), &new_account(email), NOW + HOUR)
            .await
    ));
    assert!(not_found(
        store
            .redeem_invitation(&digest("good code"), &new_account(email), NOW + 2 * HOUR)
            .await
    ));
    assert!(not_found(store.account_by_email(email).await));
    assert!(not_found(store.account_by_email("other@x.example").await));

    let account = store
        .redeem_invitation(&digest("good code"), &new_account(email), NOW + HOUR - 1)
        .await
        .unwrap();
    // Used: gone.
    assert!(not_found(
        store
            .redeem_invitation(&digest("good code"), &new_account(email), NOW)
            .await
    ));
    assert_eq!(store.account_by_email(email).await.unwrap(), account);
}

/// A wrong guess does not burn the invitation (throttling guesses is the server's job).
pub async fn a_failed_attempt_leaves_the_invitation_usable(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let email = "agent@chu-sud.example";
    store
        .create_invitation(&invitation(&org, email, Role::Agent, "right"))
        .await
        .unwrap();
    for guess in ["wrong", "Right", "right "] {
        assert!(matches!(
            store
                .redeem_invitation(&digest(guess), &new_account(email), NOW)
                .await,
            Err(StoreError::NotFound)
        ));
    }
    let account = store
        .redeem_invitation(&digest("right"), &new_account(email), NOW)
        .await
        .unwrap();
    assert_eq!(account.role, Role::Agent);
}

/// Inviting the same email again replaces the earlier invitation: its code stops working and
/// the new role and mailboxes apply.
pub async fn a_new_invitation_replaces_the_earlier_one(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let pediatrie = store.create_mailbox(org.id, "pediatrie").await.unwrap();
    let email = "agent@chu-sud.example";

    let mut first = invitation(&org, email, Role::Admin, "first");
    first.mailbox_ids = vec![urgences.id];
    store.create_invitation(&first).await.unwrap();
    let mut second = invitation(&org, email, Role::Auditor, "second");
    second.mailbox_ids = vec![pediatrie.id];
    store.create_invitation(&second).await.unwrap();

    assert!(matches!(
        store
            .redeem_invitation(&digest("first"), &new_account(email), NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    let account = store
        .redeem_invitation(&digest("second"), &new_account(email), NOW)
        .await
        .unwrap();
    assert_eq!(account.role, Role::Auditor);
    assert_eq!(
        store.account_mailboxes(account.id).await.unwrap(),
        vec![pediatrie]
    );
}

/// An email that already has an account cannot be invited again, and its account is untouched.
pub async fn inviting_an_existing_account_conflicts(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other_org = store.ensure_org("Préfecture").await.unwrap();
    let email = "agent@chu-sud.example";
    let account = join(store, &org, email, Role::Agent, &[]).await;

    for target in [&org, &other_org] {
        assert!(matches!(
            store
                .create_invitation(&invitation(target, email, Role::Admin, "again"))
                .await,
            Err(StoreError::Conflict(_))
        ));
    }
    assert!(matches!(
        store
            .redeem_invitation(&digest("again"), &new_account(email), NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.account_by_email(email).await.unwrap(), account);
}

/// An invitation names an existing organisation and only mailboxes of that organisation.
pub async fn invitations_name_existing_org_and_own_mailboxes(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other_org = store.ensure_org("Préfecture").await.unwrap();
    let foreign = store.create_mailbox(other_org.id, "accueil").await.unwrap();
    let own = store.create_mailbox(org.id, "urgences").await.unwrap();
    let email = "agent@chu-sud.example";

    let mut unknown_org = invitation(&org, email, Role::Agent, "code");
    unknown_org.org_id = Id::random();
    assert!(matches!(
        store.create_invitation(&unknown_org).await,
        Err(StoreError::NotFound)
    ));
    let mut unknown_mailbox = invitation(&org, email, Role::Agent, "code");
    unknown_mailbox.mailbox_ids = vec![own.id, Id::random()];
    assert!(matches!(
        store.create_invitation(&unknown_mailbox).await,
        Err(StoreError::NotFound)
    ));
    let mut foreign_mailbox = invitation(&org, email, Role::Agent, "code");
    foreign_mailbox.mailbox_ids = vec![own.id, foreign.id];
    assert!(matches!(
        store.create_invitation(&foreign_mailbox).await,
        Err(StoreError::NotFound)
    ));
    // None of the refused invitations was recorded.
    assert!(matches!(
        store
            .redeem_invitation(&digest("code"), &new_account(email), NOW)
            .await,
        Err(StoreError::NotFound)
    ));

    let mut good = invitation(&org, email, Role::Agent, "code");
    good.mailbox_ids = vec![own.id, own.id];
    store.create_invitation(&good).await.unwrap();
    let account = store
        .redeem_invitation(&digest("code"), &new_account(email), NOW)
        .await
        .unwrap();
    assert_eq!(
        store.account_mailboxes(account.id).await.unwrap(),
        vec![own]
    );
}

/// Two clients racing with the same code: exactly one account comes out.
pub async fn a_code_is_redeemed_once_under_concurrency(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let email = "agent@chu-sud.example";
    store
        .create_invitation(&invitation(&org, email, Role::Agent, "code"))
        .await
        .unwrap();
    let code_hash = digest("code");
    let registered = new_account(email);
    let attempts = futures_util::future::join_all(
        (0..8).map(|_| store.redeem_invitation(&code_hash, &registered, NOW)),
    )
    .await;
    let winners: Vec<_> = attempts.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one redemption succeeds");
    for attempt in &attempts {
        if let Err(error) = attempt {
            assert!(
                matches!(error, StoreError::NotFound | StoreError::Conflict(_)),
                "a losing redemption is NotFound or Conflict, not {error:?}"
            );
        }
    }
    assert_eq!(&store.account_by_email(email).await.unwrap(), winners[0]);
}

/// A session finds its account until it expires or is deleted.
pub async fn sessions_expire_and_end(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let alice = join(store, &org, "alice@chu-sud.example", Role::Agent, &[]).await;
    let bob = join(store, &org, "bob@chu-sud.example", Role::Agent, &[]).await;
    let alice_token = digest("alice token");
    let bob_token = digest("bob token");
    store
        .create_session(&alice_token, alice.id, NOW + HOUR)
        .await
        .unwrap();
    store
        .create_session(&bob_token, bob.id, NOW + HOUR)
        .await
        .unwrap();

    assert_eq!(
        store.session_account(&alice_token, NOW).await.unwrap(),
        alice
    );
    assert_eq!(store.session_account(&bob_token, NOW).await.unwrap(), bob);
    assert_eq!(
        store
            .session_account(&alice_token, NOW + HOUR - 1)
            .await
            .unwrap(),
        alice
    );
    assert!(not_found(
        store.session_account(&alice_token, NOW + HOUR).await
    ));
    assert!(not_found(
        store.session_account(&digest("guess"), NOW).await
    ));

    store.delete_session(&alice_token).await.unwrap();
    assert!(not_found(store.session_account(&alice_token, NOW).await));
    // Logging out twice is harmless; other sessions live on.
    store.delete_session(&alice_token).await.unwrap();
    assert_eq!(store.session_account(&bob_token, NOW).await.unwrap(), bob);

    assert!(not_found(
        store
            .create_session(&digest("orphan"), Id::random(), NOW + HOUR)
            .await
    ));
    assert!(matches!(
        store.create_session(&bob_token, alice.id, NOW + HOUR).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.session_account(&bob_token, NOW).await.unwrap(), bob);
}

/// Non-ASCII emails, organisation and mailbox names come back byte for byte.
pub async fn unicode_emails_and_names_round_trip(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store
        .ensure_org("Centre hospitalier d'Évry — 急救")
        .await
        .unwrap();
    let mailbox = store
        .create_mailbox(org.id, "équipe-soins-palliatifs")
        .await
        .unwrap();
    let email = "élodie.müller@hôpital-évry.example";
    let account = join(store, &org, email, Role::Agent, &[&mailbox]).await;
    assert_eq!(account.email, email);
    assert_eq!(account.org.name, "Centre hospitalier d'Évry — 急救");
    assert_eq!(store.account_by_email(email).await.unwrap(), account);
    assert_eq!(
        store
            .mailbox_by_name("équipe-soins-palliatifs")
            .await
            .unwrap(),
        mailbox
    );
    // Composed and decomposed forms are different names to the store: normalising is the
    // server's job, before it asks.
    assert!(matches!(
        store
            .account_by_email("e\u{301}lodie.müller@hôpital-évry.example")
            .await,
        Err(StoreError::NotFound)
    ));
}

/// A row edited by hand into something undecodable is `Corrupt`, not a panic nor a default.
pub async fn corrupt_rows_are_reported(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let account = join(store, &org, "agent@chu-sud.example", Role::Agent, &[]).await;
    let healthy = join(store, &org, "other@chu-sud.example", Role::Agent, &[]).await;
    store
        .create_session(&digest("token"), account.id, NOW + HOUR)
        .await
        .unwrap();
    if !fixture.corrupt_account_role(account.id).await {
        return;
    }
    assert!(corrupt(store.account_by_id(account.id).await));
    assert!(corrupt(
        store.account_by_email("agent@chu-sud.example").await
    ));
    assert!(corrupt(store.session_account(&digest("token"), NOW).await));
    // The damage stays local.
    assert_eq!(store.account_by_id(healthy.id).await.unwrap(), healthy);
}
