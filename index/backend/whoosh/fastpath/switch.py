"""Whether the fast path answers, and the self-check that decides it.

The fast path (blocks.py, postings.py, topk.py) reads whoosh-reloaded's posting bytes
itself, so it is right only for the one version whose format it was written against
(PINNED, also pinned exactly in pyproject.toml). Before it answers a search on an
opened index, `self_check` asks two things: is the installed whoosh that version, and
does the fast path's top of one term equal whoosh's own ranking on this index? If not,
the fast path is switched off for the process with one warning (`FastPathDisabled`)
and whoosh answers every search: slower, never wrong.

`SUMMIT_FASTPATH=0` in the environment (or `set_enabled(False)`) turns it off by hand:
to compare, or to rule it out when a ranking looks odd.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from collections.abc import Callable

from whoosh import query as wq
from whoosh.searching import Searcher

from index.backend.whoosh.fastpath.compiler import compile_query
from index.backend.whoosh.fastpath.postings import PostingsReader
from index.backend.whoosh.fastpath.topk import top_docs

PINNED = "2.7.5"
"""The whoosh-reloaded version whose on-disk posting format the fast path reads."""
ENV = "SUMMIT_FASTPATH"


class FastPathDisabled(RuntimeWarning):
    """The fast path was switched off: whoosh answers (the message says why)."""


_state: dict[str, bool | str | None] = {"forced": None, "failed": None}


def installed_version() -> str:
    try:
        return importlib.metadata.version("whoosh-reloaded")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def enabled() -> bool:
    """Whether searches may use the fast path now."""
    if _state["failed"]:
        return False
    forced = _state["forced"]
    if forced is not None:
        return bool(forced)
    return os.environ.get(ENV, "1").strip() not in {"0", "off", "no", "false"}


def set_enabled(flag: bool | None) -> None:
    """Turn the fast path on or off for this process (None: as the environment says).
    Never turns it back on after a failed self-check."""
    _state["forced"] = flag


def failure() -> str | None:
    """Why the self-check switched the fast path off, if it did."""
    failed = _state["failed"]
    return failed if isinstance(failed, str) else None


def switch_off(reason: str) -> None:
    """Off for the rest of the process, with one warning."""
    if _state["failed"]:
        return
    _state["failed"] = reason
    warnings.warn(f"search fast path off, whoosh answers: {reason}", FastPathDisabled, 2)


def reset_for_tests() -> None:
    _state.update(forced=None, failed=None)


def self_check(round_trip: Callable[[], str | None], version: str | None = None) -> bool:
    """True when the fast path may answer on this index: the pinned version installed,
    and `round_trip()` (the fast path's top of one term against whoosh's) finds no
    difference. Otherwise switches it off (one warning) and returns False."""
    if not enabled():
        return False
    version = installed_version() if version is None else version
    if version != PINNED:
        switch_off(f"whoosh-reloaded {version} installed, the fast path reads {PINNED}")
        return False
    try:
        difference = round_trip()
    except Exception as exc:  # any failure to read the format is a mismatch
        difference = f"{type(exc).__name__}: {exc}"
    if difference:
        switch_off(f"the fast path disagrees with whoosh on this index ({difference})")
        return False
    return True


CHECK_TERMS = 200
"""The round trip looks at the first this many body terms of the lexicon for its term."""
CHECK_MAX_PASSAGES = 1_000
"""...and takes the most frequent one found in at most this many documents: enough
postings to cross blocks and rank by score, few enough to cost whoosh a few ms."""


def top_term_difference(searcher: Searcher, postings: PostingsReader, mask: set[int]) -> str | None:
    """How the fast path's ten best passages for one body term differ from whoosh's
    (None when they are the same documents in the same order with the same scores)."""
    reader = searcher.reader()
    best: tuple[int, str] | None = None
    for n, raw in enumerate(reader.lexicon("body")):
        if n >= CHECK_TERMS:
            break
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        frequency = reader.doc_frequency("body", term)
        if frequency <= CHECK_MAX_PASSAGES and (best is None or frequency > best[0]):
            best = (frequency, term)
    if best is None:
        return None  # an empty index: nothing to disagree on
    query = wq.Term("body", best[1])
    fast = top_docs(compile_query(query, postings), 10).hits
    slow = list(searcher.search(query, limit=10, mask=mask).top_n)
    if [d for _, d in fast] != [d for _, d in slow]:
        return f"top passages for {best[1]!r}: {[d for _, d in fast]} vs {[d for _, d in slow]}"
    for (mine, _), (theirs, _) in zip(fast, slow, strict=True):
        if abs(mine - theirs) > 1e-9 * max(1.0, abs(theirs)):
            return f"scores for {best[1]!r}: {mine} vs {theirs}"
    return None
