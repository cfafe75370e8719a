"""C2SP signed notes: byte-compatible with Go's golang.org/x/mod/sumdb/note (its published
example keys and notes, BSD-3-Clause, from `note_test.go`) and the signed-note spec's example,
and strict: malformed notes, mangled keys, bad signatures and trailing data are refused."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from transparency.note import (
    MAX_SIGNATURES,
    InvalidSignatureError,
    KeyFormatError,
    MalformedNoteError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    open_note,
    parse_note,
    sign_note,
)
from transparency.note_keys import ALG_COSIGNATURE_V1, ALG_ED25519, key_id

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = ("If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n")
PETER_SIG = ("— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvq"
             "fqdngotpRZb6KE6RyyBwJnAM=\n")
ENOCH_SIG = ("— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOT"
             "GwnWLox33WWd1RvMc+QQ=\n")
PETER = Verifier.from_vkey(PETER_VKEY)
ENOCH = Verifier.from_vkey(ENOCH_VKEY)


def test_signing_reproduces_the_published_go_note_byte_for_byte() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    assert sign_note(TEXT, [signer]) == (TEXT + "\n" + PETER_SIG).encode()
    assert signer.verifier == PETER
    assert signer.skey() == PETER_SKEY
    assert PETER.vkey() == PETER_VKEY
    assert PETER.key_id == 0xC74F20A3 == key_id("PeterNeumann", ALG_ED25519, PETER.public_key)


def test_a_note_signed_by_two_known_keys_verifies_both() -> None:
    opened = open_note((TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode(), [PETER, ENOCH])
    assert opened.text == TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann", "EnochRoot"]
    assert opened.unverified == ()
    assert opened.is_signed_by(PETER) and opened.is_signed_by(ENOCH)


def test_a_signature_from_an_unknown_key_is_kept_apart_and_not_trusted() -> None:
    opened = open_note((TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode(), [PETER])
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    assert [(s.name, s.key_id) for s in opened.unverified] == [("EnochRoot", 0xAF0CFE78)]
    assert not opened.is_signed_by(ENOCH)


def test_a_note_no_known_key_signed_is_refused() -> None:
    with pytest.raises(UnverifiedNoteError, match="no signature from a known key"):
        open_note((TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode(), [])
    with pytest.raises(UnverifiedNoteError):
        open_note((TEXT + "\n" + ENOCH_SIG).encode(), [PETER])


def test_the_signed_note_specification_example_verifies() -> None:
    vkey = Verifier.from_vkey(
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
    note = ("This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6T"
            "fXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n").encode()
    assert open_note(note, [vkey]).text == "This is an example message.\n"


def test_a_known_keys_bad_signature_refuses_the_whole_note() -> None:
    corrupt = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError,
                       match=r"invalid signature for key PeterNeumann\+c74f20a3"):
        open_note((TEXT + "\n" + corrupt).encode(), [PETER])
    # A second, valid signature does not excuse a bad one from a known key.
    with pytest.raises(InvalidSignatureError):
        open_note((TEXT + "\n" + ENOCH_SIG + PETER_SIG + corrupt).encode(), [PETER, ENOCH])


def test_altered_text_is_refused() -> None:
    altered = TEXT.replace("answer", "solution")
    with pytest.raises(InvalidSignatureError):
        open_note((altered + "\n" + PETER_SIG).encode(), [PETER])


def test_a_key_sharing_only_the_name_or_only_the_id_of_a_known_key_is_ignored() -> None:
    impostor = Signer.generate("PeterNeumann")
    note = sign_note(TEXT, [impostor])
    assert impostor.verifier.key_id != PETER.key_id
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [PETER])
    renamed = (TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "PeterNeuman")).encode()
    with pytest.raises(UnverifiedNoteError):
        open_note(renamed, [PETER])


@pytest.mark.parametrize("message", [
    pytest.param(TEXT.encode(), id="no signatures"),
    pytest.param((TEXT + "\n").encode(), id="blank line, no signatures"),
    pytest.param((TEXT + "\n" + PETER_SIG[:-1]).encode(), id="no final newline"),
    pytest.param(("\x01" + TEXT + "\n" + PETER_SIG).encode(), id="control character"),
    pytest.param(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), id="not UTF-8"),
    pytest.param((TEXT.replace("\n", "\r\n", 1) + "\n" + PETER_SIG).encode(), id="CR"),
    pytest.param((TEXT + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
                  "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n").encode(), id="space in name"),
    pytest.param((TEXT + "\n" + PETER_SIG + "Unexpected line.\n").encode(), id="trailing line"),
    pytest.param((TEXT + "\n" + PETER_SIG + "\n").encode(), id="trailing blank line"),
    pytest.param((TEXT + "\n" + PETER_SIG.replace("— ", "- ")).encode(), id="hyphen not dash"),
    pytest.param((TEXT + "\n" + PETER_SIG.replace("AM=", "AN=")).encode(),
                 id="non-canonical base64"),
    pytest.param((TEXT + "\n" + PETER_SIG.replace("=\n", "\n")).encode(), id="no padding"),
    pytest.param((TEXT + "\n— PeterNeumann x08gow==\n").encode(), id="key ID, no signature"),
    pytest.param((TEXT + "\n— PeterNeumann \n").encode(), id="empty signature"),
    pytest.param((TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1)).encode(), id="101 lines"),
])
def test_malformed_notes_are_refused(message: bytes) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(message, [PETER])


def test_the_text_ends_at_the_last_blank_line() -> None:
    text = "first paragraph\n\nsecond paragraph\n"
    signer = Signer.generate("council.example/log")
    note = parse_note(sign_note(text, [signer]))
    assert note.text == text
    assert len(note.signatures) == 1


def test_sixteen_signatures_are_accepted_as_the_spec_requires() -> None:
    signers = [Signer.generate(f"witness.example/{i}") for i in range(16)]
    opened = open_note(sign_note(TEXT, signers), [s.verifier for s in signers])
    assert len(opened.verified) == 16


def test_two_verifiers_with_the_same_name_and_id_are_refused_as_ambiguous() -> None:
    with pytest.raises(KeyFormatError, match=r"two verifiers for EnochRoot\+af0cfe78"):
        open_note((TEXT + "\n" + ENOCH_SIG).encode(), [ENOCH, PETER, ENOCH])


def test_every_mangling_of_a_verifier_key_is_refused() -> None:
    """As Go's TestNewVerifier: every proper substring and every one-byte change fails."""
    raw = PETER_VKEY.encode()
    for i in range(len(raw)):
        for j in range(i + 1, len(raw) + 1):
            if (i, j) != (0, len(raw)):
                with pytest.raises(KeyFormatError):
                    Verifier.from_vkey(raw[i:j].decode())
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] += 1
        with pytest.raises(KeyFormatError):
            Verifier.from_vkey(changed.decode())
    # Go's wrong-length example; its last base64 character also has spare bits set.
    with pytest.raises(KeyFormatError):
        Verifier.from_vkey(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    long_key = bytes([ALG_ED25519]) + PETER.public_key + b"\x00"
    long_id = key_id("PeterNeumann", ALG_ED25519, long_key[1:])
    with pytest.raises(KeyFormatError, match="an Ed25519 public key is 32 bytes"):
        Verifier.from_vkey(f"PeterNeumann+{long_id:08x}+{base64.b64encode(long_key).decode()}")
    with pytest.raises(KeyFormatError, match="unknown signature type 0x65"):
        Verifier.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_every_mangling_of_a_signer_key_is_refused() -> None:
    raw = PETER_SKEY.encode()
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] += 1
        with pytest.raises(KeyFormatError):
            Signer.from_skey(changed.decode())
    for cut in range(1, len(raw)):
        with pytest.raises(KeyFormatError):
            Signer.from_skey(raw[:cut].decode())


