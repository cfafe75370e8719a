"""The data converter every Temporal client and worker of this system must use."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import temporalio.converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes

from workflows.payload_codec import EncryptionCodec, RefusingPayloadConverter


def encrypted_data_converter(keys: Sequence[bytes], *, allow_plaintext: bool = False
                             ) -> temporalio.converter.DataConverter:
    """Payloads and failure messages/stack traces both encrypted (see REFERENCES.md).

    Decoding a payload that is not sealed with one of `keys` raises `PayloadRefused`
    (workflows/payload_codec.py); plaintext passes only with `allow_plaintext` (migration).
    """
    return dataclasses.replace(
        temporalio.converter.default(),
        payload_codec=EncryptionCodec(keys, allow_plaintext=allow_plaintext),
        payload_converter_class=RefusingPayloadConverter,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
