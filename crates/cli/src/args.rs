//! The command line, as clap parses it. Usage errors exit with status 2 (clap's default).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Send and receive end-to-end encrypted documents.
///
/// The profile (server, account, session, wrapped keys) lives in $PLI_HOME, else in
/// ~/.config/pli. The password is asked on the terminal, or read from $PLI_PASSWORD.
#[derive(Debug, Parser)]
#[command(name = "pli", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Administer accounts and mailboxes, offline (--data) or through a server (--server).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Redeem an invitation: generate keys, register, save the profile.
    Join(JoinArgs),
    /// Log in to an existing account and save the profile.
    Login(LoginArgs),
    /// End the session and delete the local profile.
    Logout,
    /// Show the account of the local profile.
    Whoami(JsonArgs),
    /// Encrypt files for recipients and upload them as one envelope; prints its id.
    Send(SendArgs),
    /// List the envelopes received (by this account, or by one of its mailboxes).
    Inbox(InboxArgs),
    /// List the envelopes sent.
    Outbox(OutboxArgs),
    /// Download, decrypt and verify an envelope, and write its files.
    Get(GetArgs),
    /// Delete an envelope this account sent.
    Delete(DeleteArgs),
    /// Ask a person without an account for documents: a link is mailed to EMAIL; their
    /// browser encrypts the files to you (or to --mailbox) and uploads them. `pli request
    /// list` shows your requests and what came through them.
    Request(RequestArgs),
    /// Manage the account's keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Look for health and identity data in files (nothing is sent).
    Scan(ScanArgs),
    /// Extract a file's text from stdin under limits (run by `scan`, not by people).
    #[command(name = "__extract", hide = true)]
    Extract(ExtractArgs),
    /// Keys of the functional mailboxes this account belongs to.
    #[command(subcommand)]
    Mailbox(UserMailboxCommand),
    /// Check the server's tamper-evident audit log.
    #[command(subcommand)]
    Audit(crate::commands::audit::AuditCommand),
    /// The account's second factor (TOTP, from an authenticator app).
    #[command(name = "2fa", subcommand)]
    TwoFactor(TwoFactorCommand),
    /// Write a consistent backup of an instance: metadata snapshot, blobs with their SHA-256,
    /// audit log head, keys, and a MANIFEST of hashes written last.
    Backup(crate::commands::ops::BackupArgs),
    /// Restore a backup into an empty instance, after checking every hash; then verify the
    /// audit log against the backed-up head.
    Restore(crate::commands::ops::RestoreArgs),
    /// Move an embedded installation (SQLite and files) to PostgreSQL and S3, checking every
    /// table's count and every blob's SHA-256.
    Migrate(crate::commands::ops::MigrateArgs),
}

#[derive(Debug, Subcommand)]
pub enum TwoFactorCommand {
    /// Start enrolment: prints the otpauth:// URI and the secret once, then asks for a first
    /// code (on the terminal, else one line of stdin) and prints the one-time recovery codes.
    Enable,
    /// Finish an enrolment with the first code of the authenticator app; prints the one-time
    /// recovery codes.
    Confirm(TotpCodeArgs),
    /// Remove the second factor, with a current code or a recovery code.
    Disable(TotpCodeArgs),
}

