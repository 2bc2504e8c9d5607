//! A backend-neutral snapshot of every table of the metadata store, for backups and for moving
//! an installation from one backend to another.
//!
//! A backend implements [`Snapshot`]: it writes every table, inside one read transaction, with
//! [`SnapshotWriter`], and loads a snapshot into an empty database, inside one write
//! transaction, with [`SnapshotReader`]. SQL stays in the backend crates; the stream format is
//! here, so both backends write and read exactly the same bytes.
//!
//! # Format (version 1)
//! JSON lines, UTF-8:
//! 1. a header: `{"format":"pli-snapshot","version":1,"schema":S,"tables":N}` where `S` is the
//!    version of the latest migration applied (the same names on every backend);
//! 2. for each table, in an order where a table comes after those it references:
//!    `{"table":T,"columns":[[NAME,TYPE],...],"identity":C|null,"sequence":Q,"rows":R}` with
//!    `TYPE` one of `integer`, `text`, `bytes`; `identity` the column numbered by the database
//!    and `sequence` the last number it handed out (0 if none), so numbers are never reused
//!    after a restore;
//! 3. then its `R` rows, one JSON array per line in primary key order: integers as numbers,
//!    text as strings, bytes as lowercase hex strings, `null` for NULL;
//! 4. a trailer: `{"end":true,"tables":N,"rows":TOTAL}`. A stream without it is truncated.
//!
//! Flags (PostgreSQL `BOOLEAN`, SQLite `INTEGER` 0/1) are integers here.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use async_trait::async_trait;
use serde_json::{Value as Json, json};

use crate::StoreError;

/// Version of the stream format written by [`SnapshotWriter`].
pub const SNAPSHOT_FORMAT: u64 = 1;

/// Longest line a reader accepts (a row holding a monitor baseline or a policy text is far
/// smaller); a longer one is refused rather than read into memory.
pub const MAX_LINE: usize = 64 << 20;

/// Bound parameters per `INSERT` when loading: under SQLite's limit (32,766) and
/// PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// Rows a backend inserts per statement when loading a table of `n_columns` columns: one
/// round trip for many rows, and few enough parameters for any backend.
pub fn rows_per_insert(n_columns: usize) -> usize {
    (MAX_PARAMETERS / n_columns.max(1)).clamp(1, 256)
}

/// A store that can write and load a [`SnapshotWriter`] stream.
#[async_trait]
pub trait Snapshot: crate::Store {
    /// Writes every table to `out`, inside one read transaction (one consistent state).
    async fn export_snapshot(
        &self,
        out: &mut (dyn Write + Send),
    ) -> Result<SnapshotSummary, SnapshotError>;

    /// Loads a snapshot into this store, which must be empty and at the snapshot's schema
    /// version, inside one transaction: on any error nothing is written.
    async fn import_snapshot(
        &self,
        input: &mut (dyn BufRead + Send),
    ) -> Result<SnapshotSummary, SnapshotError>;

    /// Rows per table (every table of the schema), in snapshot order.
    async fn table_counts(&self) -> Result<SnapshotSummary, SnapshotError>;
}

/// What a snapshot holds: the schema version and the rows of each table, in snapshot order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotSummary {
    pub schema: i64,
    pub tables: Vec<(String, u64)>,
}

impl SnapshotSummary {
    /// Rows of every table.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }

    /// Rows of `table`, if the snapshot has it.
    pub fn rows_of(&self, table: &str) -> Option<u64> {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map(|(_, rows)| *rows)
    }
}

/// Errors of writing or loading a snapshot.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The stream is not a valid snapshot (truncated, malformed, or with a row that does not
    /// fit its table). `line` counts from 1.
    #[error("invalid snapshot, line {line}: {what}")]
    Invalid { line: u64, what: String },
    /// The snapshot was made at another schema version than the target's.
    #[error(
        "the snapshot is of schema version {snapshot}, the target database is at {target}: restore with the release that made it"
    )]
    SchemaMismatch { snapshot: i64, target: i64 },
    /// The snapshot's tables or columns are not the target's.
    #[error("the snapshot does not match the target's schema: {0}")]
    TablesMismatch(String),
    /// The target already holds rows; a snapshot loads only into an empty database.
    #[error("the target database is not empty (table {0} has rows)")]
    NotEmpty(String),
    /// Reading or writing the stream failed.
    #[error("snapshot stream: {0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The neutral type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Text,
    Bytes,
}

