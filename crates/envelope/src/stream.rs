//! The age payload: STREAM ChaCha20-Poly1305 over 64 KiB chunks (C2SP age spec, "Payload").
//!
//! Chunks are sealed and opened in place, a batch at a time, on a worker thread while the
//! caller's thread reads, hashes and writes the neighbouring batch: the ciphertext layout of a
//! batch is exactly its layout in the buffer, so nothing is copied between the read (or the
//! caller's write) and the output.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use hkdf::Hkdf;
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
/// Chunks per batch: large enough to amortise the hand-over between threads, small enough for
/// constant memory (at most three batch buffers per stream).
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

/// A thread that runs the cipher over whole batches while the caller's thread reads, hashes
/// and writes the neighbouring ones: two cores busy without copying a chunk. Started only
/// for payloads longer than two batches. A plain thread rather than a pool, so that a caller
/// running inside a pool can never wait on itself.
struct Worker<J, R> {
    jobs: Option<Sender<J>>,
    results: Receiver<R>,
    handle: Option<JoinHandle<()>>,
}

impl<J: Send + 'static, R: Send + 'static> Worker<J, R> {
    fn spawn(mut work: impl FnMut(J) -> R + Send + 'static) -> Result<Self, EnvelopeError> {
        let (jobs, job_receiver) = channel::<J>();
        let (result_sender, results) = channel::<R>();
        let handle = std::thread::Builder::new()
            .name("pli-envelope-stream".into())
            .spawn(move || {
                for job in job_receiver {
                    if result_sender.send(work(job)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            results,
            handle: Some(handle),
        })
    }

    fn send(&self, job: J) -> Result<(), EnvelopeError> {
        self.jobs
            .as_ref()
            .and_then(|jobs| jobs.send(job).ok())
            .ok_or_else(|| io::Error::other("the stream worker stopped").into())
    }

    fn receive(&self) -> Result<R, EnvelopeError> {
        self.results
            .recv()
            .map_err(|_| io::Error::other("the stream worker stopped").into())
    }
}

impl<J, R> Drop for Worker<J, R> {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// A batch of chunks to seal, in its buffer.
struct SealJob {
    buffer: Box<[u8]>,
    n_chunks: usize,
    last_len: usize,
    last: bool,
    first: u64,
}

impl SealJob {
    fn run(mut self, key: &PayloadKey) -> Result<(Box<[u8]>, usize), EnvelopeError> {
        let used = (self.n_chunks - 1) * ENCRYPTED_CHUNK_SIZE + self.last_len + TAG_SIZE;
        for (i, slot) in self.buffer[..used]
            .chunks_mut(ENCRYPTED_CHUNK_SIZE)
            .enumerate()
        {
            let len = slot.len() - TAG_SIZE;
            let is_last = self.last && i + 1 == self.n_chunks;
            let tag = key.seal(self.first + i as u64, is_last, &mut slot[..len])?;
            slot[len..].copy_from_slice(&tag);
        }
        Ok((self.buffer, used))
    }
}

type Sealed = Result<(Box<[u8]>, usize), EnvelopeError>;

/// Encrypts a payload: write plaintext, then call [`PayloadWriter::finish`], without which the
/// output is a truncated (and therefore rejected) payload.
pub struct PayloadWriter<W: Write> {
    out: W,
    key: Arc<PayloadKey>,
    worker: Option<Worker<SealJob, Sealed>>,
    in_flight: bool,
    /// The buffer being filled.
    filling: Box<[u8]>,
    /// Full chunks in `filling` before the one being filled.
    n_full: usize,
    /// Bytes in the chunk being filled (`CHUNK_SIZE` when full but not yet counted).
    tail: usize,
    /// A full batch not yet sealed: its last chunk is the payload's last if no data follows.
    pending: Option<Box<[u8]>>,
    free: Vec<Box<[u8]>>,
    /// Counter of the first chunk not yet handed to the cipher.
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
            key: Arc::new(PayloadKey::derive(file_key, nonce)?),
            worker: None,
            in_flight: false,
            filling: new_buffer(),
            n_full: 0,
            tail: 0,
            pending: None,
            free: Vec::new(),
            counter: 0,
        })
    }

