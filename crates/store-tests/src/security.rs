//! Second factor, login failures and locks, scoped and expiring access, alerts.

use crate::{Fixture, HOUR, NOW, ids, join, not_found, send, whole_inbox};
use pli_store::{Access, Addressee, InboxScope, NewAlert, Role, StoreError};

/// Enrolment waits for a first code; a step is accepted once and only forward; recovery
/// codes are consumed once; disabling forgets everything.
pub async fn totp_steps_and_recovery_codes_are_used_once(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let admin = join(store, &org, "chef@chu.fr", Role::Admin, &[]).await;
    assert_eq!(store.totp(admin.id).await.unwrap(), None);
    assert!(not_found(store.use_totp_step(admin.id, 10).await));

    store
        .begin_totp(admin.id, b"sealed one", NOW)
        .await
        .unwrap();
    store
        .begin_totp(admin.id, b"sealed two", NOW)
        .await
        .unwrap();
    let pending = store.totp(admin.id).await.unwrap().unwrap();
    assert!(!pending.confirmed);
    assert_eq!(pending.secret, b"sealed two");
    assert!(
        not_found(store.use_totp_step(admin.id, 10).await),
        "an unconfirmed factor accepts no code"
    );

    let codes = [[1u8; 32], [2u8; 32]];
    store.confirm_totp(admin.id, 100, &codes).await.unwrap();
    assert!(not_found(store.confirm_totp(admin.id, 101, &codes).await));
    assert!(matches!(
        store.begin_totp(admin.id, b"again", NOW).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.totp(admin.id).await.unwrap().unwrap().last_step, 100);
    for replayed in [99, 100] {
        assert!(matches!(
            store.use_totp_step(admin.id, replayed).await,
            Err(StoreError::Conflict(_))
        ));
    }
    store.use_totp_step(admin.id, 101).await.unwrap();
    assert!(store.use_totp_step(admin.id, 101).await.is_err());

    assert_eq!(store.recovery_codes_left(admin.id).await.unwrap(), 2);
    store.use_recovery_code(admin.id, &[1u8; 32]).await.unwrap();
    assert!(not_found(
        store.use_recovery_code(admin.id, &[1u8; 32]).await
    ));
    assert!(not_found(
        store.use_recovery_code(admin.id, &[3u8; 32]).await
    ));
    assert_eq!(store.recovery_codes_left(admin.id).await.unwrap(), 1);

    store.delete_totp(admin.id).await.unwrap();
    assert_eq!(store.totp(admin.id).await.unwrap(), None);
    assert_eq!(store.recovery_codes_left(admin.id).await.unwrap(), 0);
    assert!(not_found(store.delete_totp(admin.id).await));

    assert!(!store.org_requires_totp(org.id).await.unwrap());
    store.set_org_requires_totp(org.id, true).await.unwrap();
    assert!(store.org_requires_totp(org.id).await.unwrap());
    store.set_org_requires_totp(org.id, false).await.unwrap();
    assert!(!store.org_requires_totp(org.id).await.unwrap());
}

/// Failures are counted per email in a window, known or not; a lock holds until its end or
/// until lifted.
pub async fn login_failures_are_counted_and_locks_lifted(fixture: &dyn Fixture) {
    let store = fixture.store();
    let window = HOUR / 4;
    for n in 1..=3 {
        let count = store
            .record_login_failure("nobody@chu.fr", NOW + n, NOW + n - window)
            .await
            .unwrap();
        assert_eq!(count, u32::try_from(n).unwrap());
    }
    // Much later, the old failures fall out of the window.
    let later = NOW + HOUR;
    assert_eq!(
        store
            .record_login_failure("nobody@chu.fr", later, later - window)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .record_login_failure("other@chu.fr", later, later - window)
            .await
            .unwrap(),
        1,
        "emails are counted apart"
    );
    store.clear_login_failures("other@chu.fr").await.unwrap();
    assert!(not_found(store.unlock_login("other@chu.fr").await));

    assert_eq!(
        store
            .login_locked_until("nobody@chu.fr", NOW)
            .await
            .unwrap(),
        None
    );
    store.lock_login("nobody@chu.fr", NOW + HOUR).await.unwrap();
    store.lock_login("nobody@chu.fr", NOW + 10).await.unwrap();
    assert_eq!(
        store
            .login_locked_until("nobody@chu.fr", NOW)
            .await
            .unwrap(),
        Some(NOW + HOUR),
        "a shorter lock never shortens a longer one"
    );
    assert_eq!(
        store
            .login_locked_until("nobody@chu.fr", NOW + HOUR)
            .await
            .unwrap(),
        None
    );
    store.unlock_login("nobody@chu.fr").await.unwrap();
    assert_eq!(
        store
            .login_locked_until("nobody@chu.fr", NOW)
            .await
            .unwrap(),
        None
    );
}

/// A read-only grant reads and holds keys, a send-only grant does neither; expiry ends both
/// and makes the key stale like a removal.
pub async fn grants_scope_and_expire_access(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let mailbox = store.create_mailbox(org.id, "radiologie").await.unwrap();
    let member = join(store, &org, "manip@chu.fr", Role::Agent, &[&mailbox]).await;
    let reader = join(store, &org, "presta@labo.fr", Role::Agent, &[]).await;
    let sender = join(store, &org, "depot@labo.fr", Role::Agent, &[]).await;
    let id = send(store, &member, &[Addressee::Mailbox(mailbox.id)], NOW).await;

    let read_only = Access {
        read: true,
        send: false,
        granted: true,
        until: Some(NOW + HOUR),
    };
    let send_only = Access {
        read: false,
        send: true,
        granted: true,
        until: Some(NOW + 2 * HOUR),
    };
    store
        .set_access(mailbox.id, reader.id, &read_only, NOW)
        .await
        .unwrap();
    store
        .set_access(mailbox.id, sender.id, &send_only, NOW)
        .await
        .unwrap();
    assert!(not_found(
        store
            .set_access(pli_store::Id::random(), reader.id, &read_only, NOW)
            .await
    ));

    let members: Vec<String> = store
        .mailbox_members(mailbox.id)
        .await
        .unwrap()
        .into_iter()
        .map(|account| account.email)
        .collect();
    assert_eq!(
        members,
        ["manip@chu.fr", "presta@labo.fr"],
        "readers hold keys"
    );
    assert_eq!(
        ids(&whole_inbox(store, &reader, &InboxScope::Mailbox(mailbox.id), 10).await),
        [id]
    );
    assert!(not_found(
        store
            .inbox(sender.id, &InboxScope::Mailbox(mailbox.id), None, 10)
            .await
    ));
    assert!(
        whole_inbox(store, &sender, &InboxScope::All, 10)
            .await
            .is_empty()
    );

    let access = store.account_access(reader.id).await.unwrap();
    assert_eq!(access.len(), 1);
    assert_eq!(access[0].mailbox, mailbox);
    assert_eq!(access[0].access, read_only);
    assert!(access[0].access.active_at(NOW + HOUR - 1));
    assert!(!access[0].access.active_at(NOW + HOUR));
    let listed: Vec<(String, Access)> = store
        .org_access(org.id)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| (entry.email, entry.access))
        .collect();
    assert_eq!(
        listed,
        [
            ("depot@labo.fr".to_owned(), send_only),
            ("presta@labo.fr".to_owned(), read_only)
        ],
        "plain memberships are not listed"
    );

    assert_eq!(store.expire_access(NOW + HOUR - 1).await.unwrap(), 0);
    assert_eq!(store.expire_access(NOW + HOUR).await.unwrap(), 1);
    assert!(store.account_access(reader.id).await.unwrap().is_empty());
    assert!(not_found(
        store
            .inbox(reader.id, &InboxScope::Mailbox(mailbox.id), None, 10)
            .await
    ));
    assert_eq!(store.expire_access(NOW + 2 * HOUR).await.unwrap(), 1);
    assert!(store.org_access(org.id).await.unwrap().is_empty());

    // Taking `read` away from a member is a removal for the mailbox's keys.
    let keys_before = store.mailbox_keys(mailbox.id).await.unwrap();
    assert!(!keys_before.stale);
    let demoted = Access {
        read: false,
        ..send_only
    };
    store
        .set_access(mailbox.id, member.id, &demoted, NOW)
        .await
        .unwrap();
    assert!(store.mailbox_members(mailbox.id).await.unwrap().is_empty());
    // Adding as a member again gives full access back, without an end.
    store.add_member(mailbox.id, member.id).await.unwrap();
    let access = store.account_access(member.id).await.unwrap();
    assert_eq!(access[0].access, Access::MEMBER);
}

