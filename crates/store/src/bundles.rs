//! Entries as the backends keep them: C2SP tlog-tiles entry bundles of 256 ([`pli_audit`]'s
//! `bundles`), one row each, and pruned entries' leaf hashes beside them. What both backends
//! share: how a bundle is stored (a full bundle compressed, the partial last one as it is) and
//! read back ([`decode_bundle`], the one way to read a stored bundle), reading entries out of
//! bundles, and rewriting a bundle for retention.

use std::borrow::Cow;

use crate::{PrunedEntry, StoreError, StoredBundle, StoredEntry};
use pli_audit::{
    BUNDLE_WIDTH, HEADER_BYTES, bundle_appends, bundle_entries, bundle_pieces, push_bundle_entry,
};

/// Largest bundle there can be: 256 entries, each at most the 65,535 bytes its u16 length
/// prefix allows. A compressed bundle declaring more is refused before anything is allocated.
pub const MAX_BUNDLE_BYTES: usize = BUNDLE_WIDTH as usize * (2 + u16::MAX as usize);

/// zstd level of full bundles: the fastest levels already find what entries repeat (actors,
/// organisations, actions, the spelling of ids); higher ones cost the writer more time than they
/// save bytes.
const ZSTD_LEVEL: i32 = 1;

/// How a bundle's bytes are stored (the `codec` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleCodec {
    /// The bundle itself: each entry behind its u16 length. The partial last bundle, which each
    /// batch extends, and every bundle written before compression.
    Raw,
    /// A full bundle as one zstd frame that declares its decompressed size.
    Zstd,
}

impl BundleCodec {
    /// The value of the `codec` column.
    pub fn code(self) -> i64 {
        match self {
            BundleCodec::Raw => 0,
            BundleCodec::Zstd => 1,
        }
    }

    /// The codec of a `codec` column value, `None` for a value no version wrote.
    pub fn from_code(code: i64) -> Option<BundleCodec> {
        match code {
            0 => Some(BundleCodec::Raw),
            1 => Some(BundleCodec::Zstd),
            _ => None,
        }
    }
}

/// Why a stored bundle cannot be read. The bundle's bytes were changed or damaged; nothing
/// of its content is ever part of the message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The compressed bytes do not start with a zstd frame header declaring a size.
    #[error("its compressed bytes declare no size")]
    NoDeclaredSize,
    /// The compressed bytes declare more than any bundle holds ([`MAX_BUNDLE_BYTES`]).
    #[error("its compressed bytes declare {0} bytes, over the limit of {MAX_BUNDLE_BYTES}")]
    TooLarge(u64),
    /// The compressed bytes do not decompress to the size they declare.
    #[error("its compressed bytes do not decompress to the {0} bytes they declare")]
    Corrupt(u64),
}

/// A stored bundle's bytes as written: each entry behind its u16 length. The one way every
/// reader (verification, serving entries, retention, the writer extending the last bundle)
/// reads a bundle. Decompression is bounded: at most [`MAX_BUNDLE_BYTES`], and exactly the
/// size the compressed bytes declare, is ever allocated.
pub fn decode_bundle(codec: BundleCodec, stored: &[u8]) -> Result<Cow<'_, [u8]>, BundleError> {
    match codec {
        BundleCodec::Raw => Ok(Cow::Borrowed(stored)),
        BundleCodec::Zstd => {
            let declared = zstd::zstd_safe::get_frame_content_size(stored)
                .ok()
                .flatten()
                .ok_or(BundleError::NoDeclaredSize)?;
            let size = usize::try_from(declared)
                .ok()
                .filter(|size| *size <= MAX_BUNDLE_BYTES)
                .ok_or(BundleError::TooLarge(declared))?;
            let mut data = Vec::with_capacity(size);
            let mut decompressor =
                zstd::bulk::Decompressor::new().map_err(|_| BundleError::Corrupt(declared))?;
            // The output buffer is the declared size: more output is an error, not a larger
            // allocation, and a frame that stops short is caught below.
            match decompressor.decompress_to_buffer(stored, &mut data) {
                Ok(written) if written == size && data.len() == size => Ok(Cow::Owned(data)),
                _ => Err(BundleError::Corrupt(declared)),
            }
        }
    }
}

