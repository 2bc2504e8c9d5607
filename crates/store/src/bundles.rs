//! Entries as the backends keep them: C2SP tlog-tiles entry bundles of 256 ([`pli_audit`]'s
//! `bundles`), one row each, and pruned entries' leaf hashes beside them. What both backends
//! share: how a bundle is stored (a full bundle compressed, the partial last one as it is) and
//! read back ([`decode_bundle`], the one way to read a stored bundle), reading entries out of
//! bundles, and rewriting a bundle for retention.

use std::borrow::Cow;

use crate::{PrunedEntry, StoreError, StoredBundle, StoredEntry};
use pli_audit::{
    BUNDLE_WIDTH, HASH_SIZE, HEADER_BYTES, PREV_OFFSET, bundle_appends, bundle_entries,
    bundle_pieces, leaf_hash, push_bundle_entry,
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
    /// A full bundle as one zstd frame, each entry after the first without 28 of the 32 bytes
    /// of its `prev` (the leaf hash of the entry before it), which reading rebuilds
    /// ([`decode_bundle`]). Only bundles whose entries all link that way are stored so.
    ZstdLinked,
}

impl BundleCodec {
    /// The value of the `codec` column.
    pub fn code(self) -> i64 {
        match self {
            BundleCodec::Raw => 0,
            BundleCodec::Zstd => 1,
            BundleCodec::ZstdLinked => 2,
        }
    }

