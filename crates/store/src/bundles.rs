//! Entries as the backends keep them: C2SP tlog-tiles entry bundles of 256 ([`pli_audit`]'s
//! `bundles`), one row each, and pruned entries' leaf hashes beside them. What both backends
//! share: reading entries out of bundles, and rewriting a bundle for retention.

use crate::{PrunedEntry, StoredBundle, StoredEntry};
use pli_audit::{BUNDLE_WIDTH, HEADER_BYTES, bundle_entries, bundle_pieces, push_bundle_entry};

/// The entries of `bundles` (consecutive, by increasing index) from index `start`, at most
/// `limit`. Entry `i` of bundle `n` is at index `256 * n + i`; a bundle whose bytes end inside
/// an entry gives what is left as one last entry, for a verifier to name.
pub(crate) fn stored_entries(bundles: &[StoredBundle], start: u64, limit: u32) -> Vec<StoredEntry> {
    let mut entries = Vec::new();
    for bundle in bundles {
        let first = bundle.index.saturating_mul(BUNDLE_WIDTH);
        for (index, bytes) in (first..).zip(bundle_pieces(&bundle.data)) {
            if index < start {
                continue;
            }
            if entries.len() >= limit as usize {
                return entries;
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
    entries
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
                data: bundle(0, &[vec![1; 60], vec![2; 50]]),
                pruned: vec![(1, [9; 32])],
            },
            StoredBundle {
                index: 1,
                data: bundle(1, &[vec![3; 60]]),
                pruned: Vec::new(),
            },
        ];
        let all = stored_entries(&bundles, 0, 10);
        let indexes: Vec<u64> = all.iter().map(|entry| entry.index).collect();
        assert_eq!(indexes, [0, 1, 256]);
        assert_eq!(all[1].pruned_leaf, Some([9; 32]));
        assert_eq!(all[2].bytes, vec![3; 60]);
        assert_eq!(stored_entries(&bundles, 1, 1).len(), 1);
        assert_eq!(stored_entries(&bundles, 1, 1)[0].index, 1);
        assert_eq!(stored_entries(&bundles, 2, 5)[0].index, 256);
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
