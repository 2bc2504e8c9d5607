//! Behaviour particular to the PostgreSQL backend: several servers on one database, the
//! audit sequencer lock, durable commits, migrations run again.

use crate::Fresh;
use crate::cluster::{Cluster, with_database};
use pli_store::{Addressee, AuditEvent, InboxScope, Outcome, Role, Store, StoreError};
use pli_store_postgres::{AUDIT_LOCK, PostgresStore};
use pli_store_tests::new_key;
use pli_store_tests::{NOW, digest, join, send};
use sqlx::Row;
use std::time::{Duration, Instant};

fn event(action: &str) -> AuditEvent {
    AuditEvent {
        at: NOW,
        actor: None,
        actor_email: None,
        org_id: None,
        from: "127.0.0.1".to_owned(),
        action: action.to_owned(),
        target: None,
        outcome: Outcome::Allowed,
    }
}

/// Waits (up to a generous deadline, for slow machines) until `condition` holds.
async fn eventually<F, Fut>(what: &str, condition: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !condition().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn data_survives_reconnecting_and_migrations_run_once() {
    let fresh = Fresh::new().await;
    let org = fresh.store.ensure_org("CHU Sud").await.unwrap();
    let account = join(
        &fresh.store,
        &org,
        "agent@chu-sud.example",
        Role::Agent,
        &[],
    )
    .await;
    fresh
        .store
        .create_session(&digest("token"), account.id, NOW + 60)
        .await
        .unwrap();
    let envelope_id = send(
        &fresh.store,
        &account,
        &[Addressee::Account(account.id)],
        NOW,
    )
    .await;
    fresh.store.close().await;

    // Connecting again runs the migrations again: a no-op on an up-to-date schema.
    let store = fresh.another_server().await;
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
    let mut side = fresh.side_connection().await;
    let migrations: Vec<String> =
        sqlx::query_scalar("SELECT description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut side)
            .await
            .unwrap();
    assert_eq!(migrations, sqlite_migrations());
}

/// Two servers on one database see each other's writes at once: a session made through one
/// authenticates through the other, an envelope sent through one is in the inbox of the other.
#[tokio::test]
async fn two_servers_share_one_database() {
    let fresh = Fresh::new().await;
    let other = fresh.another_server().await;
    let org = fresh.store.ensure_org("CHU Sud").await.unwrap();
    assert_eq!(other.ensure_org("CHU Sud").await.unwrap(), org);
    let ana = join(&fresh.store, &org, "ana@chu-sud.example", Role::Agent, &[]).await;
    let ben = join(&other, &org, "ben@chu-sud.example", Role::Agent, &[]).await;
    fresh
        .store
        .create_session(&digest("ana's token"), ana.id, NOW + 60)
        .await
        .unwrap();
    assert_eq!(
        other
            .session_account(&digest("ana's token"), NOW)
            .await
            .unwrap(),
        ana
    );
    let sent = send(&fresh.store, &ana, &[Addressee::Account(ben.id)], NOW).await;
    let inbox = other
        .inbox(ben.id, &InboxScope::All, None, 10)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].id, sent);
}

/// Of two servers publishing the same next generation of a mailbox key at once, exactly one
/// wins; the other gets the same `Conflict` a single server would give.
#[tokio::test]
async fn racing_servers_publish_one_mailbox_key_generation() {
    let fresh = Fresh::new().await;
    let other = fresh.another_server().await;
    let store = &fresh.store;
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    let ben = join(store, &org, "ben@chu-sud.example", Role::Agent, &[&team]).await;
    for generation in 1..=5 {
        let from_ana = new_key(team.id, generation, &ana, &[&ana, &ben], NOW);
        let from_ben = new_key(team.id, generation, &ben, &[&ana, &ben], NOW);
        let (first, second) = tokio::join!(
            store.create_mailbox_key(&from_ana),
            other.create_mailbox_key(&from_ben)
        );
        let outcomes = [first, second];
        assert_eq!(
            outcomes.iter().filter(|outcome| outcome.is_ok()).count(),
            1,
            "{outcomes:?}"
        );
        assert!(
            outcomes.iter().any(|outcome| matches!(
                outcome,
                Err(StoreError::Conflict("mailbox key generation"))
            ))
        );
        let keys = other.mailbox_keys(team.id).await.unwrap();
        assert_eq!(keys.current().unwrap().generation, generation);
        assert!(keys.usable());
    }
}

