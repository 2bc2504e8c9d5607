//! The age payload: STREAM ChaCha20-Poly1305 over 64 KiB chunks (C2SP age spec, "Payload").
//!
//! Chunks are sealed and opened in place, a batch at a time, in parallel across cores: the
//! ciphertext layout of a batch is exactly its layout in the buffer, so nothing is copied
//! between the read (or the caller's write) and the output.

use std::io::{self, Read, Write};

use hkdf::Hkdf;
use rayon::prelude::*;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::EnvelopeError;

/// Plaintext bytes per chunk.
pub(crate) const CHUNK_SIZE: usize = 64 * 1024;
/// Poly1305 tag bytes per chunk.
pub(crate) const TAG_SIZE: usize = 16;
/// Ciphertext bytes of a full chunk.
pub(crate) const ENCRYPTED_CHUNK_SIZE: usize = CHUNK_SIZE + TAG_SIZE;
/// Chunks per batch: large enough to keep both cores busy, small enough for constant memory.
const BATCH_CHUNKS: usize = 16;
const BATCH_BYTES: usize = BATCH_CHUNKS * ENCRYPTED_CHUNK_SIZE;
/// Length of the nonce that starts the payload.
pub(crate) const PAYLOAD_NONCE_SIZE: usize = 16;

/// The ChaCha20-Poly1305 key of one payload. The derived bytes are zeroized as soon as the
/// cipher is keyed.
struct PayloadKey(LessSafeKey);

impl PayloadKey {
    fn derive(
        file_key: &[u8; 16],
        nonce: &[u8; PAYLOAD_NONCE_SIZE],
    ) -> Result<Self, EnvelopeError> {
        let mut okm = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(nonce), file_key)
            .expand(b"payload", okm.as_mut())
            .map_err(|_| EnvelopeError::Decryption)?;
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, okm.as_ref())
            .map_err(|_| EnvelopeError::Decryption)?;
        Ok(Self(LessSafeKey::new(unbound)))
    }

    fn seal(
        &self,
        counter: u64,
        last: bool,
        plaintext: &mut [u8],
    ) -> Result<[u8; TAG_SIZE], EnvelopeError> {
        let tag = self
            .0
            .seal_in_place_separate_tag(chunk_nonce(counter, last), Aad::empty(), plaintext)
            .map_err(|_| io::Error::other("chunk encryption failed"))?;
        let mut out = [0u8; TAG_SIZE];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }

    fn open(&self, counter: u64, last: bool, ciphertext: &mut [u8]) -> bool {
        self.0
            .open_in_place(chunk_nonce(counter, last), Aad::empty(), ciphertext)
            .is_ok()
    }
}

/// The 12-byte STREAM nonce: an 11-byte big-endian chunk counter, then 1 on the last chunk.
fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::assume_unique_for_key(nonce)
}

/// Encrypts a payload: write plaintext, then call [`PayloadWriter::finish`], without which the
/// output is a truncated (and therefore rejected) payload.
pub struct PayloadWriter<W: Write> {
    out: W,
    key: PayloadKey,
    /// Two batch buffers: while one fills, the other holds a full batch that is sealed only
    /// once more data arrives, because its last chunk is the payload's last if none does.
    buffers: [Box<[u8]>; 2],
    current: usize,
    /// Full chunks in the current buffer before the one being filled.
    n_full: usize,
    /// Bytes in the chunk being filled (`CHUNK_SIZE` when full but not yet counted).
    tail: usize,
    /// The other buffer holds `BATCH_CHUNKS` full chunks not yet sealed.
    previous_pending: bool,
    /// Counter of the first chunk not yet sealed.
    counter: u64,
}

