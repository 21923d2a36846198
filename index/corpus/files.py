"""Article files: which files are articles, listing a folder, names relative to it,
and reading a file's bytes safely (size limit, binary detection, never blocking).

The user's files are only ever read: nothing here opens a file for writing.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from index.errors import CorpusError, SummitError

ARTICLE_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are refused with a warning: a news article is never this big, and a
50 MB "article" is a data dump that would dominate memory and the index."""

_BINARY_SNIFF_BYTES = 8192
_CONTROL_BYTES = frozenset(range(0x20)) - frozenset(b"\t\n\f\r\x1b") | {0x7F}
"""Bytes no text file has in number: C0 controls other than tab, newline, form feed,
carriage return and ESC (terminal colours in logs), and DEL."""
MAX_CONTROL_SHARE = 0.03
"""A few percent: a text file with a stray control byte is text, but UTF-16 (every other
byte NUL), random bytes (11% controls) and compressed data are not."""


def bundled_articles_dir() -> Path:
    """The articles shipped with the package (inside the wheel, or the repo's articles/)."""
    package = Path(__file__).resolve().parents[1]  # index/
    packaged = package / "bundled_articles"
    return packaged if packaged.is_dir() else package.parent / "articles"


def resolve_articles_dir(folder: Path | str | None) -> Path:
    """The folder to explore, checked: a clear CorpusError instead of a traceback later."""
    if folder is None:
        return bundled_articles_dir()
    path = Path(folder).expanduser()
    if not path.exists():
        raise CorpusError(f"articles folder not found: {folder}")
    if not path.is_dir():
        raise CorpusError(f"not a folder: {folder} (give the folder that holds the articles)")
    return path.resolve()


def article_kind(path: Path) -> str | None:
    return ARTICLE_SUFFIXES.get(path.suffix.lower())


def discover_files(folder: Path, warnings: list[str] | None = None) -> Iterator[Path]:
    """Article files under `folder`, sorted, skipping hidden folders and symlinked folders
    (which is also how symlink loops are avoided). Subfolders that cannot be listed are
    skipped, with a warning appended to `warnings` when given."""
    for full, _ in discover_names(folder, warnings):
        yield Path(full)


def discover_names(folder: Path, warnings: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """discover_files as (full path, path relative to `folder`) strings: every sync
    lists the whole folder, and pathlib objects for 10,000 files cost 0.2 s."""

    def unlistable(exc: OSError) -> None:
        if warnings is not None and exc.filename is not None:
            name = relative_name(Path(exc.filename), folder) if exc.filename != str(folder) else "."
            warnings.append(f"skipped folder {printable_name(name)}: {exc.strerror or exc}")

    base = str(folder)
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(root, base).replace(os.sep, "/") + "/" if root != base else ""
        for name in sorted(files):
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in ARTICLE_SUFFIXES:
                continue
            yield os.path.join(root, name), prefix + name


def relative_name(path: Path, folder: Path) -> str:
    text, prefix = str(path), str(folder).rstrip(os.sep) + os.sep
    if os.sep == "/" and text.startswith(prefix):
        return text[len(prefix) :]  # the common case, without pathlib's cost (10k files)
    return PurePosixPath(path.relative_to(folder).as_posix()).as_posix()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class SkippedFile(SummitError):
    """A file that is not loaded, with the one-line reason (a SummitError, so a file that
    turned binary or empty after indexing is a one-line message when opened, not a crash)."""


def read_article_bytes(path: Path) -> bytes:
    """The file's bytes, or SkippedFile with a reason (too large, binary, unreadable).

    Reads through one open descriptor: the size check and the read see the same file,
    at most MAX_FILE_BYTES + 1 bytes are ever read (a file growing after the check, or
    a symlink to /dev/zero, cannot exhaust memory), and O_NONBLOCK keeps a FIFO named
    like an article from blocking the whole index run.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise SkippedFile(f"unreadable ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SkippedFile("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise SkippedFile(_too_large(info.st_size))
        data = _read_at_most(fd, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SkippedFile(f"unreadable ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise SkippedFile(_too_large(len(data)) + " (it grew while being read)")
    if reason := binary_reason(data[:_BINARY_SNIFF_BYTES]):
        raise SkippedFile(f"binary file ({reason})")
    return data


def binary_reason(head: bytes) -> str | None:
    """Why the start of a file is not text, or None when it is.

    Decided as a user would: binary when there is a NUL byte and the bytes are not
    UTF-8 (images, archives, executables), or when more than a few percent are control
    characters (UTF-16, random or compressed bytes). One stray NUL or control byte in a
    text file leaves it text; the display shows such characters inert.
    """
    if not head:
        return None
    if b"\x00" in head and not _is_utf8_prefix(head):
        return "contains NUL bytes and is not UTF-8"
    controls = sum(head.count(byte) for byte in _CONTROL_BYTES)
    if controls > MAX_CONTROL_SHARE * len(head):
        return f"{controls * 100 // len(head)}% control characters"
    return None


def _is_utf8_prefix(head: bytes) -> bool:
    """UTF-8 up to a character cut off at the end of `head`."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _too_large(size: int) -> str:
    limit_mb, size_mb = MAX_FILE_BYTES // 2**20, size // 2**20
    return f"larger than the {limit_mb} MB limit ({size_mb} MB)"


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def printable_name(file: str) -> str:
    """`file` safe to print and to store as UTF-8: undecodable bytes of a file name
    (kept by Python as surrogates) become U+FFFD."""
    return file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
