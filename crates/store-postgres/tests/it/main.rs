//! The PostgreSQL store against the shared story suite, on a real PostgreSQL server (see
//! `cluster`), plus what only PostgreSQL has: several servers on one database, the audit
//! sequencer lock, durable commits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cluster;
mod postgres;
mod snapshot;
mod upgrade;

use async_trait::async_trait;
use cluster::Cluster;
use pli_store::{Id, Store};
use pli_store_postgres::PostgresStore;
use sqlx::Connection;

/// A store on a fresh database of the test server.
pub struct Fresh {
    store: PostgresStore,
    url: String,
}

impl Fresh {
    pub async fn new() -> Fresh {
        if cluster::skip_requested() {
            // Every test of this binary needs PostgreSQL; the operator said there is none.
            eprintln!("PostgreSQL tests skipped (PLI_TEST_POSTGRES=skip)");
            std::process::exit(0);
        }
        let url = Cluster::get().fresh_database().await;
        let store = PostgresStore::connect(&url).await.unwrap();
        Fresh { store, url }
    }

    /// A second server's store on the same database.
    pub async fn another_server(&self) -> PostgresStore {
        PostgresStore::connect(&self.url).await.unwrap()
    }

    /// A side connection, as an operator with `psql` would have.
    pub async fn side_connection(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect(&self.url).await.unwrap()
    }
}

#[async_trait]
impl pli_store_tests::Fixture for Fresh {
    fn store(&self) -> &dyn Store {
        &self.store
    }

    async fn corrupt_account_role(&self, account: Id) -> bool {
        let mut connection = self.side_connection().await;
        let done = sqlx::query("UPDATE accounts SET role = 'superuser' WHERE id = $1")
            .bind(account.as_bytes().as_slice())
            .execute(&mut connection)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        true
    }

    async fn overwrite_audit_bundle(&self, index: u64, stored: &[u8]) -> bool {
        let mut connection = self.side_connection().await;
        let done = sqlx::query("UPDATE audit_log_bundles SET data = $2 WHERE idx = $1")
            .bind(i64::try_from(index).unwrap())
            .bind(stored)
            .execute(&mut connection)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        true
    }
}

pli_store_tests::store_stories!(Fresh::new());
