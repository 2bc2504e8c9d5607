//! The tar layer: GNU-format headers written with the `tar` crate's `Header`, and a strict
//! streaming reader that accepts only what an envelope may contain (regular files, GNU long
//! names), so that nothing else can reach the caller's disk.

use std::io::Read;

use tar::{EntryType, Header};

use crate::EnvelopeError;
use crate::name::MAX_NAME_BYTES;
use crate::stream::PayloadReader;

pub(crate) const MANIFEST_NAME: &str = "pli-manifest.json";
pub(crate) const SIGNATURE_NAME: &str = "pli-manifest.sig";
pub(crate) const BLOCK: usize = 512;
/// Owner read and write only: the files are sensitive wherever stock `tar` extracts them.
const FILE_MODE: u32 = 0o600;
/// Bytes of the name field; longer names go in a GNU long-name entry first.
const NAME_FIELD: usize = 100;
const LONG_LINK_NAME: &[u8] = b"././@LongLink";
/// Zero padding tolerated after the end-of-archive marker (GNU tar pads to 10 KiB records).
const MAX_TRAILING_ZEROS: u64 = 1024 * 1024;

/// The header blocks of one regular-file entry (two more blocks when the name needs a GNU long
/// name entry).
pub(crate) fn entry_header(name: &str, size: u64, mtime: u64) -> Result<Vec<u8>, EnvelopeError> {
    let name = name.as_bytes();
    let mut out = Vec::with_capacity(3 * BLOCK);
    if name.len() > NAME_FIELD {
        let mut long = new_header(EntryType::GNULongName, name.len() as u64 + 1, 0)?;
        set_name(&mut long, LONG_LINK_NAME)?;
        long.set_cksum();
        out.extend_from_slice(long.as_bytes());
        out.extend_from_slice(name);
        out.push(0);
        out.resize(out.len() + padding(name.len() as u64 + 1), 0);
    }
    let mut header = new_header(EntryType::Regular, size, mtime)?;
    set_name(&mut header, &name[..name.len().min(NAME_FIELD)])?;
    header.set_cksum();
    out.extend_from_slice(header.as_bytes());
    Ok(out)
}

/// Bytes of the header blocks [`entry_header`] writes for `name`.
pub(crate) fn entry_header_len(name: &str) -> u64 {
    if name.len() > NAME_FIELD {
        3 * BLOCK as u64
    } else {
        BLOCK as u64
    }
}