impl ColumnType {
    fn name(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Text => "text",
            ColumnType::Bytes => "bytes",
        }
    }

    fn parse(name: &str) -> Option<ColumnType> {
        match name {
            "integer" => Some(ColumnType::Integer),
            "text" => Some(ColumnType::Text),
            "bytes" => Some(ColumnType::Bytes),
            _ => None,
        }
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A table as a backend describes it from its catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// Columns in the database's order.
    pub columns: Vec<(String, ColumnType)>,
    /// The primary key's columns, in key order (empty for a table without one).
    pub key: Vec<String>,
    /// The column the database numbers itself (SQLite `AUTOINCREMENT`, PostgreSQL identity).
    pub identity: Option<String>,
    /// Tables this one references.
    pub references: BTreeSet<String>,
}

/// A table of a snapshot stream, as written before its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableHeader {
    pub name: String,
    pub columns: Vec<(String, ColumnType)>,
    pub identity: Option<String>,
    /// Last number the identity column handed out; 0 if none.
    pub sequence: i64,
    pub rows: u64,
}

/// Orders tables so that each comes after the tables it references (ties by name): the order
/// rows are written and loaded in, so foreign keys hold at every insert. Fails on a cycle.
pub fn table_order(tables: Vec<Table>) -> Result<Vec<Table>, SnapshotError> {
    let mut pending: BTreeMap<String, Table> = tables
        .into_iter()
        .map(|table| (table.name.clone(), table))
        .collect();
    let mut ordered: Vec<Table> = Vec::with_capacity(pending.len());
    let mut placed: BTreeSet<String> = BTreeSet::new();
    while !pending.is_empty() {
        let ready = pending
            .values()
            .find(|table| {
                table
                    .references
                    .iter()
                    .all(|parent| parent == &table.name || placed.contains(parent))
            })
            .map(|table| table.name.clone());
        let Some(name) = ready else {
            return Err(SnapshotError::TablesMismatch(
                "tables reference each other in a cycle".into(),
            ));
        };
        if let Some(table) = pending.remove(&name) {
            placed.insert(name);
            ordered.push(table);
        }
    }
    Ok(ordered)
}

/// Checks that a snapshot's table has exactly the columns (names and types) of the target's.
pub fn check_columns(header: &TableHeader, table: &Table) -> Result<(), SnapshotError> {
    let wanted: BTreeMap<&str, ColumnType> = table
        .columns
        .iter()
        .map(|(name, kind)| (name.as_str(), *kind))
        .collect();
    let given: BTreeMap<&str, ColumnType> = header
        .columns
        .iter()
        .map(|(name, kind)| (name.as_str(), *kind))
        .collect();
    if wanted != given || given.len() != header.columns.len() {
        return Err(SnapshotError::TablesMismatch(format!(
            "the columns of table {} differ",
            table.name
        )));
    }
    if header.identity != table.identity {
        return Err(SnapshotError::TablesMismatch(format!(
            "the numbered column of table {} differs",
            table.name
        )));
    }
    Ok(())
}

/// Writes a snapshot stream: [`SnapshotWriter::new`], then for each table
/// [`SnapshotWriter::table`] and its rows, then [`SnapshotWriter::finish`].
pub struct SnapshotWriter<'a> {
    out: &'a mut (dyn Write + Send),
    schema: i64,
    n_tables: usize,
    tables: Vec<(String, u64)>,
    /// Rows the current table still owes.
    owed: u64,
}

