//! The local profile: which server and account this machine uses, its session, and the
//! account's keys exactly as the server stores them (private keys only wrapped).
//!
//! One profile per directory (`$PLI_HOME`, else `~/.config/pli`), so one machine can hold several
//! accounts. The directory is created `0700` and the file `0600`, written atomically (temporary
//! file, fsync, rename) so a crash never leaves half a profile.

use std::fmt;
use std::io::Write as _;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};

use pli_proto::{KdfParams, PublicKeys, Role};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::keys;

/// Name of the profile file inside the profile directory.
pub const PROFILE_FILE: &str = "profile.json";

const FORMAT_VERSION: u32 = 1;

/// Errors of loading or saving a profile.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// No profile in this directory: nobody has joined or logged in from here.
    #[error("no profile in {}", .0.display())]
    Missing(PathBuf),
    /// Reading or writing the profile failed.
    #[error("{action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The profile file is not one this client wrote.
    #[error("the profile {} is malformed ({reason}): log in again to rewrite it", path.display())]
    Malformed { path: PathBuf, reason: String },
}

/// A bearer session with the server.
pub struct Session {
    /// The bearer token.
    pub token: SecretString,
    /// Expiry in Unix seconds.
    pub expires_at: i64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Whether the session has expired at `now` (Unix seconds), with a minute of margin so a
    /// request does not start on a session about to lapse.
    pub fn is_expired(&self, now: i64) -> bool {
        now + 60 >= self.expires_at
    }
}

/// What this machine knows about its account.
#[derive(Debug)]
pub struct Profile {
    /// Base URL of the server, without a trailing slash.
    pub server: String,
    pub email: String,
    pub org: String,
    pub role: Role,
    /// Absent after a logout or before the first login.
    pub session: Option<Session>,
    pub salt: [u8; keys::SALT_LEN],
    pub kdf: KdfParams,
    pub public_keys: PublicKeys,
    /// Key id of the Ed25519 key, as the server computes it.
    pub key_id: String,
    /// The private keys sealed under the wrapping key, unpadded base64url.
    pub wrapped_keys: String,
    /// The server's audit log verifier key (signed-note format), pinned on first use at join or
    /// login: senders check recipients' keys against checkpoints it signed.
    pub log_key: Option<String>,
    /// The latest audit log checkpoint (a signed note) this profile verified; later ones must
    /// be consistent with it.
    pub log_checkpoint: Option<String>,
    /// Verifier keys of the witnesses this profile trusts (`pli audit witnesses trust`).
    pub witnesses: Vec<String>,
    /// How many of them must have cosigned a checkpoint before keys are proven against it
    /// (0: none).
    pub witnesses_required: u32,
}

impl Profile {
    /// Path of the profile file in `dir`.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(PROFILE_FILE)
    }

    /// Loads the profile of `dir`; [`ProfileError::Missing`] if there is none.
    pub fn load(dir: &Path) -> Result<Profile, ProfileError> {
        let path = Profile::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProfileError::Missing(dir.to_path_buf()));
            }
            Err(source) => {
                return Err(ProfileError::Io {
                    action: "reading",
                    path,
                    source,
                });
            }
        };
        let malformed = |reason: String| ProfileError::Malformed {
            path: path.clone(),
            reason,
        };
        let file: ProfileFile =
            serde_json::from_str(&text).map_err(|error| malformed(error.to_string()))?;
        if file.version != FORMAT_VERSION {
            return Err(malformed(format!("unknown version {}", file.version)));
        }
        let salt = keys::decode_salt(&file.salt).map_err(|error| malformed(error.to_string()))?;
        let role = Role::parse(&file.role).ok_or_else(|| malformed("unknown role".into()))?;
        let session = match (file.token, file.expires_at) {
            (Some(token), Some(expires_at)) => Some(Session {
                token: SecretString::from(token),
                expires_at,
            }),
            _ => None,
        };
        Ok(Profile {
            server: file.server,
            email: file.email,
            org: file.org,
            role,
            session,
            salt,
            kdf: file.kdf,
            public_keys: file.public_keys,
            key_id: file.key_id,
            wrapped_keys: file.wrapped_keys,
            log_key: file.log_key,
            log_checkpoint: file.log_checkpoint,
            witnesses: file.witnesses,
            witnesses_required: file.witnesses_required,
        })
    }

    /// Writes the profile into `dir` atomically, creating `dir` (`0700`) if needed; the file is
    /// `0600`.
    pub fn save(&self, dir: &Path) -> Result<(), ProfileError> {
        ensure_dir(dir)?;
        let path = Profile::path(dir);
        let file = ProfileFile {
            version: FORMAT_VERSION,
            server: self.server.clone(),
            email: self.email.clone(),
            org: self.org.clone(),
            role: self.role.as_str().to_owned(),
            token: self
                .session
                .as_ref()
                .map(|session| session.token.expose_secret().to_owned()),
            expires_at: self.session.as_ref().map(|session| session.expires_at),
            salt: keys::b64(&self.salt),
            kdf: self.kdf,
            public_keys: self.public_keys.clone(),
            key_id: self.key_id.clone(),
            wrapped_keys: self.wrapped_keys.clone(),
            log_key: self.log_key.clone(),
            log_checkpoint: self.log_checkpoint.clone(),
            witnesses: self.witnesses.clone(),
            witnesses_required: self.witnesses_required,
        };
        let io = |action: &'static str| {
            let path = path.clone();
            move |source| ProfileError::Io {
                action,
                path,
                source,
            }
        };
        let mut text = serde_json::to_vec_pretty(&file).map_err(|error| ProfileError::Io {
            action: "encoding",
            path: path.clone(),
            source: error.into(),
        })?;
        text.push(b'\n');
        // `tempfile` creates the file 0600, and the rename makes the new profile appear whole.
        let mut temporary = tempfile::Builder::new()
            .prefix(".profile-")
            .tempfile_in(dir)
            .map_err(io("creating a temporary file in"))?;
        temporary.write_all(&text).map_err(io("writing"))?;
        temporary.as_file().sync_all().map_err(io("syncing"))?;
        temporary
            .persist(&path)
            .map_err(|error| io("replacing")(error.error))?;
        Ok(())
    }

    /// Deletes the profile of `dir`; succeeds if there was none.
    pub fn remove(dir: &Path) -> Result<(), ProfileError> {
        let path = Profile::path(dir);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ProfileError::Io {
                action: "removing",
                path,
                source,
            }),
        }
    }
}

