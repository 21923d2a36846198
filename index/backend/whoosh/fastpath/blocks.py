"""Reading whoosh3 posting lists and field lengths in bulk.

This is the one module that knows how whoosh's whoosh3 codec lays postings out on disk
(blocks of up to 128 postings, each the pickle of (ids, weights, values), with a small
header giving its last document number), and it raises `Unsupported` as soon as
anything is not as expected, so the caller can search with whoosh itself instead.

Where each block is stays in a few arrays (not an object per block): cached lists live
as long as the index generation, and every long-lived object makes the garbage
collector's full passes longer.
"""

from __future__ import annotations

import bisect
import pickle
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Protocol

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher

BlockValues = tuple[Sequence[int], Sequence[Any]]
"""A block's (document numbers, encoded values)."""
BLOCK_POSTINGS = 128
"""Postings in a full whoosh3 block (its default blocklimit)."""


class Unsupported(Exception):
    """The index or the query is not what the bulk path handles: use whoosh's search."""


class BlockSource(Protocol):
    """One segment's blocks of a term: each one's last document number, and its
    values on request."""

    @property
    def lasts(self) -> array[int]: ...

    def read(self, index: int) -> BlockValues: ...


@dataclass(frozen=True, slots=True)
class _DiskBlocks:
    """Where each block is in the postings file, to read its values when needed."""

    postfile: Any
    offset: int
    byteids: bool
    lasts: array[int] = field(default_factory=lambda: array("q"))
    starts: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[int] = field(default_factory=lambda: array("q"))
    compressed: array[int] = field(default_factory=lambda: array("b"))

    def add(self, matcher: W3LeafMatcher) -> None:
        self.lasts.append(self.offset + matcher._maxid)
        self.starts.append(matcher._dataoffset)
        self.lengths.append(matcher._nextoffset - matcher._dataoffset)
        self.compressed.append(bool(matcher._compression))

    def pickled(self, index: int) -> bytes:
        raw = self.postfile.get(self.starts[index], self.lengths[index])
        return zlib.decompress(raw) if self.compressed[index] else bytes(raw)

    def read(self, index: int) -> BlockValues:
        block_ids, _, values = pickle.loads(self.pickled(index))
        return _global(block_ids, self.byteids, self.offset), values


@dataclass(frozen=True, slots=True)
class _MemoryBlocks:
    """Postings read one at a time (an inlined posting, another codec): one block."""

    ids: Sequence[int]
    values: Sequence[Any]
    lasts: array[int] = field(default_factory=lambda: array("q"))

    def read(self, index: int) -> BlockValues:
        return self.ids, self.values


@dataclass(frozen=True, slots=True)
class LeafPostings:
    """One segment's postings of a term, document numbers already global."""

    ids: list[int]
    weights: list[float]
    blocks: BlockSource


def read_leaf(
    reader: Any, fieldname: str, btext: bytes, offset: int, within: Sequence[int] | None = None
) -> LeafPostings:
    """A term's postings in one segment; `offset` is the segment's first document number.
    Deleted documents are left out of ids and weights (never asked for their values).
    The values stay on disk, each block's to be read when a phrase needs it. With
    `within` (ascending document numbers), only the blocks that may hold one of them
    are read: the postings of the others are left out."""
    matcher = reader.postings(fieldname, btext)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        matcher = matcher.child  # (whoosh would filter deleted documents one at a time)
        deleted = getattr(reader, "deleted_docs_set", None) or frozenset()
        if not deleted and reader.has_deletions():
            raise Unsupported("cannot tell which documents are deleted")
    if isinstance(matcher, W3LeafMatcher):
        leaf = _read_blocks(matcher, offset, within)
    else:
        leaf = _step_through(matcher, offset)
    for docnum in sorted((d + offset for d in deleted), reverse=True):
        index = bisect.bisect_left(leaf.ids, docnum)
        if index < len(leaf.ids) and leaf.ids[index] == docnum:
            del leaf.ids[index], leaf.weights[index]
    return leaf