impl<'a> SnapshotWriter<'a> {
    /// Writes the header of a snapshot of `n_tables` tables at schema version `schema`.
    pub fn new(
        out: &'a mut (dyn Write + Send),
        schema: i64,
        n_tables: usize,
    ) -> Result<SnapshotWriter<'a>, SnapshotError> {
        let header = json!({
            "format": "pli-snapshot",
            "version": SNAPSHOT_FORMAT,
            "schema": schema,
            "tables": n_tables,
        });
        write_line(out, &header)?;
        Ok(SnapshotWriter {
            out,
            schema,
            n_tables,
            tables: Vec::new(),
            owed: 0,
        })
    }

    /// Starts a table; exactly `header.rows` rows must follow.
    pub fn table(&mut self, header: &TableHeader) -> Result<(), SnapshotError> {
        self.expect_no_rows_owed()?;
        let columns: Vec<Json> = header
            .columns
            .iter()
            .map(|(name, kind)| json!([name, kind.name()]))
            .collect();
        let line = json!({
            "table": header.name,
            "columns": columns,
            "identity": header.identity,
            "sequence": header.sequence,
            "rows": header.rows,
        });
        write_line(self.out, &line)?;
        self.tables.push((header.name.clone(), header.rows));
        self.owed = header.rows;
        Ok(())
    }

    /// Writes one row of the current table.
    pub fn row(&mut self, values: &[Value]) -> Result<(), SnapshotError> {
        if self.owed == 0 {
            // The table changed under a transaction that should have frozen it.
            return Err(SnapshotError::Store(StoreError::Backend(
                "more rows than counted in one snapshot".into(),
            )));
        }
        self.owed -= 1;
        let row: Vec<Json> = values
            .iter()
            .map(|value| match value {
                Value::Null => Json::Null,
                Value::Integer(number) => json!(number),
                Value::Text(text) => json!(text),
                Value::Bytes(bytes) => json!(hex::encode(bytes)),
            })
            .collect();
        write_line(self.out, &Json::Array(row))
    }

    /// Writes the trailer and returns what was written.
    pub fn finish(self) -> Result<SnapshotSummary, SnapshotError> {
        self.expect_no_rows_owed()?;
        if self.tables.len() != self.n_tables {
            return Err(SnapshotError::Store(StoreError::Backend(
                "fewer tables written than announced".into(),
            )));
        }
        let summary = SnapshotSummary {
            schema: self.schema,
            tables: self.tables,
        };
        let trailer = json!({ "end": true, "tables": self.n_tables, "rows": summary.rows() });
        write_line(self.out, &trailer)?;
        self.out.flush()?;
        Ok(summary)
    }

    fn expect_no_rows_owed(&self) -> Result<(), SnapshotError> {
        if self.owed != 0 {
            return Err(SnapshotError::Store(StoreError::Backend(
                "fewer rows than counted in one snapshot".into(),
            )));
        }
        Ok(())
    }
}

/// Reads a snapshot stream, checking its structure as it goes: [`SnapshotReader::open`], then
/// [`SnapshotReader::next_table`] and [`SnapshotReader::next_row`] until `next_table` gives
/// `None` (which it does only after a valid trailer).
pub struct SnapshotReader<'a> {
    input: &'a mut (dyn BufRead + Send),
    line: u64,
    schema: i64,
    n_tables: u64,
    tables: Vec<(String, u64)>,
    columns: Vec<ColumnType>,
    /// Rows of the current table still to read.
    owed: u64,
    buffer: Vec<u8>,
}

