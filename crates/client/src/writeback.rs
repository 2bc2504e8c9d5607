//! Writing a large file durably without one long `fsync` at the end.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Write back after every this many bytes written.
const EVERY: u64 = 32 * 1024 * 1024;

/// A `Write` to a file that has the kernel write the data back to disk as it goes, on a
/// helper thread, so that the final `fsync` ([`WriteBack::finish`]) finds little left to do.
/// Left alone, the kernel keeps a whole received file dirty in memory and `fsync` writes all
/// of it while the user waits.
pub(crate) struct WriteBack<'a> {
    file: &'a mut File,
    written: u64,
    flushed_at: u64,
    requests: Option<SyncSender<()>>,
    worker: Option<JoinHandle<io::Result<()>>>,
}

impl<'a> WriteBack<'a> {
    pub(crate) fn new(file: &'a mut File) -> io::Result<WriteBack<'a>> {
        Ok(WriteBack {
            file,
            written: 0,
            flushed_at: 0,
            requests: None,
            worker: None,
        })
    }

    /// The helper thread starts with the first write-back: small files never need one.
    fn start(&mut self) -> io::Result<()> {
        let handle = self.file.try_clone()?;
        let (requests, received) = sync_channel::<()>(1);
        let worker = std::thread::Builder::new()
            .name("pli-writeback".into())
            .spawn(move || {
                // A write-back error is reported once, to this descriptor: keep it for `finish`.
                let mut outcome = Ok(());
                for () in received {
                    if let Err(error) = handle.sync_data() {
                        outcome = Err(error);
                    }
                }
                outcome
            })?;
        self.requests = Some(requests);
        self.worker = Some(worker);
        Ok(())
    }

    /// Makes everything written durable, or says why not.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.stop()?;
        self.file.sync_all()
    }

    fn stop(&mut self) -> io::Result<()> {
        drop(self.requests.take());
        match self.worker.take().map(JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(error))) => Err(error),
            Some(Err(_)) => Err(io::Error::other("the write-back thread stopped")),
        }
    }
}

impl Write for WriteBack<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.file.write(data)?;
        self.written += n as u64;
        if self.written >= self.flushed_at + EVERY {
            if self.worker.is_none() {
                self.start()?;
            }
            // Busy: the next write past the mark asks again.
            if let Some(requests) = &self.requests
                && requests.try_send(()).is_ok()
            {
                self.flushed_at = self.written;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for WriteBack<'_> {
    fn drop(&mut self) {
        // An abandoned file is deleted by its owner; only the thread needs stopping.
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn everything_written_is_in_the_file_after_finish() {
        let mut file = tempfile::tempfile().unwrap();
        let block = vec![0x5a_u8; 1024 * 1024];
        let mut writer = WriteBack::new(&mut file).unwrap();
        for _ in 0..70 {
            writer.write_all(&block).unwrap();
        }
        writer.write_all(b"end").unwrap();
        writer.finish().unwrap();
        let mut contents = Vec::new();
        use std::io::Seek as _;
        file.rewind().unwrap();
        file.read_to_end(&mut contents).unwrap();
        assert_eq!(contents.len(), 70 * 1024 * 1024 + 3);
        assert!(contents.ends_with(b"end"));
        assert!(contents[..70 * 1024 * 1024].iter().all(|&b| b == 0x5a));
    }
}
