"""tui.textsafe: engine text is made inert (no escapes reach the terminal, no markup parsed)."""

from __future__ import annotations

import io
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from tui.textsafe import clean, is_clean, safe_text


def test_controls_become_visible_one_for_one() -> None:
    raw = "a\x1b[2J b\x1b]52;c;aGk=\x07 c\x9b31m d\re\x00f\x7f"
    cleaned = clean(raw)
    assert len(cleaned) == len(raw)
    assert cleaned == "a␛[2J b␛]52;c;aGk=␇ c\ufffd31m d␍e␀f␡"
    assert is_clean(cleaned) and not is_clean(raw)


def test_newline_and_tab_are_kept_unless_single_line() -> None:
    assert clean("a\nb\tc") == "a\nb\tc"
    assert clean("a\nb\tc", single_line=True) == "a b c"


def test_bidi_overrides_are_replaced() -> None:
    assert clean("abc\u202edef\u2066") == "abc\ufffddef\ufffd"


def test_safe_text_is_never_markup_and_spans_line_up() -> None:
    text = safe_text("[bold red]x[/] [@click=app.quit]y[/]", spans=[(0, 10, "bold")])
    assert text.plain == "[bold red]x[/] [@click=app.quit]y[/]"
    console = Console(width=80, record=True, color_system="truecolor", file=io.StringIO())
    console.print(text)
    assert "[bold red]x[/]" in console.export_text()


def test_safe_text_clamps_spans() -> None:
    text = safe_text("abc", spans=[(-5, 2, "bold"), (2, 99, "italic"), (3, 3, "red")])
    assert [(s.start, s.end) for s in text.spans] == [(0, 2), (2, 3)]


@given(st.text())
def test_clean_keeps_length_and_leaves_no_controls(raw: str) -> None:
    cleaned = clean(raw)
    assert len(cleaned) == len(raw)
    for char in cleaned:
        if char in "\n\t":
            continue
        assert unicodedata.category(char) != "Cc", repr(char)
    assert clean(cleaned) == cleaned
