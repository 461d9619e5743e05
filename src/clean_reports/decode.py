"""Bytes to text: find the encoding, decode strictly, remember how to write it back.

The order is fixed and cheap first: a byte-order mark decides; a NUL byte without one
means binary (no report contains NUL); otherwise strict UTF-8 (most files); only then
chardet. A GB2312 or GBK verdict decodes as GB18030, the
superset that also covers the characters those two lack. Nothing is ever decoded
lossily: a file that cannot be decoded exactly fails with the reason.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import chardet

from .errors import FileFailure

# UTF-32 first: its little-endian mark starts with the UTF-16 one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Below this, chardet's verdict on a short or mixed file is a guess, and a wrong guess
# decodes "successfully" into nonsense.
MIN_CONFIDENCE = 0.2
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}
# chardet answers this, unchecked, when nothing fits; strict UTF-8 has already failed here.
_NO_VERDICT = "utf-8"


@dataclass(frozen=True)
class Decoded:
    """A file's text and what is needed to write it back as it was.

    ``encoding`` is a Python codec name (``utf-8``, ``gb18030``, ``utf-16-le``…) and
    ``bom`` the byte-order mark the file started with, if any.
    """

    text: str
    encoding: str
    bom: bytes = b""

    @property
    def newline(self) -> str:
        return newline_style(self.text)


def decode(data: bytes) -> Decoded:
    """Decode ``data`` or raise :class:`FileFailure` saying why it cannot be done exactly."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom) :], encoding), encoding, bom)
    if b"\x00" in data:
        raise FileFailure(
            "decode", "contains NUL bytes: a binary file, or UTF-16/32 without a byte-order mark"
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    verdict = chardet.detect(data, no_match_encoding=_NO_VERDICT)
    name = verdict.get("encoding")
    if not name or name.lower() == _NO_VERDICT:
        raise FileFailure("decode", "not UTF-8, and chardet found no encoding that fits")
    confidence = verdict.get("confidence") or 0.0
    if confidence < MIN_CONFIDENCE:
        raise FileFailure(
            "decode", f"not UTF-8, and chardet is unsure ({name} at {confidence:.0%} confidence)"
        )
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        raise FileFailure("decode", f"chardet says {name!r}, which Python cannot decode") from None
    encoding = _SUPERSETS.get(encoding, encoding)
    return Decoded(_strict(data, encoding), encoding)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileFailure(
            "decode", f"invalid {encoding} at byte {exc.start}: {exc.reason}"
        ) from None


def newline_style(text: str) -> str:
    """``LF``, ``CRLF``, ``CR``, ``mixed``, or ``none`` for a text without line breaks."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    styles = [name for name, count in (("LF", lf), ("CRLF", crlf), ("CR", cr)) if count]
    if not styles:
        return "none"
    return styles[0] if len(styles) == 1 else "mixed"
