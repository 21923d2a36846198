"""Decoding an article's bytes: UTF-8 when it is, else the legacy encoding that
charset-normalizer detects, with a warning naming it."""

from __future__ import annotations

import charset_normalizer


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decoded text and, when UTF-8 failed, a warning naming the encoding used.

    Legacy encodings (Windows-1251/1252, KOI8-R, Latin-1, …) are detected by
    charset-normalizer rather than assumed, so a Cyrillic or Greek file is read as
    text instead of Western mojibake; Windows-1252 and then Latin-1 (which decodes
    any bytes) remain the fallback when detection has no answer.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return str(best), f"not valid UTF-8; decoded as {_encoding_label(best.encoding)}"
    try:
        return data.decode("cp1252"), "not valid UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; decoded as Latin-1"


def _encoding_label(codec: str) -> str:
    """A codec name as people write it: cp1251 → Windows-1251, koi8_r → KOI8-R."""
    if codec.startswith("cp125"):
        return f"Windows-{codec[2:]}"
    if codec == "latin_1":
        return "Latin-1"
    return codec.replace("_", "-").upper()