/// Alerts are kept per organisation, in order.
pub async fn alerts_are_kept_per_organisation(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other = store.ensure_org("Préfecture").await.unwrap();
    let admin = join(store, &org, "chef@chu.fr", Role::Admin, &[]).await;
    let alert = |org_id, kind: &str| NewAlert {
        at: NOW,
        org_id,
        account_id: Some(admin.id),
        email: Some(admin.email.clone()),
        kind: kind.to_owned(),
        details: "10 failed logins in 15 minutes".to_owned(),
    };
    store
        .add_alert(&alert(org.id, "login.locked"))
        .await
        .unwrap();
    store.add_alert(&alert(other.id, "other")).await.unwrap();
    store
        .add_alert(&alert(org.id, "login.unblocked"))
        .await
        .unwrap();
    let alerts = store.alerts(org.id, 0, 10).await.unwrap();
    let kinds: Vec<&str> = alerts.iter().map(|a| a.alert.kind.as_str()).collect();
    assert_eq!(kinds, ["login.locked", "login.unblocked"]);
    assert_eq!(alerts[0].alert, alert(org.id, "login.locked"));
    assert!(alerts[0].seq < alerts[1].seq);
    assert_eq!(
        store.alerts(org.id, alerts[0].seq, 10).await.unwrap().len(),
        1
    );
    assert_eq!(store.alerts(org.id, 0, 1).await.unwrap().len(), 1);
}
