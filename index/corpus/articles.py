"""Corpus loading: find article files in a folder and parse each into an `Article`.

Pure text processing plus careful file reading. The user's files are only ever
read: nothing here opens a file for writing.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import charset_normalizer

from index.corpus.frontmatter import parse_front_matter
from index.corpus.ids import article_id_for, new_article_id
from index.errors import CorpusError, SummitError
from index.models import Article, Paragraph, PlaceSource

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
_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30
_DERIVED_TITLE_CHARS = 90
_HARD_WRAP_WIDTH = 120

# Capitals beyond A-Z ("LOMÉ", "ZÜRICH", "BOGOTÁ", "ŁÓDŹ", Greek, Cyrillic): `re` has no
# \p{Lu}, and a class of every capital costs 30 ms at startup, so ranges (Latin
# Extended mixes both cases: its small letters pass too, harmlessly).
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ɏΆ-ΫЀ-Я"
# "DAKAR, Senegal —", "LAGOS (Reuters) -", "NEW YORK, June 3 --"
_INLINE_DATELINE = re.compile(
    rf"^(?P<place>[{_UPPER}][{_UPPER}.'’\- ]{{1,40}}[{_UPPER}.]"
    rf"(?:\s*,\s*[{_UPPER}][\w.'’\- ]{{1,40}}?)?)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:—|–|--|-)\s+"
)
# A line that is only a place: "Dakar, Senegal"
_PLACE_WORDS = rf"[{_UPPER}][\w'’.\-]+(?: [{_UPPER}][\w'’.\-]+){{0,3}}"
_PLACE_LINE = re.compile(rf"^(?P<place>{_PLACE_WORDS}, {_PLACE_WORDS})$")
_SENTENCE_END = re.compile(r"[.!?][\"”’]?(?=\s|$)")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "mt",
        "jr",
        "sr",
        "no",
        "gen",
        "col",
        "sgt",
        "capt",
        "lt",
        "maj",
        "cpl",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "prof",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "e.g",
        "i.e",
        "vs",
        "etc",
    ]
)
_WEB_BOILERPLATE = re.compile(
    r"^(popular categories|search the website|related (articles|posts|stories)"
    r"|share( this)?( article)?|advertisement|subscribe( now)?|sign up|read more"
    r"|you may also like|follow us|"
    r"cookie (policy|settings)|all rights reserved|skip to (main )?content|menu|home|tags?)\b",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_PROPER_NOUN = re.compile(rf"\b[{_UPPER}][a-zà-ÿ'’\-]{{2,}}\b")


@dataclass(slots=True)
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decoded text and, when UTF-8 failed, a warning naming the encoding used.

    Legacy encodings (Windows-1251/1252, KOI8-R, Latin-1, …) are detected by
    charset-normalizer rather than assumed, so a Cyrillic or Greek file is read as
    text instead of Western mojibake; Windows-1252 and then Latin-1 (which decodes
    any bytes) remain the fallback when detection has no answer.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return str(best), f"not valid UTF-8; decoded as {_encoding_label(best.encoding)}"
    try:
        return data.decode("cp1252"), "not valid UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; decoded as Latin-1"


def _encoding_label(codec: str) -> str:
    """A codec name as people write it: cp1251 → Windows-1251, koi8_r → KOI8-R."""
    if codec.startswith("cp125"):
        return f"Windows-{codec[2:]}"
    if codec == "latin_1":
        return "Latin-1"
    return codec.replace("_", "-").upper()


def printable_name(file: str) -> str:
    """`file` safe to print and to store as UTF-8: undecodable bytes of a file name
    (kept by Python as surrogates) become U+FFFD."""
    return file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def parse_file(path: Path, folder: Path) -> Article:
    """Read and parse one file; raises SkippedFile when it cannot be used."""
    file = relative_name(path, folder)
    if printable_name(file) != file:
        # the name would be the article's id, stored in the index and JSON as UTF-8
        raise SkippedFile("the file name is not valid UTF-8; rename the file to index it")
    data = read_article_bytes(path)
    text, warning = decode_text(data)
    if not text.strip():
        raise SkippedFile("empty (no text)")
    kind = article_kind(path) or "txt"
    article = parse_article(text, file, kind, digest=content_hash(data))
    if warning:
        article = _with_warning(article, f"{file}: {warning}")
    return article


def _with_warning(article: Article, warning: str) -> Article:
    from dataclasses import replace

    return replace(article, warnings=(*article.warnings, warning))


def load_folder(folder: Path) -> LoadResult:
    """Every article under `folder`; files that cannot be used become warnings."""
    result = LoadResult()
    seen_ids: set[str] = set()
    for path in discover_files(folder):
        try:
            article = parse_file(path, folder)
        except SkippedFile as exc:
            result.warnings.append(f"skipped {printable_name(relative_name(path, folder))}: {exc}")
            continue
        article = unique_id(article, seen_ids)
        result.warnings.extend(article.warnings)
        result.articles.append(article)
    return result


def unique_id(article: Article, seen_ids: set[str]) -> Article:
    """The article under the id the id rule gives it among `seen_ids` (index.corpus.ids)."""
    from dataclasses import replace

    article_id = new_article_id(article.file, seen_ids)
    return article if article_id == article.id else replace(article, id=article_id)


# -- parsing -----------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def parse_article(text: str, file: str, kind: str = "txt", *, digest: str | None = None) -> Article:
    """Parse decoded text into an Article. HTML is reduced to its story text first."""
    if kind == "html":
        from index.corpus.html import extract_story

        story = extract_story(text)
        meta = story.meta
        body_text = story.text
        body_start = 0
        text = body_text
    else:
        meta, body_start = parse_front_matter(text)
    lines = split_lines(text, body_start)
    title, title_line, title_derived_flag = _find_headline(lines, meta, kind)
    remaining = [line for line in lines if line is not title_line]
    place_line = _leading_place_line(remaining)
    if place_line is not None:
        remaining = [line for line in remaining if line is not place_line]
    remaining = drop_boilerplate(remaining)
    paragraphs = group_paragraphs(remaining)
    dateline, place, place_source = _find_place(place_line, paragraphs, meta)
    if title is None:
        title = derive_title(paragraphs[0].text if paragraphs else file)
        title_derived = True
    else:
        title_derived = title_derived_flag
    return Article(
        id=article_id_for(file),
        file=file,
        title=title,
        title_derived=title_derived,
        place=place,
        place_source=place_source,
        dateline=dateline,
        date=parse_date(meta.get("date")),
        source=meta.get("source") or meta.get("publisher") or None,
        url=meta.get("url") or None,
        text=text,
        paragraphs=tuple(paragraphs),
        content_hash=digest or content_hash(text.encode("utf-8", "surrogatepass")),
        kind="html" if kind == "html" else ("md" if kind == "md" else "txt"),
    )


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(value, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def split_lines(text: str, start: int = 0) -> list[_Line]:
    lines: list[_Line] = []
    position = start
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        end = length if newline == -1 else newline
        line_end = end - 1 if end > position and text[end - 1] == "\r" else end
        lines.append(_Line(position, line_end, text[position:line_end]))
        position = end + 1
    return lines


def _find_headline(
    lines: list[_Line], meta: dict[str, str], kind: str
) -> tuple[str | None, _Line | None, bool]:
    first = next((line for line in lines if line.stripped), None)
    if meta.get("title"):
        is_heading = first is not None and _MARKDOWN_HEADING.match(first.stripped) is not None
        return meta["title"], first if is_heading else None, False
    if first is None:
        return None, None, True
    candidate = _MARKDOWN_HEADING.sub("", first.stripped)
    if kind == "md" and _MARKDOWN_HEADING.match(first.stripped):
        return candidate, first, False
    if (
        looks_like_headline(candidate)
        and len([line for line in lines if line.stripped]) > 1
        and not _continues_on_next_line(lines, first)
    ):
        return candidate, first, False
    return None, None, True


def _continues_on_next_line(lines: list[_Line], first: _Line) -> bool:
    """True when `first` is the opening line of a hard-wrapped paragraph, not a headline:
    the next line follows without a blank line and is short or starts in lower case."""
    position = lines.index(first)
    if position + 1 >= len(lines) or not lines[position + 1].stripped:
        return False
    following = lines[position + 1].stripped
    if following[0].islower():
        return True
    if _INLINE_DATELINE.match(following) or _PLACE_LINE.match(following):
        return False
    block = []
    for line in lines[position:]:
        if not line.stripped:
            break
        block.append(len(line.text))
    # hard wrapping leaves three or more lines of nearly the same width
    widest = max(block)
    return len(block) >= 3 and widest <= _HARD_WRAP_WIDTH and min(block[:-1]) >= 0.7 * widest


def looks_like_headline(line: str) -> bool:
    """Short, not a sentence ending in a full stop, not a dateline."""
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if line.endswith((".", ",", ";", ":")) or _PLACE_LINE.match(line):
        return False
    return not _INLINE_DATELINE.match(line)


def _leading_place_line(lines: list[_Line]) -> _Line | None:
    first = next((line for line in lines if line.stripped), None)
    if first is not None and _PLACE_LINE.match(first.stripped):
        return first
    return None


def drop_boilerplate(lines: list[_Line]) -> list[_Line]:
    """Drop web leftovers: known navigation phrases, and trailing short label lines."""
    kept = [line for line in lines if not _is_boilerplate_line(line.stripped)]
    while kept and (not kept[-1].stripped or _is_trailing_label(kept[-1].stripped)):
        kept.pop()
    return kept


def _is_boilerplate_line(line: str) -> bool:
    return bool(line) and len(line.split()) <= 5 and _WEB_BOILERPLATE.match(line) is not None


def _is_trailing_label(line: str) -> bool:
    return len(line.split()) <= 4 and not line.endswith((".", "!", "?", "”", '"', "’", "'"))


def group_paragraphs(lines: list[_Line]) -> list[Paragraph]:
    """Paragraphs from lines: one per line for one-line paragraphs, one per blank-line
    separated block when the text is hard-wrapped (all lines short)."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.stripped:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    paragraphs: list[Paragraph] = []
    for block in blocks:
        hard_wrapped = len(block) > 1 and max(len(line.text) for line in block) <= _HARD_WRAP_WIDTH
        groups = [block] if hard_wrapped else [[line] for line in block]
        for group in groups:
            start = group[0].start + (len(group[0].text) - len(group[0].text.lstrip()))
            end = group[-1].end - (len(group[-1].text) - len(group[-1].text.rstrip()))
            if end <= start:
                continue
            body = "\n".join(line.text for line in group).strip()
            paragraphs.append(Paragraph(index=len(paragraphs), start=start, end=end, text=body))
    return paragraphs


