"""The timeline list on its own: tens of thousands of entries, inert text, the detail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static

from index.models import EventSource, Granularity, TimelineEvent
from tests.app_fixtures import EVIL_ESCAPES, EVIL_MARKUP
from tui.app.widgets.timeline_list import TimelineList
from tui.app.widgets.timeline_pane import TimelinePane
from tui.app.widgets.timeline_rows import build_rows, dense_days, primary_source

CSS = Path(__file__).resolve().parent.parent / "tui" / "app" / "app.tcss"
START = dt.date(2000, 1, 1)
BUSY = START + dt.timedelta(days=2500)
"""The one day of the synthetic timeline reported by several articles."""


def entry(
    text: str,
    expression: str,
    article_id: str,
    first: dt.date | None,
    granularity: Granularity = "day",
) -> TimelineEvent:
    start = text.index(expression)
    source = EventSource(article_id, f"{article_id}.txt", 100 + start,
                         100 + start + len(expression), expression, 100, 100 + len(text))
    return TimelineEvent(first, first, granularity, text, (source,))


def many_events(n: int) -> list[TimelineEvent]:
    """Ten entries a day from 2000 on, one article a day except on BUSY (ten), and the
    last ten undated."""
    events = []
    for i in range(n - 10):
        day = START + dt.timedelta(days=i // 10)
        article = f"b{i % 10}_busy" if day == BUSY else f"a{(i // 10) % 997:03d}_news"
        events.append(entry(f"Entry {i} happened on {day:%d %B %Y} somewhere.",
                            f"on {day:%d %B %Y}", article, day))
    events += [entry(f"Vague entry {i} happened recently.", "recently", "c0_vague", None,
                     "vague") for i in range(10)]
    return events


class TimelineApp(App[None]):
    CSS_PATH = str(CSS)

    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[TimelineList.EntryChosen] = []

    def compose(self) -> ComposeResult:
        yield TimelinePane(id="timeline")

    @property
    def pane(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    def on_timeline_list_entry_chosen(self, message: TimelineList.EntryChosen) -> None:
        self.chosen.append(message)


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def detail_text(app: TimelineApp) -> str:
    """The detail under the list, without its border and padding."""
    detail = app.query_one("#timeline-detail", Static)
    assert detail.display
    lines = [strip.text.strip() for strip in detail.render_lines(detail.region.reset_offset)]
    return "\n".join(line for line in lines if line.strip("─"))


def cursor_on_screen(timeline: TimelineList) -> bool:
    first = timeline.scroll_offset.y
    height = timeline.scrollable_content_region.height
    return timeline.highlighted is not None and first <= timeline.highlighted < first + height


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The row indexes TimelineList.render_line was asked for."""
    indexes: set[int] = set()
    render_line = TimelineList.render_line

    def counting(self: TimelineList, y: int) -> Strip:
        indexes.add(self.scroll_offset.y + y)
        return render_line(self, y)

    monkeypatch.setattr(TimelineList, "render_line", counting)
    return indexes


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_fifty_thousand_entries_show_move_and_open(rendered: set[int]) -> None:
    app = TimelineApp()
    events = many_events(50_000)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.pane.timeline_list
        timeline.focus()
        app.pane.show_events(events)
        await pilot.pause()
        rows = timeline.rows
        assert len(rows) > 55_000 and timeline.highlighted == 0
        height = timeline.scrollable_content_region.height
        assert 5 < height < 24
        # only the lines on screen were rendered, not the 55,000 rows
        assert rendered and max(rendered) < 2 * height

        await press(pilot, "down")
        assert timeline.highlighted == 1 and rows[1].kind == "month"
        await press(pilot, "j", "k", "down", "up")
        assert timeline.highlighted == 1
        await press(pilot, "pagedown")
        assert timeline.highlighted == 1 + height and cursor_on_screen(timeline)
        await press(pilot, "pageup")
        assert timeline.highlighted == 1 and cursor_on_screen(timeline)
        await press(pilot, "end")
        assert timeline.highlighted == len(rows) - 1 and cursor_on_screen(timeline)
        assert rows[-1].event is events[-1]
        await press(pilot, "home")
        assert timeline.highlighted == 0 and timeline.scroll_offset.y == 0

        await press(pilot, "right_curly_bracket")
        first_day = timeline.row_at(timeline.highlighted)
        assert first_day is not None and first_day.kind == "day" and first_day.day == START
        await press(pilot, "right_curly_bracket")
        second_day = timeline.row_at(timeline.highlighted)
        assert second_day is not None and second_day.day == START + dt.timedelta(days=1)
        await press(pilot, "left_curly_bracket")
        assert timeline.row_at(timeline.highlighted) == first_day

        await press(pilot, "b")  # the busiest day, at the top of the list
        busiest = timeline.highlighted
        assert busiest is not None
        row = timeline.row_at(busiest)
        assert row is not None and row.kind == "day" and row.day == BUSY and row.dense
        assert row.count == 10 and timeline.scroll_offset.y == busiest
        assert timeline.dense == {BUSY} and "★ busiest: 5 Nov 2006" in screen_text(app)

        await press(pilot, "enter")  # on a heading: the day's first entry
        await press(pilot, "j", "j", "enter")
        first, second = rows[busiest + 1].event, rows[busiest + 2].event
        assert first is not None and second is not None
        assert [m.event for m in app.chosen] == [first, second]
        assert app.chosen[1].source == primary_source(second)
        assert second.sources[0].article_id == "b1_busy"

        # a click puts the cursor on a row, a second click opens it
        app.chosen.clear()
        await pilot.click(TimelineList, offset=(10, 5))
        await pilot.pause()
        assert timeline.highlighted == busiest + 5 and not app.chosen
        await pilot.click(TimelineList, offset=(10, 5))
        await pilot.pause()
        assert [m.event for m in app.chosen] == [rows[busiest + 5].event]

        # every jump rendered the screen it landed on, never the whole timeline
        assert len(rendered) < 20 * height < len(rows) / 100

        # new events (filters): the cursor stays on its row number, clamped
        app.pane.show_events(events[:30])
        await pilot.pause()
        assert timeline.highlighted == len(timeline.rows) - 1 and cursor_on_screen(timeline)


