"""`summit`: the command line. No subcommand opens the explorer; the subcommands are
the scriptable face of every feature (`--json` where a program reads the output).

Exit codes: 0 ok, 1 no results (search, like grep), 2 usage or input errors, 3 an
internal error (a bug: scripts can tell it from a mistake in their own call), each with
a one-line message on stderr (`--debug` adds the traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.metadata
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from index.engine import DATABASE_ENV, Engine
from index.errors import SummitError
from index.models import SearchResult, Timeline, UpdateReport
from tui import output, serve_options
from tui.config import Config, load_config
from tui.serve_options import positive_int
from tui.textsafe import clean

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


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
        default=default,
        help="folder of articles (*.txt, *.md, *.html; searched recursively); "
        "default: the bundled articles",
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
        "prefix*, word~ (fuzzy), title: source: file: place: fields, "
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
        index_cmd,
        search,
        show,
        list_cmd,
        timeline,
        date_cmd,
        serve,
        saved,
        marks,
        *nested,
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


# -- commands ----------------------------------------------------------------------------


def _engine(args: argparse.Namespace) -> Engine:
    articles = args.articles
    if articles is None:
        configured = _config().articles
        if len(configured) > 1:
            output.warn("the config names several article folders; this version opens the first")
        articles = configured[0] if configured else None
    return Engine(articles, args.index_dir, database=args.database)


@functools.cache
def _config() -> Config:
    """The user's config file, read once; its problems are warnings, never errors."""
    config = load_config()
    for problem in config.problems:
        output.warn(problem)
    return config


def _opened(args: argparse.Namespace, *, rebuild: bool = False, quiet: bool = False) -> Engine:
    engine, _ = _open_with_report(args, rebuild=rebuild, quiet=quiet)
    return engine


def _open_with_report(
    args: argparse.Namespace, *, rebuild: bool = False, quiet: bool = False, verify: bool = False
) -> tuple[Engine, UpdateReport]:
    engine = _engine(args)
    progress = output.Progress(enabled=not quiet and sys.stderr.isatty())
    with progress:
        report = engine.open(progress.update, rebuild=rebuild, verify=verify)
    for warning in report.warnings:
        output.warn(warning)
    if not engine.article_count():
        raise SummitError(output.no_articles_message(engine.articles_dir))
    return engine, report


def cmd_explore(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # the full-screen app would draw into a file (or wait on a pipe) for nothing
        which = "input" if not sys.stdin.isatty() else "output"
        raise UsageError(
            f"the explorer needs a terminal, and its {which} is not one; "
            "in scripts use summit search, show, list or timeline"
        )
    from tui.app import run_explorer

    return run_explorer(_engine(args))


def cmd_index(args: argparse.Namespace) -> int:
    if args.check:
        problems = _engine(args).check_index()
        for problem in problems:
            output.error(problem)
        if not problems:
            print("index checked: every file is as it was written")
        return EXIT_NO_RESULTS if problems else EXIT_OK
    # every file read and checked: damage that keeps sizes is found and rebuilt
    engine, report = _open_with_report(args, rebuild=args.rebuild, verify=True)
    if report.not_updated:  # read-only folder, full disk: the warning said why
        return EXIT_USAGE
    print(output.update_summary(engine, report))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json or args.jsonl or bool(args.format))
    # hits carry their article's date, inferred ones included: wait for the anchors
    # (built once, then cached with the index) rather than print only what is known so far
    engine.anchors()
    if args.similar:
        article_id, _, paragraph = args.similar.partition(":")
        if paragraph and (not paragraph.isdigit() or int(paragraph) < 1):
            raise UsageError(
                f"--similar takes ID or ID:N with N the ¶ number shown, not {args.similar!r}"
            )
        # ¶ numbers are shown from 1; the engine counts paragraphs from 0 (as in --json)
        index = int(paragraph) - 1 if paragraph else None
        article = engine.get_article(article_id)
        if index is not None and all(p.index != index for p in article.paragraphs):
            count = len(article.paragraphs)
            raise UsageError(
                f"{article.id} has paragraphs ¶1 to ¶{count}, not ¶{paragraph}"
                if count
                else f"{article.id} has no paragraphs to compare"
            )
        result = engine.similar(article.id, index, args.limit)
    else:
        query = " ".join(args.query).strip()
        if not query:
            raise UsageError('search needs a query, e.g. summit search "joint battalion"')
        result = engine.search(query, args.limit, group_by_article=args.group_by == "article")
    _print_hits(result, args)
    return EXIT_OK if result.hits else EXIT_NO_RESULTS


def cmd_show(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json)
    article = engine.get_article(args.id)
    anchor = engine.anchors().get(article.id)
    if args.json:
        output.print_json(output.document(**output.article_json(article, anchor)))
    else:
        output.print_article(article, anchor)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json or args.jsonl)
    summaries = engine.articles()
    if args.jsonl:
        output.print_jsonl(output.summary_json(s) for s in summaries)
    elif args.json:
        output.print_json(output.document(articles=[output.summary_json(s) for s in summaries]))
    else:
        output.print_list(summaries)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from index.timeline.build import event_to_json, timeline_to_json

    engine = _opened(args, quiet=args.json or args.jsonl or bool(args.format))
    if args.start and args.end and args.start > args.end:
        raise UsageError("--from is after --to")
    timeline: Timeline = engine.timeline(start=args.start, end=args.end, article_id=args.article)
    if args.format:
        from tui.export import export_timeline

        summaries = {summary.id: summary for summary in engine.articles()}
        sys.stdout.write(export_timeline(timeline, args.format, summaries))
    elif args.jsonl:
        output.print_jsonl(event_to_json(event) for event in timeline.events)
    elif args.json:
        output.print_json(output.document(**timeline_to_json(timeline)))
    else:
        output.print_timeline(timeline)
    return EXIT_OK


