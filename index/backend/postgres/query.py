"""The query language (as index.search.querylang prepares it) read into a small tree,
then written as PostgreSQL tsquery text over the passages' lexemes.

The grammar is the one the whoosh backend's parser reads: words (all must match),
"phrases", OR (binding tighter than the implicit AND), AND, NOT / -word, +word,
( groups ), prefix*, word~ / word~2 (fuzzy), title: and source: fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.text.words import index_terms

Field = Literal["", "title", "body", "source"]
LeafKind = Literal["term", "phrase", "prefix", "fuzzy"]


@dataclass(frozen=True, slots=True)
class Leaf:
    kind: LeafKind
    field: Field
    text: str
    """The word as typed (without * or ~), or the phrase's text."""
    maxdist: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    op: Literal["and", "or"]
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Leaf | Group | Not

_TOKEN = re.compile(
    r"\s*(?:(?P<open>\()|(?P<close>\))|(?P<field>(?:title|source|body):)"
    r'|"(?P<phrase>[^"]*)"?|(?P<word>[^\s()"]+))'
)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FUZZY = re.compile(r"^(?P<word>.+?)~(?P<dist>\d?)$")


def parse(text: str) -> Node | None:
    """The query's tree (None when nothing searchable is left)."""
    tokens = _tokens(text)
    parser = _Parser(tokens)
    node = parser.conjunction()
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "word" and value in _OPERATORS:
            kind = "op"
        found.append((kind, value))
    return found


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def conjunction(self) -> Node | None:
        """Items joined by AND (written or implied), until ) or the end."""
        parts: list[Node] = []
        while (token := self.peek()) is not None and token[0] != "close":
            if token == ("op", "AND") or token == ("op", "ANDMAYBE"):
                self.at += 1
                continue
            if token == ("op", "ANDNOT"):
                self.at += 1
                item = self.disjunction()
                if item is not None:
                    parts.append(Not(item))
                continue
            item = self.disjunction()
            if item is not None:
                parts.append(item)
        return _group("and", parts)

    def disjunction(self) -> Node | None:
        parts = [self.unary()]
        while self.peek() == ("op", "OR"):
            self.at += 1
            parts.append(self.unary())
        return _group("or", [p for p in parts if p is not None])

    def unary(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token == ("op", "NOT"):
            self.at += 1
            child = self.unary()
            return Not(child) if child is not None else None
        if token[0] == "word" and token[1].startswith("-") and len(token[1]) > 1:
            self.tokens[self.at] = ("word", token[1][1:])
            child = self.unary()
            return Not(child) if child is not None else None
        if token[0] == "word" and token[1].startswith("+") and len(token[1]) > 1:
            self.tokens[self.at] = ("word", token[1][1:])
        return self.atom("")

    def atom(self, field: Field) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        self.at += 1
        kind, value = token
        if kind == "open":
            inner = self.conjunction()
            if self.peek() is not None and self.peek() == ("close", ")"):
                self.at += 1
            return _with_field(inner, field) if field and inner is not None else inner
        if kind == "field":
            return self.atom(value[:-1])  # type: ignore[arg-type]
        if kind == "phrase":
            return Leaf("phrase", field, value) if value.strip() else None
        if kind in {"word", "op"}:
            return _word(value, field)
        return None  # a stray )


def _group(op: Literal["and", "or"], parts: list[Node]) -> Node | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Group(op, tuple(parts))


def _with_field(node: Node, field: Field) -> Node:
    if isinstance(node, Leaf):
        return Leaf(node.kind, field, node.text, node.maxdist)
    if isinstance(node, Not):
        return Not(_with_field(node.child, field))
    return Group(node.op, tuple(_with_field(child, field) for child in node.children))


def _word(value: str, field: Field) -> Node | None:
    fuzzy = _FUZZY.match(value)
    if fuzzy:
        return Leaf("fuzzy", field, fuzzy.group("word"), int(fuzzy.group("dist") or 1))
    if "*" in value or "?" in value:
        head = re.split(r"[*?]", value, maxsplit=1)[0]
        return Leaf("prefix", field, head) if head else None
    return Leaf("term", field, value)


def stems_of(text: str) -> list[str]:
    """The index forms of a query word or phrase (stop words dropped), in order."""
    return [term for term, _ in index_terms(text, joined=False)]


def positive_leaves(node: Node | None) -> list[Leaf]:
    """Leaves a match may contain (not under NOT), in order."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Leaf):
        return [node]
    return [leaf for child in node.children for leaf in positive_leaves(child)]


def has_negation(node: Node | None) -> bool:
    if node is None or isinstance(node, Leaf):
        return False
    if isinstance(node, Not):
        return True
    return any(has_negation(child) for child in node.children)
