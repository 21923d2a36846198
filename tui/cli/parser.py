"""The argument parser of `summit`: options, subcommands and their argument types
(shell completion and the man page are generated from it: tui.cli.shell)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
from typing import Any, NoReturn

from tui.serve import options as serve_options
from tui.serve.options import positive_int


class UsageError(Exception):
    """A command-line mistake: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--articles, --index-dir and --debug, accepted before or after the subcommand."""
    if "--articles" in parser._option_string_actions:
        return  # the subcommand declared them itself
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--articles",
        metavar="DIR",
        action="append",
        # after the subcommand, its own list: argparse would otherwise replace the
        # folders given before it (joined again by joined_articles)
        dest="articles_after" if suppress else "articles",
        default=default,
        help="folder of articles (*.txt, *.md, *.html; searched recursively); give it "
        "again to search several folders together; default: the config's, else the "
        "bundled articles",
    )
    parser.add_argument(
        "--index-dir",
        metavar="DIR",
        default=default,
        help="where the index lives (default: one per folder in the user cache dir)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="search a PostgreSQL database (postgresql://user@host/db) instead of a local "
        "index; default: $SUMMIT_DATABASE_URL",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show tracebacks (for bug reports)",
    )


def joined_articles(args: argparse.Namespace) -> None:
    """`summit --articles A search x --articles B` searches A and B: the folders given
    before and after the subcommand, in that order, as `args.articles` (None: none)."""
    before = getattr(args, "articles", None) or []
    after = getattr(args, "articles_after", None) or []
    args.articles = [*before, *after] or None
    if hasattr(args, "articles_after"):
        del args.articles_after


def _version() -> str:
    """The installed package's version: one number, kept in pyproject.toml."""
    try:
        return importlib.metadata.version("summit-explorer")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout, not installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="summit",
        description="Explore a folder of news articles: search, read, and see the timeline. "
        "With no command, opens the explorer.",
    )
    _common_options(parser, suppress=False)
    parser.add_argument("--version", action="version", version=f"summit {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    index_cmd = commands.add_parser("index", help="build or update the index")
    index_cmd.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    index_cmd.add_argument(
        "--check",
        action="store_true",
        help="only check the index files for damage (exit 1 when damaged); changes nothing",
    )

    search = commands.add_parser(
        "search",
        help="print ranked passages for a query",
        description='Query syntax: words (all must match), "exact phrase", OR, NOT/-word, '
        "prefix*, word~ (fuzzy), title: source: file: place: collection: fields, "
        "date:2024-06 or date:[2024-06-01 to 2024-06-30].",
    )
    search.add_argument("query", nargs="*", help="the query (quote it in the shell)")
    search.add_argument("--limit", type=positive_int, default=10, help="hits to show (default 10)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--jsonl", action="store_true", help="print one JSON hit a line")
    search.add_argument(
        "--format",
        choices=["md", "csv", "jsonl"],
        help="export the hits: Markdown with citations, CSV, or JSON Lines (one hit a line)",
    )
    search.add_argument(
        "--group-by",
        choices=["passage", "article"],
        default="passage",
        help="one hit per passage (default) or the best passage per article",
    )
    search.add_argument(
        "--similar",
        metavar="ID[:PARAGRAPH]",
        help="passages of other articles like this article or passage",
    )
    search.add_argument(
        "--facets",
        action="store_true",
        help="also count the hits by source, place and month (each with its filter)",
    )

    show = commands.add_parser("show", help="print an article")
    show.add_argument("id", help="article id, file name, or a unique prefix of an id")
    show.add_argument("--json", action="store_true", help="print JSON")

    list_cmd = commands.add_parser("list", help="list the articles with title, place and date")
    list_cmd.add_argument("--json", action="store_true", help="print JSON")
    list_cmd.add_argument("--jsonl", action="store_true", help="print one JSON article a line")

    timeline = commands.add_parser("timeline", help="print the events in date order")
    timeline.add_argument("--json", action="store_true", help="print JSON")
    timeline.add_argument(
        "--jsonl", action="store_true", help="print one JSON event a line, as they come"
    )
    timeline.add_argument(
        "--format",
        choices=["md", "csv", "jsonl", "timelinejs"],
        help="export the events: Markdown with citations, CSV, JSON Lines, or TimelineJS JSON",
    )
    timeline.add_argument(
        "--from",
        dest="start",
        type=_date_arg,
        metavar="DATE",
        help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    timeline.add_argument(
        "--to",
        dest="end",
        type=_date_arg_end,
        metavar="DATE",
        help="up to this date (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    timeline.add_argument("--article", metavar="ID", help="only this article's events")

    date_cmd = commands.add_parser(
        "date", help="set an article's date yourself (kept with the index, not in the file)"
    )
    date_cmd.add_argument("id", help="article id, file name, or a unique prefix of an id")
    date_cmd.add_argument("date", nargs="?", type=_day_arg, help="YYYY-MM-DD")
    date_cmd.add_argument("--clear", action="store_true", help="forget the date you set")

    serve = commands.add_parser("serve", help="serve the explorer over SSH")
    serve_options.add_arguments(serve)

    saved = commands.add_parser(
        "saved",
        help="saved searches: list, add NAME QUERY, run NAME, rm NAME",
        description="Without an action, lists the saved searches of this folder.",
    )
    saved.add_argument("--json", action="store_true", help="print JSON")
    saved_actions = saved.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    saved_add = saved_actions.add_parser("add", help="save QUERY under NAME")
    saved_add.add_argument("name")
    saved_add.add_argument("query", nargs="+")
    saved_run = saved_actions.add_parser("run", help="run the search saved as NAME")
    saved_run.add_argument("name")
    saved_run.add_argument("--limit", type=positive_int, default=10, help="hits (default 10)")
    saved_run.add_argument("--json", action="store_true", help="print JSON")
    saved_run.add_argument("--format", choices=["md", "csv", "jsonl"], help="export the hits")
    saved_rm = saved_actions.add_parser("rm", help="forget the search saved as NAME")
    saved_rm.add_argument("name")

    marks = commands.add_parser(
        "marks",
        help="marked passages: list (or export), add ID[:N], rm ID[:N]",
        description="ID:N marks paragraph N (as shown, from 1); ID alone the whole article.",
    )
    marks.add_argument("--json", action="store_true", help="print JSON")
    marks.add_argument("--format", choices=["md", "csv", "jsonl"], help="export them")
    marks_actions = marks.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    mark_verbs = []
    for verb, what in (("add", "mark"), ("rm", "unmark")):
        mark_verbs.append(marks_actions.add_parser(verb, help=f"{what} a passage or article"))
        mark_verbs[-1].add_argument("target", metavar="ID[:N]")

    completions = commands.add_parser(
        "completions",
        help="print a shell completion script",
        description="bash: summit completions bash > ~/.local/share/bash-completion/completions/"
        "summit; zsh: summit completions zsh > a file named _summit on $fpath; "
        "fish: summit completions fish > ~/.config/fish/completions/summit.fish",
    )
    completions.add_argument("shell", choices=["bash", "zsh", "fish"])
    commands.add_parser(
        "man",
        help="print the man page",
        description="e.g. summit man > ~/.local/share/man/man1/summit.1",
    )

    nested = (saved_add, saved_run, saved_rm, *mark_verbs)
    for sub in (
        index_cmd, search, show, list_cmd, timeline, date_cmd, serve, saved, marks, *nested
    ):
        _common_options(sub, suppress=True)
    return parser


def _date_arg(value: str, *, end: bool = False) -> dt.date:
    from index.search.querylang import parse_day_bound

    try:
        return parse_day_bound(value, end=end)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


def _day_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_day(value)
    except ValueError:
        return _bad_day(value)


def _bad_day(value: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}")


def _date_arg_end(value: str) -> dt.date:
    return _date_arg(value, end=True)