def _find_place(
    place_line: _Line | None, paragraphs: list[Paragraph], meta: dict[str, str]
) -> tuple[str | None, str | None, PlaceSource]:
    if place_line is not None:
        dateline = place_line.stripped
        place = meta.get("place") or dateline
        return dateline, place, "front_matter" if meta.get("place") else "dateline"
    if paragraphs:
        match = _INLINE_DATELINE.match(paragraphs[0].text)
        if match:
            dateline = match.group(0).strip()
            place = meta.get("place") or normalise_place(match.group("place"))
            return dateline, place, "front_matter" if meta.get("place") else "dateline"
    if meta.get("place"):
        return None, meta["place"], "front_matter"
    return None, None, "unknown"


def normalise_place(raw: str) -> str:
    """'DAKAR, Senegal' -> 'Dakar, Senegal': capitalised words, not shouting."""
    parts = [part.strip() for part in raw.split(",")]
    return ", ".join(part.title() if part.isupper() else part for part in parts if part)


def first_sentence(text: str) -> str:
    """Up to the first full stop that is not an abbreviation or an initial."""
    for match in _SENTENCE_END.finditer(text):
        words = text[: match.start()].split()
        last_word = words[-1].lower() if words else ""
        if last_word in _ABBREVIATIONS or len(last_word) == 1:
            continue
        return text[: match.end()]
    return text


def derive_title(text: str) -> str:
    """A title from the first sentence, shortened at a word boundary."""
    sentence = " ".join(first_sentence(text).split()).rstrip(".")
    if len(sentence) <= _DERIVED_TITLE_CHARS:
        return sentence
    cut = sentence[:_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def proper_noun_counts(text: str, limit: int = 12) -> dict[str, int]:
    """The most repeated capitalised words: what place inference matches against."""
    counts: dict[str, int] = {}
    for match in _PROPER_NOUN.finditer(text):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:limit])


def infer_place(candidates: dict[str, int], known_places: dict[str, str]) -> str | None:
    """The article's place when it has no dateline: the known dateline city (from other
    articles of the corpus) it names most, if it names one at least twice."""
    for word, count in candidates.items():
        if count >= 2 and word in known_places:
            return known_places[word]
    return None


def place_key(place: str) -> str:
    """The city part of a place ('Dakar, Senegal' -> 'Dakar') used to recognise mentions."""
    return place.split(",")[0].strip()
