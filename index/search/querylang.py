"""The user's query string, checked and normalised before whoosh parses it.

Whoosh's parser is lenient but silent; people deserve to know when a quote was
unbalanced or a field name misspelt. `prepare_query` repairs what it can, says
what it did in `notes`, and pulls out what whoosh does not handle (dates, which
are matched against the articles' given or inferred dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
FIELD_ALIASES = {"title": "title", "source": "source", "file": "source"}
COLLECTION_FIELDS = ("collection", "folder")
"""Which articles folder (its label: index.corpus.folders) or database collection."""
KNOWN_FIELDS = (*FIELD_ALIASES, "place", "date", *COLLECTION_FIELDS)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DATE_RANGE = re.compile(r"\bdate:\s*\[([^\]]*)\]?", re.IGNORECASE)
_DATE_SINGLE = re.compile(r"\bdate:\s*(\S*)", re.IGNORECASE)
_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]\w*):(\"[^\"]*\"|[^\s\"]+)")
_RANGE_SPLIT = re.compile(r"\s+to\s+", re.IGNORECASE)
_OPERATOR = re.compile(r"^(AND|OR|NOT|ANDNOT|ANDMAYBE)$")
_LAST_WORD = re.compile(r"(?:^|(?<=\s))([^\W_][\w'’]*)$")
_PLAIN_WORD = re.compile(r"^[^\W_][\w'’\-]*$")


@dataclass(frozen=True, slots=True)
class DateRange:
    first: dt.date | None
    last: dt.date | None

    def contains(self, day: dt.date | None) -> bool:
        if day is None:
            return False
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


@dataclass(slots=True)
class PreparedQuery:
    text: str
    """The query for whoosh's parser (dates removed, fields mapped, repaired)."""
    date_range: DateRange | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    """Set when something had to be repaired or ignored: the first problem, for the user."""
    places: list[str] = field(default_factory=list)
    """`place:` values: matched against each article's dateline or inferred place."""
    collections: list[str] = field(default_factory=list)
    """`collection:` (or `folder:`) values: the folders (collections) searched."""
    plain_words: list[str] = field(default_factory=list)
    """Words outside quotes, fields and operators: candidates for spelling correction."""

    def problem(self, message: str) -> None:
        self.notes.append(message)
        if self.error is None:
            self.error = message


def parse_day_bound(value: str, *, end: bool) -> dt.date:
    """'2024', '2024-06' or '2024-06-14' as the first (or last) day it covers."""
    value = value.strip()
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(value)
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, last if end else 1)
    return dt.date(year, month, int(parts[2]))


def parse_date_filter(value: str) -> DateRange:
    """'2025-12' → that month; '2024-06-01 to 2024-06-30' → those days; '*' is open."""
    ends = _RANGE_SPLIT.split(value.strip(), maxsplit=1)
    if len(ends) == 1:
        return DateRange(parse_day_bound(ends[0], end=False), parse_day_bound(ends[0], end=True))
    low, high = (e.strip() for e in ends)
    first = None if low in {"", "*"} else parse_day_bound(low, end=False)
    last = None if high in {"", "*"} else parse_day_bound(high, end=True)
    if first and last and first > last:
        raise ValueError(value)
    return DateRange(first, last)