#[derive(Debug, Args)]
pub struct TotpCodeArgs {
    /// The code (asked on the terminal, or read from $PLI_TOTP, when absent).
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Data directory (SQLite database and blobs).
    #[arg(
        long,
        env = "PLI_DATA",
        default_value = "./pli-data",
        value_name = "DIR"
    )]
    pub data: PathBuf,
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(
        long,
        env = "PLI_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); serves HTTPS with --tls-key.
    #[arg(long, env = "PLI_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "PLI_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Origin of the audit log, such as `pli.example.org/audit` (default: the stored log's, or
    /// `<listen host>/audit` for a new one).
    #[arg(long, env = "PLI_LOG_ORIGIN", value_name = "ORIGIN")]
    pub log_origin: Option<String>,
    /// Days audit events are kept whole; older ones keep only their log entry's header and
    /// leaf hash, so the log still verifies (0 keeps everything).
    #[arg(long, value_name = "DAYS", default_value_t = pli_server::retention::DEFAULT_RETENTION_DAYS)]
    pub audit_retention: u32,
    /// Address of a reverse proxy whose X-Forwarded-For names the client (repeatable). Without
    /// it, the connection's address is the client's whatever the headers say.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Keep metadata in this PostgreSQL database (postgres://USER@HOST/DB) instead of the
    /// SQLite file in the data directory; several servers may share it.
    #[arg(long, env = "PLI_DATABASE", value_name = "URL", value_parser = parse_database, hide_env_values = true)]
    pub database: Option<pli_server::DatabaseUrl>,
    /// Keep blobs in this S3-compatible bucket (s3://BUCKET) instead of the data directory;
    /// endpoint and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ALLOW_HTTP.
    #[arg(long, env = "PLI_BLOBS", value_name = "s3://BUCKET", value_parser = parse_blobs)]
    pub blobs: Option<pli_server::BlobLocation>,
    /// Write every outgoing mail (.eml) and SMS (.txt) as a file in DIR, for local use and
    /// tests; also where mail or SMS go when --smtp or --sms-hook is not set.
    #[arg(long, env = "PLI_MAIL_OUTBOX", value_name = "DIR")]
    pub mail_outbox: Option<PathBuf>,
    /// Send mail through this SMTP server: smtps://USER:PASS@HOST:465 (TLS),
    /// smtp://USER:PASS@HOST:587?tls=required (STARTTLS), smtp://HOST:PORT (plain, local relay).
    #[arg(long, env = "PLI_SMTP", value_name = "URL", value_parser = parse_smtp, hide_env_values = true)]
    pub smtp: Option<pli_server::notify::SmtpUrl>,
    /// Send SMS by POSTing {"to", "text"} as JSON to this URL (an SMS gateway).
    #[arg(long, env = "PLI_SMS_HOOK", value_name = "URL", hide_env_values = true)]
    pub sms_hook: Option<String>,
    /// The From: of outgoing mail (default: Pli <pli@HOST> with the public URL's host).
    #[arg(long, env = "PLI_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The address people reach this server at, which links in mail start with, such as
    /// https://pli.hopital.example (default: the listen address).
    #[arg(long, env = "PLI_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
}

fn parse_smtp(url: &str) -> Result<pli_server::notify::SmtpUrl, String> {
    pli_server::notify::SmtpUrl::parse(url).ok_or_else(|| {
        "expected smtps://USER:PASS@HOST:PORT, smtp://HOST:PORT?tls=required or smtp://HOST:PORT"
            .to_owned()
    })
}

fn parse_public_url(url: &str) -> Result<String, String> {
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains('#')
        && !url.contains('?')
        && url.len() <= 512;
    if valid {
        Ok(url.trim_end_matches('/').to_owned())
    } else {
        Err("expected http(s)://HOST[:PORT][/PATH], without query or fragment".to_owned())
    }
}

/// `90m`, `72h`, `7d`, `3600s` (or a bare number of seconds), between 1 hour and 30 days.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((index, _)) => text.split_at(index),
        None => (text, "s"),
    };
    let seconds_per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err("expected a number followed by s, m, h or d, such as 72h or 7d".into()),
    };
    let seconds = number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(seconds_per))
        .ok_or_else(|| {
            "expected a number followed by s, m, h or d, such as 72h or 7d".to_owned()
        })?;
    if !(3600..=30 * 86_400).contains(&seconds) {
        return Err("must be between 1h and 30d".into());
    }
    Ok(seconds)
}

pub(crate) fn parse_database(url: &str) -> Result<pli_server::DatabaseUrl, String> {
    pli_server::DatabaseUrl::parse(url)
        .ok_or_else(|| "expected a PostgreSQL URL: postgres://USER@HOST:PORT/DATABASE".to_owned())
}

pub(crate) fn parse_blobs(location: &str) -> Result<pli_server::BlobLocation, String> {
    pli_server::BlobLocation::parse(location).ok_or_else(|| {
        "expected s3://BUCKET (3 to 63 lowercase letters, digits, dots and hyphens)".to_owned()
    })
}

