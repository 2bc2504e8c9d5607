//! A throwaway PostgreSQL server for the tests, or the one named by `PLI_TEST_POSTGRES_URL`.
//!
//! Without `PLI_TEST_POSTGRES_URL`, the first test to ask starts a server from the PostgreSQL
//! binaries (Debian's `postgresql` package: `/usr/lib/postgresql/*/bin`, or `PLI_TEST_POSTGRES_BIN`):
//! `initdb` into a new directory under the system's temporary directory, then `pg_ctl start`
//! on a free loopback port with its unix socket in that directory. PostgreSQL refuses to run
//! as root, so as root both run as the `postgres` user (`runuser`), which gets the directory.
//! A small shell guardian owns the server: it stops it and removes the directory as soon as
//! this test process ends (its standard input, a pipe from us, closes), even on a crash.
//!
//! Each fixture gets a fresh database (`CREATE DATABASE`) on that server.
//!
//! Missing binaries fail the tests with a message saying what to install, unless
//! `PLI_TEST_POSTGRES=skip`, which skips them (see [`skip_requested`]).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;

/// A running server: the URL of its administration database.
pub struct Cluster {
    admin_url: String,
    /// Held open for the life of the process: its end tells the guardian to stop the server.
    _guardian: Option<ChildStdin>,
}

impl Cluster {
    /// The server of this test process, started at the first call.
    pub fn get() -> &'static Cluster {
        static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
        match CLUSTER.get_or_init(Cluster::start) {
            Ok(cluster) => cluster,
            Err(message) => panic!("{message}"),
        }
    }

    /// A URL of the administration database.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// Creates an empty database and returns its URL.
    pub async fn fresh_database(&self) -> String {
        use sqlx::Connection;
        let name = format!("pli_test_{}", pli_store::Id::random());
        let mut admin = sqlx::PgConnection::connect(&self.admin_url)
            .await
            .unwrap_or_else(|error| panic!("connecting to the test PostgreSQL server: {error}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        with_database(&self.admin_url, &name)
    }

    fn start() -> Result<Cluster, String> {
        if let Ok(url) = std::env::var("PLI_TEST_POSTGRES_URL") {
            return Ok(Cluster {
                admin_url: url,
                _guardian: None,
            });
        }
        let bin = binaries().ok_or_else(|| {
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's \
             `postgresql` package (they live in /usr/lib/postgresql/*/bin), or set \
             PLI_TEST_POSTGRES_BIN to their directory, or PLI_TEST_POSTGRES_URL to a \
             throwaway server; PLI_TEST_POSTGRES=skip skips these tests"
                .to_owned()
        })?;
        let dir = std::env::temp_dir().join(format!(
            "pli-pg-{}-{}",
            std::process::id(),
            pli_store::Id::random()
        ));
        std::fs::create_dir_all(dir.join("sock")).map_err(|error| error.to_string())?;
        let as_root = is_root();
        if as_root {
            run(Command::new("chown").arg("-R").arg("postgres:").arg(&dir))?;
        }
        let initdb = bin.join("initdb");
        run(as_postgres(as_root, &initdb)
            .arg("-D")
            .arg(dir.join("data"))
            .args([
                "-U",
                "pli",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]))?;
        let port = free_port()?;
        let script = r#"
            "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $3 -k $2/sock" start >/dev/null || { cat "$2/server.log" >&2; exit 1; }
            echo ready
            read ignored || true
            "$1/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1
            rm -rf "$2" 2>/dev/null || { sleep 1; rm -rf "$2"; }
        "#;
        let mut guardian = as_postgres(as_root, Path::new("sh"))
            .arg("-c")
            .arg(script)
            .arg("guardian")
            .arg(&bin)
            .arg(&dir)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("starting PostgreSQL: {error}"))?;
        let stdout = guardian.stdout.take().ok_or("no guardian stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|error| error.to_string())?;
        if line.trim() != "ready" {
            let mut stderr = String::new();
            if let Some(mut pipe) = guardian.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return Err(format!("PostgreSQL did not start: {stderr}"));
        }
        Ok(Cluster {
            admin_url: format!("postgres://pli@127.0.0.1:{port}/postgres"),
            _guardian: guardian.stdin.take(),
        })
    }
}

/// Whether the PostgreSQL tests are skipped on purpose (`PLI_TEST_POSTGRES=skip`) on a machine
/// without the binaries and without `PLI_TEST_POSTGRES_URL`.
pub fn skip_requested() -> bool {
    std::env::var("PLI_TEST_POSTGRES").as_deref() == Ok("skip")
        && std::env::var_os("PLI_TEST_POSTGRES_URL").is_none()
        && binaries().is_none()
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |at| at + 3);
    let server = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

fn binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PLI_TEST_POSTGRES_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

fn as_postgres(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|error| format!("running {command:?}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    Ok(listener
        .local_addr()
        .map_err(|error| error.to_string())?
        .port())
}

#[test]
fn database_names_replace_the_path() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres", "x"),
        "postgres://u:p@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@127.0.0.1/postgres?sslmode=disable", "x"),
        "postgres://u@127.0.0.1/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://127.0.0.1", "x"),
        "postgres://127.0.0.1/x"
    );
}
