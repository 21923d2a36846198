"""Make untrusted text (article bodies, titles, file names, snippets) inert on screen.

Article files come from anywhere. Their text must never reach the terminal as
escape sequences (ANSI CSI, OSC 52 clipboard writes, title changes) and never be
parsed as Rich/Textual markup. Everything the UI shows from the engine goes
through `clean()` and is wrapped in a `rich.text.Text` (which is never parsed as
markup), usually via `safe_text()`.

`clean()` replaces each dangerous character by exactly one visible character,
so offsets computed by the engine (highlight spans, paragraph offsets) still
line up with the cleaned string.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text

REPLACEMENT = "\ufffd"

_BIDI_CONTROLS = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
)


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␛ for ESC, ␇ for BEL, …
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
        if chr(code) in "\n\t":
            continue
        table[code] = _visible(chr(code))
    for char in _BIDI_CONTROLS:
        table[ord(char)] = REPLACEMENT
    return table


_TABLE = _build_table()


def clean(text: str, *, single_line: bool = False) -> str:
    """`text` with C0/C1 controls (except newline and tab) and bidi overrides made visible.

    The result has the same length as `text`, so spans into `text` stay valid.
    With `single_line`, newlines and tabs become spaces (for one-line labels).
    """
    cleaned = text.translate(_TABLE)
    if single_line:
        cleaned = cleaned.replace("\n", " ").replace("\t", " ")
    return cleaned


def safe_text(
    text: str | None,
    style: Style | str = "",
    *,
    single_line: bool = False,
    spans: Iterable[tuple[int, int, Style | str]] = (),
) -> Text:
    """A `Text` of cleaned `text` (never markup), with optional (start, end, style) spans."""
    result = Text(clean(text or "", single_line=single_line), style=style, end="")
    length = len(result.plain)
    for start, end, span_style in spans:
        start, end = max(0, start), min(length, end)
        if start < end:
            result.stylize(span_style, start, end)
    return result


def is_clean(text: str) -> bool:
    """True when `text` holds nothing `clean()` would replace."""
    return text == clean(text)
