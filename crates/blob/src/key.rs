//! Blob keys: the only names that ever reach the filesystem or a bucket.

use crate::BlobError;
use object_store::path::Path;

/// Top-level directory of uploads in progress; no caller key may start with it.
pub(crate) const TEMP_DIR: &str = "tmp";

/// Longest accepted key, in bytes.
const MAX_KEY_LEN: usize = 255;

/// Checks that `key` is a relative path of `/`-separated segments made of `[a-z0-9_.-]`, none
/// empty or starting with a dot (so no `.`, `..`, hidden files, absolute paths or `//`), at
/// most 255 bytes, outside the reserved `tmp/` area; returns it as an object store path.
pub fn validate_key(key: &str) -> Result<Path, BlobError> {
    let allowed = |byte: u8| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'/' | b'_' | b'-' | b'.');
    let valid = !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key.bytes().all(allowed)
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && !segment.starts_with('.'))
        && key.split('/').next() != Some(TEMP_DIR);
    if !valid {
        return Err(BlobError::InvalidKey);
    }
    Path::parse(key).map_err(|_| BlobError::InvalidKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, valid: bool) {
        assert_eq!(validate_key(key).is_ok(), valid, "{key:?}");
    }

    #[test]
    fn ordinary_keys_are_accepted() {
        check("envelopes/0123456789abcdef0123456789abcdef", true);
        check("a", true);
        check("a/b/c_d-e.f", true);
        check("envelopes/x.age", true);
        check(&"a".repeat(255), true);
    }

    #[test]
    fn hostile_keys_are_rejected() {
        check("", false);
        check("/etc/passwd", false);
        check("../outside", false);
        check("envelopes/../../outside", false);
        check("envelopes/..", false);
        check("./envelopes", false);
        check("envelopes/.hidden", false);
        check("envelopes//x", false);
        check("envelopes/", false);
        check("Envelopes/x", false);
        check("envelopes\\x", false);
        check("envelopes/x#1", false);
        check("envelopes/x y", false);
        check("envelopes/x\0", false);
        check("envelopes/é", false);
        check("c:/x", false);
        check("tmp/x", false);
        check("tmp", false);
        check(&"a".repeat(256), false);
    }
}
