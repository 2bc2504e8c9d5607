//! The SQLite store against the shared story suite, plus what only SQLite has: the file on
//! disk, its pragmas and reopening.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod snapshot;
mod sqlite;
mod upgrade;

use async_trait::async_trait;
use pli_store::{Id, Store};
use pli_store_sqlite::{SqliteOptions, SqliteStore};
use sqlx::Connection;
use std::path::PathBuf;

/// A fresh store in its own temporary directory, removed when the fixture drops.
pub struct Fresh {
    store: SqliteStore,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Fresh {
    /// A durable store, as the server opens it.
    pub async fn durable() -> Fresh {
        Fresh::with(&SqliteOptions::default()).await
    }

    pub async fn with(options: &SqliteOptions) -> Fresh {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pli.db");
        let store = SqliteStore::open_with(&path, options).await.unwrap();
        Fresh {
            store,
            path,
            _dir: dir,
        }
    }

    /// A side connection, as an operator with the `sqlite3` shell would have.
    pub async fn side_connection(&self) -> sqlx::SqliteConnection {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&self.path);
        sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap()
    }
}

#[async_trait]
impl pli_store_tests::Fixture for Fresh {
    fn store(&self) -> &dyn Store {
        &self.store
    }

    async fn corrupt_account_role(&self, account: Id) -> bool {
        let mut connection = self.side_connection().await;
        let done = sqlx::query("UPDATE accounts SET role = 'superuser' WHERE id = ?")
            .bind(account.as_bytes().as_slice())
            .execute(&mut connection)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        true
    }

    async fn overwrite_audit_bundle(&self, index: u64, stored: &[u8]) -> bool {
        let mut connection = self.side_connection().await;
        let done = sqlx::query("UPDATE audit_log_bundles SET data = ? WHERE idx = ?")
            .bind(stored)
            .bind(i64::try_from(index).unwrap())
            .execute(&mut connection)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        true
    }
}

pli_store_tests::store_stories!(Fresh::durable());
