"""A term's whole posting list, read in one pass and scored as whoosh's BM25F scores it.

Whoosh walks postings one at a time through layers of Python matchers: several
microseconds a posting, and its block-max skipping saves little when, as in a large
corpus, every block of a common word holds some short, high-scoring passage. Reading a
term's blocks in bulk (fastpath/blocks.py) and scoring them in one comprehension costs
well under a microsecond a posting. Word positions are read per block, only where a
phrase asks for them.
"""

from __future__ import annotations

import bisect
import operator
import pickle
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import Any

from whoosh.formats import Positions
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

from index.backend.whoosh.fastpath.blocks import (
    BLOCK_POSTINGS,
    BlockSource,
    BlockValues,
    Unsupported,
    length_bytes,
    read_leaf,
)

__all__ = ["PostingsReader", "TermPostings", "Unsupported", "occurring_at_least"]

LISTS_BYTES = 12 << 20
"""Posting lists kept per searcher (an index generation), least recently used dropped
first. Common words come back query after query (and keystroke after keystroke), and
they are the ones that cost tens of milliseconds to read: 12 MiB holds about a
million postings with their scores."""
POSITIONS_BYTES = 4 << 20
"""Positions read for phrases, kept with their lists (least recently used dropped
first) on a budget of their own: they take five times the room of a posting, and only
phrases need them, so they must not push the lists out."""
SPARSE_SHARE = 2
"""A list is read in part when the documents asked for touch at most half its blocks
(else reading it whole, and keeping it for the next query, is worth it)."""
UNREAD_COST = 5
"""Reading and scoring a posting costs about five times what adding it up does."""
_BYTES_PER_POSTING = 12  # a 4-byte document number and an 8-byte score
_BYTES_PER_VALUE = 64  # a posting's encoded positions once read: bytes, pointer, number


class _Usage:
    """Bytes held by a reader's cached lists, and by the positions read since."""

    __slots__ = ("lists", "positions")

    def __init__(self) -> None:
        self.lists = 0
        self.positions = 0


class TermPostings:
    """One term in one field: the documents it occurs in (ascending; deleted and
    excluded ones left out) with its score in each, and its positions on demand."""

    __slots__ = ("_lasts", "_loaded", "_locations", "_sources", "_usage", "ids", "scores")

    def __init__(
        self,
        ids: array[int],
        scores: array[float],
        sources: Sequence[BlockSource] = (),
        usage: _Usage | None = None,
    ) -> None:
        self.ids = ids
        self.scores = scores
        self._sources = list(sources)
        self._lasts: array[int] = array("q")
        self._locations: array[int] = array("q")  # source number << 32 | block in source
        for number, source in enumerate(self._sources):
            self._lasts.extend(source.lasts)
            self._locations.extend(number << 32 | block for block in range(len(source.lasts)))
        self._loaded: dict[int, BlockValues] = {}
        self._usage = usage or _Usage()

    def value_of(self, docnum: int) -> Any:
        """The term's encoded positions in `docnum` (None if it does not occur there)."""
        index = bisect.bisect_left(self._lasts, docnum)
        if index == len(self._lasts):
            return None
        ids, values = self._block(index)
        index = bisect.bisect_left(ids, docnum)
        return values[index] if index < len(ids) and ids[index] == docnum else None

    def blocks(self) -> Iterator[BlockValues]:
        """Every block's (document numbers, encoded positions)."""
        return (self._block(index) for index in range(len(self._lasts)))

    def _block(self, index: int) -> BlockValues:
        loaded = self._loaded.get(index)
        if loaded is None:
            location = self._locations[index]
            loaded = self._sources[location >> 32].read(location & 0xFFFFFFFF)
            self._loaded[index] = loaded
            self._usage.positions += len(loaded[0]) * _BYTES_PER_VALUE
        return loaded

    @property
    def list_bytes(self) -> int:
        return len(self.ids) * _BYTES_PER_POSTING

    @property
    def positions_bytes(self) -> int:
        return sum(len(ids) for ids, _ in self._loaded.values()) * _BYTES_PER_VALUE

    def forget_positions(self) -> None:
        self._usage.positions -= self.positions_bytes
        self._loaded.clear()

    def leave(self) -> None:
        """Out of the cache: positions still read (by a query holding it) no longer
        count against its budget."""
        self.forget_positions()
        self._usage = _Usage()


