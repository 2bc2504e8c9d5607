//! End-to-end tests of the `pli` binary against a real `pli serve` child process on loopback,
//! each user in its own `PLI_HOME`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod backend;
mod canary;
mod errors;
mod external;
mod hostile;
mod keys;
mod mailbox_keys;
mod ops;
mod policy;
mod receipts;
mod requests;
mod resume;
mod scale;
mod scan;
mod second_factor;
mod tls;
mod tour;
mod transparency;
mod witnesses;

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use tempfile::TempDir;

use crate::backend::Backend;

const PLI: &str = env!("CARGO_BIN_EXE_pli");

/// Whether this run is on PostgreSQL and S3, where a test that edits the SQLite database or
/// reads the data directory's blobs directly (tampering, hostile stores, offline commands on
/// the data directory) does not apply: it then says so and the test returns. Everything such a
/// test checks through the API runs on both backends in the other tests.
pub fn sqlite_only() -> bool {
    let scaled = std::env::var("PLI_TEST_BACKEND").as_deref() == Ok("postgres-s3");
    if scaled {
        eprintln!(
            "not on PostgreSQL + S3: this test edits the SQLite database or the data directory"
        );
    }
    scaled
}

/// The outcome of one `pli` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout without its final newline.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "pli failed: {self:#?}");
        self.stdout.trim_end_matches('\n')
    }

    /// Asserts exit status 1 and returns stderr.
    #[track_caller]
    pub fn fails(&self) -> &str {
        assert_eq!(self.code, 1, "expected a failure: {self:#?}");
        assert!(self.stderr.starts_with("error: "), "{self:#?}");
        &self.stderr
    }
}

/// A `pli` command with a clean environment: no inherited profile, password or log settings.
pub fn pli(home: Option<&Path>) -> Command {
    let mut command = Command::new(PLI);
    for variable in [
        "PLI_HOME",
        "PLI_PASSWORD",
        "PLI_DATA",
        "PLI_LISTEN",
        "PLI_TLS_CERT",
        "PLI_TLS_KEY",
        "PLI_CA_CERT",
        "PLI_TOTP",
        "RUST_LOG",
    ] {
        command.env_remove(variable);
    }
    // Never fall back on the real ~/.config/pli of whoever runs the tests.
    command.env("HOME", "/nonexistent");
    if let Some(home) = home {
        command.env("PLI_HOME", home);
    }
    command.stdin(Stdio::null());
    command
}