async def test_markup_and_escapes_in_entries_render_inertly() -> None:
    app = TimelineApp()
    text = f"Talks {EVIL_MARKUP} ended on 3 May 2024 with {EVIL_ESCAPES} and a bell \x07."
    evil = entry(text, "on 3 May 2024", "\x1b[31mevil", dt.date(2024, 5, 3))
    async with app.run_test(size=(160, 30)) as pilot:
        app.pane.timeline_list.focus()
        app.pane.show_events([evil])
        await pilot.pause()
        await press(pilot, "end")  # the entry, under its headings
        shown = screen_text(app)
        assert shown.count("[bold red]x[/]") == 2  # the list line and the detail
        assert shown.count("[@click=app.quit]c[/]") == 2
        assert "␛[2J" in shown and "␛]52;c;aGk=␇" in shown and "bell ␇" in shown
        assert "[␛[31mevi]" in shown  # the badge too
        raw = "".join(
            segment.text for strip in app.screen._compositor.render_strips()
            for segment in strip
        )
        assert "\x1b" not in raw and "\x07" not in raw and "\x9b" not in raw
        # and nothing was parsed: no link nor action reached a style
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert segment.style is None or not segment.style.link
                assert segment.style is None or "@click" not in (segment.style.meta or {})
        await press(pilot, "enter")
        assert app.is_running and len(app.chosen) == 1


async def test_detail_shows_the_highlighted_entry_in_full() -> None:
    app = TimelineApp()
    words = " ".join(f"word{i}" for i in range(40))
    long = entry(f"The inquiry opened on 2 March 2021 and heard {words} LASTWORD.",
                 "on 2 March 2021", "a1_inquiry", dt.date(2021, 3, 2))
    other = entry("A second entry began on 9 March 2021 in the port.", "on 9 March 2021",
                  "a2_port", dt.date(2021, 3, 9))
    month = entry("During March 2021 talks went on.", "During March 2021", "a3_talks",
                  dt.date(2021, 3, 1), "month")
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.pane.timeline_list
        timeline.focus()
        app.pane.show_events([long, other, month])
        await pilot.pause()
        kinds = [row.kind for row in timeline.rows]
        assert kinds == ["year", "month", "event", "day", "event", "day", "event"]
        # on a heading, the detail shows the entry Enter would open: the month's entry
        assert "During March 2021 talks went on." in detail_text(app)
        assert "March 2021" in detail_text(app).splitlines()[0]

        await press(pilot, "right_curly_bracket", "j")  # the long entry
        line = next(s for s in screen_text(app).splitlines() if "The inquiry opened" in s)
        assert "LASTWORD" not in line and "…" in line and "[a1]" in line
        detail = detail_text(app)
        assert detail.startswith("Tue 2 March 2021")
        flowed = " ".join(detail.split())
        assert f"The inquiry opened on 2 March 2021 and heard {words} LASTWORD." in flowed
        assert "Source: [a1] “on 2 March 2021”" in flowed
        assert "LASTWORD" in screen_text(app)

        await press(pilot, "j", "j")
        assert "A second entry began on 9 March 2021" in detail_text(app)
        assert "LASTWORD" not in screen_text(app)

        app.pane.show_error("broken")
        await pilot.pause()
        assert not timeline.rows and timeline.highlighted is None
        assert not app.query_one("#timeline-detail", Static).display
        assert "Timeline unavailable: broken" in screen_text(app)