/// The profile directory: `$PLI_HOME` if set and not empty, else `~/.config/pli`.
pub fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("PLI_HOME") {
        Some(home) if !home.is_empty() => Some(PathBuf::from(home)),
        _ => std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(|home| PathBuf::from(home).join(".config").join("pli")),
    }
}

fn ensure_dir(dir: &Path) -> Result<(), ProfileError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| ProfileError::Io {
            action: "creating",
            path: dir.to_path_buf(),
            source,
        })
}

/// The on-disk shape; a local file format, not a wire type.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    version: u32,
    server: String,
    email: String,
    org: String,
    role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    salt: String,
    kdf: KdfParams,
    public_keys: PublicKeys,
    key_id: String,
    wrapped_keys: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_checkpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    witnesses: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    witnesses_required: u32,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn sample() -> Profile {
        Profile {
            server: "http://127.0.0.1:8080".into(),
            email: "a@example.org".into(),
            org: "hospital".into(),
            role: Role::Agent,
            session: Some(Session {
                token: SecretString::from("token-123".to_owned()),
                expires_at: 1_900_000_000,
            }),
            salt: [3u8; 16],
            kdf: keys::KDF_FLOOR,
            public_keys: PublicKeys {
                age_recipient: "age1xyz".into(),
                signing_key: "abc".into(),
            },
            key_id: "00112233445566778899aabbccddeeff".into(),
            wrapped_keys: "wrapped".into(),
            log_key: Some("localhost/audit+01234567+AQ".into()),
            log_checkpoint: None,
            witnesses: Vec::new(),
            witnesses_required: 0,
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn save_then_load_round_trips_with_private_permissions() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("nested").join("pli");
        sample().save(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&Profile::path(&dir)), 0o600);

        let loaded = Profile::load(&dir).unwrap();
        assert_eq!(loaded.server, "http://127.0.0.1:8080");
        assert_eq!(loaded.email, "a@example.org");
        assert_eq!(loaded.org, "hospital");
        assert_eq!(loaded.role, Role::Agent);
        assert_eq!(loaded.salt, [3u8; 16]);
        assert_eq!(loaded.kdf, keys::KDF_FLOOR);
        assert_eq!(loaded.public_keys.age_recipient, "age1xyz");
        assert_eq!(loaded.key_id, "00112233445566778899aabbccddeeff");
        assert_eq!(loaded.wrapped_keys, "wrapped");
        let session = loaded.session.unwrap();
        assert_eq!(session.token.expose_secret(), "token-123");
        assert_eq!(session.expires_at, 1_900_000_000);

        // Only the profile itself is left: no temporary file.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, [PROFILE_FILE]);
    }

    #[test]
    fn saving_again_replaces_and_drops_the_session() {
        let dir = tempfile::tempdir().unwrap();
        let mut profile = sample();
        profile.save(dir.path()).unwrap();
        profile.session = None;
        profile.save(dir.path()).unwrap();
        assert!(Profile::load(dir.path()).unwrap().session.is_none());
        assert_eq!(mode(&Profile::path(dir.path())), 0o600);
    }

    #[test]
    fn missing_and_malformed_profiles_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Profile::load(dir.path()),
            Err(ProfileError::Missing(_))
        ));
        std::fs::write(Profile::path(dir.path()), "{not json").unwrap();
        let error = Profile::load(dir.path()).unwrap_err();
        assert!(matches!(error, ProfileError::Malformed { .. }), "{error:?}");
        assert!(error.to_string().contains("log in again"));
    }

    #[test]
    fn remove_deletes_and_tolerates_absence() {
        let dir = tempfile::tempdir().unwrap();
        sample().save(dir.path()).unwrap();
        Profile::remove(dir.path()).unwrap();
        assert!(!Profile::path(dir.path()).exists());
        Profile::remove(dir.path()).unwrap();
    }

    #[test]
    fn debug_output_holds_no_token() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("token-123"), "{text}");
    }

    #[test]
    fn session_expiry_has_a_margin() {
        let session = Session {
            token: SecretString::from("t".to_owned()),
            expires_at: 1_000,
        };
        assert!(!session.is_expired(900));
        assert!(session.is_expired(950));
        assert!(session.is_expired(2_000));
    }
}
