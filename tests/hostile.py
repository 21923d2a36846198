"""Generators of hostile article folders for the robustness tests.

Everything is written into a folder the test owns (a pytest tmp_path): nothing
here touches the repository's articles or the user's cache. The contents are
deterministic so a failure can be reproduced by rerunning the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

# Escape sequences an attacker would put in an article or a file name.
ESC = "\x1b"
BEL = "\x07"
CLEAR_SCREEN = f"{ESC}[2J{ESC}[H"
OSC52_CLIPBOARD = f"{ESC}]52;c;cm0gLXJmIH4K{BEL}"  # base64 of "rm -rf ~"
OSC8_LINK = f"{ESC}]8;;https://evil.example/{ESC}\\click me{ESC}]8;;{ESC}\\"
TITLE_CHANGE = f"{ESC}]0;pwned{BEL}"
C1_CSI = "\x9b31m"  # 8-bit CSI: some terminals honour it like ESC [
RICH_MARKUP = (
    "[bold red]LOUD[/bold red] [link=https://evil.example/]link[/link] [@click=app.quit]x[/]"
)
HOSTILE_SEQUENCES = (CLEAR_SCREEN, OSC52_CLIPBOARD, OSC8_LINK, TITLE_CHANGE, C1_CSI)

MARKUP_FILE = "[bold]markup [@click=app.quit]name.txt"  # no "/": not allowed in names
ESCAPE_FILE = f"escape{ESC}]0;title{BEL}name.txt"
SPACES_FILE = "name with spaces.txt"
UNICODE_FILE = "ünïcødé 記事 — ñ.md"
LATIN1_FILE = "latin1.txt"
BINARY_FILE = "binary.txt"
BIG_FILE = "huge.txt"
EMPTY_FILE = "empty.txt"
BLANK_FILE = "blank.md"
HTML_FILE = "story.html"
HOSTILE_TEXT_FILE = "hostile_text.txt"
LOOP_DIR = "loop"
FILE_LOOP = "self_loop.txt"
# Words only the hostile corpus contains, so a search for them hits known files.
MARKER_HOSTILE = "zyxhostile"
MARKER_SPACES = "quokkaspaces"
MARKER_UNICODE = "wombatunicode"
MARKER_LATIN1 = "numbatlatin"
MARKER_STORY = "pangolinstory"
SCRIPT_WORD = "scriptonlyword"
NAV_WORD = "navonlyword"
STYLE_WORD = "styleonlyword"


@dataclass(frozen=True, slots=True)
class HostileCorpus:
    folder: Path
    big_bytes: int


def write_hostile_corpus(folder: Path, *, big_bytes: int = 50 * 2**20) -> HostileCorpus:
    """A folder with one of each kind of file a real download folder may hold."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "good.txt", _plain_article("Harbour council approves budget", 0))
    _write(folder / HOSTILE_TEXT_FILE, _hostile_article())
    _write(folder / MARKUP_FILE, _plain_article(f"Markup {RICH_MARKUP}", 1))
    _write(folder / ESCAPE_FILE, _plain_article(f"Escapes {TITLE_CHANGE} here", 2))
    _write(folder / SPACES_FILE, _plain_article(f"Spaces {MARKER_SPACES} story", 3))
    _write(folder / UNICODE_FILE, f"# Ünïcødé {MARKER_UNICODE}\n\nBody with 記事 and ñ.\n")
    # 0x81 is undefined in Windows-1252, so this also exercises the Latin-1 fallback,
    # which turns it into a C1 control character the output layer must make inert.
    latin = f"Latin title {MARKER_LATIN1}\n\nCaf\xe9 cr\xe8me \x81 and {MARKER_LATIN1}.\n"
    (folder / LATIN1_FILE).write_bytes(latin.encode("latin-1"))
    (folder / BINARY_FILE).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / EMPTY_FILE).write_bytes(b"")
    (folder / BLANK_FILE).write_bytes(b"  \n\t\n\r\n   \n")
    _write(folder / HTML_FILE, _html_article())
    # Sparse: 50 MB by size, no disk used, and never read by a correct loader.
    with open(folder / BIG_FILE, "wb") as handle:
        handle.truncate(big_bytes)
    (folder / LOOP_DIR).mkdir()
    (folder / LOOP_DIR / "inner.txt").symlink_to("..")  # a "file" that is a folder
    os.symlink(".", folder / LOOP_DIR / "again")  # a folder loop
    os.symlink(FILE_LOOP, folder / FILE_LOOP)  # a file loop: stat() fails with ELOOP
    return HostileCorpus(folder, big_bytes)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _plain_article(title: str, seed: int) -> str:
    return (
        f"{title}\n"
        f"HARBOURTOWN — The council met on Tuesday to discuss item {seed}.\n"
        "Residents said the plan was sensible and asked for more buses.\n"
    )


