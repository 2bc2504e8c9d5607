//! Throughput of `seal` and of opening (decrypt, verify, hash) for a large file, beside the
//! reference `age` tool encrypting and decrypting the same file, in the same run.
//!
//! `cargo bench -p pli-envelope --bench seal_open` (1 GiB; `PLI_BENCH_MIB` to change). Needs
//! Debian's `age` for the comparison and about 3 times the size free in the temp directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pli_envelope::{
    FileEntry, Identity, Manifest, Opening, Sender, SigningKey, key_id, seal, sha256_reader,
};

const RUNS: usize = 5;

fn main() {
    let mib: u64 = std::env::var("PLI_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let size = mib * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let plain_path = dir.path().join("plain.bin");
    let sealed_path = dir.path().join("sealed.age");
    let age_path = dir.path().join("age.age");
    let key_path = dir.path().join("key.txt");

    write_generated(&plain_path, size);
    let identity = Identity::generate();
    {
        use age::secrecy::ExposeSecret;
        std::fs::write(
            &key_path,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
    }
    let recipient = identity.to_public();
    let signing_key = SigningKey::from_bytes(&[1; 32]);
    let (sha256, hashed) = sha256_reader(&mut File::open(&plain_path).unwrap()).unwrap();
    let manifest = Manifest {
        envelope_id: "0123456789abcdef0123456789abcdef".into(),
        subject: "benchmark".into(),
        sender: Sender {
            email: "bench@example.org".into(),
            key_id: key_id(&signing_key.verifying_key()),
        },
        recipients: vec!["bench@example.org".into()],
        created_at: 0,
        files: vec![FileEntry {
            name: "plain.bin".into(),
            size: hashed,
            media_type: "application/octet-stream".into(),
            sha256,
        }],
        dlp: None,
        outside: None,
    };
    {
        let mut out = BufWriter::new(File::create(&sealed_path).unwrap());
        seal(
            &manifest,
            &signing_key,
            std::slice::from_ref(&recipient),
            &mut [&mut File::open(&plain_path).unwrap()],
            &mut out,
        )
        .unwrap();
        out.flush().unwrap();
    }

    let age_ok = Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let recipient_text = recipient.to_string();
    if age_ok {
        let status = Command::new("age")
            .args(["-r", &recipient_text, "-o"])
            .arg(&age_path)
            .arg(&plain_path)
            .status()
            .unwrap();
        assert!(status.success());
    } else {
        println!("age not found: apt-get install age for the comparison");
    }

    // Runs interleaved, best of each kept, so that load from elsewhere on the machine weighs
    // on both sides alike.
    let mut best = [Duration::MAX; 5];
    for _ in 0..RUNS {
        best[0] = best[0].min(time(|| {
            let mut file = File::open(&plain_path).unwrap();
            seal(
                &manifest,
                &signing_key,
                std::slice::from_ref(&recipient),
                &mut [&mut file],
                &mut io::sink(),
            )
            .unwrap();
        }));
        best[1] = best[1].min(time(|| {
            let opening = Opening::new(File::open(&sealed_path).unwrap(), &identity).unwrap();
            let mut verified = opening.verify(&signing_key.verifying_key()).unwrap();
            verified.next_file(&mut io::sink()).unwrap().unwrap();
            assert!(verified.next_file(&mut io::sink()).unwrap().is_none());
        }));
        best[2] = best[2].min(time(|| {
            sha256_reader(&mut File::open(&plain_path).unwrap()).unwrap();
        }));
        if age_ok {
            best[3] = best[3].min(time(|| run_age(&["-r", &recipient_text], &plain_path)));
            best[4] = best[4].min(time(|| {
                run_age(&["-d", "-i", key_path.to_str().unwrap()], &age_path)
            }));
        }
    }
    report("pli seal (file -> sink)", size, best[0]);
    report("pli open (file -> sink, verified)", size, best[1]);
    report("sha256_reader (first pass of a send)", size, best[2]);
    if age_ok {
        report("age -r (file -> /dev/null)", size, best[3]);
        report("age -d (file -> /dev/null)", size, best[4]);
        println!(
            "ratios (pli time / age time): seal {:.2}, open {:.2}",
            best[0].as_secs_f64() / best[3].as_secs_f64(),
            best[1].as_secs_f64() / best[4].as_secs_f64()
        );
    }
}

fn run_age(args: &[&str], input: &std::path::Path) {
    let status = Command::new("age")
        .args(args)
        .stdin(File::open(input).unwrap())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn time(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

fn report(what: &str, size: u64, time: Duration) {
    let mb_per_s = size as f64 / 1e6 / time.as_secs_f64();
    println!(
        "{what:<40} {:>8.3} s {mb_per_s:>8.0} MB/s",
        time.as_secs_f64()
    );
}

/// Pseudo-random (incompressible) contents, written in 1 MiB pieces.
fn write_generated(path: &std::path::Path, size: u64) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut block = vec![0u8; 1024 * 1024];
    let mut written = 0;
    while written < size {
        for word in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = block.len().min((size - written) as usize);
        out.write_all(&block[..n]).unwrap();
        written += n as u64;
    }
    out.flush().unwrap();
    let _ = File::open(path).unwrap().read(&mut [0u8; 1]);
}