/// A running `pli serve` on a fresh data directory, and on the backend `PLI_TEST_BACKEND`
/// names (`backend.rs`); killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    pub data: TempDir,
    /// Everything the server wrote on stderr (its log).
    pub log: Arc<Mutex<Vec<u8>>>,
    pub backend: Backend,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Starts with extra `pli serve` arguments, such as TLS files.
    pub fn start_with(extra: &[&Path]) -> Server {
        Server::start_env(extra, &[])
    }

    /// Starts with extra arguments and environment variables (such as `RUST_LOG`).
    pub fn start_env(extra: &[&Path], env: &[(&str, &str)]) -> Server {
        let extra: Vec<&std::ffi::OsStr> = extra.iter().map(|path| path.as_os_str()).collect();
        let envs: Vec<(&str, String)> = env
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect();
        Server::launch(
            tempfile::tempdir().unwrap(),
            Backend::fresh(),
            &extra,
            &envs,
        )
    }

    /// Starts on an existing data directory, with extra `pli serve` arguments (which name the
    /// database and blob store when they are not the data directory's) and environment
    /// variables.
    pub fn start_on(data: TempDir, extra: &[&std::ffi::OsStr], envs: &[(&str, String)]) -> Server {
        Server::launch(data, Backend::embedded(), extra, envs)
    }

    fn launch(
        data: TempDir,
        backend: Backend,
        extra: &[&std::ffi::OsStr],
        envs: &[(&str, String)],
    ) -> Server {
        let mut child = pli(None)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .args(backend.serve_args())
            .args(extra)
            .envs(backend.envs.iter().map(|(name, value)| (*name, value)))
            .envs(envs.iter().map(|(name, value)| (*name, value)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log is drained from the start: a server logging at debug level writes more than
        // a pipe holds before it listens (every migration, for one), and would wait forever.
        let mut stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        let drain = std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            loop {
                match stderr.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => kept
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .extend_from_slice(&buffer[..n]),
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let Some(url) = line.trim().strip_prefix("Listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            let _ = drain.join();
            let stderr = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
            panic!("the server did not start: {line:?} {stderr}");
        };
        let url = url.to_owned();
        // Keep draining the server's output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Server {
            child,
            url,
            data,
            log,
            backend,
        }
    }

    /// Invites offline, in the server's own store; returns the code.
    pub fn invite(&self, email: &str, org: &str, role: &str, mailboxes: &[&str]) -> String {
        self.backend.invite_in(self, email, org, role, mailboxes)
    }

    /// The ciphertext file of envelope `id` in the blob store (embedded backend only: see
    /// `sqlite_only`).
    pub fn blob_path(&self, id: &str) -> PathBuf {
        assert!(
            self.backend.database.is_none(),
            "blob_path reads the data directory: call sqlite_only() first"
        );
        find_file(&self.data.path().join("blobs"), id).unwrap_or_else(|| panic!("no blob for {id}"))
    }

    /// Runs SQL on the server's database, as an insider with access to it would: the `sqlite3`
    /// tool on the data directory's file, or `psql` on the PostgreSQL database. Rows come out
    /// one per line, fields separated by `|`, on both. The two dialects differ: a test meant
    /// for both backends writes what both accept, or asks [`Server::is_postgres`].
    pub fn sql(&self, statement: &str) -> String {
        if let Some(database) = &self.backend.database {
            let output = Command::new("psql")
                .args(["-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1"])
                .arg("-d")
                .arg(database)
                .arg("-c")
                .arg(statement)
                .output()
                .unwrap();
            assert!(output.status.success(), "psql: {output:?}");
            return String::from_utf8(output.stdout).unwrap();
        }
        // The server may be writing (audit batches): wait for its lock rather than fail.
        let output = Command::new("sqlite3")
            .args(["-cmd", ".timeout 10000"])
            .arg(self.data.path().join("pli.db"))
            .arg(statement)
            .output()
            .unwrap();
        assert!(output.status.success(), "sqlite3: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Server {
    /// Whether the server keeps its metadata in PostgreSQL (`PLI_TEST_BACKEND=postgres-s3`).
    pub fn is_postgres(&self) -> bool {
        self.backend.database.is_some()
    }

    /// SQL for the hexadecimal text (upper case) of the blob `expression`, for [`Server::sql`].
    pub fn sql_hex(&self, expression: &str) -> String {
        if self.is_postgres() {
            format!("upper(encode({expression}, 'hex'))")
        } else {
            format!("hex({expression})")
        }
    }

    /// SQL for the blob whose bytes are `hex`, for [`Server::sql`].
    pub fn sql_blob(&self, hex: &str) -> String {
        if self.is_postgres() {
            format!("'\\x{hex}'::bytea")
        } else {
            format!("X'{hex}'")
        }
    }

    /// SQL for a blob of `length` (an SQL expression) zero bytes, for [`Server::sql`].
    pub fn sql_zeros(&self, length: &str) -> String {
        if self.is_postgres() {
            format!("decode(repeat('00', {length}), 'hex')")
        } else {
            format!("zeroblob({length})")
        }
    }

    /// `kill -9` of the server; returns its data directory, untouched, to restart on.
    pub fn kill_9(mut self) -> TempDir {
        // `Child::kill` is SIGKILL on Unix: no shutdown handler runs.
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.data, tempfile::tempdir().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if entry.file_name().to_str() == Some(name) {
            return Some(path);
        }
    }
    None
}

/// A TOTP secret and the last time step used, shared by the copies of one account.
pub type SharedTotp = Arc<Mutex<(Vec<u8>, i64)>>;

/// One person on one machine: a profile directory and a password.
pub struct User {
    pub email: String,
    pub password: String,
    pub home: TempDir,
    /// The TOTP secret of an account that enrolled, and the last time step used.
    pub totp: Option<SharedTotp>,
}

impl User {
    /// Redeems `code` on `server` from a fresh profile directory.
    pub fn join(server: &Server, email: &str, code: &str) -> User {
        let user = User {
            email: email.to_owned(),
            password: format!("long password of {email}"),
            home: tempfile::tempdir().unwrap(),
            totp: None,
        };
        let run = user.run(&["join", &server.url, "--email", email, "--code", code]);
        assert_eq!(run.ok(), "", "join prints nothing on stdout");
        user
    }

    /// Invited offline into `org` with `role`, then joined; admins and auditors then enrol a
    /// second factor, as they must before anything else.
    pub fn invited(server: &Server, email: &str, org: &str, role: &str) -> User {
        let mut user = User::invited_without_second_factor(server, email, org, role);
        if matches!(role, "admin" | "auditor") {
            user.enrol();
        }
        user
    }

    /// Invited offline and joined, nothing more.
    pub fn invited_without_second_factor(
        server: &Server,
        email: &str,
        org: &str,
        role: &str,
    ) -> User {
        let code = server.invite(email, org, role, &[]);
        User::join(server, email, &code)
    }

    /// `pli 2fa enable` then `pli 2fa confirm CODE`; keeps the secret; returns the recovery
    /// codes.
    pub fn enrol(&mut self) -> Vec<String> {
        let run = self.run(&["2fa", "enable"]);
        let lines: Vec<&str> = run.ok().lines().collect();
        assert_eq!(lines.len(), 2, "the URI, then the secret: {run:#?}");
        assert!(lines[0].starts_with("otpauth://totp/Pli:"), "{run:#?}");
        let secret = totp_rs::Secret::Encoded(lines[1].to_owned())
            .to_bytes()
            .unwrap();
        self.totp = Some(Arc::new(Mutex::new((secret, 0))));
        let code = self.next_code().unwrap();
        let run = self.run(&["2fa", "confirm", &code]);
        let codes: Vec<String> = run.ok().lines().map(str::to_owned).collect();
        assert_eq!(codes.len(), 10, "{run:#?}");
        codes
    }

    /// A TOTP code the server has not seen yet: the current step or the next one (never the
    /// previous, which a 30-second boundary crossed before the server checks it would make too
    /// old), waiting for the clock when both are used; `None` without a second factor.
    pub fn next_code(&self) -> Option<String> {
        let totp = self.totp.as_ref()?;
        let mut totp = totp.lock().unwrap();
        loop {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            let current = now / 30;
            let step = current.max(totp.1 + 1);
            if step <= current + 1 {
                totp.1 = step;
                return Some(code_at(&totp.0, step));
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }

    /// The same account on another machine: a fresh profile directory, then `pli login`.
    pub fn on_another_machine(&self, server: &Server) -> User {
        let user = User {
            email: self.email.clone(),
            password: self.password.clone(),
            home: tempfile::tempdir().unwrap(),
            totp: self.totp.clone(),
        };
        let mut args = vec!["login", &server.url, "--email", &self.email];
        let code = self.next_code();
        if let Some(code) = &code {
            args.extend(["--totp", code.as_str()]);
        }
        user.run(&args).ok();
        user
    }

    /// Runs `pli ARGS` as this user, with its password in `PLI_PASSWORD`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_password(args, Some(&self.password))
    }

    pub fn run_with_password(&self, args: &[&str], password: Option<&str>) -> Run {
        let mut command = pli(Some(self.home.path()));
        command.args(args);
        if let Some(password) = password {
            command.env("PLI_PASSWORD", password);
        }
        Run::from(command.output().unwrap())
    }

    /// Sends `files` to `to`; returns the envelope id.
    pub fn send(&self, files: &[&Path], to: &str) -> String {
        let mut args: Vec<&str> = vec!["send"];
        args.extend(files.iter().map(|file| file.to_str().unwrap()));
        args.extend(["--to", to, "--subject", "test"]);
        let run = self.run(&args);
        let id = run.ok().to_owned();
        assert_eq!(id.len(), 32, "send prints the id alone: {run:#?}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        id
    }

    /// `pli get ID -o DIR`.
    pub fn get(&self, id: &str, dir: &Path) -> Run {
        self.run(&["get", id, "-o", dir.to_str().unwrap()])
    }

    /// `pli inbox --json`, parsed.
    pub fn inbox(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["inbox", "--json"]);
        serde_json::from_str::<Vec<serde_json::Value>>(run.ok()).unwrap()
    }
}

/// A directory holding files with the given names and contents.
pub fn files(entries: &[(&str, &[u8])]) -> (TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = entries
        .iter()
        .map(|(name, content)| {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

/// Deterministic pseudo-random bytes (xorshift), so large files do not compress.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// The names in `dir` (empty if it does not exist).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// A server with an admin of "hospital" (alice) and an agent (bob).
pub struct World {
    pub server: Server,
    pub alice: User,
    pub bob: User,
}

impl World {
    pub fn start() -> World {
        World::on(Server::start())
    }

    /// On SQLite and files whatever `PLI_TEST_BACKEND` says: the source of a migration.
    pub fn start_embedded() -> World {
        World::on(Server::start_on(tempfile::tempdir().unwrap(), &[], &[]))
    }

    fn on(server: Server) -> World {
        let alice = User::invited(&server, "alice@hospital.fr", "hospital", "admin");
        let bob = User::invited(&server, "bob@hospital.fr", "hospital", "agent");
        World { server, alice, bob }
    }

    /// Joins one more account, invited offline.
    pub fn user(&self, email: &str, org: &str) -> User {
        User::invited(&self.server, email, org, "agent")
    }
}

/// The 6-digit TOTP code of `secret` at time step `step`.
pub fn code_at(secret: &[u8], step: i64) -> String {
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, secret.to_vec())
        .generate(u64::try_from(step * 30).unwrap())
}