/// Zero bytes that follow `size` bytes of data to fill the last block.
pub(crate) fn padding(size: u64) -> usize {
    ((BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64) as usize
}

fn new_header(entry_type: EntryType, size: u64, mtime: u64) -> Result<Header, EnvelopeError> {
    let mut header = Header::new_gnu();
    header.set_entry_type(entry_type);
    header.set_size(size);
    header.set_mode(FILE_MODE);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    Ok(header)
}

fn set_name(header: &mut Header, name: &[u8]) -> Result<(), EnvelopeError> {
    let gnu = header
        .as_gnu_mut()
        .ok_or_else(|| EnvelopeError::Archive("not a GNU header".into()))?;
    gnu.name = [0; NAME_FIELD];
    gnu.name[..name.len()].copy_from_slice(name);
    Ok(())
}

/// A regular-file entry as found in the archive.
pub(crate) struct EntryHeader {
    pub(crate) name: Vec<u8>,
    pub(crate) size: u64,
}

/// Reads the decrypted tar stream, block by block, straight from the payload buffers.
pub(crate) struct ArchiveReader<R: Read> {
    payload: PayloadReader<R>,
}

impl<R: Read> ArchiveReader<R> {
    pub(crate) fn new(payload: PayloadReader<R>) -> Self {
        Self { payload }
    }

    /// The next entry's header, or `None` at the end-of-archive marker.
    pub(crate) fn next_entry(&mut self) -> Result<Option<EntryHeader>, EnvelopeError> {
        let mut long_name: Option<Vec<u8>> = None;
        loop {
            let mut block = [0u8; BLOCK];
            self.read_exact(&mut block)?;
            if block.iter().all(|b| *b == 0) {
                if long_name.is_some() {
                    return Err(archive_error("a long name is not followed by its entry"));
                }
                return Ok(None);
            }
            let header = Header::from_byte_slice(&block);
            check_header(header)?;
            let size = header
                .entry_size()
                .map_err(|_| archive_error("an entry has an invalid size field"))?;
            let entry_type = header.entry_type();
            if entry_type.is_gnu_longname() {
                if long_name.is_some() {
                    return Err(archive_error("two long names in a row"));
                }
                if size == 0 || size > MAX_NAME_BYTES as u64 + 1 {
                    return Err(archive_error("a long name is too long"));
                }
                let mut name = vec![0u8; size as usize];
                self.read_exact(&mut name)?;
                self.skip_padding(size)?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                long_name = Some(name);
                continue;
            }
            if !entry_type.is_file() {
                return Err(archive_error(
                    "an entry is not a regular file (directory, link, device or extended header)",
                ));
            }
            let name = match long_name {
                Some(name) => name,
                None => header.path_bytes().into_owned(),
            };
            return Ok(Some(EntryHeader { name, size }));
        }
    }

    /// Streams `size` bytes of entry data to `sink`, then skips the block padding.
    pub(crate) fn read_data(
        &mut self,
        size: u64,
        mut sink: impl FnMut(&[u8]) -> Result<(), EnvelopeError>,
    ) -> Result<(), EnvelopeError> {
        let mut remaining = size;
        while remaining > 0 {
            let available = self.payload.fill()?;
            if available.is_empty() {
                return Err(archive_error("the archive ends inside an entry"));
            }
            let n = available
                .len()
                .min(usize::try_from(remaining).unwrap_or(usize::MAX));
            sink(&available[..n])?;
            self.payload.consume(n);
            remaining -= n as u64;
        }
        self.skip_padding(size)
    }

    /// After the first zero block: checks the second one, that only zeros follow, and that the
    /// payload ended with its authenticated final chunk.
    pub(crate) fn finish(&mut self) -> Result<(), EnvelopeError> {
        let mut block = [0u8; BLOCK];
        self.read_exact(&mut block)?;
        if block.iter().any(|b| *b != 0) {
            return Err(archive_error("the end-of-archive marker is incomplete"));
        }
        let mut trailing = 0u64;
        loop {
            let available = self.payload.fill()?;
            if available.is_empty() {
                return Ok(());
            }
            if available.iter().any(|b| *b != 0) {
                return Err(archive_error("data follows the end of the archive"));
            }
            trailing += available.len() as u64;
            if trailing > MAX_TRAILING_ZEROS {
                return Err(archive_error(
                    "too much padding after the end of the archive",
                ));
            }
            let n = available.len();
            self.payload.consume(n);
        }
    }

    pub(crate) fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), EnvelopeError> {
        let mut filled = 0;
        while filled < buf.len() {
            let available = self.payload.fill()?;
            if available.is_empty() {
                return Err(archive_error("the archive is truncated"));
            }
            let n = available.len().min(buf.len() - filled);
            buf[filled..filled + n].copy_from_slice(&available[..n]);
            self.payload.consume(n);
            filled += n;
        }
        Ok(())
    }

    fn skip_padding(&mut self, size: u64) -> Result<(), EnvelopeError> {
        let mut pad = [0u8; BLOCK];
        let n = padding(size);
        self.read_exact(&mut pad[..n])
    }
}

/// A header must carry the ustar or GNU magic and a correct checksum.
fn check_header(header: &Header) -> Result<(), EnvelopeError> {
    if header.as_ustar().is_none() && header.as_gnu().is_none() {
        return Err(archive_error("an entry header is neither ustar nor GNU"));
    }
    let stored = header
        .cksum()
        .map_err(|_| archive_error("an entry header has an invalid checksum field"))?;
    let mut recomputed = header.clone();
    recomputed.set_cksum();
    if recomputed.cksum().ok() != Some(stored) {
        return Err(archive_error("an entry header's checksum is wrong"));
    }
    Ok(())
}

fn archive_error(what: &str) -> EnvelopeError {
    EnvelopeError::Archive(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_take_one_block_and_long_names_three() {
        let short = entry_header("a.txt", 5, 0).unwrap();
        assert_eq!(short.len() as u64, entry_header_len("a.txt"));
        assert_eq!(short.len(), BLOCK);
        let long_name = "n".repeat(200);
        let long = entry_header(&long_name, 5, 0).unwrap();
        assert_eq!(long.len() as u64, entry_header_len(&long_name));
        assert_eq!(long.len(), 3 * BLOCK);
        assert_eq!(&long[BLOCK..BLOCK + 200], long_name.as_bytes());
        let header = Header::from_byte_slice(&short);
        assert_eq!(header.entry_type(), EntryType::Regular);
        assert_eq!(header.mode().unwrap(), 0o600);
        assert_eq!(header.path_bytes().as_ref(), b"a.txt");
        check_header(header).unwrap();
    }

    #[test]
    fn padding_fills_the_block() {
        assert_eq!(padding(0), 0);
        assert_eq!(padding(1), 511);
        assert_eq!(padding(512), 0);
        assert_eq!(padding(513), 511);
    }
}
