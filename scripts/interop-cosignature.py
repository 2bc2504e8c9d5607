"""Checks Pli's cosignature/v1 lines against an independent implementation of C2SP
tlog-cosignature: aics-tlog (PyPI, pure Python over pyca/cryptography), run by
scripts/interop-cosignature.

  generate            print the test vector crates/audit/tests/vectors/cosignature-aics-tlog.json
                      (fixed keys and time: Ed25519 is deterministic, so the output never changes)
  make DIR            write DIR/note (a checkpoint signed by a fresh log key and cosigned now by a
                      fresh witness key), DIR/log.vkey and DIR/witness.vkey
  verify NOTE LOG_VKEY WITNESS_VKEY...
                      check a cosigned checkpoint note (a file, as GET
                      /api/audit/log/checkpoint?cosigned=true serves it): the log's signature,
                      then every witness's cosignature/v1 line; exits non-zero if any is missing
                      or fails
"""

import hashlib
import json
import os
import sys
import time
from importlib.metadata import version

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aics_tlog.checkpoint import Checkpoint, sign_checkpoint, verify_checkpoint
from aics_tlog.cosign import cosignature_vkey, sign_cosignature
from aics_tlog.note import Note, format_vkey, parse_note, parse_vkey, vkey_from_ed25519

ORIGIN = "pli.example.org/audit"
WITNESS = "witness.example.org/w1"
TIME = 1767225600  # 2026-01-01T00:00:00Z


def seed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def generate() -> None:
    log_seed = seed("pli interop log key")
    witness_seed = seed("pli interop witness key")
    log_key = Ed25519PrivateKey.from_private_bytes(log_seed)
    witness_key = Ed25519PrivateKey.from_private_bytes(witness_seed)
    checkpoint = Checkpoint(
        origin=ORIGIN,
        size=1234,
        root=hashlib.sha256(b"pli interop root").digest(),
        extension_lines=("an extension line the cosignature covers too",),
    )
    signed = sign_checkpoint(checkpoint, log_key, ORIGIN)
    _, line = sign_cosignature(
        witness_key, WITNESS, TIME, checkpoint.origin, checkpoint.size, checkpoint.root,
        checkpoint.extension_lines,
    )
    cosigned = Note(text=signed.text, signatures=signed.signatures + (line,))
    log_vkey = vkey_from_ed25519(ORIGIN, log_key.public_key())
    witness_vkey = cosignature_vkey(WITNESS, witness_key.public_key())
    result = verify_checkpoint(cosigned, log_vkey, [witness_vkey], quorum=1)
    if not result.ok:
        sys.exit(f"aics-tlog does not verify its own vector: {result.error}")
    serialised = cosigned.serialise()
    vector = {
        "source": f"aics-tlog {version('aics-tlog')} (PyPI), sign_checkpoint and "
        "sign_cosignature, by scripts/interop-cosignature generate",
        "log_seed": log_seed.hex(),
        "log_vkey": format_vkey(log_vkey),
        "witness_seed": witness_seed.hex(),
        "witness_vkey": format_vkey(witness_vkey),
        "time": TIME,
        "checkpoint": signed.text,
        "log_signed_note": signed.serialise(),
        "cosigned_note": serialised,
        "cosignature_line": serialised.splitlines()[-1],
    }
    print(json.dumps(vector, indent=1, ensure_ascii=False))


def make(directory: str) -> None:
    log_key = Ed25519PrivateKey.generate()
    witness_key = Ed25519PrivateKey.generate()
    checkpoint = Checkpoint(origin=ORIGIN, size=int.from_bytes(seed(str(time.time()))[:2], "big"),
                            root=seed(str(time.time_ns())))
    signed = sign_checkpoint(checkpoint, log_key, ORIGIN)
    _, line = sign_cosignature(witness_key, WITNESS, int(time.time()), checkpoint.origin,
                               checkpoint.size, checkpoint.root)
    cosigned = Note(text=signed.text, signatures=signed.signatures + (line,))
    files = {
        "note": cosigned.serialise(),
        "log.vkey": format_vkey(vkey_from_ed25519(ORIGIN, log_key.public_key())),
        "witness.vkey": format_vkey(cosignature_vkey(WITNESS, witness_key.public_key())),
    }
    for name, content in files.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as file:
            file.write(content)


def verify(path: str, log: str, witnesses: list[str]) -> None:
    with open(path, encoding="utf-8") as file:
        note = parse_note(file.read())
    keys = [parse_vkey(key) for key in witnesses]
    result = verify_checkpoint(note, parse_vkey(log), keys, quorum=len(keys))
    if not result.ok:
        sys.exit(f"aics-tlog refuses the note: {result.error}")
    print(f"aics-tlog {version('aics-tlog')}: log signature and {result.cosignature_count} "
          f"cosignature/v1 lines verify (times {result.timestamps})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate()
    elif sys.argv[1:2] == ["make"] and len(sys.argv) == 3:
        make(sys.argv[2])
    elif sys.argv[1:2] == ["verify"] and len(sys.argv) >= 5:
        verify(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