/// Audit batches appended through several servers at once keep contiguous sequence numbers,
/// as through one.
#[tokio::test]
async fn audit_batches_from_several_servers_stay_contiguous() {
    let fresh = Fresh::new().await;
    let mut servers = vec![fresh.store.clone()];
    for _ in 0..3 {
        servers.push(fresh.another_server().await);
    }
    let batches: Vec<Vec<AuditEvent>> = (0..24)
        .map(|batch| {
            (0..4)
                .map(|index| event(&format!("batch{batch}.event{index}")))
                .collect()
        })
        .collect();
    let results = futures_util::future::join_all(
        batches
            .iter()
            .enumerate()
            .map(|(index, batch)| servers[index % servers.len()].append_audit(batch)),
    )
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let records = fresh.store.audit_events(None, 0, 1000).await.unwrap();
    assert_eq!(records.len(), 96);
    for chunk in records.chunks(4) {
        let batch_name = chunk[0].event.action.split('.').next().unwrap().to_owned();
        for (index, record) in chunk.iter().enumerate() {
            assert_eq!(record.event.action, format!("{batch_name}.event{index}"));
            assert_eq!(record.seq, chunk[0].seq + index as i64);
        }
    }
}

/// An append waits for the audit advisory lock: while another session holds it, nothing of
/// the batch is visible; once released, the batch commits.
#[tokio::test]
async fn appends_wait_for_the_audit_sequencer_lock() {
    let fresh = Fresh::new().await;
    let mut holder = fresh.side_connection().await;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    let store = fresh.store.clone();
    let append = tokio::spawn(async move { store.append_audit(&[event("waits")]).await });

    let url = fresh.url.clone();
    eventually("the append waits for the audit lock", || {
        let url = url.clone();
        async move {
            use sqlx::Connection;
            let mut watcher = sqlx::PgConnection::connect(&url).await.unwrap();
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
            )
            .fetch_one(&mut watcher)
            .await
            .unwrap();
            waiting == 1
        }
    })
    .await;
    assert!(!append.is_finished());
    assert!(
        fresh
            .store
            .audit_events(None, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );

    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    append.await.unwrap().unwrap();
    let records = fresh.store.audit_events(None, 0, 10).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event.action, "waits");
}

/// Commits wait for the WAL flush even where the database's default says otherwise.
#[tokio::test]
async fn commits_are_synchronous_whatever_the_database_default() {
    let fresh = Fresh::new().await;
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(fresh.store.pool())
        .await
        .unwrap();
    let mut side = fresh.side_connection().await;
    sqlx::query(&format!(
        "ALTER DATABASE {name} SET synchronous_commit = off"
    ))
    .execute(&mut side)
    .await
    .unwrap();
    let store = fresh.another_server().await;
    let row = sqlx::query("SHOW synchronous_commit")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>(0), "on");
    // A plain connection does get the database default, so the setting above took effect.
    let mut plain = fresh.side_connection().await;
    let row = sqlx::query("SHOW synchronous_commit")
        .fetch_one(&mut plain)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>(0), "off");
}

/// A database that does not exist is a clear backend error, and the URL's password is not in
/// it.
#[tokio::test]
async fn an_unreachable_database_is_an_error_without_the_password() {
    let url = with_database(Cluster::get().admin_url(), "pli_no_such_database");
    let url = url
        .replacen("://", "://pli:hunter2-secret@", 1)
        .replacen("pli@", "", 1);
    let error = PostgresStore::connect(&url).await.unwrap_err();
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
    assert!(!error.to_string().contains("hunter2-secret"), "{error}");
}

/// Descriptions of the SQLite store's migrations, in order: the PostgreSQL schema translates
/// each one under the same name.
fn sqlite_migrations() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store-sqlite/migrations");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| {
            let (_version, description) = name.trim_end_matches(".sql").split_once('_').unwrap();
            description.replace('_', " ")
        })
        .collect()
}
