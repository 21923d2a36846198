"""Summit Explorer's Textual app: `build_app(engine)` and `run_explorer(engine)`.

The engine (package `index`) does all the work; the UI only calls its API, off
the UI thread (see tui/app/session.py).
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import platformdirs
from textual import events
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

from index.engine import Engine
from index.models import ArticleSummary
from tui.app.commands import COMMANDS, Command, bindings_for, command_by_id
from tui.app.history import HISTORY_FILE, QueryHistory
from tui.app.providers import ArticleCommands, SummitCommands
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.app.session import Session
from tui.config import Config, load_config, save_setting
from tui.serve.policy import SessionPolicy

APP_NAME = "summit-explorer"


def default_state_dir() -> Path:
    """Where the explorer keeps its own state (query history): the XDG *state* dir, since
    history is neither the user's data nor a cache (~/.local/state/summit-explorer)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def legacy_history_file() -> Path:
    """Where versions before the state dir kept the history (the user data dir)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / HISTORY_FILE


class SummitApp(App[int]):
    """Search, read and put on a timeline a folder of news articles."""

    TITLE = "Summit Explorer"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {SummitCommands, ArticleCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

    def __init__(
        self,
        engine: Engine,
        *,
        data_dir: Path | None = None,
        policy: SessionPolicy | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else Config()
        """The user's config file (tui.config); the defaults when there is none."""
        self.engine = engine
        self.policy = policy or SessionPolicy.local(
            data_dir if data_dir is not None else default_state_dir()
        )
        """What this session may do besides exploring (tui.serve.policy): asked by every gate."""
        self.data_dir = self.policy.state_dir
        legacy = None if data_dir is not None or self.policy.served else legacy_history_file()
        self.history = QueryHistory(self.data_dir / HISTORY_FILE, legacy=legacy)
        self.session = Session(engine)
        """The engine, the work run against it and its state (tui.app.session)."""
        self.corpus_name = (
            "bundled articles"
            if engine.is_bundled
            else " + ".join(path.name or "articles" for path in engine.folders.paths)
        )
        self.sub_title = self.corpus_name
        if self.config.keymap:
            self.set_keymap({f"summit.{cid}": keys for cid, keys in self.config.keymap.items()})

    def on_mount(self) -> None:
        problems = list(self.config.problems)
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                problems.append(f"{self.config.path}: no theme {self.config.theme!r}; "
                                "using the default (Ctrl+P lists themes)")
        if problems:
            self.notify("\n".join(problems), title="Config file", severity="warning",
                        timeout=10, markup=False)
        # subscribed after applying the config's theme: only the user's changes are saved
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: object) -> None:
        """Keep a theme chosen from the palette in the config file (never from a served
        session: that would write the operator's config)."""
        path = self.config.path
        if path is None or not self.policy.allows("write_file"):
            return
        try:
            save_setting(path, "theme", self.theme)
        except OSError as exc:
            self.notify(f"Cannot save the theme to {path}: {exc.strerror or exc}",
                        severity="warning", timeout=5, markup=False)

    def get_default_screen(self) -> Screen:
        return MainScreen(self.session, history=self.history, policy=self.policy,
                          config=self.config, corpus_name=self.corpus_name)

    @property
    def engine_state(self) -> str:
        """"opening", then "ready" or "failed" (tests wait on it)."""
        return self.session.state

    @property
    def engine_ready(self) -> bool:
        """The index can be searched (it may still be updating)."""
        return self.session.searchable

    @property
    def article_summaries(self) -> list[ArticleSummary]:
        return self.session.summaries

    async def on_event(self, event: events.Event) -> None:
        # Keys read before the query box took focus would go to the screen and be lost.
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self.focused is None
            and isinstance(self.screen, MainScreen)
            and self.screen.take_early_key(event)
        ):
            return
        await super().on_event(event)

    @property
    def main_screen(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not running")

    # -- actions -----------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen())

    def _target(self, command: Command) -> DOMNode:
        """The node that runs `command`'s action. Resolved here, not by Textual's
        namespaces: while the palette closes, "screen" is not the main screen."""
        main = self.main_screen
        if command.action.target == "app":
            return self
        if command.action.target == "screen":
            return main
        widgets: dict[str, DOMNode] = {
            "app": self,
            "screen": main,
            "query": main.search_pane.query_input,
            "results": main.search_pane.results,
            "reader": main.reader,
            "timeline": main.timeline_pane.timeline_list,
            "timeline-pane": main.timeline_pane,
        }
        return widgets[command.scope]

    def run_command(self, command_id: str) -> None:
        """Run a command of tui.app.commands by id (the palette does this).

        Deferred until after the next refresh: the palette restores the previous focus
        when it closes, which would otherwise undo a pane switch.
        """
        self.call_after_refresh(self._run_command_now, command_id)

    async def _run_command_now(self, command_id: str) -> None:
        command = command_by_id(command_id)
        if self._refused(command_id):
            return
        if command.scope in ("reader", "timeline", "timeline-pane", "results"):
            pane = {"reader": "reader", "results": "search"}.get(command.scope, "timeline")
            self.main_screen.action_show_pane(pane)
        node = self._target(command)
        if isinstance(self.focused, Input) and command.scope != "query":
            # typing keys are disabled in the query box (see MainScreen.check_action)
            self.main_screen.set_focus(None)
        await self.run_action(command.action.call, node)

    def open_article(self, article_id: str) -> None:
        self.call_after_refresh(self.main_screen.open_article, article_id)

    # -- the policy's gates ------------------------------------------------------------------

    def _refused(self, command_id: str) -> bool:
        """True (after a one-line notice) if the policy does not offer this command."""
        command = command_by_id(command_id)
        if self.policy.offers(command.needs):
            return False
        self.notify(self.policy.refusal(command.description), severity="warning",
                    timeout=4, markup=False)
        return True

    async def action_gated(self, command_id: str) -> None:
        """Keys of commands that need a capability land here (tui.app.commands `needs`)."""
        if not self._refused(command_id):
            command = command_by_id(command_id)
            await self.run_action(command.action.call, self._target(command))

    @contextmanager
    def suspend(self) -> Iterator[None]:
        """Hand the terminal to another program, if the policy allows it."""
        if not self.policy.allows("suspend_terminal"):
            raise SuspendNotSupported("this session may not suspend")
        with super().suspend():
            yield

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        if not self.policy.allows("open_url"):
            self.notify(self.policy.refusal("Opening links"), severity="warning", markup=False)
            return
        super().open_url(url, new_tab=new_tab)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        if not self.policy.allows("write_file"):
            self.notify(self.policy.refusal("Screenshots"), severity="warning", markup=False)
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot" and not self.policy.allows("write_file"):
                continue  # it writes an SVG file into the current folder
            yield command


def build_app(
    engine: Engine,
    *,
    data_dir: Path | None = None,
    policy: SessionPolicy | None = None,
    config: Config | None = None,
) -> SummitApp:
    """The explorer for `engine` (not yet opened: the app opens it in a worker)."""
    return SummitApp(engine, data_dir=data_dir, policy=policy, config=config)


def load_app_config(path: Path | None = None) -> Config:
    """The config file, its keymap checked against the command ids."""
    return load_config(path, command_ids=[c.id for c in COMMANDS])


def _replacing_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    return partial(codecs.getincrementaldecoder(encoding), errors="replace")


def tolerate_undecodable_input() -> None:
    """Bytes from the terminal that are not UTF-8 (a 0xFF typed, a broken paste) become
    U+FFFD instead of ending the app: Textual's input thread decodes strictly, and its
    UnicodeDecodeError ended the explorer with a traceback (and exit status 0)."""
    from textual.drivers import linux_driver

    if hasattr(linux_driver, "getincrementaldecoder"):
        linux_driver.getincrementaldecoder = _replacing_decoder  # type: ignore[assignment]


def run_explorer(engine: Engine) -> int:
    """Run the explorer full-screen; returns the exit code (the terminal is restored)."""
    tolerate_undecodable_input()
    if sys.stdout.isatty():
        # An exported COLUMNS/LINES would pin the size: the app must follow the real
        # terminal through every window change (locally and over ssh).
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)
    policy = SessionPolicy.from_environment(os.environ, default_state_dir())
    policy.install_guard()
    app = build_app(engine, policy=policy, config=load_app_config())
    try:
        result = app.run()
    finally:
        if app.engine_state == "opening":
            # indexing workers finish the batch they hold before the process can end
            print("summit: quitting; waiting for the indexing workers to stop…",
                  file=sys.stderr, flush=True)
        engine.close()  # stops work still running for the app, e.g. a timeline build
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(result or 0)