    /// Free space in the chunk being filled: the caller reads plaintext straight into it and
    /// then calls [`PayloadWriter::advance`]. Never empty.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.tail == CHUNK_SIZE {
            if self.n_full + 1 == BATCH_CHUNKS {
                // Invariant: the previous pending batch left with the first byte written into
                // this one, so the slot is free.
                let next = self.free.pop().unwrap_or_else(new_buffer);
                self.pending = Some(std::mem::replace(&mut self.filling, next));
                self.n_full = 0;
            } else {
                self.n_full += 1;
            }
            self.tail = 0;
        }
        let start = self.n_full * ENCRYPTED_CHUNK_SIZE;
        &mut self.filling[start + self.tail..start + CHUNK_SIZE]
    }

    /// Records that `n` bytes were written into [`PayloadWriter::spare`].
    pub fn advance(&mut self, n: usize) -> Result<(), EnvelopeError> {
        if n == 0 {
            return Ok(());
        }
        if self.tail == CHUNK_SIZE || n > CHUNK_SIZE - self.tail {
            return Err(io::Error::other("advance past the space `spare` returned").into());
        }
        if let Some(pending) = self.pending.take() {
            self.dispatch(pending, BATCH_CHUNKS, CHUNK_SIZE, false)?;
        }
        self.tail += n;
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
        let filling_empty = self.n_full == 0 && self.tail == 0;
        if let Some(pending) = self.pending.take() {
            self.dispatch(pending, BATCH_CHUNKS, CHUNK_SIZE, filling_empty)?;
        }
        if !(filling_empty && self.counter > 0) {
            let filling = std::mem::replace(&mut self.filling, Box::new([]));
            self.dispatch(filling, self.n_full + 1, self.tail, true)?;
        }
        self.write_in_flight()?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Hands a batch to the cipher: the worker, or this thread for the payload's last batch,
    /// and writes out the batch sealed before it, keeping the output in order.
    fn dispatch(
        &mut self,
        buffer: Box<[u8]>,
        n_chunks: usize,
        last_len: usize,
        last: bool,
    ) -> Result<(), EnvelopeError> {
        let job = SealJob {
            buffer,
            n_chunks,
            last_len,
            last,
            first: self.counter,
        };
        self.counter = self
            .counter
            .checked_add(n_chunks as u64)
            .ok_or_else(|| io::Error::other("payload too long"))?;
        self.write_in_flight()?;
        if last {
            let (buffer, used) = job.run(&self.key)?;
            self.out.write_all(&buffer[..used])?;
            return Ok(());
        }
        if self.worker.is_none() {
            let key = Arc::clone(&self.key);
            self.worker = Some(Worker::spawn(move |job: SealJob| job.run(&key))?);
        }
        if let Some(worker) = &self.worker {
            worker.send(job)?;
            self.in_flight = true;
        }
        Ok(())
    }

    fn write_in_flight(&mut self) -> Result<(), EnvelopeError> {
        if !self.in_flight {
            return Ok(());
        }
        self.in_flight = false;
        let worker = self
            .worker
            .as_ref()
            .ok_or_else(|| io::Error::other("no stream worker"))?;
        let (buffer, used) = worker.receive()??;
        self.out.write_all(&buffer[..used])?;
        self.free.push(buffer);
        Ok(())
    }
}

fn new_buffer() -> Box<[u8]> {
    vec![0u8; BATCH_BYTES].into_boxed_slice()
}

/// A batch of ciphertext read from the input, opened in place.
struct OpenJob {
    buffer: Box<[u8]>,
    opened: Vec<Opened>,
    len: usize,
    first: u64,
    is_final: bool,
}

impl OpenJob {
    fn n_chunks(&self) -> usize {
        self.len.div_ceil(ENCRYPTED_CHUNK_SIZE)
    }

