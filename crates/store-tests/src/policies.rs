//! Sending policies of organisations.

use crate::{Fixture, NOW, join};
use pli_store::{Id, NewPolicy, Role, StoreError};

fn policy(org_id: Id, signer_id: Id, version: u64, text: &str) -> NewPolicy {
    NewPolicy {
        org_id,
        version,
        text: text.to_owned(),
        signer_id,
        signature: vec![version as u8; 64],
        set_at: NOW + version as i64,
    }
}

/// A version is stored only if it is newer than every stored one; each organisation has its
/// own versions; the latest is what is read back, byte for byte.
pub async fn policy_versions_only_grow(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other = store.ensure_org("Préfecture").await.unwrap();
    let admin = join(store, &org, "admin@chu.fr", Role::Admin, &[]).await;
    let other_admin = join(store, &other, "admin@pref.fr", Role::Admin, &[]).await;
    assert_eq!(store.latest_policy(org.id).await.unwrap(), None);

    let text = "version = 2\n# règle « NIR »\n";
    store
        .set_policy(&policy(org.id, admin.id, 2, text))
        .await
        .unwrap();
    for stale in [1, 2] {
        assert!(matches!(
            store
                .set_policy(&policy(org.id, admin.id, stale, "version = 1\n"))
                .await,
            Err(StoreError::Conflict(_))
        ));
    }
    let latest = store.latest_policy(org.id).await.unwrap().unwrap();
    assert_eq!(
        (latest.org_id, latest.version, latest.text.as_str()),
        (org.id, 2, text)
    );
    assert_eq!(latest.signer_email, "admin@chu.fr");
    assert_eq!(latest.signature, vec![2u8; 64]);
    assert_eq!(latest.set_at, NOW + 2);
    // Logged afterwards: the entry's index is kept with the version it publishes, and only there.
    assert_eq!(latest.log_index, None);
    store.set_policy_log_index(org.id, 2, 41).await.unwrap();
    assert_eq!(
        store
            .latest_policy(org.id)
            .await
            .unwrap()
            .unwrap()
            .log_index,
        Some(41)
    );
    for (org_id, version) in [(org.id, 3), (other.id, 2)] {
        assert!(matches!(
            store.set_policy_log_index(org_id, version, 42).await,
            Err(StoreError::NotFound)
        ));
    }

    // Another organisation starts from nothing, whatever the first one holds.
    assert_eq!(store.latest_policy(other.id).await.unwrap(), None);
    store
        .set_policy(&policy(other.id, other_admin.id, 1, "version = 1\n"))
        .await
        .unwrap();
    store
        .set_policy(&policy(org.id, admin.id, 7, "version = 7\n"))
        .await
        .unwrap();
    assert_eq!(
        store.latest_policy(org.id).await.unwrap().unwrap().version,
        7
    );
    assert_eq!(
        store
            .latest_policy(other.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
}

/// Unknown organisations and signers are not found, and store nothing.
pub async fn policies_need_a_known_org_and_signer(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let admin = join(store, &org, "admin@chu.fr", Role::Admin, &[]).await;
    assert!(matches!(
        store
            .set_policy(&policy(Id::random(), admin.id, 1, "version = 1\n"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_policy(&policy(org.id, Id::random(), 1, "version = 1\n"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.latest_policy(org.id).await.unwrap(), None);
    assert_eq!(store.latest_policy(Id::random()).await.unwrap(), None);
}