def test_rows_group_by_year_month_day_and_mark_the_busiest_days() -> None:
    events = many_events(200)
    rows = build_rows(events)
    assert [r.kind for r in rows[:4]] == ["year", "month", "day", "event"]
    assert [r.event for r in rows if r.event] == events
    assert rows[-11].kind == "undated"
    assert dense_days(events) == set()  # one article a day: nothing stands out
    busy = [*events, entry("Also on 3 January 2000.", "on 3 January 2000", "z9_other",
                           dt.date(2000, 1, 3))]
    assert dense_days(busy) == {dt.date(2000, 1, 3)}
    day = next(r for r in build_rows(busy) if r.day == dt.date(2000, 1, 3))
    assert day.dense and day.count == 2


async def test_a_jump_keeps_its_row_on_top_when_the_detail_grows() -> None:
    """Jumping to a day whose entry is long: the detail grows, the list shrinks, and the
    day's heading stays as high as the rows allow (its entries visible below it)."""
    app = TimelineApp()
    days = [dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    events = [entry(f"Short news on {d:%d %B %Y}.", f"on {d:%d %B %Y}", "a1_x", d) for d in days]
    long_day = days[-1] + dt.timedelta(days=1)
    events.append(entry("Long news on the last day: " + "more words " * 50 + "end.",
                        "on the last day", "a2_y", long_day))
    events.append(entry("Afterwards, nothing.", "Afterwards", "a3_z", None, "vague"))
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.pane.timeline_list
        timeline.focus()
        app.pane.show_events(events)
        await pilot.pause()
        before = timeline.scrollable_content_region.height
        await press(pilot, "end", "left_curly_bracket")  # the long entry's day
        index = timeline.highlighted
        assert index is not None and timeline.rows[index].day == long_day
        height = timeline.scrollable_content_region.height
        assert height < before  # the detail took lines from the list
        assert timeline.scroll_offset.y == min(index, len(timeline.rows) - height)
        assert "Afterwards, nothing." in screen_text(app)


async def test_an_entry_longer_than_the_detail_is_cut_visibly() -> None:
    """The detail takes at most its max-height: a longer sentence ends with an ellipsis
    and its sources stay in view (instead of its last lines silently going)."""
    app = TimelineApp()
    words = " ".join(f"word{i}" for i in range(300))
    huge = entry(f"On 4 April 2023 the report said {words} LASTWORD.", "On 4 April 2023",
                 "a1_report", dt.date(2023, 4, 4))
    async with app.run_test(size=(80, 24)) as pilot:
        app.pane.timeline_list.focus()
        app.pane.show_events([huge])
        await pilot.pause()
        detail = detail_text(app)
        assert "LASTWORD" not in detail and "…" in detail
        assert detail.splitlines()[-1] == "Source: [a1] “On 4 April 2023”"
        assert detail.startswith("Tue 4 April 2023  On 4 April 2023 the report said word0")
        await pilot.resize_terminal(120, 40)  # more room: more of the sentence
        await pilot.pause()
        assert len(detail_text(app)) > len(detail)


def test_badges_name_the_file_not_the_folders_it_is_in() -> None:
    from tui.app.widgets.timeline_rows import short_id

    assert short_id("000_da7967d9e18fabfb") == "000"
    assert short_id("wire/2025/000_da7967d9") == "000"
    assert short_id("articles-2/WSJ910225-0066") == "WSJ91022"
    assert short_id("desk/a") == "a"
