//! Runs every C2SP age test vector in `tests/testkit` through our header parser and payload
//! decryption (identities from the age crate; armor through its `ArmoredReader`).

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
    post_quantum: Vec<String>,
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
                vector.post_quantum.push(value.to_string())
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
    let mut post_quantum_unsupported = Vec::new();
    let mut checked = 0;
    for name in &names {
        let vector = parse_vector(&fs::read(dir.join(name)).unwrap());
        let (outcome, released) = run(&vector);
        checked += 1;
        if outcome != vector.expect {
            if !vector.post_quantum.is_empty() && outcome == Outcome::NoMatchOrHmac {
                post_quantum_unsupported.push(name.clone());
            } else {
                failures.push(format!(
                    "{name}: expected {:?}, got {outcome:?}",
                    vector.expect
                ));
            }
            continue;
        }
        // Whatever plaintext was released, even before a payload failure, must match.
        if let Some(payload) = &vector.payload {
            if matches!(outcome, Outcome::Success | Outcome::PayloadFailure) && *payload != released
            {
                failures.push(format!("{name}: released plaintext has the wrong hash"));
            }
        }
    }
    assert_eq!(checked, EXPECTED_VECTORS, "every vector must be checked");
    // FIXME: the age crate has no mlkem768x25519 identity, so these vectors, whose only
    // identity is post-quantum, see no matching stanza. Pli keys are X25519 only.
    assert_eq!(
        post_quantum_unsupported.len(),
        12,
        "{post_quantum_unsupported:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