impl<'a> SnapshotReader<'a> {
    /// Reads and checks the header.
    pub fn open(input: &'a mut (dyn BufRead + Send)) -> Result<SnapshotReader<'a>, SnapshotError> {
        let mut reader = SnapshotReader {
            input,
            line: 0,
            schema: 0,
            n_tables: 0,
            tables: Vec::new(),
            columns: Vec::new(),
            owed: 0,
            buffer: Vec::new(),
        };
        let header = reader
            .next_json()?
            .ok_or_else(|| reader.invalid("empty stream"))?;
        if header.get("format").and_then(Json::as_str) != Some("pli-snapshot") {
            return Err(reader.invalid("not a Pli snapshot"));
        }
        match header.get("version").and_then(Json::as_u64) {
            Some(SNAPSHOT_FORMAT) => {}
            Some(other) => {
                return Err(reader.invalid(&format!(
                    "format version {other}, this release reads {SNAPSHOT_FORMAT}"
                )));
            }
            None => return Err(reader.invalid("no format version")),
        }
        reader.schema = header
            .get("schema")
            .and_then(Json::as_i64)
            .ok_or_else(|| reader.invalid("no schema version"))?;
        reader.n_tables = header
            .get("tables")
            .and_then(Json::as_u64)
            .ok_or_else(|| reader.invalid("no table count"))?;
        Ok(reader)
    }

    /// The schema version the snapshot was made at.
    pub fn schema(&self) -> i64 {
        self.schema
    }

    /// Tables the snapshot announces.
    pub fn n_tables(&self) -> u64 {
        self.n_tables
    }

    /// The next table, after every row of the current one was read; `None` after the trailer.
    pub fn next_table(&mut self) -> Result<Option<TableHeader>, SnapshotError> {
        if self.owed != 0 {
            return Err(self.invalid("a table is followed by fewer rows than it announces"));
        }
        let line = self
            .next_json()?
            .ok_or_else(|| self.invalid("truncated: no end line"))?;
        if line.get("end").is_some() {
            return self.check_trailer(&line).map(|()| None);
        }
        let name = line
            .get("table")
            .and_then(Json::as_str)
            .ok_or_else(|| self.invalid("expected a table or the end line"))?
            .to_owned();
        let mut columns = Vec::new();
        for column in line
            .get("columns")
            .and_then(Json::as_array)
            .ok_or_else(|| self.invalid("a table without columns"))?
        {
            let pair = column.as_array().map(Vec::as_slice);
            let Some([column_name, kind]) = pair else {
                return Err(self.invalid("a column is not [name, type]"));
            };
            let column_name = column_name
                .as_str()
                .ok_or_else(|| self.invalid("a column name is not text"))?;
            let kind = kind
                .as_str()
                .and_then(ColumnType::parse)
                .ok_or_else(|| self.invalid("unknown column type"))?;
            columns.push((column_name.to_owned(), kind));
        }
        let identity = match line.get("identity") {
            None | Some(Json::Null) => None,
            Some(Json::String(column)) => Some(column.clone()),
            Some(_) => return Err(self.invalid("identity is not a column name")),
        };
        let sequence = line
            .get("sequence")
            .and_then(Json::as_i64)
            .ok_or_else(|| self.invalid("a table without its sequence"))?;
        let rows = line
            .get("rows")
            .and_then(Json::as_u64)
            .ok_or_else(|| self.invalid("a table without its row count"))?;
        if self.tables.len() as u64 >= self.n_tables {
            return Err(self.invalid("more tables than the header announces"));
        }
        self.tables.push((name.clone(), rows));
        self.columns = columns.iter().map(|(_, kind)| *kind).collect();
        self.owed = rows;
        Ok(Some(TableHeader {
            name,
            columns,
            identity,
            sequence,
            rows,
        }))
    }

    /// The next row of the current table, its values in the table header's column order;
    /// `None` once the table's rows are all read.
    pub fn next_row(&mut self) -> Result<Option<Vec<Value>>, SnapshotError> {
        if self.owed == 0 {
            return Ok(None);
        }
        let line = self
            .next_json()?
            .ok_or_else(|| self.invalid("truncated: a table is missing rows"))?;
        let Json::Array(items) = line else {
            return Err(self.invalid("expected a row"));
        };
        if items.len() != self.columns.len() {
            return Err(self.invalid("a row does not have its table's columns"));
        }
        let mut values = Vec::with_capacity(items.len());
        for (item, kind) in items.into_iter().zip(self.columns.iter().copied()) {
            let value = match (item, kind) {
                (Json::Null, _) => Value::Null,
                (Json::Number(number), ColumnType::Integer) => Value::Integer(
                    number
                        .as_i64()
                        .ok_or_else(|| self.invalid("an integer out of range"))?,
                ),
                (Json::String(text), ColumnType::Text) => Value::Text(text),
                (Json::String(text), ColumnType::Bytes) => Value::Bytes(
                    hex::decode(&text).map_err(|_| self.invalid("bytes that are not hex"))?,
                ),
                _ => return Err(self.invalid("a value of the wrong type")),
            };
            values.push(value);
        }
        self.owed -= 1;
        Ok(Some(values))
    }

    /// What was read: valid only once `next_table` returned `None`.
    pub fn summary(&self) -> SnapshotSummary {
        SnapshotSummary {
            schema: self.schema,
            tables: self.tables.clone(),
        }
    }

    fn check_trailer(&mut self, line: &Json) -> Result<(), SnapshotError> {
        let total: u64 = self.tables.iter().map(|(_, rows)| rows).sum();
        if line.get("end") != Some(&Json::Bool(true))
            || line.get("tables").and_then(Json::as_u64) != Some(self.n_tables)
            || self.tables.len() as u64 != self.n_tables
            || line.get("rows").and_then(Json::as_u64) != Some(total)
        {
            return Err(self.invalid("the end line does not match what was read"));
        }
        if self.next_json()?.is_some() {
            return Err(self.invalid("data after the end line"));
        }
        Ok(())
    }

    /// The next line as JSON; `None` at the end of the stream.
    fn next_json(&mut self) -> Result<Option<Json>, SnapshotError> {
        self.buffer.clear();
        let limit = (MAX_LINE + 1) as u64;
        let n_read =
            std::io::Read::take(&mut *self.input, limit).read_until(b'\n', &mut self.buffer)?;
        if n_read == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buffer.last() != Some(&b'\n') {
            return Err(if self.buffer.len() > MAX_LINE {
                self.invalid("a line is too long")
            } else {
                self.invalid("truncated: the last line is cut")
            });
        }
        serde_json::from_slice(&self.buffer)
            .map(Some)
            .map_err(|_| self.invalid("a line is not JSON"))
    }

    fn invalid(&self, what: &str) -> SnapshotError {
        SnapshotError::Invalid {
            line: self.line,
            what: what.to_owned(),
        }
    }
}

fn write_line(out: &mut (dyn Write + Send), value: &Json) -> Result<(), SnapshotError> {
    let mut bytes = serde_json::to_vec(value)
        .map_err(|error| SnapshotError::Io(std::io::Error::other(error)))?;
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn sample() -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        let mut writer = SnapshotWriter::new(&mut out, 42, 2).unwrap();
        writer
            .table(&TableHeader {
                name: "orgs".into(),
                columns: vec![
                    ("id".into(), ColumnType::Bytes),
                    ("name".into(), ColumnType::Text),
                ],
                identity: None,
                sequence: 0,
                rows: 2,
            })
            .unwrap();
        writer
            .row(&[
                Value::Bytes(vec![0, 255]),
                Value::Text("Hôpital \"Nord\"\n".into()),
            ])
            .unwrap();
        writer.row(&[Value::Bytes(vec![]), Value::Null]).unwrap();
        writer
            .table(&TableHeader {
                name: "events".into(),
                columns: vec![("seq".into(), ColumnType::Integer)],
                identity: Some("seq".into()),
                sequence: 9,
                rows: 1,
            })
            .unwrap();
        writer.row(&[Value::Integer(i64::MIN)]).unwrap();
        writer.finish().unwrap();
        out
    }

