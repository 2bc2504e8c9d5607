#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pli_store::{NewAccount, NewInvitation, Role, Store, StoreError};
use pli_store_sqlite::SqliteStore;

#[tokio::test]
async fn an_invited_admin_joins_and_opens_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("pli.db")).await.unwrap();
    let org = store.ensure_org("Hôpital Nord").await.unwrap();
    let mailbox = store.create_mailbox(org.id, "urgences").await.unwrap();
    store
        .create_invitation(&NewInvitation {
            email: "chef@hopital.example".into(),
            org_id: org.id,
            role: Role::Admin,
            mailbox_ids: vec![mailbox.id],
            code_hash: [7; 32],
            expires_at: 2_000,
        })
        .await
        .unwrap();
    let new_account = NewAccount {
        email: "chef@hopital.example".into(),
        kdf_salt: vec![1; 16],
        kdf_m_kib: 65536,
        kdf_t: 3,
        kdf_p: 1,
        auth_hash: [2; 32],
        age_recipient: "age1example".into(),
        signing_key: [3; 32],
        wrapped_keys: vec![4; 100],
    };
    assert!(matches!(
        store.redeem_invitation(&[8; 32], &new_account, 1_000).await,
        Err(StoreError::NotFound)
    ));
    let account = store
        .redeem_invitation(&[7; 32], &new_account, 1_000)
        .await
        .unwrap();
    assert_eq!(store.account_by_id(account.id).await.unwrap(), account);
    assert_eq!(
        store.account_mailboxes(account.id).await.unwrap(),
        vec![mailbox]
    );
    store
        .create_session(&[9; 32], account.id, 1_500)
        .await
        .unwrap();
    assert_eq!(
        store.session_account(&[9; 32], 1_200).await.unwrap(),
        account
    );
}
