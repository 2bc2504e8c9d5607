//! Snapshots between SQLite and PostgreSQL, both ways: every table's rows come out identical.

use crate::Fresh;
use pli_store_sqlite::SqliteStore;

async fn sqlite(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("pli.db")).await.unwrap()
}

#[tokio::test]
async fn snapshot_moves_every_row_from_sqlite_to_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let target = Fresh::new().await;
    pli_store_tests::snapshot_moves_every_row(&sqlite(&dir).await, &target.store).await;
}

#[tokio::test]
async fn snapshot_moves_every_row_from_postgres_to_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let source = Fresh::new().await;
    pli_store_tests::snapshot_moves_every_row(&source.store, &sqlite(&dir).await).await;
}

#[tokio::test]
async fn snapshot_refuses_a_non_empty_postgres_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = Fresh::new().await;
    pli_store_tests::snapshot_refuses_a_non_empty_target(&sqlite(&dir).await, &target.store).await;
}

#[tokio::test]
async fn snapshot_refuses_bad_streams_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let target = Fresh::new().await;
    pli_store_tests::snapshot_refuses_bad_streams(&sqlite(&dir).await, &target.store).await;
}
