"""Daily use in the app (issue 20): config file, saved searches, marks, export, editor."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from index.models import Article, Paragraph
from tests.app_fixtures import (
    fixture_corpus,
    main_screen,
    make_engine,
    screen_text,
    settle,
    type_query,
    wait_ready,
)
from tui.app.app import SummitApp, build_app, load_app_config
from tui.app.dialogs import export_format
from tui.app.external import editor_argv, editor_command, file_line, pager_argv, pager_command
from tui.app.providers import SummitCommands
from tui.app.screens.history_picker import Picker
from tui.app.screens.prompt import PromptScreen
from tui.config import Config
from tui.serve.policy import SessionPolicy


@pytest.fixture(autouse=True)
def _own_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Marks and saved searches go to the test's folder, never the real home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def daily_app(
    tmp_path: Path, config: Config | None = None, policy: SessionPolicy | None = None
) -> SummitApp:
    engine = make_engine(tmp_path, fixture_corpus(tmp_path))
    return build_app(engine, data_dir=tmp_path / "data", config=config, policy=policy)


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def answer(pilot: Pilot[object], text: str) -> None:
    """Type `text` into the prompt on top and press Enter."""
    app = pilot.app
    assert isinstance(app.screen, PromptScreen), app.screen
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def export_to(pilot: Pilot[object], name: str) -> None:
    await pilot.press("x")
    await settle(pilot)
    await answer(pilot, name)


async def to_results(pilot: Pilot[object], query: str) -> None:
    await type_query(pilot, query)
    await pilot.press("enter")
    await settle(pilot)
    assert main_screen(pilot).search_pane.results.has_focus


# -- config ------------------------------------------------------------------------------


async def test_a_keymap_moves_a_command_to_another_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[keymap]\npane-timeline = "ctrl+t"\n')
    app = daily_app(tmp_path, load_app_config(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        await pilot.press("escape")  # out of the query box
        screen.set_focus(None)
        await pilot.press("3")
        await settle(pilot)
        assert screen.pane == "search", "3 no longer shows the timeline"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.pane == "timeline"
        await pilot.press("f1")
        await settle(pilot)
        console = Console(file=io.StringIO(), width=200, color_system=None)
        console.print(app.screen.query_one("#help-table", Static).content)
        rows = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
        assert any("Ctrl+T" in row and "timeline pane" in row for row in rows), rows
        labels = [label for label, _ in SummitCommands(app.screen)._entries()]
        assert "Timeline (Ctrl+T)" in labels


async def test_a_bad_config_still_starts_with_defaults_and_names_the_line(
    tmp_path: Path,
) -> None:
    path = write_config(tmp_path, 'theme = "nord"\npager = "less"\nthis is not toml\n')
    app = daily_app(tmp_path, load_app_config(path))
    default_theme = app.theme
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1 and "line 3" in notices[0] and str(path) in notices[0], notices
        assert app.theme == default_theme  # nothing of the file was used
        await type_query(pilot, "harbour")
        assert main_screen(pilot).search_pane.results.option_count > 0


async def test_theme_from_the_config_and_a_new_one_is_kept(tmp_path: Path) -> None:
    path = write_config(tmp_path, '# mine\ntheme = "nord"\n\n[keymap]\nquit = "ctrl+c"\n')
    app = daily_app(tmp_path, load_app_config(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert app.theme == "nord"
        assert path.read_text(encoding="utf-8").count("nord") == 1  # applying it wrote nothing
        app.theme = "gruvbox"  # what the palette's theme picker does
        await settle(pilot)
        text = path.read_text(encoding="utf-8")
        assert 'theme = "gruvbox"' in text and "# mine" in text and 'quit = "ctrl+c"' in text
        assert load_app_config(path).theme == "gruvbox"
        app.theme = "nord"  # and back to the one the file had at start
        await settle(pilot)
    assert load_app_config(path).theme == "nord"


async def test_a_served_session_never_writes_the_operators_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'theme = "nord"\n')
    policy = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    app = daily_app(tmp_path, load_app_config(path), policy)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.theme = "gruvbox"
        await settle(pilot)
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_an_unknown_command_in_the_keymap_is_a_problem(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[keymap]\nno-such-thing = "x"\n')
    config = load_app_config(path)
    assert config.keymap == {}
    assert config.problems and "line 2" in config.problems[0]


# -- saved searches ------------------------------------------------------------------------


async def test_save_a_search_and_run_it_again(tmp_path: Path) -> None:
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "ferry timetable")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await answer(pilot, "ferries")
        saved = app.engine.user_data.saved_searches()
        assert [(s.name, s.query) for s in saved] == [("ferries", "ferry timetable")]

        box = main_screen(pilot).search_pane.query_input
        box.value = "harbour"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, Picker)
        assert "ferries — ferry timetable" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(pilot)
        pane = main_screen(pilot).search_pane
        assert pane.query_text == "ferry timetable"
        assert pane.results.result is not None
        assert pane.results.result.query == "ferry timetable"


async def test_saving_without_a_query_says_so(tmp_path: Path) -> None:
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert any("query first" in n.message for n in app._notifications)


# -- marks -----------------------------------------------------------------------------------


async def test_marks_from_results_and_reader_and_the_marked_view(tmp_path: Path) -> None:
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await to_results(pilot, "harbour")
        screen = main_screen(pilot)
        results = screen.search_pane.results
        first = results.current_passage
        assert first is not None and "★" not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert {m.key for m in app.engine.user_data.marks()} == {
            (first.article_id, first.paragraph)
        }
        assert "★" in screen_text(app)  # a character, not a colour only

        # the reader: open a hit of another article (so no mark shows yet) and mark it
        for _ in range(results.option_count):
            await pilot.press("down")
            current = results.current_passage
            if current is not None and current.article_id != first.article_id:
                break
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pane == "reader"
        paragraph = screen.reader.current_paragraph
        assert paragraph is not None and screen.article_id is not None
        assert "★" not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert (screen.article_id, paragraph) in {m.key for m in app.engine.user_data.marks()}
        assert "▌★" in screen_text(app)

        # the marked view, and back to the search
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert "Marked passages: 2 passages" in screen_text(app)
        assert len(results.hits) == 2
        await pilot.press("M")
        await settle(pilot)
        assert results.result is not None and results.result.query == "harbour"
        assert "Marked passages" not in screen_text(app)

        # unmark from the results list
        results.focus()
        results.highlighted = 0
        await pilot.press("m")
        await settle(pilot)
        assert (first.article_id, first.paragraph) not in {
            m.key for m in app.engine.user_data.marks()
        }

        # the palette's way in: the same command, from the reader
        screen.action_show_pane("reader")
        await settle(pilot)
        app.run_command("marked")
        await settle(pilot)
        assert screen.pane == "search"
        assert "Marked passages: 1 passage " in screen_text(app)


# -- export ------------------------------------------------------------------------------------


async def test_export_results_refuses_to_overwrite_unless_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await to_results(pilot, "harbour")
        await export_to(pilot, "out.md")
        written = (tmp_path / "out.md").read_text(encoding="utf-8")
        assert written.startswith("# Search: harbour") and "¶" in written

        (tmp_path / "out.md").write_text("keep me", encoding="utf-8")
        await export_to(pilot, "out.md")
        assert "exists" in screen_text(app)
        await answer(pilot, "n")
        assert (tmp_path / "out.md").read_text(encoding="utf-8") == "keep me"

        await export_to(pilot, "out.md")
        await answer(pilot, "y")
        assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("# Search: harbour")

        await export_to(pilot, "out.txt")
        assert not (tmp_path / "out.txt").exists()
        assert any("suffix" in n.message for n in app._notifications)


async def test_export_the_marked_view_and_the_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await to_results(pilot, "harbour")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await export_to(pilot, "marked.jsonl")
        rows = (tmp_path / "marked.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(rows) == 1

        await pilot.press("3")
        await settle(pilot)
        assert main_screen(pilot).pane == "timeline"
        await export_to(pilot, "timeline.json")
        data = json.loads((tmp_path / "timeline.json").read_text(encoding="utf-8"))
        assert data["events"], data  # TimelineJS: {"events": [...]}


async def test_served_sessions_offer_neither_export_nor_editor(tmp_path: Path) -> None:
    policy = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    app = daily_app(tmp_path, policy=policy)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        labels = [label for label, _ in SummitCommands(app.screen)._entries()]
        assert labels and not any(("Export" in x or "Editor" in x) for x in labels)
        await to_results(pilot, "harbour")
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert sum("not available over summit serve" in m for m in notices) == 2, notices


# -- pager and editor: which program, which line -------------------------------------------


def _article(text: str, kind: str = "txt") -> tuple[Article, Paragraph]:
    start = text.index("Second")
    paragraph = Paragraph(1, start, len(text), text[start:])
    article = Article("a", "a.txt", "T", False, None, "unknown", None, None, None, None,
                      text, (paragraph,), "h", kind)  # type: ignore[arg-type]
    return article, paragraph


def test_editor_at_the_paragraphs_line() -> None:
    article, paragraph = _article("---\ntitle: T\n---\nT\n\nFirst.\n\nSecond one.\n")
    assert file_line(article, paragraph) == 8
    html, html_paragraph = _article("T\nFirst.\nSecond.", kind="html")
    assert file_line(html, html_paragraph) == 1  # offsets of extracted text: no file line
    assert editor_argv(["nvim"], Path("/x/a.txt"), 8) == ["nvim", "+8", "/x/a.txt"]


def test_editor_choice_config_then_visual_then_editor_then_vi() -> None:
    env = {"VISUAL": "code -w", "EDITOR": "nano"}
    assert editor_command("emacs -nw", env) == ["emacs", "-nw"]
    assert editor_command(None, env) == ["code", "-w"]
    assert editor_command(None, {"EDITOR": "nano"}) == ["nano"]
    assert editor_command("  ", {}) == ["vi"]


def test_pager_choice_and_less_at_the_line() -> None:
    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if name in ("less", "most") else None

    assert pager_command("most", {"PAGER": "less"}, which) == ["most"]
    assert pager_command("nosuch", {"PAGER": "less -R"}, which) == ["less", "-R"]
    assert pager_command(None, {}, which) == ["/usr/bin/less"]
    assert pager_command(None, {}, lambda _: None) == []
    assert pager_argv(["/usr/bin/less", "-R"], 12) == ["/usr/bin/less", "-R", "+12g"]
    assert pager_argv(["most"], 12) == ["most"]
    assert pager_argv(["less"], 1) == ["less"]


def test_export_format_from_the_suffix() -> None:
    assert export_format(Path("a.MD"), timeline=False) == "md"
    assert export_format(Path("a.json"), timeline=True) == "timelinejs"
    assert export_format(Path("a.json"), timeline=False) is None
    assert export_format(Path("a"), timeline=False) is None


# -- the user's own date ---------------------------------------------------------------------


async def test_the_reader_sets_and_forgets_the_users_date(tmp_path: Path) -> None:
    app = daily_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.open_article("harbour_strike")
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.article_id == "harbour_strike"
        await pilot.press("D")
        await settle(pilot)
        await answer(pilot, "31 March")  # not a date: said, nothing stored
        assert any("Not a date" in n.message for n in app._notifications)
        assert app.engine.anchors()["harbour_strike"].date_source != "user"
        await pilot.press("D")
        await settle(pilot)
        await answer(pilot, "2025-03-03")
        anchor = app.engine.anchors()["harbour_strike"]
        assert (anchor.date_source, str(anchor.date)) == ("user", "2025-03-03")
        assert "date set by you" in screen_text(app)
        await pilot.press("D")
        await settle(pilot)
        await answer(pilot, "clear")
        assert app.engine.anchors()["harbour_strike"].date_source != "user"
        assert "date set by you" not in screen_text(app)
