"""Shell integration made from the argument parser itself, so it can never drift from it:
completions for bash and zsh (shtab), for fish (written here: shtab has no fish), and a
man page (argparse-manpage). Imported only by `summit completions` and `summit man`."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator

import shtab
from argparse_manpage.manpage import Manpage

SHELLS = ("bash", "zsh", "fish")
DIRECTORY_OPTIONS = frozenset({"articles", "index_dir"})


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for `shell`, generated from `parser`."""
    _mark_directories(parser)
    if shell == "fish":
        return _fish(parser)
    return str(shtab.complete(parser, shell=shell))


def man_page(parser: argparse.ArgumentParser) -> str:
    """The man page (roff) for `parser` and its subcommands."""
    return str(Manpage(parser))


def _mark_directories(parser: argparse.ArgumentParser) -> None:
    # shtab reads a `complete` attribute on an action; set here rather than in the CLI so
    # that starting `summit` never imports shtab.
    for _, sub in _parsers(parser):
        for action in sub._actions:
            if action.dest in DIRECTORY_OPTIONS:
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]


def _parsers(
    parser: argparse.ArgumentParser, name: str | None = None
) -> Iterator[tuple[str | None, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, sub_name)


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return [(name, helps.get(name, "")) for name in action.choices]
    return []


def _fish(parser: argparse.ArgumentParser) -> str:
    prog = parser.prog
    commands = _subcommands(parser)
    names = " ".join(name for name, _ in commands)
    lines = [
        f"# fish completion for {prog}, generated from its argument parser",
        f"complete -c {prog} -f",
    ]
    for name, help_text in commands:
        lines.append(
            f"complete -c {prog} -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {shlex.quote(name)} -d {shlex.quote(help_text)}"
        )
    for sub_name, sub in _parsers(parser):
        condition = (
            f"-n 'not __fish_seen_subcommand_from {names}'"
            if sub_name is None
            else f"-n '__fish_seen_subcommand_from {sub_name}'"
        )
        for action in sub._actions:
            lines.extend(_fish_option(prog, condition, action))
    return "\n".join(lines) + "\n"


def _fish_option(prog: str, condition: str, action: argparse.Action) -> Iterator[str]:
    if not action.option_strings or action.help == argparse.SUPPRESS:
        return
    spec = []
    for option in action.option_strings:
        if option.startswith("--"):
            spec.append(f"-l {shlex.quote(option[2:])}")
        elif len(option) == 2:
            spec.append(f"-s {shlex.quote(option[1:])}")
    if action.nargs != 0:
        if action.dest in DIRECTORY_OPTIONS:
            spec.append("-r -a '(__fish_complete_directories)'")
        elif action.choices:
            # -x: a value is required and only these, never file names
            spec.append(f"-x -a {shlex.quote(' '.join(map(str, action.choices)))}")
        else:
            spec.append("-x")
    help_text = (action.help or "").replace("%%", "%")
    yield f"complete -c {prog} {condition} {' '.join(spec)} -d {shlex.quote(help_text)}"
