"""The data converter every Temporal client and worker of this system must use."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import temporalio.converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes

from workflows.payload_codec import EncryptionCodec


def encrypted_data_converter(keys: Sequence[bytes]) -> temporalio.converter.DataConverter:
    """Payloads and failure messages/stack traces both encrypted (see REFERENCES.md)."""
    return dataclasses.replace(
        temporalio.converter.default(),
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