    /// The codec of a `codec` column value, `None` for a value no version wrote.
    pub fn from_code(code: i64) -> Option<BundleCodec> {
        match code {
            0 => Some(BundleCodec::Raw),
            1 => Some(BundleCodec::Zstd),
            2 => Some(BundleCodec::ZstdLinked),
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
    /// A linked bundle ([`BundleCodec::ZstdLinked`]) whose entries cannot be rebuilt: cut
    /// short, more than 512, or one too short to hold what it keeps of its header.
    #[error("its linked entries cannot be rebuilt")]
    Unlinkable,
}

/// A stored bundle's bytes as written: each entry behind its u16 length. The one way every
/// reader (verification, serving entries, retention, the writer extending the last bundle)
/// reads a bundle. Decompression is bounded: at most [`MAX_BUNDLE_BYTES`], and exactly the
/// size the compressed bytes declare, is ever allocated.
pub fn decode_bundle(codec: BundleCodec, stored: &[u8]) -> Result<Cow<'_, [u8]>, BundleError> {
    match codec {
        BundleCodec::Raw => Ok(Cow::Borrowed(stored)),
        BundleCodec::Zstd => decompress(stored).map(Cow::Owned),
        BundleCodec::ZstdLinked => relink(&decompress(stored)?, None).map(Cow::Owned),
    }
}

/// The content of one zstd frame, allocating exactly the size it declares, at most
/// [`MAX_BUNDLE_BYTES`].
fn decompress(stored: &[u8]) -> Result<Vec<u8>, BundleError> {
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
        Ok(written) if written == size && data.len() == size => Ok(data),
        _ => Err(BundleError::Corrupt(declared)),
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
///
/// `leaves`, when given, are the entries' leaf hashes as the log computed them from these
/// bytes ([`pli_audit::PendingBatch::leaf_hashes`]): a full bundle is then checked to link
/// against them, not hashed again.
pub fn bundle_writes(
    first_index: u64,
    entries: &[Vec<u8>],
    leaves: Option<&[pli_audit::Hash]>,
) -> crate::Result<Vec<BundleWrite>> {
    let appends = bundle_appends(first_index, entries)
        .ok_or_else(|| StoreError::Backend("an audit log entry over 65,535 bytes".into()))?;
    let leaves = leaves.filter(|leaves| leaves.len() == entries.len());
    let mut position = 0;
    appends
        .into_iter()
        .map(|append| {
            let first = position;
            position += append.count as usize;
            let (codec, data) = match leaves {
                Some(leaves) if append.start == 0 && u64::from(append.count) == BUNDLE_WIDTH => {
                    let known = |k: usize, _: &[u8]| leaves.get(first + k).copied();
                    encode_full_bundle(&append.data, known)?
                }
                _ if append.start == 0 => encode_bundle(&append.data, u64::from(append.count))?,
                _ => (BundleCodec::Raw, append.data),
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
/// compressed, linked ([`BundleCodec::ZstdLinked`]) when each entry after the first carries the
/// leaf hash of the one before it as its `prev`, as the log writes them; any other bundle as it
/// is.
pub fn encode_bundle(data: &[u8], entries: u64) -> crate::Result<(BundleCodec, Vec<u8>)> {
    if entries != BUNDLE_WIDTH {
        return Ok((BundleCodec::Raw, data.to_vec()));
    }
    encode_full_bundle(data, |_, entry| Some(leaf_hash(entry)))
}

/// A full bundle as stored: linked when its entries link, given `leaf(k, bytes)`, the leaf hash
/// of its entry `k`; compressed whole otherwise.
fn encode_full_bundle(
    data: &[u8],
    leaf: impl Fn(usize, &[u8]) -> Option<pli_audit::Hash>,
) -> crate::Result<(BundleCodec, Vec<u8>)> {
    match unlink(data, leaf) {
        Some(unlinked) => Ok((BundleCodec::ZstdLinked, compress_bundle(&unlinked)?)),
        None => Ok((BundleCodec::Zstd, compress_bundle(data)?)),
    }
}

/// How many bytes of an entry's `prev` a linked bundle keeps: enough for a rebuilt entry that
/// an edit before it no longer links to to differ from the entry written (all but once in
/// 2^32), so a verifier still names the edited entry by the broken link.
const PREV_KEPT: usize = 4;
const PREV_DROPPED: std::ops::Range<usize> = PREV_OFFSET + PREV_KEPT..PREV_OFFSET + HASH_SIZE;

/// A bundle's bytes with each entry after the first cut of [`PREV_DROPPED`], if each of those
/// entries is a whole entry (at least a header long) whose `prev` is the leaf hash of the entry
/// before it; `None` otherwise (a pruned entry, or bytes the log did not write), as only then
/// does [`relink`] give back exactly `data`.
fn unlink(data: &[u8], leaf: impl Fn(usize, &[u8]) -> Option<pli_audit::Hash>) -> Option<Vec<u8>> {
    let entries = bundle_entries(data)?;
    let mut out = Vec::with_capacity(data.len());
    let mut previous: Option<&[u8]> = None;
    for (k, entry) in entries.into_iter().enumerate() {
        match previous {
            None => push_bundle_entry(&mut out, entry)?,
            Some(before) => {
                if entry.len() < HEADER_BYTES
                    || entry[PREV_OFFSET..PREV_OFFSET + HASH_SIZE]
                        != *leaf(k - 1, before)?.as_bytes()
                {
                    return None;
                }
                let kept = entry.len() - PREV_DROPPED.len();
                out.extend_from_slice(&u16::try_from(kept).ok()?.to_be_bytes());
                out.extend_from_slice(&entry[..PREV_DROPPED.start]);
                out.extend_from_slice(&entry[PREV_DROPPED.end..]);
            }
        }
        previous = Some(entry);
    }
    Some(out)
}

/// The bundle [`unlink`] cut: each entry after the first given back the dropped bytes of its
/// `prev` from the leaf hash of the entry rebuilt before it. An entry whose kept bytes do not
/// match that hash (an edit before it) is rebuilt with its kept bytes, so it no longer links.
/// With `leaves`, the leaf hash of every rebuilt entry is appended to it, as they are computed
/// anyway.
fn relink(unlinked: &[u8], mut leaves: Option<&mut Vec<u8>>) -> Result<Vec<u8>, BundleError> {
    let entries = bundle_entries(unlinked).ok_or(BundleError::Unlinkable)?;
    // Beyond a bundle's 256, a few entries an insider slipped in are still rebuilt for the
    // verifier to name; the bound keeps what reading allocates near the declared size.
    if entries.len() as u64 > 2 * BUNDLE_WIDTH {
        return Err(BundleError::Unlinkable);
    }
    let mut out = Vec::with_capacity(unlinked.len() + entries.len() * PREV_DROPPED.len());
    let mut previous: Option<std::ops::Range<usize>> = None;
    for entry in entries {
        let Some(before) = previous else {
            push_bundle_entry(&mut out, entry).ok_or(BundleError::Unlinkable)?;
            previous = Some(out.len() - entry.len()..out.len());
            continue;
        };
        if entry.len() < PREV_DROPPED.start {
            return Err(BundleError::Unlinkable);
        }
        let hash = leaf_hash(&out[before]);
        if let Some(leaves) = leaves.as_deref_mut() {
            leaves.extend_from_slice(hash.as_bytes());
        }
        let length =
            u16::try_from(entry.len() + PREV_DROPPED.len()).map_err(|_| BundleError::Unlinkable)?;
        out.extend_from_slice(&length.to_be_bytes());
        let start = out.len();
        out.extend_from_slice(&entry[..PREV_DROPPED.start]);
        out.extend_from_slice(&hash.as_bytes()[PREV_KEPT..]);
        out.extend_from_slice(&entry[PREV_DROPPED.start..]);
        previous = Some(start..out.len());
    }
    if let (Some(leaves), Some(last)) = (leaves, previous) {
        leaves.extend_from_slice(leaf_hash(&out[last]).as_bytes());
    }
    Ok(out)
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

/// The tile of level 0 over a bundle's entries: each one's leaf hash, or the one kept for it
/// when it was pruned. Leaf hashes are not stored beside the entries: each entry is stored
/// once, and this is what proofs and a reopening log read. `Corrupt` if the bundle does not
/// decode.
pub(crate) fn leaf_tile(bundle: &StoredBundle) -> crate::Result<Vec<u8>> {
    let first = bundle.index.saturating_mul(BUNDLE_WIDTH);
    if bundle.codec == BundleCodec::ZstdLinked {
        // Rebuilding the entries hashes each of them already.
        let corrupt = |error: BundleError| {
            StoreError::Corrupt(format!("audit log bundle {}: {error}", bundle.index))
        };
        let mut tile = Vec::with_capacity(BUNDLE_WIDTH as usize * HASH_SIZE);
        relink(
            &decompress(&bundle.stored).map_err(corrupt)?,
            Some(&mut tile),
        )
        .map_err(corrupt)?;
        tile.truncate(BUNDLE_WIDTH as usize * HASH_SIZE);
        for (index, leaf) in &bundle.pruned {
            let at = index
                .checked_sub(first)
                .and_then(|k| usize::try_from(k).ok())
                .and_then(|k| k.checked_mul(HASH_SIZE))
                .and_then(|at| Some(at..at.checked_add(HASH_SIZE)?));
            if let Some(slot) = at.and_then(|at| tile.get_mut(at)) {
                slot.copy_from_slice(leaf);
            }
        }
        return Ok(tile);
    }
    let entries = stored_entries(std::slice::from_ref(bundle), first, BUNDLE_WIDTH as u32)?;
    let mut tile = Vec::with_capacity(entries.len() * HASH_SIZE);
    for entry in &entries {
        match entry.pruned_leaf {
            Some(leaf) => tile.extend_from_slice(&leaf),
            None => tile.extend_from_slice(leaf_hash(&entry.bytes).as_bytes()),
        }
    }
    Ok(tile)
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
    let (codec, stored) = match codec {
        BundleCodec::Raw => (codec, data),
        BundleCodec::Zstd => (codec, compress_bundle(&data).ok()?),
        // Entries cut to their header no longer link: the bundle is stored as `Zstd` then.
        BundleCodec::ZstdLinked => encode_bundle(&data, BUNDLE_WIDTH).ok()?,
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
    use pli_audit::{AuditLog, LogKey, MemoryLog, SigningKey, Tampering, Verification};

    /// A log of `n` events, written as the server writes them, and its checkpoint.
    fn logged(n: u64) -> (Vec<Vec<u8>>, pli_audit::SignedCheckpoint) {
        let key = LogKey::new("pli.example/audit", SigningKey::from_bytes(&[7; 32])).unwrap();
        let mut log = AuditLog::new(key);
        let mut memory = MemoryLog::new();
        let events: Vec<pli_audit::AuditEvent> = (0..n)
            .map(|index| pli_audit::AuditEvent {
                time: 1_750_000_000 + index as i64,
                org: Some("0a1b2c3d4e5f60718293a4b5c6d7e8f9".into()),
                actor: Some(format!("{:032x}", index % 7)),
                actor_email: Some(format!("agent{}@chu.example", index % 7)),
                address: "192.0.2.7".into(),
                action: "envelope.download".into(),
                target: Some(format!("{index:032x}")),
                outcome: pli_audit::Outcome::Allowed,
            })
            .collect();
        let appended = log.append(&mut memory, &events).unwrap();
        (memory.entries().to_vec(), appended.checkpoint)
    }

    fn bundle_of(entries: &[Vec<u8>]) -> Vec<u8> {
        let mut data = Vec::new();
        for entry in entries {
            push_bundle_entry(&mut data, entry).unwrap();
        }
        data
    }

    /// What the verifier says of the log whose first bundle is stored as `stored` (linked) and
    /// whose other entries are `rest`.
    fn verdict(
        stored: &[u8],
        rest: &[Vec<u8>],
        checkpoint: &pli_audit::SignedCheckpoint,
    ) -> Result<pli_audit::Verified, pli_audit::VerifyError> {
        let data = decode_bundle(BundleCodec::ZstdLinked, stored).unwrap();
        let mut verification = Verification::new(std::slice::from_ref(checkpoint)).unwrap();
        for entry in bundle_pieces(&data)
            .into_iter()
            .chain(rest.iter().map(Vec::as_slice))
        {
            verification.push(entry).unwrap();
        }
        verification.finish()
    }

    #[test]
    fn a_full_bundle_of_logged_entries_is_stored_linked_and_read_back_exactly() {
        let (entries, checkpoint) = logged(300);
        let data = bundle_of(&entries[..256]);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        assert_eq!(codec, BundleCodec::ZstdLinked);
        assert_eq!(decode_bundle(codec, &stored).unwrap(), data);
        // Smaller than the bundle compressed whole: 28 bytes of hash per entry are not stored.
        let whole = compress_bundle(&data).unwrap();
        assert!(
            stored.len() + 255 * 20 < whole.len(),
            "{} {}",
            stored.len(),
            whole.len()
        );
        assert_eq!(
            verdict(&stored, &entries[256..], &checkpoint).unwrap().size,
            300
        );
    }

    #[test]
    fn the_leaf_tile_of_a_bundle_is_its_entries_leaf_hashes_or_those_kept() {
        let (entries, _) = logged(300);
        let expected = |range: std::ops::Range<usize>| -> Vec<u8> {
            entries[range]
                .iter()
                .flat_map(|entry| *leaf_hash(entry).as_bytes())
                .collect()
        };
        let writes = bundle_writes(0, &entries, None).unwrap();
        let stored = |write: &BundleWrite, pruned: Vec<(u64, [u8; 32])>| StoredBundle {
            index: write.index,
            codec: write.codec,
            stored: write.data.clone(),
            pruned,
        };
        assert_eq!(writes[0].codec, BundleCodec::ZstdLinked);
        assert_eq!(
            leaf_tile(&stored(&writes[0], Vec::new())).unwrap(),
            expected(0..256)
        );
        assert_eq!(writes[1].codec, BundleCodec::Raw);
        assert_eq!(
            leaf_tile(&stored(&writes[1], Vec::new())).unwrap(),
            expected(256..300)
        );
        // A kept leaf hash stands for its entry, in either form; one outside the bundle is
        // ignored.
        let mut with_kept = expected(0..256);
        with_kept[3 * 32..4 * 32].copy_from_slice(&[9; 32]);
        let pruned = vec![(3, [9; 32]), (700, [8; 32])];
        assert_eq!(leaf_tile(&stored(&writes[0], pruned)).unwrap(), with_kept);
        let mut with_kept = expected(256..300);
        with_kept[..32].copy_from_slice(&[9; 32]);
        assert_eq!(
            leaf_tile(&stored(&writes[1], vec![(256, [9; 32])])).unwrap(),
            with_kept
        );
    }

    #[test]
    fn a_batch_links_its_full_bundles_against_the_leaf_hashes_given() {
        let (entries, _) = logged(300);
        let leaves: Vec<pli_audit::Hash> = entries.iter().map(|entry| leaf_hash(entry)).collect();
        let writes = bundle_writes(0, &entries, Some(&leaves)).unwrap();
        assert_eq!(writes[0].codec, BundleCodec::ZstdLinked);
        assert_eq!(
            decode_bundle(writes[0].codec, &writes[0].data).unwrap(),
            bundle_of(&entries[..256])
        );
        assert_eq!(writes[1].codec, BundleCodec::Raw);
        // Leaf hashes that are not the entries' (or not one per entry): the bundle is still
        // read back exactly, stored whole or checked by hashing.
        let mut wrong = leaves.clone();
        wrong[10] = pli_audit::Hash::default();
        let writes = bundle_writes(0, &entries, Some(&wrong)).unwrap();
        assert_eq!(writes[0].codec, BundleCodec::Zstd);
        assert_eq!(
            decode_bundle(writes[0].codec, &writes[0].data).unwrap(),
            bundle_of(&entries[..256])
        );
        let writes = bundle_writes(0, &entries, Some(&leaves[..5])).unwrap();
        assert_eq!(writes[0].codec, BundleCodec::ZstdLinked);
        assert_eq!(
            decode_bundle(writes[0].codec, &writes[0].data).unwrap(),
            bundle_of(&entries[..256])
        );
    }

    #[test]
    fn bundles_whose_entries_do_not_link_are_stored_whole() {
        let (mut entries, _) = logged(256);
        // An entry cut to its header by retention: the next one no longer links to it.
        entries[9].truncate(HEADER_BYTES);
        let data = bundle_of(&entries);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        assert_eq!(codec, BundleCodec::Zstd);
        assert_eq!(decode_bundle(codec, &stored).unwrap(), data);
        // Bytes the log did not write (shorter than a header) are stored as they are too.
        let data = bundle_of(&vec![vec![1; 60]; 256]);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        assert_eq!(codec, BundleCodec::Zstd);
        assert_eq!(decode_bundle(codec, &stored).unwrap(), data);
    }

    #[test]
    fn retention_in_a_linked_bundle_stores_it_whole() {
        let (entries, _) = logged(256);
        let data = bundle_of(&entries);
        let (codec, stored) = encode_bundle(&data, BUNDLE_WIDTH).unwrap();
        let header = entries[3][..HEADER_BYTES].to_vec();
        let prune = PrunedEntry {
            index: 3,
            header,
            leaf: *leaf_hash(&entries[3]).as_bytes(),
        };
        let (codec, stored, done) = prune_stored_bundle(0, codec, &stored, &[], &[&prune]).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(codec, BundleCodec::Zstd);
        let read = decode_bundle(codec, &stored).unwrap();
        let read = bundle_entries(&read).unwrap();
        assert_eq!(read[3], &entries[3][..HEADER_BYTES]);
        assert_eq!(read[4], entries[4].as_slice());
    }

    /// An insider who edits a linked bundle (decompressing it, changing its entries as kept,
    /// compressing it again) is named as precisely as in a bundle stored whole: the dropped
    /// bytes are rebuilt from the entry before, and the kept ones then no longer match.
    #[test]
    fn edits_inside_a_linked_bundle_are_named() {
        let (entries, checkpoint) = logged(300);
        let (_, stored) = encode_bundle(&bundle_of(&entries[..256]), BUNDLE_WIDTH).unwrap();
        let kept = decompress(&stored).unwrap();
        let kept: Vec<Vec<u8>> = bundle_entries(&kept)
            .unwrap()
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        let edited = |edit: &dyn Fn(&mut Vec<Vec<u8>>)| {
            let mut pieces = kept.clone();
            edit(&mut pieces);
            let stored = compress_bundle(&bundle_of(&pieces)).unwrap();
            match verdict(&stored, &entries[256..], &checkpoint) {
                Err(pli_audit::VerifyError::Tampered(tampering)) => tampering,
                other => panic!("not caught: {other:?}"),
            }
        };
        let last = |pieces: &mut Vec<Vec<u8>>| pieces.len() - 1;

        // The body of entry 100 rewritten (its time and target).
        let rewritten = edited(&|pieces| {
            let end = pieces[100].len() - 1;
            pieces[100][end] ^= 1;
        });
        assert!(
            matches!(rewritten, Tampering::Rewritten { index: 100, .. }),
            "{rewritten:?}"
        );
        // Entry 0, stored whole, rewritten.
        let first = edited(&|pieces| {
            let end = pieces[0].len() - 1;
            pieces[0][end] ^= 1;
        });
        assert!(
            matches!(first, Tampering::Rewritten { index: 0, .. }),
            "{first:?}"
        );
        // The last entry of the bundle.
        let at_end = edited(&|pieces| {
            let end = last(pieces);
            let byte = pieces[end].len() - 1;
            pieces[end][byte] ^= 1;
        });
        assert!(
            matches!(at_end, Tampering::Rewritten { index: 255, .. }),
            "{at_end:?}"
        );
        // Entry 100 deleted.
        let deleted = edited(&|pieces| {
            pieces.remove(100);
        });
        assert!(
            matches!(
                deleted,
                Tampering::Deleted {
                    index: 100,
                    count: 1,
                    ..
                }
            ),
            "{deleted:?}"
        );
        // Entries 100 and 101 swapped.
        let reordered = edited(&|pieces| pieces.swap(100, 101));
        assert!(
            matches!(reordered, Tampering::Reordered { index: 100, .. }),
            "{reordered:?}"
        );
        // A copy of entry 100 slipped in after it.
        let inserted = edited(&|pieces| {
            let copy = pieces[100].clone();
            pieces.insert(101, copy);
        });
        assert!(
            matches!(inserted, Tampering::Inserted { index: 101, .. }),
            "{inserted:?}"
        );
    }

    #[test]
    fn hostile_linked_bundles_are_refused_without_panicking() {
        let linked = |pieces: &[Vec<u8>]| compress_bundle(&bundle_of(pieces)).unwrap();
        let (entries, _) = logged(2);
        // Far more entries than a bundle holds.
        let many = vec![vec![1; 20]; 513];
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &linked(&many)),
            Err(BundleError::Unlinkable)
        );
        // An entry after the first too short to hold its kept header.
        let short = [entries[0].clone(), vec![1; 13]];
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &linked(&short)),
            Err(BundleError::Unlinkable)
        );
        // An entry that would be over 65,535 bytes once rebuilt.
        let long = [entries[0].clone(), vec![1; usize::from(u16::MAX) - 20]];
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &linked(&long)),
            Err(BundleError::Unlinkable)
        );
        // Bytes cut inside an entry.
        let mut cut = bundle_of(&entries);
        cut.truncate(cut.len() - 3);
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &compress_bundle(&cut).unwrap()),
            Err(BundleError::Unlinkable)
        );
        // Not a zstd frame at all.
        assert!(decode_bundle(BundleCodec::ZstdLinked, b"not zstd").is_err());
        // The empty bundle and one entry alone are read as they are.
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &linked(&[])).unwrap(),
            Vec::<u8>::new()
        );
        let one = bundle_of(&entries[..1]);
        assert_eq!(
            decode_bundle(BundleCodec::ZstdLinked, &compress_bundle(&one).unwrap()).unwrap(),
            one
        );
    }

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
        // Not entries that link (see the linked bundles' tests): compressed whole.
        assert_eq!(codec, BundleCodec::Zstd);
        assert!(stored.len() < data.len() / 4, "{} bytes", stored.len());
        assert_eq!(decode_bundle(codec, &stored).unwrap(), &data[..]);
        // A partial bundle stays as it is, so that each batch extends it cheaply.
        let partial = bundle(4, &[vec![1; 60]]);
        let (codec, stored) = encode_bundle(&partial, 1).unwrap();
        assert_eq!((codec, &stored), (BundleCodec::Raw, &partial));
        assert_eq!(decode_bundle(codec, &stored).unwrap(), &partial[..]);
        for codec in [BundleCodec::Raw, BundleCodec::Zstd, BundleCodec::ZstdLinked] {
            assert_eq!(BundleCodec::from_code(codec.code()), Some(codec));
        }
        assert_eq!(BundleCodec::from_code(3), None);
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