impl<W: Write> PayloadWriter<W> {
    pub(crate) fn new(
        out: W,
        file_key: &[u8; 16],
        nonce: &[u8; PAYLOAD_NONCE_SIZE],
    ) -> Result<Self, EnvelopeError> {
        Ok(Self {
            out,
            key: PayloadKey::derive(file_key, nonce)?,
            buffers: [
                vec![0u8; BATCH_BYTES].into_boxed_slice(),
                vec![0u8; BATCH_BYTES].into_boxed_slice(),
            ],
            current: 0,
            n_full: 0,
            tail: 0,
            previous_pending: false,
            counter: 0,
        })
    }

    /// Free space in the chunk being filled: the caller reads plaintext straight into it and
    /// then calls [`PayloadWriter::advance`]. Never empty.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.tail == CHUNK_SIZE {
            if self.n_full + 1 == BATCH_CHUNKS {
                // Invariant: the previous batch was flushed by the first byte written into
                // the current one, so the other buffer is free.
                self.current ^= 1;
                self.previous_pending = true;
                self.n_full = 0;
            } else {
                self.n_full += 1;
            }
            self.tail = 0;
        }
        let start = self.n_full * ENCRYPTED_CHUNK_SIZE;
        &mut self.buffers[self.current][start + self.tail..start + CHUNK_SIZE]
    }

    /// Records that `n` bytes were written into [`PayloadWriter::spare`].
    pub fn advance(&mut self, n: usize) -> Result<(), EnvelopeError> {
        if n == 0 {
            return Ok(());
        }
        if self.previous_pending {
            self.previous_pending = false;
            let previous = self.current ^ 1;
            self.seal_and_write(previous, BATCH_CHUNKS, CHUNK_SIZE, false)?;
        }
        self.tail += n;
        debug_assert!(self.tail <= CHUNK_SIZE);
        Ok(())
    }

    /// Copies `data` into the payload (for small pieces such as tar headers).
    pub fn write_all(&mut self, mut data: &[u8]) -> Result<(), EnvelopeError> {
        while !data.is_empty() {
            let spare = self.spare();
            let n = spare.len().min(data.len());
            spare[..n].copy_from_slice(&data[..n]);
            self.advance(n)?;
            data = &data[n..];
        }
        Ok(())
    }

    /// Seals the last chunk with the last-chunk flag and returns the output.
    pub fn finish(mut self) -> Result<W, EnvelopeError> {
        if self.tail == 0 && self.n_full > 0 {
            // `spare` moved on to an empty chunk that never got data: the last full chunk is
            // the final one (a final chunk may be empty only if the whole payload is).
            self.n_full -= 1;
            self.tail = CHUNK_SIZE;
        }
        let current_empty = self.n_full == 0 && self.tail == 0;
        if self.previous_pending {
            let previous = self.current ^ 1;
            self.seal_and_write(previous, BATCH_CHUNKS, CHUNK_SIZE, current_empty)?;
            if current_empty {
                self.out.flush()?;
                return Ok(self.out);
            }
        }
        self.seal_and_write(self.current, self.n_full + 1, self.tail, true)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn seal_and_write(
        &mut self,
        index: usize,
        n_chunks: usize,
        last_len: usize,
        last: bool,
    ) -> Result<(), EnvelopeError> {
        let first = self.counter;
        let key = &self.key;
        let used = (n_chunks - 1) * ENCRYPTED_CHUNK_SIZE + last_len + TAG_SIZE;
        self.buffers[index][..used]
            .par_chunks_mut(ENCRYPTED_CHUNK_SIZE)
            .enumerate()
            .try_for_each(|(i, slot)| {
                let len = slot.len() - TAG_SIZE;
                let is_last = last && i + 1 == n_chunks;
                let tag = key.seal(first + i as u64, is_last, &mut slot[..len])?;
                slot[len..].copy_from_slice(&tag);
                Ok::<(), EnvelopeError>(())
            })?;
        self.counter = first
            .checked_add(n_chunks as u64)
            .ok_or_else(|| io::Error::other("payload too long"))?;
        self.out.write_all(&self.buffers[index][..used])?;
        Ok(())
    }
}