    fn run(mut self, key: &PayloadKey) -> Self {
        let n_chunks = self.n_chunks();
        // The last batch keeps a copy of its ciphertext so that a full chunk whose flag
        // contradicts its position can be tried again with the other flag (ring zeroes a
        // chunk that fails). Once per payload, so the copy costs nothing measurable.
        let backup = self.is_final.then(|| self.buffer[..self.len].to_vec());
        for (i, slot) in self.buffer[..self.len]
            .chunks_mut(ENCRYPTED_CHUNK_SIZE)
            .enumerate()
        {
            let counter = self.first + i as u64;
            let last = self.is_final && i + 1 == n_chunks;
            let start = i * ENCRYPTED_CHUNK_SIZE;
            let original = backup.as_deref().map(|b| &b[start..start + slot.len()]);
            self.opened[i] = open_chunk(key, counter, last, slot, original);
        }
        self
    }
}

/// Decrypts a payload. Plaintext is released chunk by chunk as each chunk authenticates;
/// the end of the payload is reported only once the final chunk (flagged last) authenticated
/// and nothing follows it.
pub struct PayloadReader<R: Read> {
    input: R,
    key: Arc<PayloadKey>,
    worker: Option<Worker<OpenJob, OpenJob>>,
    in_flight: bool,
    /// The batch being read by the caller.
    current: Option<OpenJob>,
    free: Vec<Box<[u8]>>,
    /// A byte read ahead to learn whether the batch before it ends the payload.
    carry: Option<u8>,
    /// The batch holding the payload's end was read.
    input_done: bool,
    /// Leading chunks of the current batch that authenticated.
    n_valid: usize,
    /// The current batch holds a bad chunk: once the chunks before it are read, reading fails.
    poisoned: bool,
    /// Index in the batch and position in the plaintext of the chunk being read.
    chunk: usize,
    position: usize,
    failed: bool,
    /// Counter of the next chunk to read from the input.
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
            key: Arc::new(PayloadKey::derive(file_key, nonce)?),
            worker: None,
            in_flight: false,
            current: None,
            free: Vec::new(),
            carry: None,
            input_done: false,
            n_valid: 0,
            poisoned: false,
            chunk: 0,
            position: 0,
            failed: false,
            counter: 0,
        })
    }

    /// The next authenticated plaintext, empty only at the authenticated end of the payload.
    pub fn fill(&mut self) -> Result<&[u8], EnvelopeError> {
        loop {
            if self.failed {
                return Err(EnvelopeError::Decryption);
            }
            let step = match &self.current {
                Some(current) if self.chunk < self.n_valid => {
                    let len = plaintext_len(current, self.chunk);
                    let start = self.chunk * ENCRYPTED_CHUNK_SIZE;
                    if self.position < len {
                        Step::Data(start + self.position, start + len)
                    } else {
                        Step::NextChunk
                    }
                }
                Some(_) if self.poisoned => Step::Fail,
                Some(current) if current.is_final => Step::End,
                Some(_) => Step::Recycle,
                None => Step::Read,
            };
            match step {
                Step::Data(start, end) => {
                    return Ok(self
                        .current
                        .as_ref()
                        .map_or(&[][..], |c| &c.buffer[start..end]));
                }
                Step::NextChunk => {
                    self.chunk += 1;
                    self.position = 0;
                }
                Step::Fail => self.failed = true,
                Step::End => return Ok(&[]),
                Step::Recycle => {
                    if let Some(done) = self.current.take() {
                        self.free.push(done.buffer);
                    }
                }
                Step::Read => self.next_batch()?,
            }
        }
    }

    /// Marks `n` bytes of what [`PayloadReader::fill`] returned as consumed.
    pub fn consume(&mut self, n: usize) {
        self.position += n;
    }

    /// Makes the next opened batch current, and starts opening the one after it.
    fn next_batch(&mut self) -> Result<(), EnvelopeError> {
        let batch = if self.in_flight {
            self.in_flight = false;
            let worker = self
                .worker
                .as_ref()
                .ok_or_else(|| io::Error::other("no stream worker"))?;
            worker.receive()?
        } else {
            self.read_batch()?.run(&self.key)
        };
        let n_chunks = batch.n_chunks();
        let first_bad = batch.opened[..n_chunks]
            .iter()
            .position(|opened| *opened != Opened::Valid);
        self.n_valid = match first_bad {
            None => n_chunks,
            Some(i) if batch.opened[i] == Opened::ValidThenError => i + 1,
            Some(i) => i,
        };
        // An empty read means a payload without any chunk.
        self.poisoned = first_bad.is_some() || batch.len == 0;
        self.chunk = 0;
        self.position = 0;
        let ahead = !self.poisoned && !batch.is_final;
        self.current = Some(batch);
        if ahead && !self.input_done {
            // Read the next batch now, so that the worker opens it while the caller consumes
            // this one.
            let job = self.read_batch()?;
            if self.worker.is_none() {
                let key = Arc::clone(&self.key);
                self.worker = Some(Worker::spawn(move |job: OpenJob| job.run(&key))?);
            }
            if let Some(worker) = &self.worker {
                worker.send(job)?;
                self.in_flight = true;
            }
        }
        Ok(())
    }

    fn read_batch(&mut self) -> Result<OpenJob, EnvelopeError> {
        let mut buffer = self.free.pop().unwrap_or_else(new_buffer);
        let mut len = 0;
        if let Some(byte) = self.carry.take() {
            buffer[0] = byte;
            len = 1;
        }
        len += read_full(&mut self.input, &mut buffer[len..])?;
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
        self.input_done = is_final;
        let first = self.counter;
        let n_chunks = len.div_ceil(ENCRYPTED_CHUNK_SIZE);
        self.counter = first
            .checked_add(n_chunks as u64)
            .ok_or_else(|| io::Error::other("payload too long"))?;
        Ok(OpenJob {
            buffer,
            opened: vec![Opened::Invalid; BATCH_CHUNKS],
            len,
            first,
            is_final,
        })
    }
}

