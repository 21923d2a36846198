"""`summit`: the command line. No subcommand opens the explorer; the subcommands are
the scriptable face of every feature (`--json` where a program reads the output).

Exit codes: 0 ok, 1 no results (search, like grep), 2 usage or input errors, 3 an
internal error (a bug: scripts can tell it from a mistake in their own call), each with
a one-line message on stderr (`--debug` adds the traceback).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import traceback
from collections.abc import Sequence

from index.engine import DATABASE_ENV, Engine
from index.errors import SummitError
from index.models import SearchResult, Timeline, UpdateReport
from tui import shapes
from tui.cli import output
from tui.cli.parser import UsageError, build_parser, joined_articles
from tui.config import Config, load_config
from tui.textsafe import clean

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


# -- commands ----------------------------------------------------------------------------


def _engine(args: argparse.Namespace) -> Engine:
    articles = args.articles or list(_config().articles) or None
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
        raise SummitError(shapes.no_articles_message(engine.folders))
    return engine, report


def cmd_explore(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # the full-screen app would draw into a file (or wait on a pipe) for nothing
        which = "input" if not sys.stdin.isatty() else "output"
        raise UsageError(
            f"the explorer needs a terminal, and its {which} is not one; "
            "in scripts use summit search, show, list or timeline"
        )
    from tui.app.app import run_explorer

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
                if count else f"{article.id} has no paragraphs to compare"
            )
        result = engine.similar(article.id, index, args.limit)
    else:
        query = " ".join(args.query).strip()
        if not query:
            raise UsageError('search needs a query, e.g. summit search "joint battalion"')
        result = engine.search(query, args.limit, group_by_article=args.group_by == "article")
        if args.facets:
            if args.format or args.jsonl:
                raise UsageError("--facets goes with plain or --json output, not --format/--jsonl")
            facets = engine.facets(query)
            if args.json:
                output.print_json(shapes.search_json(result, facets, engine.folder_of))
            else:
                output.print_search(result, group_by_article=args.group_by == "article")
                output.print_facets(facets)
            return EXIT_OK if result.hits else EXIT_NO_RESULTS
    _print_hits(result, args, engine.folder_of)
    return EXIT_OK if result.hits else EXIT_NO_RESULTS


def cmd_show(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json)
    article = engine.get_article(args.id)
    anchor = engine.anchors().get(article.id)
    if args.json:
        output.print_json(shapes.document(**shapes.article_json(article, anchor, engine.folder_of)))
    else:
        output.print_article(article, anchor)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    engine = _opened(args, quiet=args.json or args.jsonl)
    summaries = engine.articles()
    if args.jsonl:
        output.print_jsonl(shapes.summary_json(s, engine.folder_of) for s in summaries)
    elif args.json:
        listed = [shapes.summary_json(s, engine.folder_of) for s in summaries]
        output.print_json(shapes.document(articles=listed))
    else:
        output.print_list(summaries)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from index.timeline.output import event_to_json, timeline_to_json

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
        output.print_json(shapes.document(**timeline_to_json(timeline)))
    else:
        output.print_timeline(timeline)
    return EXIT_OK


def _print_hits(
    result: SearchResult,
    args: argparse.Namespace,
    folder_of: shapes.FolderOf,
    *,
    heading: str | None = None,
) -> None:
    if getattr(args, "format", None):
        from tui.export import export_search

        sys.stdout.write(export_search(result, args.format, heading=heading, folder_of=folder_of))
    elif getattr(args, "jsonl", False):
        output.print_jsonl(shapes.hit_json(hit, folder_of) for hit in result.hits)
    elif args.json:
        output.print_json(shapes.search_json(result, folder_of=folder_of))
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
        _print_hits(result, args, engine.folder_of)
        return EXIT_OK if result.hits else EXIT_NO_RESULTS
    elif args.json:
        saved = [{"name": s.name, "query": s.query, "saved": s.saved}
                 for s in user_data.saved_searches()]
        output.print_json(shapes.document(saved=saved))
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
        _print_hits(result, args, engine.folder_of, heading="Marked passages")
    else:
        for mark, passage in marked:
            where = "whole article" if mark.paragraph is None else f"¶{passage.paragraph + 1}"
            print(f"{clean(passage.article_id, single_line=True)}  {where}  "
                  f"{clean(passage.text, single_line=True)[:100]}")
    return EXIT_OK


def cmd_completions(args: argparse.Namespace) -> int:
    from tui.cli.shell import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell))
    return EXIT_OK


def cmd_man(args: argparse.Namespace) -> int:
    from tui.cli.shell import man_page

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
    from tui.serve import server

    return server.run(args)


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
        joined_articles(args)
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
