"""A bounded fuzz run over decode → clean → encode: no input may crash it.

Inputs are arbitrary bytes and the seeds with random bytes flipped, inserted and
deleted (the corruptions real corpora have). Every input either fails as a
``FileFailure`` (it cannot be decoded exactly) or comes out as bytes that decode again
and do not change when cleaned again. Crashes found here stay as ``@example``s below.

CI runs 400 inputs (a few seconds); ``CLEAN_REPORTS_FUZZ_EXAMPLES=20000`` runs longer.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clean_reports.decode import decode
from clean_reports.errors import FileFailure
from clean_reports.model import Mode
from clean_reports.process import FileOptions, process

from conftest import SEED_NAMES, SEEDS

SEED_BYTES = [(SEEDS / name).read_bytes()[:3000] for name in SEED_NAMES]
NO_GUARD = FileOptions(max_removal=1.0, timeout=5.0)


@st.composite
def corrupted_seed(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif data and at < len(data):
            if action == "flip":
                data[at] = draw(st.integers(min_value=0, max_value=255))
            else:
                del data[at]
    return bytes(data)


@settings(
    max_examples=int(os.environ.get("CLEAN_REPORTS_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.one_of(st.binary(max_size=600), corrupted_seed()))
@example(data=b"\xff\xfe")  # a UTF-16 BOM and nothing else
@example(data=b"\xef\xbb\xbf\r")  # a UTF-8 BOM and a lone CR
@example(data="酷\u200b\r\n".encode())  # an invisible character before a CRLF
def test_decode_clean_encode_never_crashes(data: bytes, shipped_rules) -> None:  # type: ignore[no-untyped-def]
    for mode in (Mode.IN_PLACE, Mode.OUT_DIR, Mode.CHECK, Mode.DIFF):
        try:
            processed = process(data, shipped_rules, mode, "fuzz", file_options=NO_GUARD)
        except FileFailure:
            continue
        if processed.output is None:
            continue
        output = processed.output
        encoding = None if mode is Mode.OUT_DIR else processed.encoding
        decode(output, encoding)  # what is written decodes again
        again = process(
            output, shipped_rules, mode, "fuzz", file_options=FileOptions(1.0, 5.0, encoding)
        )
        assert not again.changed