def _read_blocks(matcher: W3LeafMatcher, offset: int, within: Sequence[int] | None) -> LeafPostings:
    """The ids and weights of every block (of those that may hold a document `within`)."""
    ids: list[int] = []
    weights: list[float] = []
    try:
        if matcher._fixedsize is not None and matcher._fixedsize >= 0:
            raise Unsupported("fixed-size posting values")
        blocks = _DiskBlocks(matcher._postfile, offset, bool(matcher._byteids))
        first = offset
        while matcher.is_active():
            count = matcher._blocklength
            blocks.add(matcher)
            last = blocks.lasts[-1]
            if within is None or _any_between(within, first, last):
                pickled = blocks.pickled(len(blocks.lasts) - 1)
                block_ids, block_weights = _ids_and_weights(pickled, count)
                ids.extend(_global(block_ids, blocks.byteids, offset))
                weights.extend(_weights(block_weights, count))
            first = last + 1
            matcher._next_block()
    except (AttributeError, TypeError, ValueError) as exc:
        raise Unsupported(f"unexpected posting block layout: {exc}") from exc
    if len(ids) != len(weights):
        raise Unsupported("posting block lengths disagree")
    return LeafPostings(ids, weights, blocks)


def _any_between(docnums: Sequence[int], low: int, high: int) -> bool:
    index = bisect.bisect_left(docnums, low)
    return index < len(docnums) and docnums[index] <= high


def _global(block_ids: Sequence[int], byteids: bool, offset: int) -> list[int]:
    """A block's document numbers, delta-decoded (in C: whoosh's own decoder is a
    Python generator) and moved by the segment's offset."""
    if byteids:
        return [offset + d for d in block_ids]
    decoded = list(accumulate(block_ids, initial=offset))
    del decoded[0]
    return decoded


def _weights(block_weights: Any, count: int) -> Sequence[float]:
    if block_weights is None:
        return [1.0] * count
    if isinstance(block_weights, float):
        # whoosh expands a block's one weight into a float32 array
        return array("f", [block_weights]) * count
    return block_weights


_FIRST_VALUE = b"c_codecs\nencode\n"
"""How a protocol-2 pickle made by Python 3 starts its first bytes object."""
_MARK, _TUPLE2_STOP = 0x28, b"\x86."


def _ids_and_weights(raw: bytes, count: int) -> tuple[Any, Any]:
    """A block's (ids, weights) without unpickling its values.

    The values (each posting's encoded positions: a bytes object, which protocol 2
    rebuilds with a call to codecs.encode) take nine tenths of the unpickling time.
    They are pickled last, so the pickle cut where they start and closed as a pair
    gives the rest; anything unexpected is unpickled whole."""
    start = raw.find(_FIRST_VALUE)
    if count > 3:  # a longer tuple opens with a MARK (shorter ones close with TUPLE1..3)
        start -= 1
    if start > 0 and (count <= 3 or raw[start] == _MARK):
        try:
            block_ids, block_weights = pickle.loads(raw[:start] + _TUPLE2_STOP)
        except Exception:  # not the layout expected: read it all
            pass
        else:
            if _block_shaped(block_ids, block_weights, count):
                return block_ids, block_weights
    block_ids, block_weights, _ = pickle.loads(raw)
    return block_ids, block_weights


def _block_shaped(block_ids: Any, block_weights: Any, count: int) -> bool:
    sequence = (tuple, list, array)
    return (
        isinstance(block_ids, sequence)
        and len(block_ids) == count
        and (
            block_weights is None
            or isinstance(block_weights, float)
            or (isinstance(block_weights, sequence) and len(block_weights) == count)
        )
    )


def _step_through(matcher: Any, offset: int) -> LeafPostings:
    """Any other matcher (a term's single inlined posting, another codec), one by one."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    while matcher.is_active():
        ids.append(offset + matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    blocks = _MemoryBlocks(list(ids), values)
    if ids:
        blocks.lasts.append(ids[-1])
    return LeafPostings(ids, weights, blocks)


def length_bytes(reader: Any, fieldname: str) -> bytes:
    """The stored length byte of every document of a segment, read in one go from the
    whoosh3 length column (doc_field_length decodes them one call at a time)."""
    try:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = bytes(column._dbfile.get(column._basepos, column._count))
    except AttributeError as exc:
        raise Unsupported(f"unexpected field-length column: {exc}") from exc
    return raw + bytes(max(0, reader.doc_count_all() - len(raw)))
