//! [`Snapshot`] on SQLite: the tables and their columns come from the catalog
//! (`sqlite_master`, `pragma_table_info`, `pragma_foreign_key_list`), so a new migration's
//! table is in every snapshot without a change here.

use async_trait::async_trait;
use futures_util::TryStreamExt as _;
use pli_store::snapshot::{
    ColumnType, SnapshotReader, SnapshotWriter, Table, TableHeader, Value, check_columns,
    rows_per_insert, table_order,
};
use pli_store::{Snapshot, SnapshotError, SnapshotSummary, StoreError};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row as _, SqliteConnection};
use std::io::{BufRead, Write};

use crate::{SqliteStore, backend};

#[async_trait]
impl Snapshot for SqliteStore {
    async fn export_snapshot(
        &self,
        out: &mut (dyn Write + Send),
    ) -> Result<SnapshotSummary, SnapshotError> {
        // One deferred read transaction on a WAL database: every statement below sees the
        // state of the first read, whatever is written meanwhile.
        let mut tx = self.read().await?;
        let schema = schema_version(&mut tx).await?;
        let tables = tables(&mut tx).await?;
        let mut writer = SnapshotWriter::new(out, schema, tables.len())?;
        for table in &tables {
            let rows = count(&mut tx, &table.name).await?;
            writer.table(&TableHeader {
                name: table.name.clone(),
                columns: table.columns.clone(),
                identity: table.identity.clone(),
                sequence: sequence(&mut tx, table).await?,
                rows,
            })?;
            let sql = select_sql(table);
            let mut stream = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = stream
                .try_next()
                .await
                .map_err(|error| backend("reading a table", &error))?
            {
                writer.row(&decode_row(&row, table)?)?;
            }
        }
        let summary = writer.finish()?;
        tx.rollback()
            .await
            .map_err(|error| backend("ending the read", &error))?;
        Ok(summary)
    }

    async fn import_snapshot(
        &self,
        input: &mut (dyn BufRead + Send),
    ) -> Result<SnapshotSummary, SnapshotError> {
        let mut reader = SnapshotReader::open(input)?;
        let mut tx = self.write().await?;
        let schema = schema_version(&mut tx).await?;
        if reader.schema() != schema {
            return Err(SnapshotError::SchemaMismatch {
                snapshot: reader.schema(),
                target: schema,
            });
        }
        let tables = tables(&mut tx).await?;
        for table in &tables {
            if count(&mut tx, &table.name).await? != 0 {
                return Err(SnapshotError::NotEmpty(table.name.clone()));
            }
        }
        if reader.n_tables() != tables.len() as u64 {
            return Err(SnapshotError::TablesMismatch(format!(
                "the snapshot has {} tables, the target {}",
                reader.n_tables(),
                tables.len()
            )));
        }
        // The snapshot's order is the target's: both come from `table_order` on one schema.
        for table in &tables {
            let header = reader.next_table()?.ok_or_else(|| {
                SnapshotError::TablesMismatch(format!("table {} is missing", table.name))
            })?;
            if header.name != table.name {
                return Err(SnapshotError::TablesMismatch(format!(
                    "expected table {}, found {}",
                    table.name, header.name
                )));
            }
            check_columns(&header, table)?;
            let names: Vec<String> = header.columns.iter().map(|(name, _)| quote(name)).collect();
            let per_insert = rows_per_insert(names.len());
            let full_sql = insert_sql(&table.name, &names, per_insert);
            let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_insert);
            loop {
                let row = reader.next_row()?;
                let done = row.is_none();
                batch.extend(row);
                if batch.is_empty() || (!done && batch.len() < per_insert) {
                    if done {
                        break;
                    }
                    continue;
                }
                let partial;
                let sql = if batch.len() == per_insert {
                    &full_sql
                } else {
                    partial = insert_sql(&table.name, &names, batch.len());
                    &partial
                };
                let mut query = sqlx::query(sql);
                for values in batch.drain(..) {
                    for (value, (_, kind)) in values.into_iter().zip(&header.columns) {
                        query = match (value, kind) {
                            (Value::Null, ColumnType::Integer) => query.bind(None::<i64>),
                            (Value::Null, ColumnType::Text) => query.bind(None::<String>),
                            (Value::Null, ColumnType::Bytes) => query.bind(None::<Vec<u8>>),
                            (Value::Integer(number), _) => query.bind(number),
                            (Value::Text(text), _) => query.bind(text),
                            (Value::Bytes(bytes), _) => query.bind(bytes),
                        };
                    }
                }
                query.execute(&mut *tx).await.map_err(|error| {
                    rejected_row(&table.name, &error)
                        .unwrap_or_else(|| SnapshotError::Store(backend("loading rows", &error)))
                })?;
                if done {
                    break;
                }
            }
            if header.sequence > 0 {
                set_sequence(&mut tx, &table.name, header.sequence).await?;
            }
            let loaded = count(&mut tx, &table.name).await?;
            if loaded != header.rows {
                return Err(SnapshotError::TablesMismatch(format!(
                    "table {}: {loaded} rows loaded of {}",
                    table.name, header.rows
                )));
            }
        }
        if reader.next_table()?.is_some() {
            return Err(SnapshotError::TablesMismatch(
                "the snapshot has more tables than the target".into(),
            ));
        }
        let summary = reader.summary();
        tx.commit()
            .await
            .map_err(|error| backend("committing the snapshot", &error))?;
        Ok(summary)
    }

    async fn table_counts(&self) -> Result<SnapshotSummary, SnapshotError> {
        let mut tx = self.read().await?;
        let schema = schema_version(&mut tx).await?;
        let mut counts = Vec::new();
        for table in tables(&mut tx).await? {
            let rows = count(&mut tx, &table.name).await?;
            counts.push((table.name, rows));
        }
        tx.rollback()
            .await
            .map_err(|error| backend("ending the read", &error))?;
        Ok(SnapshotSummary {
            schema,
            tables: counts,
        })
    }
}

