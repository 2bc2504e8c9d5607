//! Runs every C2SP age test vector in `tests/testkit` through our header parser and payload
//! decryption (X25519 and scrypt identities from the age crate, armor through its
//! `ArmoredReader`, and a test-only post-quantum identity defined below).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use age::secrecy::SecretString;
use pli_envelope::EnvelopeError;
use pli_envelope::age_file;
use sha2::{Digest, Sha256};

const EXPECTED_VECTORS: usize = 143;

/// The outcome a vector expects, aliasing the kinds our errors cannot tell apart: "no match"
/// and "HMAC failure" are both `Decryption`, as the age spec wants them indistinguishable.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    Success,
    HeaderFailure,
    NoMatchOrHmac,
    PayloadFailure,
    ArmorFailure,
}

struct Vector {
    expect: Outcome,
    payload: Option<String>,
    x25519: Vec<age::x25519::Identity>,
    post_quantum: Vec<HybridIdentity>,
    passphrases: Vec<String>,
    armored: bool,
    file: Vec<u8>,
}

fn parse_vector(bytes: &[u8]) -> Vector {
    let split = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("blank line after the header");
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let mut body = bytes[split + 2..].to_vec();
    let mut vector = Vector {
        expect: Outcome::Success,
        payload: None,
        x25519: Vec::new(),
        post_quantum: Vec::new(),
        passphrases: Vec::new(),
        armored: false,
        file: Vec::new(),
    };
    let mut compressed = false;
    for line in head.lines() {
        let (key, value) = line.split_once(": ").unwrap();
        match key {
            "expect" => {
                vector.expect = match value {
                    "success" => Outcome::Success,
                    "header failure" => Outcome::HeaderFailure,
                    "no match" | "HMAC failure" => Outcome::NoMatchOrHmac,
                    "payload failure" => Outcome::PayloadFailure,
                    "armor failure" => Outcome::ArmorFailure,
                    other => panic!("unknown expectation {other}"),
                }
            }
            "payload" => vector.payload = Some(value.to_string()),
            "identity" if value.starts_with("AGE-SECRET-KEY-PQ-") => {
                vector.post_quantum.push(HybridIdentity::parse(value))
            }
            "identity" => vector
                .x25519
                .push(age::x25519::Identity::from_str(value).unwrap()),
            "passphrase" => vector.passphrases.push(value.to_string()),
            "armored" => vector.armored = value == "yes",
            "compressed" => compressed = value == "zlib",
            "file key" | "comment" => {}
            other => panic!("unknown key {other}"),
        }
    }
    if compressed {
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&body[..])
            .read_to_end(&mut inflated)
            .unwrap();
        body = inflated;
    }
    vector.file = body;
    vector
}

/// What our code did with a vector, and the SHA-256 of all plaintext it released.
fn run(vector: &Vector) -> (Outcome, String) {
    let mut scrypt: Vec<age::scrypt::Identity> = vector
        .passphrases
        .iter()
        .map(|p| age::scrypt::Identity::new(SecretString::from(p.clone())))
        .collect();
    // The same bound as the reference implementation: 2^22 is about a second and 4 GiB.
    scrypt
        .iter_mut()
        .for_each(|identity| identity.set_max_work_factor(22));
    let mut identities: Vec<&dyn age::Identity> = Vec::new();
    identities.extend(vector.x25519.iter().map(|i| i as &dyn age::Identity));
    identities.extend(scrypt.iter().map(|i| i as &dyn age::Identity));
    identities.extend(vector.post_quantum.iter().map(|i| i as &dyn age::Identity));

    let input: Box<dyn Read> = if vector.armored {
        // A file declared armored must be armored: the age crate's reader would fall back to
        // binary. Whitespace around the armor is allowed, as in the reference reader.
        let start = vector
            .file
            .iter()
            .position(|b| !b" \t\r\n".contains(b))
            .unwrap_or(0);
        let armored = &vector.file[start..];
        if !armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
            return (Outcome::ArmorFailure, hex::encode(Sha256::digest(b"")));
        }
        Box::new(age::armor::ArmoredReader::new(armored))
    } else {
        Box::new(&vector.file[..])
    };
    let empty = hex::encode(Sha256::digest(b""));
    let mut reader = match age_file::decrypt(input, &identities) {
        Ok(reader) => reader,
        Err(EnvelopeError::Format(_)) => return (Outcome::HeaderFailure, empty),
        Err(EnvelopeError::Decryption) => return (Outcome::NoMatchOrHmac, empty),
        Err(EnvelopeError::Io(_)) => return (Outcome::ArmorFailure, empty),
        Err(other) => panic!("unexpected error {other:?}"),
    };
    let mut hasher = Sha256::new();
    let outcome = loop {
        match reader.fill() {
            Ok([]) => break Outcome::Success,
            Ok(released) => {
                let n = released.len();
                hasher.update(released);
                reader.consume(n);
            }
            Err(EnvelopeError::Decryption) => break Outcome::PayloadFailure,
            Err(EnvelopeError::Io(_)) => break Outcome::ArmorFailure,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    };
    (outcome, hex::encode(hasher.finalize()))
}