def _hostile_article() -> str:
    body = " ".join(HOSTILE_SEQUENCES)
    return (
        f"Hostile {RICH_MARKUP} {TITLE_CHANGE}headline\n"
        f"{MARKER_HOSTILE} begins {CLEAR_SCREEN} then {OSC52_CLIPBOARD} and more.\n"
        f"A paragraph about {MARKER_HOSTILE} with {RICH_MARKUP} and {OSC8_LINK}.\n"
        f"Controls \x01\x08\x7f\x85\x9b and {body} {MARKER_HOSTILE} end.\n"
        f"On Monday, March 3, 2024 the {MARKER_HOSTILE} {C1_CSI} council met {TITLE_CHANGE}.\n"
    )


def _html_article() -> str:
    return f"""<!doctype html>
<html><head><title>Site title</title>
<style>body {{ color: red }} .{STYLE_WORD} {{}}</style>
<script>var {SCRIPT_WORD} = "{ESC}[2J";</script></head>
<body>
<nav><a href="/">Home</a> {NAV_WORD}</nav>
<header class="site-header">Subscribe {NAV_WORD}</header>
<article>
<h1>Pangolin story {MARKER_STORY}</h1>
<p>The {MARKER_STORY} was seen near the harbour on Tuesday.</p>
<p>Rangers said it was <b>healthy</b>.</p>
<script>document.write("{SCRIPT_WORD}")</script>
<div class="share-buttons">Share {NAV_WORD}</div>
</article>
<footer>All rights reserved {NAV_WORD}</footer>
</body></html>
"""


# -- a plain corpus big enough that indexing takes a while ----------------------------

_WORDS = (
    *("council", "harbour", "bridge", "budget", "festival", "library", "market", "river"),
    *("school", "police", "minister", "election", "drought", "rainfall", "farmers"),
    *("teachers", "nurses", "railway", "airport", "storm", "flood", "museum", "stadium"),
    *("hospital", "court", "mayor", "protest", "strike", "factory"),
)
_PLACES = ("NORTHPORT", "EASTBURY", "WESTFIELD", "SOUTHAM", "MIDVALE")


def write_news_corpus(folder: Path, count: int = 300, *, seed: int = 7) -> Path:
    """`count` plausible articles with dates and datelines (deterministic)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.date(2021, 1, 1)
    for number in range(count):
        day = start + dt.timedelta(days=rng.randrange(1000))
        words = rng.sample(_WORDS, 4)
        paragraphs = [
            f"{rng.choice(_PLACES)} — "
            + " ".join(rng.choice(_WORDS) for _ in range(40))
            + f" on {day:%B} {day.day}, {day.year}."
            for _ in range(rng.randint(4, 9))
        ]
        text = (
            f"---\ndate: {day.isoformat()}\nsource: Test Wire\n---\n"
            f"{words[0].title()} and {words[1]} story number {number}\n\n"
            + "\n\n".join(paragraphs)
            + "\n"
        )
        (folder / f"article_{number:04d}.md").write_text(text, encoding="utf-8")
    return folder


# -- the "never written to" check -----------------------------------------------------

Snapshot = dict[str, tuple[str, int, int, str]]


def snapshot(folder: Path) -> Snapshot:
    """(kind, size, mtime_ns, sha256) of every entry under `folder`, links not followed."""
    result: Snapshot = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(root) / name
            info = path.lstat()
            kind = "link" if path.is_symlink() else ("dir" if path.is_dir() else "file")
            digest = ""
            if kind == "file" and info.st_size < 2**20:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            elif kind == "link":
                digest = os.readlink(path)
            result[path.relative_to(folder).as_posix()] = (
                kind,
                info.st_size,
                info.st_mtime_ns,
                digest,
            )
    top = folder.lstat()
    result["."] = ("dir", top.st_size, top.st_mtime_ns, "")
    return result