/// A constraint the snapshot's rows break: they were not one consistent database.
fn rejected_row(table: &str, error: &sqlx::Error) -> Option<SnapshotError> {
    let sqlx::Error::Database(database) = error else {
        return None;
    };
    Some(SnapshotError::TablesMismatch(format!(
        "a row of table {table} breaks a constraint of the target ({})",
        database.code().unwrap_or_default()
    )))
}

async fn schema_version(connection: &mut SqliteConnection) -> Result<i64, StoreError> {
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("reading the schema version", &error))?;
    version.ok_or_else(|| StoreError::Corrupt("no migration recorded".into()))
}

/// Every table of the schema but SQLite's and the migrator's own, in snapshot order.
async fn tables(connection: &mut SqliteConnection) -> Result<Vec<Table>, SnapshotError> {
    let rows = sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| backend("listing tables", &error))?;
    let mut tables = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.get(0);
        let sql: String = row.get(1);
        let columns =
            sqlx::query("SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut *connection)
                .await
                .map_err(|error| backend("listing columns", &error))?;
        let mut table = Table {
            name: name.clone(),
            columns: Vec::new(),
            key: Vec::new(),
            identity: None,
            references: Default::default(),
        };
        let mut key: Vec<(i64, String)> = Vec::new();
        for column in columns {
            let column_name: String = column.get(0);
            let declared: String = column.get(1);
            let position: i64 = column.get(2);
            let kind = if declared.contains("INT") {
                ColumnType::Integer
            } else if declared.contains("TEXT") {
                ColumnType::Text
            } else if declared.contains("BLOB") {
                ColumnType::Bytes
            } else {
                return Err(SnapshotError::TablesMismatch(format!(
                    "column {name}.{column_name} has an unsupported type"
                )));
            };
            if position > 0 {
                key.push((position, column_name.clone()));
            }
            table.columns.push((column_name, kind));
        }
        key.sort();
        table.key = key.into_iter().map(|(_, column)| column).collect();
        // Only an INTEGER PRIMARY KEY can be AUTOINCREMENT.
        if sql.to_ascii_uppercase().contains("AUTOINCREMENT") && table.key.len() == 1 {
            table.identity = table.key.first().cloned();
        }
        let parents: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)")
                .bind(&name)
                .fetch_all(&mut *connection)
                .await
                .map_err(|error| backend("listing foreign keys", &error))?;
        table.references = parents.into_iter().collect();
        tables.push(table);
    }
    table_order(tables)
}

async fn count(connection: &mut SqliteConnection, table: &str) -> Result<u64, StoreError> {
    let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quote(table)))
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("counting rows", &error))?;
    u64::try_from(rows).map_err(|_| StoreError::Corrupt("a negative count".into()))
}

/// The last number `AUTOINCREMENT` handed out in `table`, which may exceed its largest row.
async fn sequence(connection: &mut SqliteConnection, table: &Table) -> Result<i64, StoreError> {
    if table.identity.is_none() {
        return Ok(0);
    }
    let sequence: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?")
            .bind(&table.name)
            .fetch_optional(&mut *connection)
            .await
            .map_err(|error| backend("reading a sequence", &error))?;
    Ok(sequence.unwrap_or(0))
}

async fn set_sequence(
    connection: &mut SqliteConnection,
    table: &str,
    sequence: i64,
) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?")
        .bind(sequence)
        .bind(table)
        .execute(&mut *connection)
        .await
        .map_err(|error| backend("setting a sequence", &error))?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)")
            .bind(table)
            .bind(sequence)
            .execute(&mut *connection)
            .await
            .map_err(|error| backend("setting a sequence", &error))?;
    }
    Ok(())
}

/// `INSERT` of `n_rows` rows of `columns` (already quoted).
fn insert_sql(table: &str, columns: &[String], n_rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        quote(table),
        columns.join(", "),
        vec![row; n_rows].join(", ")
    )
}

/// Every column, in primary key order; a table without a key is ordered by all its columns
/// (NULLs first and text by bytes, as PostgreSQL's export orders it).
fn select_sql(table: &Table) -> String {
    let columns: Vec<String> = table.columns.iter().map(|(name, _)| quote(name)).collect();
    let order: Vec<String> = if table.key.is_empty() {
        columns.clone()
    } else {
        table.key.iter().map(|name| quote(name)).collect()
    };
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        quote(&table.name),
        order.join(", ")
    )
}

fn decode_row(row: &SqliteRow, table: &Table) -> Result<Vec<Value>, StoreError> {
    let corrupt = |column: &str| StoreError::Corrupt(format!("{}.{column}", table.name));
    let mut values = Vec::with_capacity(table.columns.len());
    for (index, (name, kind)) in table.columns.iter().enumerate() {
        let value = match kind {
            ColumnType::Integer => row
                .try_get::<Option<i64>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Integer),
            ColumnType::Text => row
                .try_get::<Option<String>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Text),
            ColumnType::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Bytes),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(values)
}

/// An identifier from the catalog, quoted.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