/// What a batch writes to one bundle ([`bundle_writes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleWrite {
    /// Number of the bundle: it holds entries `256 * index` onwards.
    pub index: u64,
    /// Entries the bundle held before the batch (0: the bundle is new).
    pub start: u32,
    /// Entries the batch adds to it.
    pub count: u32,
    /// How [`BundleWrite::data`] is stored.
    pub codec: BundleCodec,
    /// A new bundle (`start` 0): its bytes as stored, in `codec`. Otherwise the entries to
    /// append, each behind its u16 length ([`BundleCodec::Raw`]).
    pub data: Vec<u8>,
}

impl BundleWrite {
    /// Whether the bundle holds all its 256 entries after this write.
    pub fn fills(&self) -> bool {
        u64::from(self.start) + u64::from(self.count) == BUNDLE_WIDTH
    }
}

/// The bundle writes that add `entries` at log indexes `first_index` onwards, new bundles
/// already in the form they are stored in ([`encode_bundle`]). Made before the store's
/// transaction, so that compressing full bundles is not done while the database waits.
/// `Backend` if an entry is too long for its u16 length prefix (no entry the log encodes is).
pub fn bundle_writes(first_index: u64, entries: &[Vec<u8>]) -> crate::Result<Vec<BundleWrite>> {
    let appends = bundle_appends(first_index, entries)
        .ok_or_else(|| StoreError::Backend("an audit log entry over 65,535 bytes".into()))?;
    appends
        .into_iter()
        .map(|append| {
            let (codec, data) = if append.start == 0 {
                encode_bundle(&append.data, u64::from(append.count))?
            } else {
                (BundleCodec::Raw, append.data)
            };
            Ok(BundleWrite {
                index: append.index,
                start: append.start,
                count: append.count,
                codec,
                data,
            })
        })
        .collect()
}

/// How bundle bytes holding `entries` entries are to be stored: a full bundle (256 entries)
/// compressed, any other as it is.
pub fn encode_bundle(data: &[u8], entries: u64) -> crate::Result<(BundleCodec, Vec<u8>)> {
    if entries != BUNDLE_WIDTH {
        return Ok((BundleCodec::Raw, data.to_vec()));
    }
    Ok((BundleCodec::Zstd, compress_bundle(data)?))
}

/// Bundle bytes as [`BundleCodec::Zstd`] stores them: one zstd frame declaring its size, with a
/// checksum of its content, so that a changed byte that still decompresses is refused like one
/// that does not.
pub fn compress_bundle(data: &[u8]) -> crate::Result<Vec<u8>> {
    let compress = || {
        let mut compressor = zstd::bulk::Compressor::new(ZSTD_LEVEL)?;
        compressor.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))?;
        compressor.compress(data)
    };
    compress().map_err(|_| StoreError::Backend("compressing an audit log bundle failed".into()))
}

impl StoredBundle {
    /// This bundle's bytes as written ([`decode_bundle`]).
    pub fn data(&self) -> Result<Cow<'_, [u8]>, BundleError> {
        decode_bundle(self.codec, &self.stored)
    }
}

