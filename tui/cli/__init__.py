"""`summit` on the command line: the parser, the subcommands and how they print."""

from tui.cli.main import main
from tui.cli.parser import build_parser

__all__ = ["build_parser", "main"]
