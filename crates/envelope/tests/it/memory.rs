//! Constant memory: sealing and opening 256 MiB, generated on the fly and streamed through a
//! pipe to a sink, keeps the process's peak resident memory far below the data size.

use std::io::{self, Read};
use std::process::Command;

use pli_envelope::{Opening, seal, sha256_reader};

use crate::support::{identity, manifest, signing_key};

const SIZE: u64 = 256 * 1024 * 1024;
const LIMIT_KIB: u64 = 64 * 1024;
const CHILD_ENV: &str = "PLI_ENVELOPE_MEMORY_CHILD";
const TEST_NAME: &str = "memory::sealing_and_opening_256_mib_uses_constant_memory";

/// Deterministic bytes, produced without holding them.
struct Generated {
    remaining: u64,
    state: u64,
}

impl Generated {
    fn new() -> Self {
        Generated {
            remaining: SIZE,
            state: 0x9e37_79b9_7f4a_7c15,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.remaining as usize);
        for word in buf[..n].chunks_mut(8) {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            word.copy_from_slice(&self.state.to_le_bytes()[..word.len()]);
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[test]
fn sealing_and_opening_256_mib_uses_constant_memory() {
    if std::env::var_os(CHILD_ENV).is_some() {
        seal_and_open();
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let peak = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        println!("\nPEAK {}", peak.split_whitespace().nth(1).unwrap());
        return;
    }
    // A fresh process, so that no other test's allocations count.
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak_kib: u64 = stdout
        .lines()
        .find_map(|line| line.split("PEAK ").nth(1))
        .unwrap_or_else(|| panic!("the child reports its peak memory: {stdout}"))
        .parse()
        .unwrap();
    println!("peak RSS sealing and opening 256 MiB: {} KiB", peak_kib);
    assert!(peak_kib < LIMIT_KIB, "peak RSS {peak_kib} KiB");
}

fn seal_and_open() {
    let (sha256, size) = sha256_reader(&mut Generated::new()).unwrap();
    assert_eq!(size, SIZE);
    let mut manifest = manifest(&[]);
    manifest.files.push(pli_envelope::FileEntry {
        name: "large.bin".into(),
        size,
        media_type: "application/octet-stream".into(),
        sha256,
    });
    let (sender, receiver) = std::sync::mpsc::sync_channel(4);
    let (reader, mut writer) = (
        ChannelReader {
            receiver,
            current: Vec::new(),
            position: 0,
        },
        ChannelWriter(sender),
    );
    let sealing = {
        let manifest = manifest.clone();
        std::thread::spawn(move || {
            seal(
                &manifest,
                &signing_key(),
                &[identity().to_public()],
                &mut [&mut Generated::new()],
                &mut writer,
            )
            .unwrap();
        })
    };
    let opening = Opening::new(reader, &identity()).unwrap();
    let mut verified = opening.verify(&signing_key().verifying_key()).unwrap();
    let entry = verified.next_file(&mut io::sink()).unwrap().unwrap();
    assert_eq!(entry.size, SIZE);
    assert!(verified.next_file(&mut io::sink()).unwrap().is_none());
    sealing.join().unwrap();
}

/// A bounded in-process pipe, so that the ciphertext is never held whole.
struct ChannelWriter(std::sync::mpsc::SyncSender<Vec<u8>>);

impl io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .send(buf.to_vec())
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct ChannelReader {
    receiver: std::sync::mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    position: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.position == self.current.len() {
            match self.receiver.recv() {
                Ok(next) => {
                    self.current = next;
                    self.position = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.position);
        buf[..n].copy_from_slice(&self.current[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}
