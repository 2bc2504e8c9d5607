//! The RFC 6962 / Certificate Transparency test data: roots of every size, the published
//! inclusion and consistency proofs, and the corruptions of transparency-dev/merkle's tests.

use pli_audit::{
    EMPTY_ROOT, Frontier, Hash, MemoryHashes, consistency_proof, inclusion_proof, leaf_hash,
    tree_root, verify_consistency, verify_inclusion,
};
use serde_json::Value;

use crate::support::{hex32, vector};

struct Vectors {
    leaves: Vec<Vec<u8>>,
    roots: Vec<Hash>,
    empty_root: Hash,
    inclusion: Vec<(u64, u64, Vec<Hash>)>,
    consistency: Vec<(u64, u64, Vec<Hash>)>,
}

fn hashes(value: &Value) -> Vec<Hash> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|hash| hex32(hash.as_str().unwrap()))
        .collect()
}

fn vectors() -> Vectors {
    let json: Value = serde_json::from_str(&vector("rfc6962.json")).unwrap();
    let number = |case: &Value, key: &str| case[key].as_u64().unwrap();
    Vectors {
        leaves: json["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|leaf| hex::decode(leaf.as_str().unwrap()).unwrap())
            .collect(),
        roots: hashes(&json["roots"]),
        empty_root: hex32(json["empty_root"].as_str().unwrap()),
        inclusion: json["inclusion"]
            .as_array()
            .unwrap()
            .iter()
            // The source numbers leaves from 1.
            .map(|case| {
                (
                    number(case, "leaf") - 1,
                    number(case, "size"),
                    hashes(&case["proof"]),
                )
            })
            .collect(),
        consistency: json["consistency"]
            .as_array()
            .unwrap()
            .iter()
            .map(|case| {
                (
                    number(case, "size1"),
                    number(case, "size2"),
                    hashes(&case["proof"]),
                )
            })
            .collect(),
    }
}

fn tree(leaves: &[Vec<u8>]) -> MemoryHashes {
    let mut tree = MemoryHashes::new();
    for leaf in leaves {
        tree.push_leaf(leaf).unwrap();
    }
    tree
}

fn flip(hash: &Hash, bit: u8) -> Hash {
    let mut bytes = *hash.as_bytes();
    bytes[0] ^= bit;
    Hash::from_bytes(bytes)
}

#[test]
fn roots_of_every_size_are_the_published_ones() {
    let v = vectors();
    assert_eq!(EMPTY_ROOT, v.empty_root);
    assert_eq!(tree_root(0, &MemoryHashes::new()).unwrap(), v.empty_root);
    assert_eq!(Frontier::new().root(), v.empty_root);
    let full = tree(&v.leaves);
    for size in 1..=v.leaves.len() {
        let expected = v.roots[size - 1];
        // Incrementally, from the whole tree's storage, and from a frontier reloaded from it.
        assert_eq!(tree(&v.leaves[..size]).root(), expected, "size {size}");
        assert_eq!(
            tree_root(size as u64, &full).unwrap(),
            expected,
            "size {size}"
        );
        assert_eq!(
            Frontier::load(size as u64, &full).unwrap().root(),
            expected,
            "size {size}"
        );
    }
}

#[test]
fn published_inclusion_proofs_are_generated_and_verify() {
    let v = vectors();
    let full = tree(&v.leaves);
    for (index, size, proof) in &v.inclusion {
        let (index, size) = (*index, *size);
        assert_eq!(
            inclusion_proof(size, index, &full).unwrap(),
            *proof,
            "{index} of {size}"
        );
        let leaf = leaf_hash(&v.leaves[index as usize]);
        let root = v.roots[size as usize - 1];
        verify_inclusion(&leaf, index, size, &root, proof).unwrap();
        for (description, probe) in inclusion_corruptions(index, size, &leaf, &root, proof, &v) {
            assert!(
                verify_inclusion(
                    &probe.leaf,
                    probe.index,
                    probe.size,
                    &probe.root,
                    &probe.proof
                )
                .is_err(),
                "{description} verified for leaf {index} of {size}"
            );
        }
    }
}

struct InclusionProbe {
    leaf: Hash,
    index: u64,
    size: u64,
    root: Hash,
    proof: Vec<Hash>,
}

/// The corruptions of transparency-dev/merkle `corruptInclusionProof`.
fn inclusion_corruptions(
    index: u64,
    size: u64,
    leaf: &Hash,
    root: &Hash,
    proof: &[Hash],
    v: &Vectors,
) -> Vec<(String, InclusionProbe)> {
    let some_hash = hex32("abacaba000000000000000000000000000000000000000000060061e00123456");
    let probe = |index: u64, size: u64, leaf: Hash, root: Hash, proof: Vec<Hash>| InclusionProbe {
        leaf,
        index,
        size,
        root,
        proof,
    };
    let with = |extra: Hash, front: bool| {
        let mut proof = proof.to_vec();
        if front {
            proof.insert(0, extra);
        } else {
            proof.push(extra);
        }
        proof
    };
    let mut probes = vec![
        (
            "index - 1".to_string(),
            probe(index.wrapping_sub(1), size, *leaf, *root, proof.to_vec()),
        ),
        (
            "index + 1".into(),
            probe(index + 1, size, *leaf, *root, proof.to_vec()),
        ),
        (
            "index ^ 2".into(),
            probe(index ^ 2, size, *leaf, *root, proof.to_vec()),
        ),
        (
            "size * 2".into(),
            probe(index, size * 2, *leaf, *root, proof.to_vec()),
        ),
        (
            "size / 2".into(),
            probe(index, size / 2, *leaf, *root, proof.to_vec()),
        ),
        (
            "wrong leaf".into(),
            probe(index, size, leaf_hash(b"WrongLeaf"), *root, proof.to_vec()),
        ),
        (
            "empty root".into(),
            probe(index, size, *leaf, v.empty_root, proof.to_vec()),
        ),
        (
            "random root".into(),
            probe(index, size, *leaf, some_hash, proof.to_vec()),
        ),
        (
            "trailing garbage".into(),
            probe(index, size, *leaf, *root, with(Hash::default(), false)),
        ),
        (
            "trailing root".into(),
            probe(index, size, *leaf, *root, with(*root, false)),
        ),
        (
            "preceding garbage".into(),
            probe(index, size, *leaf, *root, with(Hash::default(), true)),
        ),
        (
            "preceding root".into(),
            probe(index, size, *leaf, *root, with(*root, true)),
        ),
    ];
    for i in 0..proof.len() {
        let mut wrong = proof.to_vec();
        wrong[i] = flip(&wrong[i], 8);
        probes.push((
            format!("proof[{i}] bit 3"),
            probe(index, size, *leaf, *root, wrong),
        ));
    }
    if let Some((_, rest)) = proof.split_last() {
        probes.push((
            "removed component".into(),
            probe(index, size, *leaf, *root, rest.to_vec()),
        ));
    }
    if proof.len() > 1 {
        let mut wrong = vec![proof[0], some_hash];
        wrong.extend_from_slice(&proof[1..]);
        probes.push((
            "inserted component".into(),
            probe(index, size, *leaf, *root, wrong),
        ));
    }
    probes
}

#[test]
fn published_consistency_proofs_are_generated_and_verify() {
    let v = vectors();
    let full = tree(&v.leaves);
    let some_hash = hex32("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (size1, size2, proof) in &v.consistency {
        let (size1, size2) = (*size1, *size2);
        assert_eq!(
            consistency_proof(size1, size2, &full).unwrap(),
            *proof,
            "{size1} to {size2}"
        );
        let root1 = v.roots[size1 as usize - 1];
        let root2 = v.roots[size2 as usize - 1];
        verify_consistency(size1, &root1, size2, &root2, proof).unwrap();
        if proof.is_empty() {
            continue;
        }
        // The corruptions of transparency-dev/merkle `corruptConsistencyProof`.
        let with = |extra: Hash, front: bool| {
            let mut proof = proof.clone();
            if front {
                proof.insert(0, extra);
            } else {
                proof.push(extra);
            }
            proof
        };
        let mut probes: Vec<(String, u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (
                "size1 - 1".into(),
                size1 - 1,
                size2,
                root1,
                root2,
                proof.clone(),
            ),
            (
                "size1 + 1".into(),
                size1 + 1,
                size2,
                root1,
                root2,
                proof.clone(),
            ),
            (
                "size1 ^ 2".into(),
                size1 ^ 2,
                size2,
                root1,
                root2,
                proof.clone(),
            ),
            (
                "size2 * 2".into(),
                size1,
                size2 * 2,
                root1,
                root2,
                proof.clone(),
            ),
            (
                "size2 / 2".into(),
                size1,
                size2 / 2,
                root1,
                root2,
                proof.clone(),
            ),
            (
                "wrong root1".into(),
                size1,
                size2,
                some_hash,
                root2,
                proof.clone(),
            ),
            (
                "wrong root2".into(),
                size1,
                size2,
                root1,
                some_hash,
                proof.clone(),
            ),
            (
                "swapped roots".into(),
                size1,
                size2,
                root2,
                root1,
                proof.clone(),
            ),
            ("empty proof".into(), size1, size2, root1, root2, Vec::new()),
            (
                "trailing garbage".into(),
                size1,
                size2,
                root1,
                root2,
                with(Hash::default(), false),
            ),
            (
                "trailing root1".into(),
                size1,
                size2,
                root1,
                root2,
                with(root1, false),
            ),
            (
                "trailing root2".into(),
                size1,
                size2,
                root1,
                root2,
                with(root2, false),
            ),
            (
                "preceding garbage".into(),
                size1,
                size2,
                root1,
                root2,
                with(Hash::default(), true),
            ),
            (
                "preceding root1".into(),
                size1,
                size2,
                root1,
                root2,
                with(root1, true),
            ),
            (
                "preceding root2".into(),
                size1,
                size2,
                root1,
                root2,
                with(root2, true),
            ),
            (
                "preceding proof[0]".into(),
                size1,
                size2,
                root1,
                root2,
                with(proof[0], true),
            ),
            (
                "truncated proof".into(),
                size1,
                size2,
                root1,
                root2,
                proof[..proof.len() - 1].to_vec(),
            ),
        ];
        for i in 0..proof.len() {
            let mut wrong = proof.clone();
            wrong[i] = flip(&wrong[i], 16);
            probes.push((
                format!("proof[{i}] bit 4"),
                size1,
                size2,
                root1,
                root2,
                wrong,
            ));
        }
        for (description, s1, s2, r1, r2, p) in probes {
            assert!(
                verify_consistency(s1, &r1, s2, &r2, &p).is_err(),
                "{description} verified for {size1} to {size2}"
            );
        }
    }
}

#[test]
fn edge_cases_of_consistency_follow_the_reference_tests() {
    let v = vectors();
    let (a, b) = (v.roots[0], v.roots[1]);
    let empty = v.empty_root;
    // Same size: consistent only with the same root and an empty proof.
    verify_consistency(1, &b, 1, &b, &[]).unwrap();
    verify_consistency(0, &empty, 0, &empty, &[]).unwrap();
    assert!(verify_consistency(1, &a, 1, &b, &[]).is_err());
    assert!(verify_consistency(1, &empty, 1, &empty, &[empty]).is_err());
    // The empty tree is a prefix of any tree, under its own root and with an empty proof.
    verify_consistency(0, &empty, 1, &a, &[]).unwrap();
    assert!(verify_consistency(0, &empty, 0, &empty, &[empty]).is_err());
    assert!(verify_consistency(0, &empty, 1, &empty, &[empty]).is_err());
    assert!(verify_consistency(0, &a, 1, &b, &[]).is_err());
    // Time travel to the past.
    assert!(verify_consistency(1, &a, 0, &b, &[]).is_err());
    assert!(verify_consistency(2, &a, 1, &b, &[]).is_err());
    // A proof is needed between different sizes.
    assert!(verify_consistency(1, &a, 2, &b, &[]).is_err());
    // Inclusion in an empty tree, or past the end, never verifies.
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert!(verify_inclusion(&a, index, size, &empty, &[]).is_err());
    }
    // A single leaf is its own root with an empty proof.
    let leaf = leaf_hash(b"data");
    verify_inclusion(&leaf, 0, 1, &leaf, &[]).unwrap();
    assert!(verify_inclusion(&leaf, 0, 1, &empty, &[]).is_err());
}
