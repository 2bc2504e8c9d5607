//! The manifest's canonical JSON, its limits and its signature.
//!
//! Canonical form: the compact `serde_json` serialisation of the private structs below, fields
//! in declaration order. A manifest is accepted only if re-serialising what was parsed gives
//! back the exact bytes, so every manifest has one encoding and the signature covers it.

use std::collections::HashSet;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::{
    DlpLabel, EnvelopeError, FileEntry, Manifest, OutsideSender, Sender, key_id, validate_file_name,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The `version` field of manifests this crate writes and reads.
pub const MANIFEST_VERSION: u32 = 1;
/// Prefix of the signed message, so a manifest signature can never be taken for another use
/// of the sender's key.
pub const SIGNATURE_CONTEXT: &[u8] = b"pli-manifest-v1\n";
/// Largest manifest JSON, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 1024 * 1024;
/// Most files in one envelope.
pub const MAX_FILES: usize = 4096;
/// Most recipient addresses in one manifest.
pub const MAX_RECIPIENTS: usize = 1024;
/// Longest subject, in UTF-8 bytes.
pub const MAX_SUBJECT_BYTES: usize = 1024;
/// Longest sender or recipient address, in bytes.
pub const MAX_EMAIL_BYTES: usize = 254;
/// Longest media type, in bytes.
pub const MAX_MEDIA_TYPE_BYTES: usize = 255;
/// Largest file: 2^53 - 1 bytes, so that sizes stay exact in every JSON implementation.
pub const MAX_FILE_SIZE: u64 = (1 << 53) - 1;
/// Longest justification of a data loss prevention decision, in UTF-8 bytes.
pub const MAX_JUSTIFICATION_BYTES: usize = 2048;
/// The `outside.version` this crate writes and reads.
pub const OUTSIDE_VERSION: u32 = 1;
/// Longest name an outside sender may type, in UTF-8 bytes.
pub const MAX_OUTSIDE_NAME_BYTES: usize = 128;
/// Latest accepted creation time (9999-12-31T23:59:59Z).
const MAX_CREATED_AT: i64 = 253_402_300_799;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestJson {
    version: u32,
    envelope_id: String,
    subject: String,
    sender: SenderJson,
    recipients: Vec<String>,
    created_at: i64,
    files: Vec<FileJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dlp: Option<DlpJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outside: Option<OutsideJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutsideJson {
    version: u32,
    request_id: String,
    signing_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DlpJson {
    policy_version: u64,
    decision: String,
    kinds: BTreeMap<String, u64>,
    not_inspectable: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SenderJson {
    email: String,
    key_id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    name: String,
    size: u64,
    media_type: String,
    sha256: String,
}

/// Checks every field and limit of `manifest`.
pub(crate) fn validate(manifest: &Manifest) -> Result<(), EnvelopeError> {
    if !is_lower_hex(&manifest.envelope_id, 32) {
        return Err(invalid("envelope_id must be 32 lowercase hex digits"));
    }
    if manifest.subject.len() > MAX_SUBJECT_BYTES {
        return Err(invalid("subject is too long"));
    }
    if manifest.subject.chars().any(char::is_control) {
        return Err(invalid("subject contains a control character"));
    }
    if !is_address(&manifest.sender.email) {
        return Err(invalid(
            "sender email is empty, too long or contains spaces or control characters",
        ));
    }
    if !is_lower_hex(&manifest.sender.key_id, 32) {
        return Err(invalid("sender key_id must be 32 lowercase hex digits"));
    }
    if manifest.recipients.is_empty() || manifest.recipients.len() > MAX_RECIPIENTS {
        return Err(invalid("there must be between 1 and 1024 recipients"));
    }
    if !manifest
        .recipients
        .iter()
        .all(|address| is_address(address))
    {
        return Err(invalid(
            "a recipient address is empty, too long or contains spaces or control characters",
        ));
    }
    if !(0..=MAX_CREATED_AT).contains(&manifest.created_at) {
        return Err(invalid("created_at is out of range"));
    }
    if manifest.files.len() > MAX_FILES {
        return Err(invalid("too many files"));
    }
    let mut seen = HashSet::new();
    for file in &manifest.files {
        validate_file_name(&file.name)?;
        // Names that differ only by case would overwrite each other on common file systems.
        if !seen.insert(file.name.to_lowercase()) {
            return Err(EnvelopeError::Manifest(format!(
                "file name {:?} appears twice",
                file.name
            )));
        }
        if file.size > MAX_FILE_SIZE {
            return Err(invalid("a file is too large"));
        }
        let media_type = file.media_type.as_bytes();
        if media_type.is_empty()
            || media_type.len() > MAX_MEDIA_TYPE_BYTES
            || !media_type.iter().all(|b| (0x20..=0x7e).contains(b))
            || media_type.starts_with(b" ")
            || media_type.ends_with(b" ")
        {
            return Err(invalid(
                "a media type is empty, too long or not printable ASCII",
            ));
        }
    }
    if let Some(dlp) = &manifest.dlp {
        validate_dlp(dlp)?;
    }
    if let Some(outside) = &manifest.outside {
        validate_outside(outside, &manifest.sender)?;
    }
    Ok(())
}

fn validate_outside(outside: &OutsideSender, sender: &Sender) -> Result<(), EnvelopeError> {
    if !is_lower_hex(&outside.request_id, 32) {
        return Err(invalid(
            "outside.request_id must be 32 lowercase hex digits",
        ));
    }
    let key = VerifyingKey::from_bytes(&outside.signing_key)
        .map_err(|_| invalid("outside.signing_key is not an Ed25519 public key"))?;
    if sender.key_id != key_id(&key) {
        return Err(invalid(
            "sender.key_id must be the key id of outside.signing_key",
        ));
    }
    match &outside.name {
        Some(name)
            if name.trim().is_empty()
                || name.len() > MAX_OUTSIDE_NAME_BYTES
                || name.chars().any(char::is_control) =>
        {
            Err(invalid(
                "outside.name must be 1 to 128 bytes without control characters",
            ))
        }
        _ => Ok(()),
    }
}

fn validate_dlp(dlp: &DlpLabel) -> Result<(), EnvelopeError> {
    if dlp.policy_version == 0 || dlp.policy_version > MAX_FILE_SIZE {
        return Err(invalid("dlp.policy_version is out of range"));
    }
    if !matches!(dlp.decision.as_str(), "allow" | "warn" | "justify") {
        return Err(invalid(
            "dlp.decision must be \"allow\", \"warn\" or \"justify\"",
        ));
    }
    if dlp.kinds.len() > 64
        || !dlp.kinds.iter().all(|(kind, count)| {
            (1..=32).contains(&kind.len())
                && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && (1..=MAX_FILE_SIZE).contains(count)
        })
    {
        return Err(invalid(
            "dlp.kinds must map at most 64 lowercase kind names to counts of 1 or more",
        ));
    }
    if dlp.not_inspectable > MAX_FILES as u64 {
        return Err(invalid("dlp.not_inspectable is out of range"));
    }
    match &dlp.justification {
        Some(text)
            if text.trim().is_empty()
                || text.len() > MAX_JUSTIFICATION_BYTES
                || text.chars().any(char::is_control) =>
        {
            Err(invalid(
                "dlp.justification must be 1 to 2048 bytes without control characters",
            ))
        }
        None if dlp.decision == "justify" => Err(invalid(
            "dlp.justification is required when the decision is \"justify\"",
        )),
        _ => Ok(()),
    }
}

/// The canonical JSON of a manifest, after checking it.
pub(crate) fn to_json(manifest: &Manifest) -> Result<Vec<u8>, EnvelopeError> {
    validate(manifest)?;
    let json = ManifestJson {
        version: MANIFEST_VERSION,
        envelope_id: manifest.envelope_id.clone(),
        subject: manifest.subject.clone(),
        sender: SenderJson {
            email: manifest.sender.email.clone(),
            key_id: manifest.sender.key_id.clone(),
        },
        recipients: manifest.recipients.clone(),
        created_at: manifest.created_at,
        files: manifest
            .files
            .iter()
            .map(|file| FileJson {
                name: file.name.clone(),
                size: file.size,
                media_type: file.media_type.clone(),
                sha256: hex::encode(file.sha256),
            })
            .collect(),
        dlp: manifest.dlp.as_ref().map(|dlp| DlpJson {
            policy_version: dlp.policy_version,
            decision: dlp.decision.clone(),
            kinds: dlp.kinds.clone(),
            not_inspectable: dlp.not_inspectable,
            justification: dlp.justification.clone(),
        }),
        outside: manifest.outside.as_ref().map(|outside| OutsideJson {
            version: OUTSIDE_VERSION,
            request_id: outside.request_id.clone(),
            signing_key: URL_SAFE_NO_PAD.encode(outside.signing_key),
            name: outside.name.clone(),
        }),
    };
    let bytes =
        serde_json::to_vec(&json).map_err(|err| EnvelopeError::Manifest(err.to_string()))?;
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(invalid("the manifest is larger than 1 MiB"));
    }
    Ok(bytes)
}

/// Parses canonical manifest JSON.
pub(crate) fn from_json(bytes: &[u8]) -> Result<Manifest, EnvelopeError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(invalid("the manifest is larger than 1 MiB"));
    }
    let json: ManifestJson =
        serde_json::from_slice(bytes).map_err(|err| EnvelopeError::Manifest(err.to_string()))?;
    if json.version != MANIFEST_VERSION {
        return Err(EnvelopeError::Manifest(format!(
            "unsupported manifest version {}",
            json.version
        )));
    }
    let mut files = Vec::with_capacity(json.files.len());
    for file in json.files {
        let mut sha256 = [0u8; 32];
        if !is_lower_hex(&file.sha256, 64)
            || hex::decode_to_slice(&file.sha256, &mut sha256).is_err()
        {
            return Err(invalid("sha256 must be 64 lowercase hex digits"));
        }
        files.push(FileEntry {
            name: file.name,
            size: file.size,
            media_type: file.media_type,
            sha256,
        });
    }
    let outside = match json.outside {
        None => None,
        Some(outside) => {
            if outside.version != OUTSIDE_VERSION {
                return Err(EnvelopeError::Manifest(format!(
                    "unsupported outside sender extension version {}",
                    outside.version
                )));
            }
            let signing_key = URL_SAFE_NO_PAD
                .decode(&outside.signing_key)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    invalid("outside.signing_key must be 32 bytes in unpadded base64url")
                })?;
            Some(OutsideSender {
                request_id: outside.request_id,
                signing_key,
                name: outside.name,
            })
        }
    };
    let manifest = Manifest {
        envelope_id: json.envelope_id,
        subject: json.subject,
        sender: Sender {
            email: json.sender.email,
            key_id: json.sender.key_id,
        },
        recipients: json.recipients,
        created_at: json.created_at,
        files,
        dlp: json.dlp.map(|dlp| DlpLabel {
            policy_version: dlp.policy_version,
            decision: dlp.decision,
            kinds: dlp.kinds,
            not_inspectable: dlp.not_inspectable,
            justification: dlp.justification,
        }),
        outside,
    };
    if to_json(&manifest)? != bytes {
        return Err(invalid("the manifest is not in canonical form"));
    }
    Ok(manifest)
}

