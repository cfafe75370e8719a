"""A transparency log over every stored event: one append-only RFC 9162 Merkle tree
(`merkle`: hashing and proof verification; `log_tree`: roots and proofs from stored subtree
hashes) and its signed checkpoints (`note`: C2SP signed notes; `checkpoint`: C2SP tlog
checkpoints, with `note_keys` for their keys), a witness's decision to cosign a checkpoint
(`witness`: C2SP tlog-witness), the canonical leaf of a stored event (`leaves`), and
evidence bundles of a case (`bundle`: the format; `bundle_check`: the offline check).

Pure Python on `hashlib` and `cryptography`: no Temporal, FastAPI or SQLAlchemy, so an auditor
outside the council can run the verifying half on its own.
"""
