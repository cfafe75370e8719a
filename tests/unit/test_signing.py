"""Signed envelopes: Standard Webhooks 1.0 `v1a` (Ed25519) over RFC 8785 canonical JSON."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from gateways.signing import (
    MAX_SIGNATURES,
    MemoryReplayGuard,
    SignedMessage,
    VerificationError,
    canonical_json,
    sign_message,
    verify_message,
)
from gateways.signing_keys import (
    generate_private_key,
    load_private_key,
    private_key_to_pem,
    public_key_b64,
    public_key_from_b64,
    write_private_key,
)

NOW = 1_781_000_000  # June 2026
MESSAGE: dict[str, Any] = {
    "referral_id": "ref-0001", "kind": "marac", "council": "dover",
    "victim": {"name": "Alex Example", "address": "1 Fictional Row, Dover", "phone": None},
    "risk": {"level": "high", "yes_count": 15, "reasons": ["D 8.15"]},
    "children": [{"age": 4}, {"age": 9}],
}
OLD_KEY = generate_private_key()
NEW_KEY = generate_private_key()
OTHER_KEY = generate_private_key()


def signed(message: dict[str, Any] | None = None, *, keys: tuple[Any, ...] = (NEW_KEY,),
           message_id: str = "msg_0001", timestamp: int = NOW) -> SignedMessage:
    return sign_message(MESSAGE if message is None else message, keys=keys,
                        message_id=message_id, timestamp=timestamp)


def refused(body: bytes, headers: dict[str, str], **kwargs: Any) -> str:
    kwargs.setdefault("public_keys", [NEW_KEY.public_key()])
    kwargs.setdefault("now", NOW)
    with pytest.raises(VerificationError) as caught:
        verify_message(body, headers, **kwargs)
    return caught.value.reason


def v1a(key: Any, content: bytes) -> str:
    return "v1a," + base64.b64encode(key.sign(content)).decode()


# --- round trip and rotation ----------------------------------------------------------------

def test_round_trip_returns_the_message() -> None:
    sent = signed()
    assert sent.body == canonical_json(MESSAGE)
    assert sent.headers["webhook-id"] == "msg_0001"
    assert sent.headers["webhook-timestamp"] == str(NOW)
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["webhook-signature"].startswith("v1a,")
    assert verify_message(sent.body, sent.headers, public_keys=[NEW_KEY.public_key()],
                          now=NOW) == MESSAGE


def test_signature_covers_id_timestamp_and_body_as_the_spec_says() -> None:
    sent = signed()
    signature = base64.b64decode(sent.headers["webhook-signature"].removeprefix("v1a,"))
    NEW_KEY.public_key().verify(signature, b"msg_0001.%d." % NOW + sent.body)  # no raise


def test_two_signing_keys_verify_with_either_public_key_alone() -> None:
    sent = signed(keys=(OLD_KEY, NEW_KEY))
    assert len(sent.headers["webhook-signature"].split(" ")) == 2
    for key in (OLD_KEY, NEW_KEY):
        assert verify_message(sent.body, sent.headers, public_keys=[key.public_key()],
                              now=NOW) == MESSAGE


def test_message_signed_with_retired_key_verifies_while_the_verifier_keeps_it() -> None:
    sent = signed(keys=(OLD_KEY,))
    keys = [NEW_KEY.public_key(), OLD_KEY.public_key()]  # newest first, retired kept
    assert verify_message(sent.body, sent.headers, public_keys=keys, now=NOW) == MESSAGE
    assert refused(sent.body, sent.headers, public_keys=[NEW_KEY.public_key()]) \
        == "bad_signature"


def test_header_names_are_case_insensitive() -> None:
    sent = signed()
    headers = {name.title(): value for name, value in sent.headers.items()}
    assert verify_message(sent.body, headers, public_keys=[NEW_KEY.public_key()],
                          now=NOW) == MESSAGE


def test_timestamp_within_tolerance_either_side_is_accepted() -> None:
    sent = signed()
    for now in (NOW - 300, NOW + 300):
        assert verify_message(sent.body, sent.headers, public_keys=[NEW_KEY.public_key()],
                              now=now) == MESSAGE


# --- refusals -------------------------------------------------------------------------------

def test_body_altered_by_one_byte_is_refused() -> None:
    sent = signed()
    body = sent.body.replace(b'"high"', b'"hige"')
    assert body != sent.body and len(body) == len(sent.body)
    assert refused(body, sent.headers) == "bad_signature"


def test_altered_id_is_refused() -> None:
    sent = signed()
    assert refused(sent.body, {**sent.headers, "webhook-id": "msg_0002"}) == "bad_signature"


def test_altered_timestamp_is_refused() -> None:
    sent = signed()
    headers = {**sent.headers, "webhook-timestamp": str(NOW + 1)}
    assert refused(sent.body, headers) == "bad_signature"


def test_wrong_key_is_refused() -> None:
    sent = signed(keys=(OTHER_KEY,))
    assert refused(sent.body, sent.headers) == "bad_signature"


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_is_refused(header: str) -> None:
    sent = signed()
    headers = {k: v for k, v in sent.headers.items() if k != header}
    assert refused(sent.body, headers) == "missing_header"


@pytest.mark.parametrize("value", ["", "abc", "1781000000.5", "-1781000000", "+1781000000",
                                   " 1781000000", "1_781_000_000", "1e9"])
def test_non_integer_timestamp_is_refused(value: str) -> None:
    sent = signed()
    assert refused(sent.body, {**sent.headers, "webhook-timestamp": value}) == "bad_timestamp"


def test_stale_message_is_refused() -> None:
    sent = signed(timestamp=NOW - 301)
    assert refused(sent.body, sent.headers) == "stale"


def test_future_message_is_refused() -> None:
    sent = signed(timestamp=NOW + 301)
    assert refused(sent.body, sent.headers) == "future"


def test_tolerance_is_configurable() -> None:
    sent = signed(timestamp=NOW - 61)
    assert refused(sent.body, sent.headers, tolerance_seconds=60) == "stale"


def test_non_canonical_body_is_refused_even_when_signed() -> None:
    """A sender that signs the same JSON with other spacing (here json.dumps' default) is
    refused: the receiver must be able to rebuild the signed bytes from the message."""
    body = json.dumps(MESSAGE).encode()
    assert json.loads(body) == MESSAGE and body != canonical_json(MESSAGE)
    headers = {"webhook-id": "msg_0001", "webhook-timestamp": str(NOW),
               "webhook-signature": v1a(NEW_KEY, b"msg_0001.%d." % NOW + body)}
    assert refused(body, headers) == "not_canonical"


def test_respaced_copy_of_a_signed_body_is_refused() -> None:
    sent = signed()
    body = json.dumps(json.loads(sent.body)).encode()
    assert refused(body, sent.headers) == "bad_signature"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe",
                                  b'{"x":NaN}'])
def test_signed_body_that_is_not_a_json_object_is_malformed(body: bytes) -> None:
    headers = {"webhook-id": "msg_0001", "webhook-timestamp": str(NOW),
               "webhook-signature": v1a(NEW_KEY, b"msg_0001.%d." % NOW + body)}
    assert refused(body, headers) == "malformed"


def test_signed_body_with_duplicate_keys_is_not_canonical() -> None:
    body = b'{"a":1,"a":2}'
    headers = {"webhook-id": "msg_0001", "webhook-timestamp": str(NOW),
               "webhook-signature": v1a(NEW_KEY, b"msg_0001.%d." % NOW + body)}
    assert refused(body, headers) == "not_canonical"


def test_replayed_id_is_refused() -> None:
    guard = MemoryReplayGuard()
    sent = signed()
    keys = [NEW_KEY.public_key()]
    assert verify_message(sent.body, sent.headers, public_keys=keys, now=NOW,
                          replay=guard) == MESSAGE
    assert refused(sent.body, sent.headers, replay=guard) == "replayed"


def test_forged_message_does_not_consume_its_id() -> None:
    guard = MemoryReplayGuard()
    forged = signed(keys=(OTHER_KEY,))
    assert refused(forged.body, forged.headers, replay=guard) == "bad_signature"
    assert len(guard) == 0
    genuine = signed()  # same id, genuinely signed
    assert verify_message(genuine.body, genuine.headers, public_keys=[NEW_KEY.public_key()],
                          now=NOW, replay=guard) == MESSAGE


def test_stale_or_non_canonical_messages_do_not_consume_their_id() -> None:
    guard = MemoryReplayGuard()
    stale = signed(timestamp=NOW - 301)
    assert refused(stale.body, stale.headers, replay=guard) == "stale"
    body = json.dumps(MESSAGE).encode()
    headers = {"webhook-id": "msg_0001", "webhook-timestamp": str(NOW),
               "webhook-signature": v1a(NEW_KEY, b"msg_0001.%d." % NOW + body)}
    assert refused(body, headers, replay=guard) == "not_canonical"
    assert len(guard) == 0


def test_unknown_signature_versions_are_ignored() -> None:
    sent = signed()
    hmac_like = "v1," + base64.b64encode(b"\0" * 32).decode()
    future = "v2,whatever"
    headers = {**sent.headers,
               "webhook-signature": f"{hmac_like} {future} {sent.headers['webhook-signature']}"}
    assert verify_message(sent.body, headers, public_keys=[NEW_KEY.public_key()],
                          now=NOW) == MESSAGE
    only_unknown = {**sent.headers, "webhook-signature": f"{hmac_like} {future}"}
    assert refused(sent.body, only_unknown) == "bad_signature"


def test_garbled_v1a_entries_are_skipped_not_fatal() -> None:
    sent = signed()
    garbage = "v1a,not-base64!! v1a,é v1a," + base64.b64encode(b"short").decode() + " v1a"
    headers = {**sent.headers,
               "webhook-signature": f"{garbage} {sent.headers['webhook-signature']}"}
    assert verify_message(sent.body, headers, public_keys=[NEW_KEY.public_key()],
                          now=NOW) == MESSAGE


def test_too_many_signatures_are_refused() -> None:
    sent = signed(keys=(OTHER_KEY,) * (MAX_SIGNATURES + 1))
    assert refused(sent.body, sent.headers) == "malformed"


def test_malformed_id_is_refused() -> None:
    sent = signed()
    assert refused(sent.body, {**sent.headers, "webhook-id": "a{b"}) == "malformed"


def test_conflicting_duplicate_headers_are_refused() -> None:
    sent = signed()
    headers = {**sent.headers, "Webhook-Id": "msg_other"}
    assert refused(sent.body, headers) == "malformed"


def test_replay_guard_forgets_ids_after_its_window() -> None:
    guard = MemoryReplayGuard(window_seconds=600)
    assert guard.first_seen("a", now=NOW)
    assert not guard.first_seen("a", now=NOW + 600)
    assert guard.first_seen("b", now=NOW + 601)  # prunes "a"
    assert len(guard) == 1
    assert guard.first_seen("a", now=NOW + 601)


def test_sign_message_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        sign_message(MESSAGE, keys=[], message_id="m", timestamp=NOW)
    with pytest.raises(ValueError):
        sign_message(MESSAGE, keys=[NEW_KEY], message_id="has space", timestamp=NOW)
    with pytest.raises(ValueError):
        sign_message(MESSAGE, keys=[NEW_KEY], message_id="m", timestamp=-1)


def test_verification_error_reason_is_a_known_short_code() -> None:
    assert VerificationError("stale").reason == "stale"
    with pytest.raises(ValueError):
        VerificationError("something else")


# --- canonical JSON (RFC 8785) --------------------------------------------------------------

def test_canonical_json_sorts_keys_without_spaces_and_unescaped_unicode() -> None:
    assert canonical_json({"b": 1.0, "a": [True, None, "é€😀"], "c": {"z": 0.5, "y": -0.0}}) \
        == '{"a":[true,null,"é€😀"],"b":1,"c":{"y":0,"z":0.5}}'.encode()


def test_canonical_json_rfc8785_number_vectors() -> None:
    """RFC 8785 §3.2.2.3 / appendix B: ECMAScript number serialisation."""
    values = [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001]
    assert canonical_json({"numbers": values}) \
        == b'{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}'


def test_canonical_json_rfc8785_string_and_literal_vectors() -> None:
    """RFC 8785 §3.2.2 example: control characters escaped, others as UTF-8; literals."""
    message = {"string": "€$\u000f\u000aA'B\"\\\\\"/", "literals": [None, True, False]}
    assert canonical_json(message) \
        == b'{"literals":[null,true,false],"string":"' + "€".encode() \
        + b'$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'


def test_canonical_json_sorts_by_utf16_code_units() -> None:
    """RFC 8785 §3.2.3 sorting example: keys compared as UTF-16 code units."""
    message = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet",
               "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
               "\u00f6": "Latin Small Letter O With Diaeresis"}
    values = [v for v in json.loads(canonical_json(message)).values()]
    assert values == ["Carriage Return", "One", "Control",
                      "Latin Small Letter O With Diaeresis", "Euro Sign",
                      "Emoji: Grinning Face", "Hebrew Letter Dalet"]


def test_canonical_json_agrees_with_the_rfc8785_package_and_rejects_unsafe_integers() -> None:
    assert canonical_json(MESSAGE) == rfc8785.dumps(MESSAGE)
    with pytest.raises(ValueError):
        canonical_json({"too_big": 2**53})


# --- keys -----------------------------------------------------------------------------------

def test_private_key_file_is_0600_pkcs8_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"
    write_private_key(path, NEW_KEY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert path.read_bytes() == private_key_to_pem(NEW_KEY)
    loaded = load_private_key(path)
    assert public_key_b64(loaded.public_key()) == public_key_b64(NEW_KEY.public_key())


def test_write_private_key_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "signing.pem"
    write_private_key(path, NEW_KEY)
    with pytest.raises(FileExistsError):
        write_private_key(path, OTHER_KEY)
    assert load_private_key(path).public_key() == NEW_KEY.public_key()


def test_public_key_b64_round_trip() -> None:
    encoded = public_key_b64(NEW_KEY.public_key())
    assert len(base64.b64decode(encoded)) == 32
    assert public_key_from_b64(encoded) == NEW_KEY.public_key()
    with pytest.raises(ValueError):
        public_key_from_b64(base64.b64encode(b"x" * 31).decode())
    with pytest.raises(ValueError):
        public_key_from_b64("not base64!")
    with pytest.raises(ValueError):
        public_key_from_b64("é")