/// The entries of `bundles` (consecutive, by increasing index) from index `start`, at most
/// `limit`. Entry `i` of bundle `n` is at index `256 * n + i`; a bundle whose bytes end inside
/// an entry gives what is left as one last entry, for a verifier to name.
/// `Corrupt` for a bundle that does not decode.
pub(crate) fn stored_entries(
    bundles: &[StoredBundle],
    start: u64,
    limit: u32,
) -> crate::Result<Vec<StoredEntry>> {
    let mut entries = Vec::new();
    for bundle in bundles {
        let first = bundle.index.saturating_mul(BUNDLE_WIDTH);
        // Only the bundles read from are decoded: a damaged one elsewhere fails no read.
        if entries.len() >= limit as usize {
            break;
        }
        if first.saturating_add(BUNDLE_WIDTH) <= start {
            continue;
        }
        let data = bundle.data().map_err(|error| {
            StoreError::Corrupt(format!("audit log bundle {}: {error}", bundle.index))
        })?;
        for (index, bytes) in (first..).zip(bundle_pieces(&data)) {
            if index < start {
                continue;
            }
            if entries.len() >= limit as usize {
                return Ok(entries);
            }
            let pruned_leaf = bundle
                .pruned
                .iter()
                .find(|(pruned, _)| *pruned == index)
                .map(|(_, leaf)| *leaf);
            entries.push(StoredEntry {
                index,
                bytes: bytes.to_vec(),
                pruned_leaf,
            });
        }
    }
    Ok(entries)
}

/// Retention in one stored bundle: [`prune_bundle`] on its decoded bytes, the result stored
/// with the same codec (a full bundle stays compressed). Returns the codec and bytes to store
/// and the entries pruned now; `None` if the bundle does not decode or is not well-formed (it is
/// left as it is for the verifier to name).
pub fn prune_stored_bundle<'a>(
    index: u64,
    codec: BundleCodec,
    stored: &[u8],
    pruned: &[u64],
    entries: &[&'a PrunedEntry],
) -> Option<(BundleCodec, Vec<u8>, Vec<&'a PrunedEntry>)> {
    let data = decode_bundle(codec, stored).ok()?;
    let (data, done) = prune_bundle(index, &data, pruned, entries)?;
    let stored = match codec {
        BundleCodec::Raw => data,
        BundleCodec::Zstd => compress_bundle(&data).ok()?,
    };
    Some((codec, stored, done))
}