#[test]
fn every_c2sp_vector_gives_the_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testkit");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "README.md" && name != "SNAPSHOT")
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in &names {
        let vector = parse_vector(&fs::read(dir.join(name)).unwrap());
        let (outcome, released) = run(&vector);
        checked += 1;
        if outcome != vector.expect {
            failures.push(format!(
                "{name}: expected {:?}, got {outcome:?}",
                vector.expect
            ));
            continue;
        }
        // Whatever plaintext was released, even before a payload failure, must match.
        if let Some(payload) = &vector.payload
            && matches!(outcome, Outcome::Success | Outcome::PayloadFailure)
            && *payload != released
        {
            failures.push(format!("{name}: released plaintext has the wrong hash"));
        }
    }
    assert_eq!(checked, EXPECTED_VECTORS, "every vector must be checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The `mlkem768x25519` identity of age v1.3, which the age crate lacks, built for these
/// vectors only from RustCrypto's X-Wing KEM (= HPKE's MLKEM768-X25519), HKDF-SHA-256 and
/// ring's ChaCha20-Poly1305 in the HPKE base-mode key schedule (RFC 9180).
struct HybridIdentity {
    seed: [u8; 32],
}

const HYBRID_TAG: &str = "mlkem768x25519";
const HYBRID_INFO: &[u8] = b"age-encryption.org/mlkem768x25519";
/// "HPKE" || KEM MLKEM768-X25519 (0x647a) || KDF HKDF-SHA256 (1) || AEAD ChaCha20Poly1305 (3).
const HPKE_SUITE: &[u8] = b"HPKE\x64\x7a\x00\x01\x00\x03";

impl HybridIdentity {
    fn parse(text: &str) -> Self {
        use bech32::FromBase32;
        let (hrp, data, _) = bech32::decode(text).unwrap();
        assert_eq!(hrp, "age-secret-key-pq-");
        let seed = Vec::<u8>::from_base32(&data).unwrap().try_into().unwrap();
        HybridIdentity { seed }
    }

    /// X25519 half of the X-Wing key, to refuse a low-order share as age does.
    fn x25519_shared_is_zero(&self, share: &[u8]) -> bool {
        use shake::{ExtendableOutput, Update, XofReader};
        let mut shake = shake::Shake256::default();
        shake.update(&self.seed);
        let mut expanded = [0u8; 96];
        shake.finalize_xof().read(&mut expanded);
        let secret: [u8; 32] = expanded[64..].try_into().unwrap();
        let share: [u8; 32] = share.try_into().unwrap();
        let shared = x25519_dalek::StaticSecret::from(secret)
            .diffie_hellman(&x25519_dalek::PublicKey::from(share));
        shared.as_bytes().iter().all(|b| *b == 0)
    }
}

fn labeled_extract(salt: &[u8], label: &[u8], ikm: &[u8]) -> Vec<u8> {
    let input = [b"HPKE-v1", HPKE_SUITE, label, ikm].concat();
    hkdf::Hkdf::<sha2::Sha256>::extract(Some(salt), &input)
        .0
        .to_vec()
}

fn labeled_expand(prk: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) {
    let length = (out.len() as u16).to_be_bytes();
    let info = [&length[..], b"HPKE-v1", HPKE_SUITE, label, info].concat();
    hkdf::Hkdf::<sha2::Sha256>::from_prk(prk)
        .unwrap()
        .expand(&info, out)
        .unwrap();
}

impl age::Identity for HybridIdentity {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        use base64::Engine;
        use kem::Decapsulate;
        if stanza.tag != HYBRID_TAG {
            return None;
        }
        let invalid = Some(Err(age::DecryptError::InvalidHeader));
        let [arg] = &stanza.args[..] else {
            return invalid;
        };
        let Ok(enc) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(arg) else {
            return invalid;
        };
        if enc.len() != x_wing::CIPHERTEXT_SIZE || stanza.body.len() != 32 {
            return invalid;
        }
        if self.x25519_shared_is_zero(&enc[1088..]) {
            return invalid;
        }
        let ciphertext = x_wing::Ciphertext::try_from(&enc[..]).unwrap();
        let shared = x_wing::DecapsulationKey::from(self.seed).decapsulate(&ciphertext);

        let psk_id_hash = labeled_extract(b"", b"psk_id_hash", b"");
        let info_hash = labeled_extract(b"", b"info_hash", HYBRID_INFO);
        let context = [&[0u8][..], &psk_id_hash, &info_hash].concat();
        let secret = labeled_extract(&shared, b"secret", b"");
        let mut key = [0u8; 32];
        let mut nonce = [0u8; 12];
        labeled_expand(&secret, b"key", &context, &mut key);
        labeled_expand(&secret, b"base_nonce", &context, &mut nonce);

        use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
        let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key).unwrap());
        let mut body = stanza.body.clone();
        let file_key = key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut body)
            .ok()?;
        let file_key: [u8; 16] = file_key.try_into().ok()?;
        Some(Ok(age_core::format::FileKey::new(Box::new(file_key))))
    }
}
