"""Text back to bytes.

Clean copies are plain UTF-8. A file rewritten in place is not re-encoded at all: the
removed character ranges are cut out of the original bytes, so everything outside
them (encoding quirks, BOM, line endings) stays byte for byte as it was. The result is
decoded once more and compared with the clean text before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from .decode import Decoded
from .errors import FileFailure


def to_utf8(text: str) -> bytes:
    """The bytes of a clean copy: UTF-8, no BOM, line endings as they are in ``text``."""
    return text.encode("utf-8")


def splice(
    data: bytes, decoded: Decoded, removed: Sequence[tuple[int, int]], clean_text: str
) -> bytes:
    """``data`` with the bytes of the ``removed`` character ranges cut out.

    ``removed`` holds sorted, disjoint ranges of ``decoded.text``. Raises
    :class:`FileFailure` when the cut bytes would not decode to ``clean_text`` exactly
    (a stateful encoding could do that), so a file is never written wrong.
    """
    text, encoding, bom = decoded.text, decoded.encoding, decoded.bom
    pieces = [bom]
    char_pos = 0
    byte_pos = len(bom)
    for start, end in removed:
        kept = len(text[char_pos:start].encode(encoding))
        pieces.append(data[byte_pos : byte_pos + kept])
        byte_pos += kept + len(text[start:end].encode(encoding))
        char_pos = end
    pieces.append(data[byte_pos:])
    result = b"".join(pieces)
    try:
        exact = result[len(bom) :].decode(encoding) == clean_text
    except UnicodeDecodeError:
        exact = False
    if not exact:
        raise FileFailure("encode", f"cannot cut the removed text out of {encoding} bytes exactly")
    return result