/// Retention in one bundle: bundle `index`'s bytes `data` with each of `entries` (those of the
/// bundle) cut to its header, unless already pruned (`pruned`: the indexes with a kept leaf
/// hash) or no longer starting with that header. Returns the new bytes and the entries pruned
/// now, whose leaf hashes are to be kept; `None` if the bundle is not well-formed (it is left
/// as it is for the verifier to name).
pub fn prune_bundle<'a>(
    index: u64,
    data: &[u8],
    pruned: &[u64],
    entries: &[&'a PrunedEntry],
) -> Option<(Vec<u8>, Vec<&'a PrunedEntry>)> {
    let stored = bundle_entries(data)?;
    let first = index.checked_mul(BUNDLE_WIDTH)?;
    let mut out = Vec::with_capacity(data.len());
    let mut done = Vec::new();
    for (position, bytes) in (first..).zip(stored) {
        let prune = entries.iter().find(|entry| {
            entry.index == position
                && !pruned.contains(&position)
                && entry.header.len() == HEADER_BYTES
                && bytes.len() > HEADER_BYTES
                && bytes.starts_with(&entry.header)
        });
        match prune {
            Some(entry) => {
                push_bundle_entry(&mut out, &entry.header)?;
                done.push(*entry);
            }
            None => push_bundle_entry(&mut out, bytes)?,
        }
    }
    Some((out, done))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(index: u64, entries: &[Vec<u8>]) -> Vec<u8> {
        let appends = pli_audit::bundle_appends(index * BUNDLE_WIDTH, entries).unwrap();
        appends.into_iter().next().unwrap().data
    }

    #[test]
    fn entries_are_numbered_from_their_bundle_and_carry_kept_leaves() {
        let bundles = vec![
            StoredBundle {
                index: 0,
                codec: BundleCodec::Raw,
                stored: bundle(0, &[vec![1; 60], vec![2; 50]]),
                pruned: vec![(1, [9; 32])],
            },
            StoredBundle {
                index: 1,
                codec: BundleCodec::Raw,
                stored: bundle(1, &[vec![3; 60]]),
                pruned: Vec::new(),
            },
        ];
        let all = stored_entries(&bundles, 0, 10).unwrap();
        let indexes: Vec<u64> = all.iter().map(|entry| entry.index).collect();
        assert_eq!(indexes, [0, 1, 256]);
        assert_eq!(all[1].pruned_leaf, Some([9; 32]));
        assert_eq!(all[2].bytes, vec![3; 60]);
        assert_eq!(stored_entries(&bundles, 1, 1).unwrap().len(), 1);
        assert_eq!(stored_entries(&bundles, 1, 1).unwrap()[0].index, 1);
        assert_eq!(stored_entries(&bundles, 2, 5).unwrap()[0].index, 256);
    }

    /// A full bundle of entries that repeat as audit events do.
    fn full_bundle(index: u64) -> Vec<u8> {
        let entries: Vec<Vec<u8>> = (0..BUNDLE_WIDTH)
            .map(|n| format!("entry {n} of bundle {index}: envelope.download by account 7").into())
            .collect();
        bundle(index, &entries)
    }

    #[test]
    fn full_bundles_are_compressed_and_read_back() {
        let data = full_bundle(3);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        assert_eq!(codec, BundleCodec::Zstd);
        assert!(stored.len() < data.len() / 4, "{} bytes", stored.len());
        assert_eq!(decode_bundle(codec, &stored).unwrap(), &data[..]);
        // A partial bundle stays as it is, so that each batch extends it cheaply.
        let partial = bundle(4, &[vec![1; 60]]);
        let (codec, stored) = encode_bundle(&partial, 1).unwrap();
        assert_eq!((codec, &stored), (BundleCodec::Raw, &partial));
        assert_eq!(decode_bundle(codec, &stored).unwrap(), &partial[..]);
        for codec in [BundleCodec::Raw, BundleCodec::Zstd] {
            assert_eq!(BundleCodec::from_code(codec.code()), Some(codec));
        }
        assert_eq!(BundleCodec::from_code(2), None);
    }

    #[test]
    fn damaged_compressed_bundles_are_refused_without_panicking() {
        let data = full_bundle(0);
        let (_, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        let declared = data.len() as u64;
        let check = |stored: &[u8], expected: BundleError| {
            assert_eq!(decode_bundle(BundleCodec::Zstd, stored), Err(expected));
        };
        // Cut short, anywhere.
        for end in [0, 1, 4, 5, 6, stored.len() / 2, stored.len() - 1] {
            let error = decode_bundle(BundleCodec::Zstd, &stored[..end]).unwrap_err();
            assert!(
                matches!(error, BundleError::NoDeclaredSize | BundleError::Corrupt(_)),
                "{end}: {error:?}"
            );
        }
        check(&stored[..stored.len() - 1], BundleError::Corrupt(declared));
        // A changed byte inside the compressed data (the frame's checksum catches what still
        // decompresses), and bytes after the frame.
        let mut changed = stored.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 0x55;
        check(&changed, BundleError::Corrupt(declared));
        let mut longer = stored.clone();
        longer.extend_from_slice(&stored);
        check(&longer, BundleError::Corrupt(declared));
        // Not zstd at all: the raw bundle read as compressed.
        check(&data, BundleError::NoDeclaredSize);
        // An empty frame reads as an empty bundle (the verifier then finds its entries missing).
        let (_, empty) = encode_bundle(&[], BUNDLE_WIDTH).unwrap();
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &empty).unwrap(),
            &[0u8; 0][..]
        );
    }

    #[test]
    fn an_oversize_declared_bundle_is_refused_before_allocating() {
        // 64 MiB of zeros compress to a few kilobytes that declare their size.
        let huge = vec![0u8; 64 << 20];
        let stored = zstd::bulk::compress(&huge, 1).unwrap();
        assert!(stored.len() < 1 << 16);
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &stored),
            Err(BundleError::TooLarge(64 << 20))
        );
        // Just over the limit, and at it.
        let over = zstd::bulk::compress(&vec![0u8; MAX_BUNDLE_BYTES + 1], 1).unwrap();
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &over),
            Err(BundleError::TooLarge(MAX_BUNDLE_BYTES as u64 + 1))
        );
        let at = zstd::bulk::compress(&vec![0u8; MAX_BUNDLE_BYTES], 1).unwrap();
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &at).unwrap().len(),
            MAX_BUNDLE_BYTES
        );
        // A frame that declares less than it holds is cut at what it declares: an error.
        let mut lying = zstd::bulk::compress(&[7u8; 1000], 1).unwrap();
        let (_, small) = encode_bundle(&[7u8; 10], BUNDLE_WIDTH).unwrap();
        lying.splice(..0, small);
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &lying),
            Err(BundleError::Corrupt(10))
        );
        // The empty frame's own bytes, its checksum changed.
        let (_, mut empty) = encode_bundle(&[], BUNDLE_WIDTH).unwrap();
        let last = empty.len() - 1;
        empty[last] ^= 1;
        assert_eq!(
            decode_bundle(BundleCodec::Zstd, &empty),
            Err(BundleError::Corrupt(0))
        );
    }

    #[test]
    fn pruning_a_compressed_bundle_keeps_it_compressed() {
        let entries: Vec<Vec<u8>> = (0..BUNDLE_WIDTH)
            .map(|n| vec![(n % 200) as u8 + 1; HEADER_BYTES + 40])
            .collect();
        let data = bundle(1, &entries);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        let prune = PrunedEntry {
            index: 256 + 5,
            header: vec![6; HEADER_BYTES],
            leaf: [5; 32],
        };
        let (codec, stored, done) = prune_stored_bundle(1, codec, &stored, &[], &[&prune]).unwrap();
        assert_eq!(codec, BundleCodec::Zstd);
        assert_eq!(done, vec![&prune]);
        let read = decode_bundle(codec, &stored).unwrap();
        let read = bundle_entries(&read).unwrap();
        assert_eq!(read.len() as u64, BUNDLE_WIDTH);
        assert_eq!(read[5], &prune.header[..]);
        assert_eq!(read[6], &entries[6][..]);
        // A compressed bundle that does not decode is left for the verifier.
        let mut damaged = stored.clone();
        damaged.truncate(stored.len() - 3);
        assert!(prune_stored_bundle(1, codec, &damaged, &[], &[&prune]).is_none());
    }

    #[test]
    fn pruning_cuts_matching_entries_once() {
        let entries = [vec![1; 60], vec![2; 70], vec![3; 80]];
        let data = bundle(2, &entries);
        let header = |n: u8| vec![n; HEADER_BYTES];
        let first = PrunedEntry {
            index: 512,
            header: header(1),
            leaf: [1; 32],
        };
        let wrong_header = PrunedEntry {
            index: 513,
            header: header(9),
            leaf: [2; 32],
        };
        let already = PrunedEntry {
            index: 514,
            header: header(3),
            leaf: [3; 32],
        };
        let (out, done) =
            prune_bundle(2, &data, &[514], &[&first, &wrong_header, &already]).unwrap();
        assert_eq!(done, vec![&first]);
        assert_eq!(
            bundle_entries(&out).unwrap(),
            vec![&header(1)[..], &entries[1][..], &entries[2][..]]
        );
        // Pruned already: the header is all that is left, nothing changes.
        let (again, done) = prune_bundle(2, &out, &[512, 514], &[&first]).unwrap();
        assert!(done.is_empty());
        assert_eq!(again, out);
        assert!(prune_bundle(2, &data[..data.len() - 1], &[], &[&first]).is_none());
    }
}
