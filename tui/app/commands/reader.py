"""Commands of the reader."""

from __future__ import annotations

from tui.app.commands.base import ARTICLE, MATCH, Action, Command


class ReaderDown(Command):
    """Scroll down (Down, PgDn, Space too)"""

    id = "reader-down"
    key = "j"
    description = "Scroll down"
    action = Action("scroll_down")
    scope = "reader"
    palette = False


class ReaderUp(Command):
    """Scroll up (Up, PgUp too)"""

    id = "reader-up"
    key = "k"
    description = "Scroll up"
    action = Action("scroll_up")
    scope = "reader"
    palette = False


class NextMatch(Command):
    """Next query match in the article"""

    id = "next-match"
    key = "n"
    description = "Next match"
    action = Action("next_match")
    scope = "reader"
    show = True
    group = MATCH


class PrevMatch(Command):
    """Previous query match"""

    id = "prev-match"
    key = "N"
    description = "Previous match"
    action = Action("previous_match")
    scope = "reader"
    show = True
    group = MATCH


class PrevArticle(Command):
    """Previous article"""

    id = "prev-article"
    key = "left_square_bracket"
    description = "Previous article"
    action = Action("previous_article")
    scope = "reader"
    group = ARTICLE


class NextArticle(Command):
    """Next article"""

    id = "next-article"
    key = "right_square_bracket"
    description = "Next article"
    action = Action("next_article")
    scope = "reader"
    group = ARTICLE


class Top(Command):
    """Top of the article"""

    id = "top"
    key = "g"
    description = "Top"
    action = Action("scroll_home")
    scope = "reader"


class Bottom(Command):
    """Bottom of the article"""

    id = "bottom"
    key = "G"
    description = "Bottom"
    action = Action("scroll_end")
    scope = "reader"


class ArticleTimeline(Command):
    """Show this article's entries on the timeline"""

    id = "article-timeline"
    key = "t"
    description = "Timeline"
    action = Action("article_timeline")
    scope = "reader"
    show = True


class CopyPassage(Command):
    """Copy the current passage with its citation (OSC 52: works over SSH)"""

    id = "copy-passage"
    key = "y"
    description = "Copy"
    action = Action("copy_passage")
    scope = "reader"
    show = True


class OpenPager(Command):
    """Open the article in the pager (config, $PAGER, less: at the passage)"""

    id = "open-pager"
    key = "o"
    description = "Pager"
    action = Action("open_pager")
    scope = "reader"
    needs = frozenset({"run_external", "suspend_terminal"})


class OpenEditor(Command):
    """Open the article file in your editor at the current paragraph's line"""

    id = "open-editor"
    key = "e"
    description = "Editor"
    action = Action("open_editor")
    scope = "reader"
    needs = frozenset({"run_external", "suspend_terminal"})


class ReaderMark(Command):
    """Mark or unmark the current paragraph (marked ones show ★)"""

    id = "reader-mark"
    key = "m"
    description = "Mark"
    action = Action("toggle_mark")
    scope = "reader"


class SetDate(Command):
    """Set this article's date yourself (YYYY-MM-DD; 'clear' forgets it)"""

    id = "set-date"
    key = "D"
    description = "Set date"
    action = Action("set_date", "screen")
    scope = "reader"
    needs = frozenset({"write_file"})


class Similar(Command):
    """Passages in other articles similar to the current one"""

    id = "similar"
    key = "s"
    description = "Similar"
    action = Action("similar")
    scope = "reader"


class ReaderBack(Command):
    """Back one level, to where you came from (q never quits here)"""

    id = "reader-back"
    key = "escape,q"
    description = "Back"
    action = Action("back", "screen")
    scope = "reader"
    show = True
    key_display = "q/esc"
    palette = False


COMMANDS: tuple[Command, ...] = (
    ReaderDown(),
    ReaderUp(),
    NextMatch(),
    PrevMatch(),
    PrevArticle(),
    NextArticle(),
    Top(),
    Bottom(),
    ArticleTimeline(),
    CopyPassage(),
    OpenPager(),
    OpenEditor(),
    ReaderMark(),
    SetDate(),
    Similar(),
    ReaderBack(),
)