enum Step {
    Data(usize, usize),
    NextChunk,
    Fail,
    End,
    Recycle,
    Read,
}

fn plaintext_len(batch: &OpenJob, chunk: usize) -> usize {
    if chunk + 1 == batch.n_chunks() {
        (batch.len - chunk * ENCRYPTED_CHUNK_SIZE).saturating_sub(TAG_SIZE)
    } else {
        CHUNK_SIZE
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
            // Beyond two batches, the worker thread seals and opens; buffers are reused.
            5 * BATCH_CHUNKS * CHUNK_SIZE,
            5 * BATCH_CHUNKS * CHUNK_SIZE + CHUNK_SIZE + 3,
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
    fn truncation_and_reordering_past_the_worker_are_detected() {
        let plaintext: Vec<u8> = (0..4 * BATCH_CHUNKS * CHUNK_SIZE)
            .map(|i| (i / 7) as u8)
            .collect();
        let ciphertext = encrypt(&plaintext, 10_000);
        for cut in [
            2 * BATCH_BYTES,
            3 * BATCH_BYTES,
            3 * BATCH_BYTES + ENCRYPTED_CHUNK_SIZE,
            ciphertext.len() - 1,
        ] {
            assert!(
                matches!(decrypt(&ciphertext[..cut]), Err(EnvelopeError::Decryption)),
                "cut {cut}"
            );
        }
        // Two chunks of the third batch swapped.
        let mut swapped = ciphertext.clone();
        let a = 2 * BATCH_BYTES;
        let b = a + ENCRYPTED_CHUNK_SIZE;
        let first = swapped[a..b].to_vec();
        swapped.copy_within(b..b + ENCRYPTED_CHUNK_SIZE, a);
        swapped[b..b + ENCRYPTED_CHUNK_SIZE].copy_from_slice(&first);
        assert!(matches!(decrypt(&swapped), Err(EnvelopeError::Decryption)));
        assert_eq!(decrypt(&ciphertext).unwrap(), plaintext);
    }

    #[test]
    fn dropping_mid_stream_stops_the_worker() {
        let plaintext = vec![9u8; 5 * BATCH_CHUNKS * CHUNK_SIZE];
        let ciphertext = encrypt(&plaintext, CHUNK_SIZE);
        let mut reader = PayloadReader::new(&ciphertext[..], &FILE_KEY, &NONCE).unwrap();
        let n = reader.fill().unwrap().len();
        reader.consume(n);
        assert!(!reader.fill().unwrap().is_empty());
        drop(reader);

        let mut writer = PayloadWriter::new(Vec::new(), &FILE_KEY, &NONCE).unwrap();
        writer.write_all(&plaintext[..3 * BATCH_BYTES]).unwrap();
        drop(writer);
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
