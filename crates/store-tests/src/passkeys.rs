//! Passkeys and the server's half of WebAuthn ceremonies.

use crate::{Fixture, NOW, join, not_found};
use pli_store::{Ceremony, CeremonyKind, Id, Role, StoreError, StoredPasskey};

fn passkey(account_id: Id, credential_id: &[u8], name: &str) -> StoredPasskey {
    StoredPasskey {
        id: Id::random(),
        account_id,
        credential_id: credential_id.to_vec(),
        name: name.into(),
        data: format!("{{\"cred\":\"{name}\"}}"),
        created_at: NOW,
        last_used_at: None,
    }
}

/// A credential id is registered once on the whole server; passkeys are listed, used and
/// deleted only by their account.
pub async fn passkeys_are_unique_and_belong_to_one_account(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let alice = join(store, &org, "alice@chu.fr", Role::Agent, &[]).await;
    let bob = join(store, &org, "bob@chu.fr", Role::Agent, &[]).await;
    assert!(store.passkeys(alice.id).await.unwrap().is_empty());

    let first = passkey(alice.id, b"credential one", "clé bleue");
    store.add_passkey(&first).await.unwrap();
    let second = StoredPasskey {
        created_at: NOW + 1,
        ..passkey(alice.id, b"credential two", "téléphone")
    };
    store.add_passkey(&second).await.unwrap();
    assert!(
        matches!(
            store
                .add_passkey(&passkey(bob.id, b"credential one", "copie"))
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a credential id belongs to one account"
    );
    assert!(not_found(
        store
            .add_passkey(&passkey(Id::random(), b"credential three", "x"))
            .await
    ));
    assert_eq!(
        store.passkeys(alice.id).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    assert!(store.passkeys(bob.id).await.unwrap().is_empty());

    store
        .passkey_used(first.id, "{\"counter\":7}", NOW + 60)
        .await
        .unwrap();
    let used = &store.passkeys(alice.id).await.unwrap()[0];
    assert_eq!(used.data, "{\"counter\":7}");
    assert_eq!(used.last_used_at, Some(NOW + 60));
    assert!(not_found(store.passkey_used(Id::random(), "{}", NOW).await));

    assert!(
        not_found(store.delete_passkey(bob.id, first.id).await),
        "only the owner deletes"
    );
    store.delete_passkey(alice.id, first.id).await.unwrap();
    assert!(not_found(store.delete_passkey(alice.id, first.id).await));
    assert_eq!(store.passkeys(alice.id).await.unwrap(), vec![second]);
}

/// A ceremony is taken once, by its account, for its kind, before it expires; storing one
/// drops the expired ones.
pub async fn ceremonies_are_taken_once_before_expiry(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let alice = join(store, &org, "alice@chu.fr", Role::Agent, &[]).await;
    let bob = join(store, &org, "bob@chu.fr", Role::Agent, &[]).await;
    let ceremony = Ceremony {
        id: Id::random(),
        account_id: alice.id,
        kind: CeremonyKind::Register,
        state: "{\"challenge\":\"abc\"}".into(),
        expires_at: NOW + 300,
    };
    store.put_ceremony(&ceremony, NOW).await.unwrap();
    assert!(not_found(
        store
            .take_ceremony(ceremony.id, bob.id, CeremonyKind::Register, NOW)
            .await
    ));
    assert!(not_found(
        store
            .take_ceremony(ceremony.id, alice.id, CeremonyKind::Authenticate, NOW)
            .await
    ));
    assert_eq!(
        store
            .take_ceremony(ceremony.id, alice.id, CeremonyKind::Register, NOW + 10)
            .await
            .unwrap(),
        ceremony
    );
    assert!(
        not_found(
            store
                .take_ceremony(ceremony.id, alice.id, CeremonyKind::Register, NOW + 10)
                .await
        ),
        "a ceremony is used once"
    );

    let late = Ceremony {
        id: Id::random(),
        kind: CeremonyKind::Authenticate,
        ..ceremony.clone()
    };
    store.put_ceremony(&late, NOW).await.unwrap();
    assert!(
        not_found(
            store
                .take_ceremony(late.id, alice.id, CeremonyKind::Authenticate, NOW + 300)
                .await
        ),
        "an expired ceremony is refused"
    );
    let stale = Ceremony {
        id: Id::random(),
        ..late.clone()
    };
    store.put_ceremony(&stale, NOW).await.unwrap();
    let fresh = Ceremony {
        id: Id::random(),
        expires_at: NOW + 900,
        ..late
    };
    store.put_ceremony(&fresh, NOW + 400).await.unwrap();
    assert!(not_found(
        store
            .take_ceremony(stale.id, alice.id, CeremonyKind::Authenticate, NOW)
            .await
    ));
    assert!(
        store
            .take_ceremony(fresh.id, alice.id, CeremonyKind::Authenticate, NOW + 400)
            .await
            .is_ok()
    );
}
