"""`summit`: the command line. No subcommand opens the explorer; the subcommands are
the scriptable face of every feature (`--json` where a program reads the output).

Exit codes: 0 ok, 1 no results (search, like grep), 2 usage or input errors,
each with a one-line message on stderr (`--debug` adds the traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from index.engine import Engine
from index.errors import SummitError
from index.models import Timeline, UpdateReport
from tui import output, serve_options
from tui.serve_options import positive_int

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


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
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show tracebacks (for bug reports)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="summit",
        description="Explore a folder of news articles: search, read, and see the timeline. "
        "With no command, opens the explorer.",
    )
    _common_options(parser, suppress=False)
    parser.add_argument("--version", action="version", version="summit 0.1.0")
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

    timeline = commands.add_parser("timeline", help="print the events in date order")
    timeline.add_argument("--json", action="store_true", help="print JSON")
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

    serve = commands.add_parser("serve", help="serve the explorer over SSH")
    serve_options.add_arguments(serve)

    for sub in (index_cmd, search, show, list_cmd, timeline, serve):
        _common_options(sub, suppress=True)
    return parser


def _date_arg(value: str, *, end: bool = False) -> dt.date:
    from index.querylang import parse_day_bound

    try:
        return parse_day_bound(value, end=end)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


def _date_arg_end(value: str) -> dt.date:
    return _date_arg(value, end=True)


# -- commands ----------------------------------------------------------------------------


def _engine(args: argparse.Namespace) -> Engine:
    return Engine(args.articles, args.index_dir)


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
        raise SummitError(f"no articles (*.txt, *.md, *.html) found in {engine.articles_dir}")
    return engine, report


def cmd_explore(args: argparse.Namespace) -> int:
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
    engine = _opened(args, quiet=args.json)
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
        result = engine.similar(article_id, index, args.limit)
    else:
        query = " ".join(args.query).strip()
        if not query:
            raise UsageError('search needs a query, e.g. summit search "joint battalion"')
        result = engine.search(query, args.limit, group_by_article=args.group_by == "article")
    if args.json:
        output.print_json(output.search_json(result))
    else:
        output.print_search(result, group_by_article=args.group_by == "article")
    return EXIT_OK if result.hits else EXIT_NO_RESULTS


def cmd_show(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json)
    article = engine.get_article(args.id)
    anchor = engine.anchors().get(article.id)
    if args.json:
        output.print_json(output.article_json(article, anchor))
    else:
        output.print_article(article, anchor)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json)
    summaries = engine.articles()
    if args.json:
        output.print_json([output.summary_json(s) for s in summaries])
    else:
        output.print_list(summaries)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from index.timeline import timeline_to_json

    engine = _opened(args, quiet=args.json)
    if args.start and args.end and args.start > args.end:
        raise UsageError("--from is after --to")
    timeline: Timeline = engine.timeline(start=args.start, end=args.end, article_id=args.article)
    if args.json:
        output.print_json(timeline_to_json(timeline))
    else:
        output.print_timeline(timeline)
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
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(argv)
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
        return EXIT_OK  # `summit search … | head` is fine
    except Exception as exc:
        if debug:
            traceback.print_exc()
        output.error(
            f"unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)"
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