EMPTY = TermPostings(array("i"), array("d"))


class PostingsReader:
    """Reads and caches whole posting lists of one whoosh searcher, leaving out the
    documents in `exclude` (the whole-article documents, never shown as passages)."""

    def __init__(
        self,
        searcher: Searcher,
        exclude: frozenset[int] | set[int] = frozenset(),
        lists_bytes: int = LISTS_BYTES,
        positions_bytes: int = POSITIONS_BYTES,
    ) -> None:
        self._searcher = searcher
        self._exclude = exclude
        self._cache: OrderedDict[tuple[str, str], TermPostings] = OrderedDict()
        self._lists_bytes = lists_bytes
        self._positions_bytes = positions_bytes
        self._usage = _Usage()
        self._lengths: dict[tuple[int, str], bytes] = {}

    def term(
        self, fieldname: str, text: str, *, within: Sequence[int] | None = None
    ) -> TermPostings:
        """The term's postings and scores (read once, then kept while they fit).

        `within`: the (ascending) documents the caller cares about. When they are few
        next to the term's blocks, only the blocks that may hold them are read, and
        that partial list is not kept (a phrase of a rare and a common word reads a
        few dozen blocks of the common one, not hundreds)."""
        key = (fieldname, text)
        postings = self._cache.get(key)
        if postings is not None:
            self._cache.move_to_end(key)
            return postings
        if within is not None and len(within) * SPARSE_SHARE * BLOCK_POSTINGS < self.frequency(
            fieldname, text
        ):
            return self._read(fieldname, text, within)
        postings = self._cache[key] = self._read(fieldname, text)
        self._usage.lists += postings.list_bytes
        self.trim()
        return postings

    def frequency(self, fieldname: str, text: str) -> int:
        """How many documents the term occurs in (from the term index: nothing read)."""
        if fieldname not in self._searcher.schema:
            return 0
        frequency: int = self._searcher.doc_frequency(fieldname, text)
        return frequency

    def work(self, query: Any, limit: int) -> int:
        """About how much work the query's lists are, in postings, one not read yet
        counting as UNREAD_COST (stops counting past `limit`)."""
        frequency = self._searcher.doc_frequency
        total = 0
        for fieldname, text in dict.fromkeys(query.iter_all_terms()):  # each list once
            word = text.decode("utf-8") if isinstance(text, bytes) else text
            cost = 1 if (fieldname, word) in self._cache else UNREAD_COST
            total += cost * frequency(fieldname, text)
            if total > limit:
                break
        return total

    def has_positions(self, fieldname: str) -> bool:
        if fieldname not in self._searcher.schema:
            return False
        field = self._searcher.schema[fieldname]
        return bool(field.format and field.format.supports("positions"))

    def positions_decoder(self, fieldname: str) -> Callable[[Any], list[int]]:
        """Turns a posting's encoded value into its word positions."""
        fmt = self._searcher.schema[fieldname].format
        if type(fmt) is Positions:
            return _decode_positions
        return lambda value: list(fmt.decode_positions(value))

    def counts_positions(self, fieldname: str) -> bool:
        """Whether occurring_at_least can read this field's values."""
        return type(self._searcher.schema[fieldname].format) is Positions

    def trim(self) -> None:
        """Back within budget: the positions of the least recently used lists go first,
        then the lists (one over budget on its own is not kept)."""
        for postings in list(self._cache.values()):
            if self._usage.positions <= self._positions_bytes:
                break
            postings.forget_positions()
        while self._usage.lists > self._lists_bytes and self._cache:
            _, dropped = self._cache.popitem(last=False)
            dropped.leave()
            self._usage.lists -= dropped.list_bytes

    def _read(self, fieldname: str, text: str, within: Sequence[int] | None = None) -> TermPostings:
        searcher = self._searcher
        if fieldname not in searcher.schema:
            return EMPTY
        try:
            btext = searcher.schema[fieldname].to_bytes(text)
        except ValueError:
            return EMPTY
        ids: array[int] = array("i")
        scores: array[float] = array("d")
        sources: list[BlockSource] = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, btext) not in reader:
                continue
            postings = read_leaf(reader, fieldname, btext, offset, within)
            table = _bm25_table(searcher.weighting.scorer(leaf, fieldname, btext))
            lengths = self._field_lengths(reader, fieldname, offset)
            scores.extend(_scored(postings.ids, postings.weights, lengths, table))
            ids.extend(postings.ids)
            sources.append(postings.blocks)
        if self._exclude:
            ids, scores = _without(ids, scores, self._exclude)
        return TermPostings(ids, scores, sources, self._usage if within is None else None)

    def _field_lengths(self, reader: Any, fieldname: str, offset: int) -> bytes:
        """The field's length byte of every document of a segment (whoosh scores with
        the length it stores: one byte, lossily encoded), indexed by global document
        number (the segment's preceded by `offset` zeros)."""
        key = (id(reader), fieldname)
        cached = self._lengths.get(key)
        if cached is None:
            cached = self._lengths[key] = bytes(offset) + length_bytes(reader, fieldname)
        return cached