def well_formed(text: str) -> str:
    """`text` with lone surrogates dropped (a pair becomes its character).

    They are not text: they arrive from undecodable bytes (argv's surrogateescape) or a
    broken paste, and would make encoding the query, or printing it, fail.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return text


def prepare_query(raw: str) -> PreparedQuery:
    text = _CONTROL.sub(" ", raw)
    prepared = PreparedQuery(text="")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        prepared.problem(f"query cut to its first {MAX_QUERY_CHARS} characters")
    text = _take_dates(text, prepared)
    text = _balance_quotes(text, prepared)
    text = _balance_brackets(text, prepared)
    text = _map_fields(text, prepared)
    text = _drop_dangling_operators(text, prepared)
    prepared.text = " ".join(text.split())
    prepared.plain_words = plain_words(prepared.text)
    return prepared


def _take_dates(text: str, prepared: PreparedQuery) -> str:
    def take(match: re.Match[str]) -> str:
        value = match.group(1)
        try:
            prepared.date_range = parse_date_filter(value)
        except (ValueError, OverflowError):
            prepared.problem(
                f"could not read the date {value.strip()!r} "
                "(use date:2024-06 or date:[2024-06-01 to 2024-06-30]); ignored"
            )
        return " "

    if "[" in text and _DATE_RANGE.search(text):
        if not re.search(r"\bdate:\s*\[[^\]]*\]", text, re.IGNORECASE):
            prepared.problem("missing ] in the date range; read it to the end of the query")
        text = _DATE_RANGE.sub(take, text)
    return _DATE_SINGLE.sub(take, text)


def _balance_quotes(text: str, prepared: PreparedQuery) -> str:
    text = text.replace("“", '"').replace("”", '"')
    if text.count('"') % 2:
        position = text.rfind('"')
        text = text[:position] + " " + text[position + 1 :]
        prepared.problem("unbalanced quote ignored")
    return text


def _balance_brackets(text: str, prepared: PreparedQuery) -> str:
    outside = _outside_quotes(text)
    depth = 0
    balanced = True
    for ch in outside:
        depth += ch == "("
        depth -= ch == ")"
        balanced = balanced and depth >= 0
    if depth != 0 or not balanced:
        text = _replace_outside_quotes(text, "()", " ")
        prepared.problem("unbalanced parentheses ignored")
    if any(ch in outside for ch in "[]{}"):
        text = _replace_outside_quotes(text, "[]{}", " ")
        prepared.problem("brackets are only for date ranges: date:[2025-12-01 to 2025-12-31]")
    return text


def _map_fields(text: str, prepared: PreparedQuery) -> str:
    """Known fields get their index names; an unknown field and its value are dropped
    (searching `author:x` as the words "author x" would only find nothing)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name == "place":
            prepared.places.append(match.group(2).strip('"'))
            return " "
        if name in COLLECTION_FIELDS:
            prepared.collections.append(match.group(2).strip('"'))
            return " "
        if name in FIELD_ALIASES:
            return FIELD_ALIASES[name] + ":" + match.group(2)
        prepared.problem(
            f"unknown field {match.group(1)}: (known: {', '.join(KNOWN_FIELDS)}); "
            f"ignored {match.group(0)!r}"
        )
        return " "

    return _FIELD.sub(replace, text)


def _drop_dangling_operators(text: str, prepared: PreparedQuery) -> str:
    words = text.split()
    while words and words[-1] in {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}:
        prepared.problem(f"'{words.pop()}' at the end of the query needs a word after it; ignored")
    while words and words[0] in {"AND", "OR", "ANDNOT", "ANDMAYBE"}:
        prepared.problem(
            f"'{words.pop(0)}' at the start of the query needs a word before it; ignored"
        )
    cleaned: list[str] = []
    for word in words:
        if _OPERATOR.match(word) and cleaned and _OPERATOR.match(cleaned[-1]) and word != "NOT":
            prepared.problem(
                f"'{cleaned[-1]} {word}' is not a valid combination; kept '{cleaned[-1]}'"
            )
            continue
        cleaned.append(word)
    if cleaned and all(_OPERATOR.match(w) or w == "-" for w in cleaned):
        prepared.problem("the query has only operators; nothing to search")
        return ""
    if cleaned and all(w.startswith("-") or w == "NOT" for w in cleaned):
        prepared.problem("a query cannot only exclude words; add a word to search for")
        return ""
    return " ".join(cleaned)


def plain_words(text: str) -> list[str]:
    """Bare words of the query (not quoted, not fields, not operators, no wildcards)."""
    words = []
    for token in _outside_quotes(text).split():
        token = token.lstrip("+-(").rstrip(")")
        if ":" in token or _OPERATOR.match(token) or not _PLAIN_WORD.match(token):
            continue
        words.append(token)
    return words


def _outside_quotes(text: str) -> str:
    return "".join(part for index, part in enumerate(text.split('"')) if index % 2 == 0)


def _replace_outside_quotes(text: str, chars: str, replacement: str) -> str:
    parts = text.split('"')
    for index in range(0, len(parts), 2):
        parts[index] = "".join(replacement if ch in chars else ch for ch in parts[index])
    return '"'.join(parts)


def _sub_outside_quotes(pattern: re.Pattern[str], repl: object, text: str) -> str:
    parts = text.split('"')
    for index in range(0, len(parts), 2):
        parts[index] = pattern.sub(repl, parts[index])  # type: ignore[call-overload]
    return '"'.join(parts)


def is_empty(prepared: PreparedQuery) -> bool:
    return (
        not prepared.text.strip()
        and prepared.date_range is None
        and not prepared.places
        and not prepared.collections
    )


def prefix_last_word(text: str) -> str:
    """'joint batt' → 'joint batt*' unless the last word is inside quotes or a field."""
    if not text or text.endswith((" ", '"', "*", "~")) or text.count('"') % 2:
        return text
    match = _LAST_WORD.search(text)
    if not match or len(match.group(1)) < 2 or match.group(1) in {"AND", "OR", "NOT"}:
        return text
    return text + "*"