/// The canonical JSON of `manifest` and its signature by `signing_key`: the exact contents of
/// the archive's first two entries (for tools that build the archive themselves).
pub fn signed_manifest(
    manifest: &Manifest,
    signing_key: &SigningKey,
) -> Result<(Vec<u8>, [u8; 64]), EnvelopeError> {
    let json = to_json(manifest)?;
    let signature = sign(&json, signing_key);
    Ok((json, signature))
}

/// Signs `SIGNATURE_CONTEXT || json`.
pub(crate) fn sign(json: &[u8], signing_key: &SigningKey) -> [u8; 64] {
    signing_key.sign(&signed_message(json)).to_bytes()
}

/// Verifies a signature made by [`sign`], rejecting malleable encodings.
pub(crate) fn verify(
    json: &[u8],
    signature: &[u8; 64],
    key: &VerifyingKey,
) -> Result<(), EnvelopeError> {
    key.verify_strict(&signed_message(json), &Signature::from_bytes(signature))
        .map_err(|_| EnvelopeError::BadSignature)
}

fn signed_message(json: &[u8]) -> Vec<u8> {
    [SIGNATURE_CONTEXT, json].concat()
}

fn is_lower_hex(value: &str, len: usize) -> bool {
    value.len() == len
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_address(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_EMAIL_BYTES
        && !value.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn invalid(what: &str) -> EnvelopeError {
    EnvelopeError::Manifest(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            envelope_id: "00112233445566778899aabbccddeeff".into(),
            subject: "Compte rendu \"urgent\" \\ é".into(),
            sender: Sender {
                email: "alice@example.org".into(),
                key_id: "0123456789abcdef0123456789abcdef".into(),
            },
            recipients: vec!["bob@example.org".into(), "accueil".into()],
            created_at: 1_700_000_000,
            files: vec![FileEntry {
                name: "a.pdf".into(),
                size: 12,
                media_type: "application/pdf".into(),
                sha256: [0xab; 32],
            }],
            dlp: None,
            outside: None,
        }
    }

    #[test]
    fn canonical_json_has_a_fixed_shape() {
        let json = to_json(&manifest()).unwrap();
        let expected = concat!(
            r#"{"version":1,"envelope_id":"00112233445566778899aabbccddeeff","#,
            r#""subject":"Compte rendu \"urgent\" \\ é","#,
            r#""sender":{"email":"alice@example.org","key_id":"0123456789abcdef0123456789abcdef"},"#,
            r#""recipients":["bob@example.org","accueil"],"created_at":1700000000,"#,
            r#""files":[{"name":"a.pdf","size":12,"media_type":"application/pdf","#,
            r#""sha256":"abababababababababababababababababababababababababababababababab"}]}"#,
        );
        assert_eq!(String::from_utf8(json.clone()).unwrap(), expected);
        assert_eq!(from_json(&json).unwrap(), manifest());
    }

    #[test]
    fn rejects_non_canonical_json() {
        let json = String::from_utf8(to_json(&manifest()).unwrap()).unwrap();
        for variant in [
            json.replacen(r#""version":1,"#, r#""version": 1,"#, 1),
            json.replacen("{", "{ ", 1),
            format!("{json}\n"),
            json.replacen(r#""created_at":1700000000"#, r#""created_at":1.7e9"#, 1),
            json.replacen("é", "\\u00e9", 1),
            json.replacen(
                r#""version":1,"envelope_id":"00112233445566778899aabbccddeeff","#,
                r#""envelope_id":"00112233445566778899aabbccddeeff","version":1,"#,
                1,
            ),
        ] {
            assert!(
                matches!(
                    from_json(variant.as_bytes()),
                    Err(EnvelopeError::Manifest(_))
                ),
                "{variant}"
            );
        }
    }

    #[test]
    fn rejects_unknown_duplicate_and_missing_fields() {
        let json = String::from_utf8(to_json(&manifest()).unwrap()).unwrap();
        for variant in [
            json.replacen(r#""version":1,"#, r#""version":1,"extra":0,"#, 1),
            json.replacen(r#""version":1,"#, r#""version":1,"version":1,"#, 1),
            json.replacen(r#""subject":"Compte rendu \"urgent\" \\ é","#, "", 1),
            json.replacen(r#""version":1"#, r#""version":2"#, 1),
            json.replacen("aabbccddeeff", "AABBCCDDEEFF", 1),
        ] {
            assert!(
                matches!(
                    from_json(variant.as_bytes()),
                    Err(EnvelopeError::Manifest(_))
                ),
                "{variant}"
            );
        }
    }

    #[test]
    fn enforces_limits() {
        type Alteration = Box<dyn Fn(&mut Manifest)>;
        let cases: Vec<Alteration> = vec![
            Box::new(|m| m.envelope_id = "short".into()),
            Box::new(|m| m.subject = "s".repeat(MAX_SUBJECT_BYTES + 1)),
            Box::new(|m| m.subject = "two\nlines".into()),
            Box::new(|m| m.sender.email = "".into()),
            Box::new(|m| m.sender.key_id = "zz".repeat(16)),
            Box::new(|m| m.recipients.clear()),
            Box::new(|m| m.recipients = vec!["r".into(); MAX_RECIPIENTS + 1]),
            Box::new(|m| m.recipients.push("has space".into())),
            Box::new(|m| m.created_at = -1),
            Box::new(|m| m.files[0].name = "../x".into()),
            Box::new(|m| m.files[0].size = MAX_FILE_SIZE + 1),
            Box::new(|m| m.files[0].media_type = "".into()),
            Box::new(|m| m.files[0].media_type = "text/plain\n".into()),
            Box::new(|m| {
                let mut twin = m.files[0].clone();
                twin.name = "A.PDF".into();
                m.files.push(twin);
            }),
            Box::new(|m| m.files = vec![m.files[0].clone(); MAX_FILES + 1]),
        ];
        for (i, case) in cases.iter().enumerate() {
            let mut m = manifest();
            case(&mut m);
            assert!(to_json(&m).is_err(), "case {i}");
        }
        let mut m = manifest();
        m.subject = "s".repeat(MAX_SUBJECT_BYTES);
        assert!(to_json(&m).is_ok());
    }

    fn labelled() -> Manifest {
        let mut m = manifest();
        m.dlp = Some(DlpLabel {
            policy_version: 3,
            decision: "justify".into(),
            kinds: [("nir".to_string(), 2), ("health".to_string(), 5)]
                .into_iter()
                .collect(),
            not_inspectable: 1,
            justification: Some("Réquisition judiciaire n° 42".into()),
        });
        m
    }

    #[test]
    fn dlp_labels_travel_in_canonical_form() {
        let json = String::from_utf8(to_json(&labelled()).unwrap()).unwrap();
        assert!(
            json.ends_with(concat!(
                r#""dlp":{"policy_version":3,"decision":"justify","kinds":{"health":5,"nir":2},"#,
                r#""not_inspectable":1,"justification":"Réquisition judiciaire n° 42"}}"#
            )),
            "{json}"
        );
        assert_eq!(from_json(json.as_bytes()).unwrap(), labelled());
        // Kinds out of order are another encoding of the same labels: refused.
        let reordered = json.replacen(r#"{"health":5,"nir":2}"#, r#"{"nir":2,"health":5}"#, 1);
        assert!(from_json(reordered.as_bytes()).is_err());
        let unknown = json.replacen(r#""not_inspectable":1"#, r#""not_inspectable":1,"x":1"#, 1);
        assert!(from_json(unknown.as_bytes()).is_err());
        // Without labels the manifest is byte for byte what it was before they existed.
        assert!(
            !String::from_utf8(to_json(&manifest()).unwrap())
                .unwrap()
                .contains("dlp")
        );
    }

    #[test]
    fn dlp_labels_are_checked() {
        type Alteration = Box<dyn Fn(&mut DlpLabel)>;
        let cases: Vec<Alteration> = vec![
            Box::new(|d| d.decision = "block".into()),
            Box::new(|d| d.decision = "ALLOW".into()),
            Box::new(|d| d.policy_version = 0),
            Box::new(|d| d.justification = None),
            Box::new(|d| d.justification = Some("  ".into())),
            Box::new(|d| d.justification = Some("two\nlines".into())),
            Box::new(|d| d.justification = Some("j".repeat(MAX_JUSTIFICATION_BYTES + 1))),
            Box::new(|d| {
                d.kinds.insert("NIR".into(), 1);
            }),
            Box::new(|d| {
                d.kinds.insert("iban".into(), 0);
            }),
            Box::new(|d| d.not_inspectable = MAX_FILES as u64 + 1),
        ];
        for (i, case) in cases.iter().enumerate() {
            let mut m = labelled();
            if let Some(dlp) = m.dlp.as_mut() {
                case(dlp);
            }
            assert!(to_json(&m).is_err(), "case {i}");
        }
        let mut m = labelled();
        if let Some(dlp) = m.dlp.as_mut() {
            dlp.decision = "warn".into();
            dlp.justification = None;
        }
        assert!(to_json(&m).is_ok());
    }

    #[test]
    fn signature_covers_the_exact_bytes() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let json = to_json(&manifest()).unwrap();
        let signature = sign(&json, &key);
        verify(&json, &signature, &key.verifying_key()).unwrap();
        let mut altered = json.clone();
        altered[20] ^= 1;
        assert!(matches!(
            verify(&altered, &signature, &key.verifying_key()),
            Err(EnvelopeError::BadSignature)
        ));
        let other = SigningKey::from_bytes(&[10; 32]).verifying_key();
        assert!(matches!(
            verify(&json, &signature, &other),
            Err(EnvelopeError::BadSignature)
        ));
        // Without the context prefix the same key's signature does not verify.
        let bare = key.sign(&json).to_bytes();
        assert!(verify(&json, &bare, &key.verifying_key()).is_err());
    }

    fn from_outside() -> Manifest {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let mut m = manifest();
        m.sender.key_id = key_id(&key);
        m.outside = Some(OutsideSender {
            request_id: "ffeeddccbbaa99887766554433221100".into(),
            signing_key: key.to_bytes(),
            name: Some("Marie Dupont".into()),
        });
        m
    }

    #[test]
    fn outside_senders_travel_in_canonical_form() {
        let json = String::from_utf8(to_json(&from_outside()).unwrap()).unwrap();
        let key =
            URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&[7; 32]).verifying_key().to_bytes());
        assert!(
            json.ends_with(&format!(
                r#""outside":{{"version":1,"request_id":"ffeeddccbbaa99887766554433221100","signing_key":"{key}","name":"Marie Dupont"}}}}"#
            )),
            "{json}"
        );
        assert_eq!(from_json(json.as_bytes()).unwrap(), from_outside());
        let mut nameless = from_outside();
        if let Some(outside) = nameless.outside.as_mut() {
            outside.name = None;
        }
        let nameless_json = String::from_utf8(to_json(&nameless).unwrap()).unwrap();
        assert!(!nameless_json.contains("Marie"));
        assert_eq!(from_json(nameless_json.as_bytes()).unwrap(), nameless);
        for variant in [
            json.replacen(r#""outside":{"version":1"#, r#""outside":{"version":2"#, 1),
            json.replacen(
                r#","name":"Marie Dupont""#,
                r#","name":"Marie Dupont","x":1"#,
                1,
            ),
            json.replacen(&key, &format!("{key}A"), 1),
        ] {
            assert!(from_json(variant.as_bytes()).is_err(), "{variant}");
        }
        // Without the extension the manifest is byte for byte what it was before it existed.
        assert!(
            !String::from_utf8(to_json(&manifest()).unwrap())
                .unwrap()
                .contains("outside")
        );
    }

    #[test]
    fn outside_senders_are_checked() {
        type Alteration = Box<dyn Fn(&mut Manifest)>;
        let cases: Vec<Alteration> = vec![
            Box::new(|m| m.sender.key_id = "0123456789abcdef0123456789abcdef".into()),
            Box::new(|m| {
                if let Some(o) = m.outside.as_mut() {
                    o.request_id = "short".into();
                }
            }),
            Box::new(|m| {
                if let Some(o) = m.outside.as_mut() {
                    o.name = Some(" ".into());
                }
            }),
            Box::new(|m| {
                if let Some(o) = m.outside.as_mut() {
                    o.name = Some("a\nb".into());
                }
            }),
            Box::new(|m| {
                if let Some(o) = m.outside.as_mut() {
                    o.name = Some("n".repeat(MAX_OUTSIDE_NAME_BYTES + 1));
                }
            }),
        ];
        for (i, case) in cases.iter().enumerate() {
            let mut m = from_outside();
            case(&mut m);
            assert!(to_json(&m).is_err(), "case {i}");
        }
    }
}