/// Decrypts a payload. Plaintext is released chunk by chunk as each chunk authenticates;
/// the end of the payload is reported only once the final chunk (flagged last) authenticated
/// and nothing follows it.
pub struct PayloadReader<R: Read> {
    input: R,
    key: PayloadKey,
    buffer: Box<[u8]>,
    backup: Option<Box<[u8]>>,
    opened: Vec<Opened>,
    /// A byte read ahead to learn whether the batch in the buffer ends the payload.
    carry: Option<u8>,
    /// Chunks in the buffer.
    n_chunks: usize,
    /// Leading chunks of the buffer that authenticated.
    n_valid: usize,
    /// Plaintext length of the buffer's last chunk.
    last_len: usize,
    /// Index in the buffer and position in the plaintext of the chunk being read.
    chunk: usize,
    position: usize,
    /// The buffer holds the payload's final chunk.
    final_batch: bool,
    failed: bool,
    /// The buffer holds a bad chunk: once the chunks before it are read, reading fails.
    poisoned: bool,
    /// Counter of the buffer's first chunk.
    counter: u64,
}

impl<R: Read> PayloadReader<R> {
    pub(crate) fn new(
        input: R,
        file_key: &[u8; 16],
        nonce: &[u8; PAYLOAD_NONCE_SIZE],
    ) -> Result<Self, EnvelopeError> {
        Ok(Self {
            input,
            key: PayloadKey::derive(file_key, nonce)?,
            buffer: vec![0u8; BATCH_BYTES].into_boxed_slice(),
            backup: None,
            opened: vec![Opened::Invalid; BATCH_CHUNKS],
            carry: None,
            n_chunks: 0,
            n_valid: 0,
            last_len: 0,
            chunk: 0,
            position: 0,
            final_batch: false,
            failed: false,
            poisoned: false,
            counter: 0,
        })
    }

    /// The next authenticated plaintext, empty only at the authenticated end of the payload.
    pub fn fill(&mut self) -> Result<&[u8], EnvelopeError> {
        loop {
            if self.failed {
                return Err(EnvelopeError::Decryption);
            }
            if self.chunk < self.n_valid {
                let len = self.plaintext_len(self.chunk);
                if self.position < len {
                    let start = self.chunk * ENCRYPTED_CHUNK_SIZE;
                    return Ok(&self.buffer[start + self.position..start + len]);
                }
                self.chunk += 1;
                self.position = 0;
                continue;
            }
            if self.poisoned {
                self.failed = true;
                continue;
            }
            if self.final_batch {
                return Ok(&[]);
            }
            self.read_batch()?;
        }
    }

    /// Marks `n` bytes of what [`PayloadReader::fill`] returned as consumed.
    pub fn consume(&mut self, n: usize) {
        self.position += n;
    }

    /// Whether the payload ended: final chunk authenticated and fully consumed.
    pub fn at_end(&mut self) -> Result<bool, EnvelopeError> {
        Ok(self.fill()?.is_empty())
    }

    fn plaintext_len(&self, chunk: usize) -> usize {
        if chunk + 1 == self.n_chunks {
            self.last_len
        } else {
            CHUNK_SIZE
        }
    }