def _without(
    ids: array[int], scores: array[float], exclude: frozenset[int] | set[int]
) -> tuple[array[int], array[float]]:
    keep = list(map(operator.not_, map(exclude.__contains__, ids)))
    if all(keep):
        return ids, scores
    return array("i", compress(ids, keep)), array("d", compress(scores, keep))


def _decode_positions(value: bytes) -> list[int]:
    """whoosh's Positions.decode_positions with the deltas added up in C."""
    if not value.endswith(b"."):
        value += b"."  # (whoosh may store the pickle without its STOP)
    return list(accumulate(pickle.loads(value[_INT_SIZE:])))


def occurring_at_least(postings: TermPostings, times: int) -> set[int]:
    """Documents where the term occurs at least `times` times, from Positions values
    (each starts with its number of positions as a big-endian uint, so comparing the
    bytes compares the counts, without decoding anything)."""
    floor = times.to_bytes(_INT_SIZE, "big")
    return {
        d
        for ids, values in postings.blocks()
        for d, v in zip(ids, values, strict=True)
        if v >= floor
    }


# -- BM25F, exactly as whoosh computes it ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _BM25Table:
    idf: float
    k1_plus_1: float
    norms: tuple[float, ...]
    """K1 * ((1 - B) + B * length / average length) for each length byte."""


def _bm25_table(scorer: Any) -> _BM25Table:
    """BM25F's per-term constants, taken from whoosh's own scorer so the scores are
    whoosh's to the last bit (same operands, same order of operations)."""
    if type(scorer) is not BM25FScorer:
        raise Unsupported(f"scorer {type(scorer).__name__}")
    b, k1, average = scorer.B, scorer.K1, scorer.avgfl
    norms = tuple(k1 * ((1 - b) + b * byte_to_length(n) / average) for n in range(256))
    return _BM25Table(scorer.idf, k1 + 1, norms)


def _scored(ids: list[int], weights: list[float], lengths: bytes, table: _BM25Table) -> list[float]:
    """whoosh.scoring.bm25 for each posting: idf * ((tf * (K1 + 1)) / (tf + norm))."""
    idf, k1_plus_1, norms = table.idf, table.k1_plus_1, table.norms
    return [
        idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]]))
        for docnum, tf in zip(ids, weights, strict=True)
    ]
