//! Random trees: every proof verifies, and any flipped byte or wrong index fails. (A wrong
//! size can verify when the path has the same shape, as RFC 9162 verification allows; the
//! published vectors check the sizes that must fail.)

use pli_audit::{
    Frontier, Hash, MemoryHashes, consistency_proof, inclusion_proof, leaf_hash, tree_root,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

/// A tree of `size` distinct leaves (identical leaves would make some wrong indexes verify).
fn tree(size: u64, salt: &[u8]) -> (MemoryHashes, Vec<Vec<u8>>) {
    let mut hashes = MemoryHashes::new();
    let mut leaves = Vec::new();
    for i in 0..size {
        let mut leaf = i.to_be_bytes().to_vec();
        leaf.extend_from_slice(salt);
        hashes.push_leaf(&leaf).unwrap();
        leaves.push(leaf);
    }
    (hashes, leaves)
}

fn flip_byte(hashes: &[Hash], which: usize, bit: u8) -> Vec<Hash> {
    let mut hashes = hashes.to_vec();
    let position = which % (hashes.len() * 32);
    let mut bytes = *hashes[position / 32].as_bytes();
    bytes[position % 32] ^= 1 << (bit % 8);
    hashes[position / 32] = Hash::from_bytes(bytes);
    hashes
}

fn flip_hash(hash: &Hash, which: usize, bit: u8) -> Hash {
    flip_byte(&[*hash], which, bit)[0]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inclusion_proofs_verify_and_tampering_fails(
        size in 1u64..600,
        index_seed: u64,
        which: usize,
        bit: u8,
        other_seed: u64,
        salt in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let (hashes, leaves) = tree(size, &salt);
        let index = index_seed % size;
        let root = tree_root(size, &hashes).unwrap();
        let leaf = leaf_hash(&leaves[index as usize]);
        let proof = inclusion_proof(size, index, &hashes).unwrap();
        prop_assert!(verify_inclusion(&leaf, index, size, &root, &proof).is_ok());

        if !proof.is_empty() {
            let bad = flip_byte(&proof, which, bit);
            prop_assert!(verify_inclusion(&leaf, index, size, &root, &bad).is_err());
        }
        prop_assert!(verify_inclusion(&flip_hash(&leaf, which, bit), index, size, &root, &proof).is_err());
        prop_assert!(verify_inclusion(&leaf, index, size, &flip_hash(&root, which, bit), &proof).is_err());
        let other = other_seed % size;
        if other != index {
            prop_assert!(verify_inclusion(&leaf, other, size, &root, &proof).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_tampering_fails(
        new_size in 1u64..600,
        old_seed: u64,
        which: usize,
        bit: u8,
        salt in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let (hashes, _) = tree(new_size, &salt);
        let old_size = old_seed % (new_size + 1);
        let old_root = tree_root(old_size, &hashes).unwrap();
        let new_root = tree_root(new_size, &hashes).unwrap();
        let proof = consistency_proof(old_size, new_size, &hashes).unwrap();
        prop_assert!(verify_consistency(old_size, &old_root, new_size, &new_root, &proof).is_ok());

        if !proof.is_empty() {
            let bad = flip_byte(&proof, which, bit);
            prop_assert!(verify_consistency(old_size, &old_root, new_size, &new_root, &bad).is_err());
        }
        prop_assert!(verify_consistency(
            old_size, &flip_hash(&old_root, which, bit), new_size, &new_root, &proof
        ).is_err());
        // The empty tree is a prefix of any tree, whatever its root.
        if old_size > 0 {
            prop_assert!(verify_consistency(
                old_size, &old_root, new_size, &flip_hash(&new_root, which, bit), &proof
            ).is_err());
        }
    }

    #[test]
    fn the_frontier_agrees_with_the_stored_tree(size in 0u64..2000) {
        let (hashes, leaves) = tree(size, b"f");
        let mut frontier = Frontier::new();
        for leaf in &leaves {
            frontier.push(leaf_hash(leaf)).unwrap();
        }
        prop_assert_eq!(frontier.root(), tree_root(size, &hashes).unwrap());
        prop_assert_eq!(Frontier::load(size, &hashes).unwrap(), frontier);
    }
}