    fn read_batch(&mut self) -> Result<(), EnvelopeError> {
        let first = self.counter + self.n_chunks as u64;
        let mut len = 0;
        if let Some(byte) = self.carry.take() {
            self.buffer[0] = byte;
            len = 1;
        }
        len += read_full(&mut self.input, &mut self.buffer[len..])?;
        let is_final = if len == BATCH_BYTES {
            let mut probe = [0u8; 1];
            if read_full(&mut self.input, &mut probe)? == 1 {
                self.carry = Some(probe[0]);
                false
            } else {
                true
            }
        } else {
            true
        };
        self.counter = first;
        self.chunk = 0;
        self.position = 0;
        self.final_batch = is_final;
        if len == 0 {
            // Only reachable for a payload without any chunk: a previous full batch always
            // leaves a read-ahead byte.
            self.n_chunks = 0;
            self.n_valid = 0;
            self.poisoned = true;
            return Ok(());
        }
        let n_chunks = len.div_ceil(ENCRYPTED_CHUNK_SIZE);
        let last_encrypted_len = len - (n_chunks - 1) * ENCRYPTED_CHUNK_SIZE;
        self.n_chunks = n_chunks;
        self.last_len = last_encrypted_len.saturating_sub(TAG_SIZE);
        // The last batch keeps a copy of its ciphertext so that a full chunk whose flag
        // contradicts its position can be tried again with the other flag (ring zeroes a
        // chunk that fails). Once per payload, so the copy costs nothing measurable.
        let backup = if is_final {
            let backup = self
                .backup
                .get_or_insert_with(|| vec![0u8; BATCH_BYTES].into_boxed_slice());
            backup[..len].copy_from_slice(&self.buffer[..len]);
            Some(&backup[..len])
        } else {
            None
        };
        let key = &self.key;
        self.buffer[..len]
            .par_chunks_mut(ENCRYPTED_CHUNK_SIZE)
            .zip(self.opened[..n_chunks].par_iter_mut())
            .enumerate()
            .for_each(|(i, (slot, opened))| {
                let counter = first + i as u64;
                let last = is_final && i + 1 == n_chunks;
                let original = backup
                    .map(|b| &b[i * ENCRYPTED_CHUNK_SIZE..i * ENCRYPTED_CHUNK_SIZE + slot.len()]);
                *opened = open_chunk(key, counter, last, slot, original);
            });
        let first_bad = self.opened[..n_chunks]
            .iter()
            .position(|opened| *opened != Opened::Valid);
        self.n_valid = match first_bad {
            None => n_chunks,
            Some(i) if self.opened[i] == Opened::ValidThenError => i + 1,
            Some(i) => i,
        };
        if first_bad.is_some() {
            // Nothing after the first bad chunk is ever released.
            self.n_chunks = self.n_valid;
            self.last_len = CHUNK_SIZE;
            self.final_batch = false;
            self.poisoned = true;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opened {
    Valid,
    /// Authenticated, but with the other last-chunk flag than its position implies (a final
    /// chunk followed by more data, or a non-final chunk at the end): released, then an error,
    /// as the reference implementation does. Detected within the payload's last batch only;
    /// earlier, such a chunk just fails.
    ValidThenError,
    Invalid,
}

fn open_chunk(
    key: &PayloadKey,
    counter: u64,
    last: bool,
    slot: &mut [u8],
    original: Option<&[u8]>,
) -> Opened {
    if slot.len() < TAG_SIZE {
        return Opened::Invalid;
    }
    // The final chunk may be empty only when it is the only one.
    if last && slot.len() == TAG_SIZE && counter > 0 {
        return Opened::Invalid;
    }
    if slot.len() < ENCRYPTED_CHUNK_SIZE {
        // A short chunk can only be the final one.
        return if last && key.open(counter, true, slot) {
            Opened::Valid
        } else {
            Opened::Invalid
        };
    }
    if key.open(counter, last, slot) {
        return Opened::Valid;
    }
    match original {
        Some(original) => {
            slot.copy_from_slice(original);
            if key.open(counter, !last, slot) {
                Opened::ValidThenError
            } else {
                Opened::Invalid
            }
        }
        None => Opened::Invalid,
    }
}

impl<R: Read> Read for PayloadReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill().map_err(into_io_error)?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Keeps the envelope error inside the `io::Error` so that callers can recover it.
pub(crate) fn into_io_error(err: EnvelopeError) -> io::Error {
    match err {
        EnvelopeError::Io(err) => err,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub(crate) fn read_full(
    input: &mut (impl Read + ?Sized),
    buf: &mut [u8],
) -> Result<usize, EnvelopeError> {
    let mut len = 0;
    while len < buf.len() {
        match input.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE_KEY: [u8; 16] = [3; 16];
    const NONCE: [u8; 16] = [9; 16];

    fn encrypt(plaintext: &[u8], piece: usize) -> Vec<u8> {
        let mut writer = PayloadWriter::new(Vec::new(), &FILE_KEY, &NONCE).unwrap();
        for part in plaintext.chunks(piece.max(1)) {
            writer.write_all(part).unwrap();
        }
        writer.finish().unwrap()
    }

    fn decrypt(ciphertext: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        let mut reader = PayloadReader::new(ciphertext, &FILE_KEY, &NONCE)?;
        let mut out = Vec::new();
        loop {
            let available = reader.fill()?;
            if available.is_empty() {
                return Ok(out);
            }
            let n = available.len();
            out.extend_from_slice(available);
            reader.consume(n);
        }
    }

    fn check_round_trip(len: usize) {
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
        for piece in [1000, CHUNK_SIZE, 3 * CHUNK_SIZE + 5] {
            let ciphertext = encrypt(&plaintext, piece);
            let n_chunks = len.div_ceil(CHUNK_SIZE).max(1);
            assert_eq!(ciphertext.len(), len + n_chunks * TAG_SIZE, "len {len}");
            assert_eq!(decrypt(&ciphertext).unwrap(), plaintext, "len {len}");
        }
    }

    #[test]
    fn round_trips_across_chunk_and_batch_boundaries() {
        for len in [
            0,
            1,
            CHUNK_SIZE - 1,
            CHUNK_SIZE,
            CHUNK_SIZE + 1,
            3 * CHUNK_SIZE,
            BATCH_CHUNKS * CHUNK_SIZE - 1,
            BATCH_CHUNKS * CHUNK_SIZE,
            BATCH_CHUNKS * CHUNK_SIZE + 1,
            2 * BATCH_CHUNKS * CHUNK_SIZE,
            2 * BATCH_CHUNKS * CHUNK_SIZE + 17,
        ] {
            check_round_trip(len);
        }
    }

    #[test]
    fn truncation_at_a_chunk_boundary_is_detected() {
        let plaintext = vec![1u8; 3 * CHUNK_SIZE];
        let ciphertext = encrypt(&plaintext, CHUNK_SIZE);
        for n_chunks in 1..3 {
            let cut = &ciphertext[..n_chunks * ENCRYPTED_CHUNK_SIZE];
            assert!(matches!(decrypt(cut), Err(EnvelopeError::Decryption)));
        }
        assert!(matches!(decrypt(&[]), Err(EnvelopeError::Decryption)));
    }

    #[test]
    fn truncation_at_a_batch_boundary_is_detected() {
        let plaintext = vec![1u8; 2 * BATCH_CHUNKS * CHUNK_SIZE];
        let ciphertext = encrypt(&plaintext, CHUNK_SIZE);
        assert!(matches!(
            decrypt(&ciphertext[..BATCH_BYTES]),
            Err(EnvelopeError::Decryption)
        ));
    }

    #[test]
    fn appended_bytes_are_detected() {
        let mut ciphertext = encrypt(&[5u8; 100], 100);
        ciphertext.push(0);
        assert!(matches!(
            decrypt(&ciphertext),
            Err(EnvelopeError::Decryption)
        ));
    }

    #[test]
    fn chunks_before_a_corrupt_chunk_are_released() {
        let plaintext = vec![2u8; 3 * CHUNK_SIZE];
        let mut ciphertext = encrypt(&plaintext, CHUNK_SIZE);
        ciphertext[ENCRYPTED_CHUNK_SIZE + 10] ^= 1;
        let mut reader = PayloadReader::new(&ciphertext[..], &FILE_KEY, &NONCE).unwrap();
        let mut released = 0;
        let err = loop {
            match reader.fill() {
                Ok(available) => {
                    let n = available.len();
                    assert_ne!(n, 0, "a corrupt payload must not end cleanly");
                    released += n;
                    reader.consume(n);
                }
                Err(err) => break err,
            }
        };
        assert!(matches!(err, EnvelopeError::Decryption));
        assert_eq!(released, CHUNK_SIZE);
    }
}
