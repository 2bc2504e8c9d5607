//! Storage of the log's entries as C2SP tlog-tiles entry bundles: one record per run of 256
//! consecutive entries instead of one per entry.
//!
//! A bundle is the `tile/entries/N` resource of tlog-tiles: each entry as its length (u16,
//! big-endian) followed by its bytes, nothing else. Bundle `N` holds entries `256 * N ..`; the
//! last bundle is partial and grows with each batch until it holds 256, exactly as the right-edge
//! hash tiles do ([`crate::tiles`]).

use crate::tiles::TILE_WIDTH;

/// Entries in a full bundle (the width of a tile).
pub const BUNDLE_WIDTH: u64 = TILE_WIDTH;

/// Entries a batch adds to one bundle, after the `start` it already held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleAppend {
    /// Number of the bundle: it holds entries `256 * index` onwards.
    pub index: u64,
    /// Entries the bundle held before the batch (0: the bundle is new).
    pub start: u32,
    /// Number of new entries: the bundle holds `start + count` after the batch, and is full at
    /// [`BUNDLE_WIDTH`].
    pub count: u32,
    /// The new entries, each length-prefixed, at positions `start` onwards of the bundle.
    pub data: Vec<u8>,
}

impl BundleAppend {
    /// Whether the bundle holds all its 256 entries after this append.
    pub fn fills(&self) -> bool {
        u64::from(self.start) + u64::from(self.count) == BUNDLE_WIDTH
    }
}

/// The bundle writes that add `entries` at log indexes `first_index` onwards. `None` if an entry
/// is too long for its u16 length prefix (no entry this crate encodes is).
pub fn bundle_appends(first_index: u64, entries: &[Vec<u8>]) -> Option<Vec<BundleAppend>> {
    let mut appends: Vec<BundleAppend> = Vec::new();
    for (index, entry) in (first_index..).zip(entries) {
        let length = u16::try_from(entry.len()).ok()?;
        let bundle = index / BUNDLE_WIDTH;
        let append = match appends.last_mut() {
            Some(last) if last.index == bundle => last,
            _ => {
                appends.push(BundleAppend {
                    index: bundle,
                    start: u32::try_from(index % BUNDLE_WIDTH).ok()?,
                    count: 0,
                    data: Vec::new(),
                });
                appends.last_mut()?
            }
        };
        append.count += 1;
        append.data.extend_from_slice(&length.to_be_bytes());
        append.data.extend_from_slice(entry);
    }
    Some(appends)
}

/// Appends one entry to a bundle's bytes. `None` if it is too long for its length prefix.
pub fn push_bundle_entry(bundle: &mut Vec<u8>, entry: &[u8]) -> Option<()> {
    let length = u16::try_from(entry.len()).ok()?;
    bundle.extend_from_slice(&length.to_be_bytes());
    bundle.extend_from_slice(entry);
    Some(())
}

/// The entries of a well-formed bundle, in order. `None` if a length prefix or an entry is cut
/// short.
pub fn bundle_entries(data: &[u8]) -> Option<Vec<&[u8]>> {
    BundlePieces { rest: data }
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// The entries of a bundle as stored, whatever it holds: well-formed entries in order, then, if
/// the bytes end inside a length prefix or an entry, what is left as one last piece. A verifier
/// reads that piece as an entry (which fails as one) rather than losing sight of it.
pub fn bundle_pieces(data: &[u8]) -> Vec<&[u8]> {
    BundlePieces { rest: data }
        .map(|piece| piece.unwrap_or_else(|rest| rest))
        .collect()
}

/// Splits a bundle: `Ok(entry)` for each well-formed entry, then `Err(rest)` once if the bytes
/// left do not make one.
struct BundlePieces<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for BundlePieces<'a> {
    type Item = Result<&'a [u8], &'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = self.rest;
        let piece = rest.split_first_chunk::<2>().and_then(|(length, tail)| {
            tail.split_at_checked(usize::from(u16::from_be_bytes(*length)))
        });
        match piece {
            Some((entry, tail)) => {
                self.rest = tail;
                Some(Ok(entry))
            }
            None => {
                self.rest = &[];
                Some(Err(rest))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(first: u64, n: u64) -> Vec<Vec<u8>> {
        (first..first + n)
            .map(|index| vec![(index % 251) as u8; (index % 7) as usize * 40])
            .collect()
    }

    /// Bundles written batch by batch, as a store would.
    fn write(batches: &[u64]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let mut bundles: Vec<Vec<u8>> = Vec::new();
        let mut all = Vec::new();
        for &n in batches {
            let batch = entries(all.len() as u64, n);
            for append in bundle_appends(all.len() as u64, &batch).unwrap() {
                let index = append.index as usize;
                if append.start == 0 {
                    assert_eq!(bundles.len(), index, "{append:?}");
                    bundles.push(Vec::new());
                }
                let held = bundle_entries(&bundles[index]).unwrap().len();
                assert_eq!(held, append.start as usize);
                bundles[index].extend_from_slice(&append.data);
                let now = bundle_entries(&bundles[index]).unwrap().len();
                assert_eq!(now, held + append.count as usize);
                assert_eq!(append.fills(), now as u64 == BUNDLE_WIDTH);
            }
            all.extend(batch);
        }
        (bundles, all)
    }

    #[test]
    fn entries_read_back_across_bundle_boundaries() {
        for batches in [&[1u64][..], &[255, 1], &[256], &[100, 300, 1, 155], &[600]] {
            let (bundles, all) = write(batches);
            let read: Vec<&[u8]> = bundles
                .iter()
                .flat_map(|bundle| bundle_entries(bundle).unwrap())
                .collect();
            assert_eq!(read, all.iter().map(Vec::as_slice).collect::<Vec<_>>());
            let full = bundles.len() - 1;
            for bundle in &bundles[..full] {
                assert_eq!(bundle_entries(bundle).unwrap().len() as u64, BUNDLE_WIDTH);
            }
        }
    }

    #[test]
    fn the_format_is_tlog_tiles_entry_bundles() {
        let appends = bundle_appends(255, &[b"ab".to_vec(), Vec::new(), b"c".to_vec()]).unwrap();
        assert_eq!(
            appends,
            vec![
                BundleAppend {
                    index: 0,
                    start: 255,
                    count: 1,
                    data: vec![0, 2, b'a', b'b'],
                },
                BundleAppend {
                    index: 1,
                    start: 0,
                    count: 2,
                    data: vec![0, 0, 0, 1, b'c'],
                },
            ]
        );
        let mut bundle = Vec::new();
        push_bundle_entry(&mut bundle, &[7; 300]).unwrap();
        assert_eq!(&bundle[..2], &[1, 44]);
        assert!(bundle_appends(0, &[vec![0; 65_536]]).is_none());
        assert!(push_bundle_entry(&mut bundle, &[0; 65_536]).is_none());
    }

    #[test]
    fn a_cut_bundle_is_refused_strictly_and_kept_as_a_last_piece() {
        let data = [0, 2, b'a', b'b', 0, 3, b'c'];
        assert_eq!(bundle_entries(&data), None);
        assert_eq!(bundle_pieces(&data), vec![&b"ab"[..], &[0, 3, b'c'][..]]);
        assert_eq!(bundle_pieces(&[0]), vec![&[0][..]]);
        assert_eq!(bundle_entries(&[]), Some(vec![]));
        assert!(bundle_pieces(&[]).is_empty());
    }
}