/// Where an admin command acts: directly on a data directory, or through a server.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct AdminTarget {
    /// Act directly on this data directory (the server may be stopped); for the first admin.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Act through this server, with the logged-in profile's session (an admin account).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Invite an account; prints the one-time invitation code alone on stdout.
    Invite(InviteArgs),
    /// Manage functional mailboxes.
    #[command(subcommand)]
    Mailbox(MailboxCommand),
    /// The organisation's sending policy (data loss prevention), through the logged-in profile.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Give an account scoped access to one mailbox until a date (`grant list` lists grants).
    Grant(GrantArgs),
    /// Revoke an account's access (grant or membership) to a mailbox, at once.
    Revoke(RevokeArgs),
    /// List the organisation's security alerts (locked logins, flow monitor, canaries...).
    Alerts(AlertsArgs),
    /// Lift the login lock and the download block of an account of the organisation.
    Unblock(UnblockArgs),
    /// Plant a decoy envelope in a mailbox (`canary list` lists them): any download of one
    /// blocks the account that made it.
    Canary(CanaryArgs),
    /// Organisation-wide security settings.
    #[command(subcommand)]
    Org(OrgCommand),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct GrantArgs {
    #[command(subcommand)]
    pub command: Option<GrantCommand>,
    /// Email of the account (a subcontractor's account may belong to another organisation).
    #[arg(required = true)]
    pub email: Option<String>,
    /// The mailbox.
    #[arg(long, value_name = "NAME", required = true)]
    pub mailbox: Option<String>,
    /// List and download the mailbox's envelopes, not address envelopes to it.
    #[arg(
        long,
        conflicts_with = "send_only",
        required_unless_present = "send_only"
    )]
    pub read_only: bool,
    /// Address envelopes to the mailbox, not list or download them.
    #[arg(long)]
    pub send_only: bool,
    /// Last day (YYYY-MM-DD, until its end, UTC) or end instant (RFC 3339) of the grant.
    #[arg(long, value_name = "DATE", required = true)]
    pub until: Option<String>,
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// List the organisation's grants and time-limited memberships.
    List(ServerJsonArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CanaryArgs {
    #[command(subcommand)]
    pub command: Option<CanaryCommand>,
    /// The mailbox to plant it in.
    #[arg(long, value_name = "NAME", required = true)]
    pub mailbox: Option<String>,
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CanaryCommand {
    /// List the organisation's canaries.
    List(ServerJsonArgs),
}

#[derive(Debug, Args)]
pub struct ServerJsonArgs {
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Email of the account.
    pub email: String,
    /// The mailbox.
    #[arg(long, value_name = "NAME")]
    pub mailbox: String,
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UnblockArgs {
    /// Email of the locked or blocked account.
    pub email: String,
    /// Why, for the audit trail.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Demand a second factor of every account of the admin's organisation (`--off` to stop).
    #[command(name = "require-2fa")]
    RequireTwoFactor(RequireTwoFactorArgs),
}

#[derive(Debug, Args)]
pub struct RequireTwoFactorArgs {
    /// Stop demanding it (admins and auditors still need one).
    #[arg(long)]
    pub off: bool,
    /// The server (the logged-in profile's session must be an admin's).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Sign a policy file (TOML) with your key and publish it (admins); see docs/DLP.md.
    Set(PolicySetArgs),
    /// Show the policy in force and check its signature (any account).
    Show(JsonArgs),
}

#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// The policy file: its `version` must be greater than the current one's.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Email of the person invited.
    pub email: String,
    /// Organisation of the new account (created if missing, offline only).
    #[arg(long)]
    pub org: String,
    /// Role of the new account.
    #[arg(long, value_enum, default_value_t = RoleArg::Agent)]
    pub role: RoleArg,
    /// Mailbox the new account joins (repeatable).
    #[arg(long = "mailbox", value_name = "NAME")]
    pub mailboxes: Vec<String>,
    #[command(flatten)]
    pub target: AdminTarget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    Agent,
    Auditor,
}

impl From<RoleArg> for pli_proto::Role {
    fn from(role: RoleArg) -> pli_proto::Role {
        match role {
            RoleArg::Admin => pli_proto::Role::Admin,
            RoleArg::Agent => pli_proto::Role::Agent,
            RoleArg::Auditor => pli_proto::Role::Auditor,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum MailboxCommand {
    /// Create a functional mailbox.
    Create(MailboxCreateArgs),
    /// Add an account to a mailbox.
    Add(AddMemberArgs),
    /// Remove an account from a mailbox (it loses access to its envelopes, and the mailbox gets a
    /// new key generation).
    Remove(MemberArgs),
}

#[derive(Debug, Args)]
pub struct MailboxCreateArgs {
    /// Name of the mailbox, used as an address.
    pub name: String,
    /// Organisation owning the mailbox.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub target: AdminTarget,
}

#[derive(Debug, Args)]
pub struct MemberArgs {
    /// Name of the mailbox.
    pub name: String,
    /// Email of the account.
    pub email: String,
    #[command(flatten)]
    pub target: AdminTarget,
}

#[derive(Debug, Args)]
pub struct AddMemberArgs {
    #[command(flatten)]
    pub member: MemberArgs,
    /// End of the membership: last day (YYYY-MM-DD, until its end, UTC) or instant (RFC 3339);
    /// through a server only.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// URL of the server, such as https://pli.example.org.
    pub server: String,
    /// Email the invitation was made for.
    #[arg(long)]
    pub email: String,
    /// The one-time invitation code.
    #[arg(long)]
    pub code: String,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// URL of the server.
    pub server: String,
    /// Email of the account.
    #[arg(long)]
    pub email: String,
    /// Second-factor code (or recovery code) of an account that has one; else $PLI_TOTP, else
    /// asked on the terminal.
    #[arg(long, value_name = "CODE")]
    pub totp: Option<String>,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Files to send, in this order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Recipients: account emails or mailbox names, comma-separated or repeated.
    #[arg(
        long,
        required_unless_present = "external",
        value_delimiter = ',',
        value_name = "ADDR"
    )]
    pub to: Vec<String>,
    /// Send to a person without an account: a link is mailed to EMAIL, and a one-time code
    /// goes by SMS (--sms) or else by a second mail.
    #[arg(long, value_name = "EMAIL")]
    pub external: Option<String>,
    /// Phone number the code of the --external link goes to by SMS (+33612345678).
    #[arg(long, value_name = "PHONE", requires = "external")]
    pub sms: Option<String>,
    /// How long the --external link lasts: 1h to 30d, such as 90m, 72h, 7d (default 72h).
    #[arg(long, value_name = "DURATION", requires = "external", value_parser = parse_duration)]
    pub expires: Option<i64>,
    /// Downloads the --external link allows, 1 to 100 (default 5).
    #[arg(long, value_name = "N", requires = "external", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_downloads: Option<u32>,
    /// Subject, encrypted with the files.
    #[arg(long, default_value = "", value_name = "TEXT")]
    pub subject: String,
    /// Why these files must go, when the organisation's policy asks for it (travels encrypted
    /// in the signed manifest; the audit trail records only that one was given).
    #[arg(long, value_name = "TEXT")]
    pub justification: Option<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RequestArgs {
    #[command(subcommand)]
    pub command: Option<RequestCommand>,
    /// The email of the person asked; the link goes there.
    #[arg(long, value_name = "EMAIL", required = true)]
    pub external: Option<String>,
    /// The documents go to this mailbox (one you read) instead of your own inbox.
    #[arg(long, value_name = "NAME")]
    pub mailbox: Option<String>,
    /// How long the link lasts: 1h to 30d, such as 72h or 7d (default 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub expires: Option<i64>,
    /// Uploads the link allows, 1 to 20 (default 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_uploads: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Your requests, newest first: state, uploads, and the envelopes that came through them.
    List(JsonArgs),
    /// Withdraw a request: its link takes no more uploads.
    Withdraw(RequestIdArgs),
}

#[derive(Debug, Args)]
pub struct RequestIdArgs {
    /// Request id (32 hexadecimal digits), as `pli request list` shows it.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    /// The inbox of this mailbox (of which the account is a member).
    #[arg(long, value_name = "NAME")]
    pub mailbox: Option<String>,
    /// At most this many envelopes, newest first (default: all).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// At most this many envelopes, newest first (default: all).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Envelope id (32 hexadecimal digits), as `pli inbox` lists it.
    pub id: String,
    /// Directory to write the files into (created if missing).
    #[arg(short = 'o', long = "output", default_value = ".", value_name = "DIR")]
    pub output: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Print the written files as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Envelope id.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files to scan: text, CSV, PDF, DOCX or ODT.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The file's name, to tell CSV from plain text.
    #[arg(long)]
    pub name: Option<String>,
    /// Address-space limit, in MiB.
    #[arg(long)]
    pub memory_mb: u64,
    /// CPU-time limit, in seconds.
    #[arg(long)]
    pub cpu_secs: u64,
}

#[derive(Debug, Subcommand)]
pub enum UserMailboxCommand {
    /// Repair a mailbox's keys: make a new key generation when needed (after a member left) and
    /// give members who lack them copies of the generations this account holds.
    Sync(MailboxSyncArgs),
}

#[derive(Debug, Args)]
pub struct MailboxSyncArgs {
    /// The mailbox (default: every mailbox this account belongs to).
    pub name: Option<String>,
    /// Print what was done as JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print the account's age identity (AGE-SECRET-KEY-1...) alone on stdout.
    Export,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("pli").chain(args.iter().copied()))
    }

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn send_splits_recipients_on_commas_and_repeats() {
        let cli = parse(&[
            "send",
            "a.pdf",
            "b.txt",
            "--to",
            "x@y.org,team",
            "--to",
            "z@y.org",
        ])
        .unwrap();
        let Command::Send(send) = cli.command else {
            panic!("not send")
        };
        assert_eq!(send.files.len(), 2);
        assert_eq!(send.to, ["x@y.org", "team", "z@y.org"]);
        assert_eq!(send.subject, "");
    }

    #[test]
    fn admin_needs_exactly_one_target() {
        assert!(parse(&["admin", "invite", "a@b.org", "--org", "o"]).is_err());
        assert!(
            parse(&[
                "admin", "invite", "a@b.org", "--org", "o", "--data", "d", "--server", "s"
            ])
            .is_err()
        );
        let cli = parse(&["admin", "invite", "a@b.org", "--org", "o", "--data", "d"]).unwrap();
        let Command::Admin(AdminCommand::Invite(invite)) = cli.command else {
            panic!("not invite")
        };
        assert_eq!(invite.role, RoleArg::Agent);
        assert!(invite.mailboxes.is_empty());
        let cli = parse(&[
            "admin",
            "invite",
            "a@b.org",
            "--org",
            "o",
            "--role",
            "admin",
            "--mailbox",
            "m1",
            "--mailbox",
            "m2",
            "--server",
            "http://127.0.0.1:1",
        ])
        .unwrap();
        let Command::Admin(AdminCommand::Invite(invite)) = cli.command else {
            panic!("not invite")
        };
        assert_eq!(invite.role, RoleArg::Admin);
        assert_eq!(invite.mailboxes, ["m1", "m2"]);
    }

    #[test]
    fn usage_errors_are_reported_as_such() {
        for args in [
            &["send", "file"][..],
            &["send", "--to", "a@b.org"],
            &["get"],
            &["inbox", "--limit", "0"],
            &[
                "admin", "invite", "a@b.org", "--org", "o", "--role", "king", "--data", "d",
            ],
            &["serve", "--listen", "not an address"],
            &["serve", "--tls-cert", "c.pem"],
            &["serve", "--database", "mysql://db/pli"],
            &["serve", "--blobs", "/var/lib/pli/blobs"],
            &["frobnicate"],
        ] {
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn serve_takes_a_database_and_a_bucket() {
        let cli = parse(&[
            "serve",
            "--database",
            "postgres://pli@127.0.0.1/pli",
            "--blobs",
            "s3://pli-blobs",
        ])
        .unwrap();
        let Command::Serve(serve) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(
            serve.database.unwrap().expose(),
            "postgres://pli@127.0.0.1/pli"
        );
        assert_eq!(
            serve.blobs,
            Some(pli_server::BlobLocation::S3 {
                bucket: "pli-blobs".into()
            })
        );
        let cli = parse(&["serve"]).unwrap();
        let Command::Serve(serve) = cli.command else {
            panic!("not serve")
        };
        assert!(serve.database.is_none() && serve.blobs.is_none());
    }

    #[test]
    fn get_defaults_to_the_current_directory() {
        let cli = parse(&["get", "00112233445566778899aabbccddeeff"]).unwrap();
        let Command::Get(get) = cli.command else {
            panic!("not get")
        };
        assert_eq!(get.output, PathBuf::from("."));
        assert!(!get.force);
    }
}
