//! Behaviour particular to the SQLite backend.

use crate::Fresh;
use pli_store::{Addressee, InboxScope, Role, Store, StoreError};
use pli_store_sqlite::{SqliteOptions, SqliteStore};
use pli_store_tests::{NOW, digest, join, send};
use sqlx::Row;

async fn pragma(fresh: &Fresh, name: &str) -> String {
    let mut connection = fresh.side_connection().await;
    let row = sqlx::query(&format!("PRAGMA {name}"))
        .fetch_one(&mut connection)
        .await
        .unwrap();
    match row.try_get::<String, _>(0) {
        Ok(text) => text,
        Err(_) => row.try_get::<i64, _>(0).unwrap().to_string(),
    }
}

#[tokio::test]
async fn the_database_file_is_in_wal_mode() {
    let fresh = Fresh::durable().await;
    assert!(fresh.path.exists());
    assert_eq!(pragma(&fresh, "journal_mode").await, "wal");
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("pli.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let (account, envelope_id) = {
        let store = SqliteStore::open(&path).await.unwrap();
        let org = store.ensure_org("CHU Sud").await.unwrap();
        let account = join(&store, &org, "agent@chu-sud.example", Role::Agent, &[]).await;
        store
            .create_session(&digest("token"), account.id, NOW + 60)
            .await
            .unwrap();
        let envelope_id = send(&store, &account, &[Addressee::Account(account.id)], NOW).await;
        store.close().await;
        (account, envelope_id)
    };
    // Opening again runs the migrations again: a no-op on an up-to-date schema.
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        store.session_account(&digest("token"), NOW).await.unwrap(),
        account
    );
    let inbox = store
        .inbox(account.id, &InboxScope::All, None, 10)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].id, envelope_id);
}

#[tokio::test]
async fn a_non_durable_store_behaves_the_same() {
    let fresh = Fresh::with(&SqliteOptions {
        durable: false,
        ..SqliteOptions::default()
    })
    .await;
    pli_store_tests::inbox_pages_give_every_envelope_once(&fresh).await;
}

#[tokio::test]
async fn opening_a_file_that_is_not_a_database_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pli.db");
    std::fs::write(&path, b"this is not a database, just some text long enough").unwrap();
    let error = SqliteStore::open(&path).await.unwrap_err();
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a database, just some text long enough"
    );
}

#[tokio::test]
async fn opening_in_a_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let error = SqliteStore::open(&dir.path().join("missing").join("pli.db"))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
}

#[tokio::test]
async fn hand_edited_envelope_rows_are_corrupt() {
    let fresh = Fresh::durable().await;
    let store = &fresh.store;
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let account = join(store, &org, "agent@chu-sud.example", Role::Agent, &[]).await;
    let id = send(store, &account, &[Addressee::Account(account.id)], NOW).await;
    let mut connection = fresh.side_connection().await;
    // The schema's CHECK constraints refuse such a value unless switched off by hand.
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query("UPDATE envelopes SET size = -5 WHERE id = ?")
        .bind(id.as_bytes().as_slice())
        .execute(&mut connection)
        .await
        .unwrap();
    assert!(matches!(
        store.envelope(id).await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.inbox(account.id, &InboxScope::All, None, 10).await,
        Err(StoreError::Corrupt(_))
    ));
}

/// The inbox the benchmarks list: 10,000 envelopes, half direct and half through a mailbox.
/// Every page is checked against the expected order; page times are printed, not asserted.
#[tokio::test]
async fn an_inbox_of_ten_thousand_envelopes_pages_quickly_and_exactly() {
    let fresh = Fresh::with(&SqliteOptions {
        durable: false,
        ..SqliteOptions::default()
    })
    .await;
    let store = &fresh.store;
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let me = join(
        store,
        &org,
        "moi@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;
    let mut expected = Vec::with_capacity(10_000);
    for index in 0..10_000i64 {
        let to = if index % 2 == 0 {
            Addressee::Account(me.id)
        } else {
            Addressee::Mailbox(urgences.id)
        };
        let created_at = NOW + index / 10;
        expected.push((created_at, send(store, &sender, &[to], created_at).await));
    }
    expected.sort_by(|a, b| b.cmp(a));

    let started = std::time::Instant::now();
    let mut cursor = None;
    let mut seen = 0;
    let mut n_pages = 0;
    loop {
        let page = store
            .inbox(me.id, &InboxScope::All, cursor, 100)
            .await
            .unwrap();
        for (offset, envelope) in page.iter().enumerate() {
            assert_eq!(envelope.id, expected[seen + offset].1);
        }
        seen += page.len();
        n_pages += 1;
        match page.last() {
            Some(last) if page.len() == 100 => cursor = Some(pli_store_tests::cursor_of(last)),
            _ => break,
        }
    }
    assert_eq!(seen, 10_000);
    let elapsed = started.elapsed();
    eprintln!(
        "inbox of 10,000 envelopes: {n_pages} pages of 100 in {elapsed:?} ({:?} per page)",
        elapsed / n_pages
    );

    // 64 listings at once, as the inbox benchmark does: all answer, all alike.
    let first_page: Vec<_> = expected.iter().take(50).map(|(_, id)| *id).collect();
    let started = std::time::Instant::now();
    let pages = futures_util::future::join_all(
        (0..64).map(|_| store.inbox(me.id, &InboxScope::All, None, 50)),
    )
    .await;
    eprintln!("64 concurrent first pages of 50: {:?}", started.elapsed());
    for page in pages {
        assert_eq!(pli_store_tests::ids(&page.unwrap()), first_page);
    }
}

/// The server and an offline `pli admin` command may hold the same file open at once: their
/// writes wait for each other (busy timeout) instead of failing.
#[tokio::test]
async fn two_stores_on_one_file_write_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pli.db");
    let server = SqliteStore::open(&path).await.unwrap();
    let admin = SqliteStore::open(&path).await.unwrap();
    let org = server.ensure_org("CHU Sud").await.unwrap();
    assert_eq!(admin.ensure_org("CHU Sud").await.unwrap(), org);

    let events = |from: &str| -> Vec<pli_store::AuditEvent> {
        (0..5)
            .map(|index| pli_store::AuditEvent {
                at: NOW + index,
                actor: None,
                actor_email: None,
                org_id: Some(org.id),
                from: from.to_owned(),
                action: "test.write".to_owned(),
                target: None,
                outcome: pli_store::Outcome::Allowed,
            })
            .collect()
    };
    let server_events = events("server");
    let admin_events = events("admin");
    let writes = (0..20).map(|index| {
        let (store, batch) = if index % 2 == 0 {
            (&server, &server_events)
        } else {
            (&admin, &admin_events)
        };
        store.append_audit(batch)
    });
    for result in futures_util::future::join_all(writes).await {
        result.unwrap();
    }
    assert_eq!(server.audit_events(None, 0, 1000).await.unwrap().len(), 100);
    assert_eq!(admin.audit_events(None, 0, 1000).await.unwrap().len(), 100);
}