COSIGNER_SEED = bytes(range(32))


def _cosigner() -> Signer:
    """A fixed witness key (type 0x04), also read back from its signer-key string."""
    seed = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + COSIGNER_SEED).decode()
    key = Ed25519PrivateKey.from_private_bytes(COSIGNER_SEED)
    signer = Signer("witness.example/w1", key, ALG_COSIGNATURE_V1)
    assert Signer.from_skey(
        f"PRIVATE+KEY+witness.example/w1+{signer.verifier.key_id:08x}+{seed}").verifier == (
        signer.verifier)
    return signer


def test_a_cosignature_signs_the_tlog_cosignature_v1_message_with_its_timestamp() -> None:
    cosigner = _cosigner()
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    signature = cosigner.sign(body.encode(), timestamp=1679315147)
    assert signature.signature[:8] == (1679315147).to_bytes(8, "big")
    assert len(signature.signature) == 72
    message = b"cosignature/v1\ntime 1679315147\n" + body.encode()
    Ed25519PublicKey.from_public_bytes(cosigner.verifier.public_key).verify(
        signature.signature[8:], message)
    assert cosigner.verifier.key_id == key_id("witness.example/w1", 0x04,
                                              cosigner.verifier.public_key)
    assert cosigner.verifier.key_id != key_id("witness.example/w1", 0x01,
                                              cosigner.verifier.public_key)
    opened = open_note(sign_note(body, [cosigner], timestamp=1679315147), [cosigner.verifier])
    assert opened.verified == (signature,)


def test_a_cosignature_with_an_altered_timestamp_or_no_timestamp_is_refused() -> None:
    cosigner = _cosigner()
    note = parse_note(sign_note(TEXT, [cosigner], timestamp=1_780_000_000))
    (signature,) = note.signatures
    later = (1_780_000_001).to_bytes(8, "big") + signature.signature[8:]
    assert not cosigner.verifier.verify(TEXT.encode(), later)
    assert not cosigner.verifier.verify(TEXT.encode(), signature.signature[8:])
    with pytest.raises(ValueError, match="needs a timestamp"):
        cosigner.sign(TEXT.encode())
    with pytest.raises(ValueError, match="needs a timestamp"):
        cosigner.sign(TEXT.encode(), timestamp=2**63)


def test_a_plain_note_signature_cannot_pass_for_a_cosignature_of_the_same_key() -> None:
    cosigner = _cosigner()
    plain = Signer("witness.example/w1", Ed25519PrivateKey.from_private_bytes(COSIGNER_SEED))
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note(TEXT, [plain]), [cosigner.verifier])


def test_every_note_error_is_a_value_error() -> None:
    for error in (MalformedNoteError, KeyFormatError, InvalidSignatureError,
                  UnverifiedNoteError):
        assert issubclass(error, NoteError) and issubclass(error, ValueError)