    type Tables = Vec<(TableHeader, Vec<Vec<Value>>)>;

    fn read_all(bytes: &[u8]) -> Result<Tables, SnapshotError> {
        let mut input: &[u8] = bytes;
        let mut reader = SnapshotReader::open(&mut input)?;
        let mut tables = Vec::new();
        while let Some(header) = reader.next_table()? {
            let mut rows = Vec::new();
            while let Some(row) = reader.next_row()? {
                rows.push(row);
            }
            tables.push((header, rows));
        }
        Ok(tables)
    }

    #[test]
    fn a_snapshot_reads_back_as_written() {
        let tables = read_all(&sample()).unwrap();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0.name, "orgs");
        assert_eq!(
            tables[0].1,
            vec![
                vec![
                    Value::Bytes(vec![0, 255]),
                    Value::Text("Hôpital \"Nord\"\n".into())
                ],
                vec![Value::Bytes(vec![]), Value::Null],
            ]
        );
        assert_eq!(tables[1].0.identity.as_deref(), Some("seq"));
        assert_eq!(tables[1].0.sequence, 9);
        assert_eq!(tables[1].1, vec![vec![Value::Integer(i64::MIN)]]);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            let result = read_all(&bytes[..cut]);
            assert!(
                matches!(result, Err(SnapshotError::Invalid { .. })),
                "a snapshot cut at byte {cut} was accepted"
            );
        }
    }

    #[test]
    fn malformed_streams_are_refused() {
        let text = String::from_utf8(sample()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let with = |index: usize, replacement: &str| {
            let mut changed = lines.clone();
            changed[index] = replacement;
            format!("{}\n", changed.join("\n"))
        };
        let cases = [
            with(
                0,
                r#"{"format":"other","version":1,"schema":42,"tables":2}"#,
            ),
            with(
                0,
                r#"{"format":"pli-snapshot","version":2,"schema":42,"tables":2}"#,
            ),
            with(2, r#"["00ff", 7]"#),
            with(2, r#"["0g", "x"]"#),
            with(2, r#"["00ff"]"#),
            with(3, r#"{"table":"x"}"#),
            with(5, r#"[1.5]"#),
            with(6, r#"{"end":true,"tables":2,"rows":4}"#),
            format!("{text}[1]\n"),
            text.replace("\"rows\":2", "\"rows\":3"),
            text.replace("\"rows\":2", "\"rows\":1"),
        ];
        for (index, case) in cases.iter().enumerate() {
            assert!(
                matches!(
                    read_all(case.as_bytes()),
                    Err(SnapshotError::Invalid { .. })
                ),
                "case {index} was accepted: {case}"
            );
        }
    }

    #[test]
    fn tables_come_after_those_they_reference() {
        let table = |name: &str, references: &[&str]| Table {
            name: name.into(),
            columns: Vec::new(),
            key: Vec::new(),
            identity: None,
            references: references.iter().map(|name| name.to_string()).collect(),
        };
        let ordered = table_order(vec![
            table("wraps", &["keys", "accounts"]),
            table("keys", &["mailboxes"]),
            table("accounts", &["orgs"]),
            table("mailboxes", &["orgs"]),
            table("orgs", &[]),
            table("tree", &["tree"]),
        ])
        .unwrap();
        let names: Vec<&str> = ordered.iter().map(|table| table.name.as_str()).collect();
        assert_eq!(
            names,
            ["orgs", "accounts", "mailboxes", "keys", "tree", "wraps"]
        );
        assert!(table_order(vec![table("a", &["b"]), table("b", &["a"])]).is_err());
    }
}