def _print_hits(
    result: SearchResult, args: argparse.Namespace, *, heading: str | None = None
) -> None:
    if getattr(args, "format", None):
        from tui.export import export_search

        sys.stdout.write(export_search(result, args.format, heading=heading))
    elif getattr(args, "jsonl", False):
        output.print_jsonl(output.hit_json(hit) for hit in result.hits)
    elif args.json:
        output.print_json(output.search_json(result))
    else:
        output.print_search(result, group_by_article=getattr(args, "group_by", "") == "article")


def cmd_saved(args: argparse.Namespace) -> int:
    engine = _engine(args)
    user_data = engine.user_data
    if args.action == "add":
        entry = user_data.save_search(args.name, " ".join(args.query))
        print(f"saved {entry.name!r}: {entry.query}")
    elif args.action == "rm":
        user_data.delete_search(args.name)
        print(f"forgot {args.name!r}")
    elif args.action == "run":
        entry = user_data.saved_search(args.name)
        engine = _opened(args, quiet=args.json or bool(args.format))
        engine.anchors()
        result = engine.search(entry.query, args.limit)
        _print_hits(result, args)
        return EXIT_OK if result.hits else EXIT_NO_RESULTS
    elif args.json:
        saved = [
            {"name": s.name, "query": s.query, "saved": s.saved} for s in user_data.saved_searches()
        ]
        output.print_json(output.document(saved=saved))
    else:
        for entry in user_data.saved_searches():
            print(f"{clean(entry.name, single_line=True)}\t{clean(entry.query, single_line=True)}")
    return EXIT_OK


def _mark_target(engine: Engine, target: str) -> tuple[str, int | None]:
    article_id, colon, number = target.rpartition(":") if ":" in target else (target, "", "")
    if colon and not (number.isdigit() and int(number) >= 1):
        raise UsageError(f"give ID or ID:N with N the ¶ number shown (from 1), not {target!r}")
    article = engine.get_article(article_id)
    if colon and int(number) > len(article.paragraphs):
        raise UsageError(f"{article.id} has {len(article.paragraphs)} paragraphs, not {number}")
    return article.id, (int(number) - 1 if colon else None)


def cmd_marks(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=True)
    if args.action in ("add", "rm"):
        article_id, paragraph = _mark_target(engine, args.target)
        engine.user_data.set_mark(article_id, paragraph, args.action == "add")
        where = article_id + (f" ¶{paragraph + 1}" if paragraph is not None else "")
        print(("marked " if args.action == "add" else "unmarked ") + clean(where, single_line=True))
        return EXIT_OK
    marked = engine.marked_passages()
    result = SearchResult("marks", "marks", len(marked), False, tuple(p for _, p in marked))
    if args.format or args.json:
        _print_hits(result, args, heading="Marked passages")
    else:
        for mark, passage in marked:
            where = "whole article" if mark.paragraph is None else f"¶{passage.paragraph + 1}"
            print(
                f"{clean(passage.article_id, single_line=True)}  {where}  "
                f"{clean(passage.text, single_line=True)[:100]}"
            )
    return EXIT_OK


def cmd_completions(args: argparse.Namespace) -> int:
    from tui.shell import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell))
    return EXIT_OK


def cmd_man(args: argparse.Namespace) -> int:
    from tui.shell import man_page

    sys.stdout.write(man_page(build_parser()))
    return EXIT_OK


def cmd_date(args: argparse.Namespace) -> int:
    if args.clear == (args.date is not None):
        raise UsageError("date takes either YYYY-MM-DD or --clear, e.g. summit date 003 2024-03-05")
    engine = _opened(args, quiet=True)
    article = engine.set_user_date(args.id, None if args.clear else args.date)
    print(f"{article.id}: {output.anchor_line(engine.anchors().get(article.id))}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from tui import serve

    return serve.run(args)


COMMANDS = {
    None: cmd_explore,
    "index": cmd_index,
    "search": cmd_search,
    "show": cmd_show,
    "list": cmd_list,
    "timeline": cmd_timeline,
    "date": cmd_date,
    "serve": cmd_serve,
    "saved": cmd_saved,
    "marks": cmd_marks,
    "completions": cmd_completions,
    "man": cmd_man,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(argv)
        if args.database:  # `summit serve`'s sessions and child processes use it too
            os.environ[DATABASE_ENV] = args.database
        return COMMANDS[args.command](args)
    except UsageError as exc:
        output.error(str(exc))
        return EXIT_USAGE
    except SummitError as exc:
        if debug:
            traceback.print_exc()
        output.error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        output.error("interrupted")
        return 130
    except BrokenPipeError:
        output.silence_stdout()
        return EXIT_OK  # `summit search … | head` is fine, as with ripgrep
    except Exception as exc:
        if debug:
            traceback.print_exc()
        output.error(
            f"unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)"
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
