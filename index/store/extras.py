"""The per-article extras an index keeps beside its documents: the sidecar's rows
(index.store.sidecar) plus those of an update already committed to the index but not
yet written to the sidecar (written with the manifest, the commit point)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.store.sidecar import ArticleExtras, SidecarStore
from index.text.temporal_json import decode_expressions
from index.text.temporal_record import RawExpr
from index.text.variants import variant_groups

STREAMED_ROWS = 500
"""A build writes sidecar rows in transactions of this many articles."""


@dataclass
class PendingExtras:
    changed: dict[str, ArticleExtras] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def update(self, changed: dict[str, ArticleExtras], removed: list[str]) -> None:
        for key in removed:
            self.changed.pop(key, None)
        self.changed.update(changed)
        self.removed.extend(removed)


class ExtrasStore:
    """The sidecar, what is pending for it, and whether the name variant groups stored
    in it are stale (articles changed since)."""

    def __init__(self, path: Path) -> None:
        self.sidecar = SidecarStore(path)
        self.pending = PendingExtras()
        """Committed to the index, not yet to the sidecar."""
        self.variants_stale = False

    def use(self, sidecar: SidecarStore) -> None:
        """The sidecar of an index loaded as it was left."""
        self.sidecar.close()
        self.sidecar = sidecar
        self.pending = PendingExtras()

    def start_empty(self, path: Path) -> None:
        """A new, empty sidecar at `path` (a new or rebuilt index)."""
        self.sidecar.close()
        self.sidecar = SidecarStore(path)
        self.sidecar.delete_file()
        self.pending = PendingExtras()

    def start_over(self, path: Path) -> None:
        """A damaged sidecar deleted, to be filled again (the index itself is kept)."""
        self.sidecar.delete_file()
        self.sidecar = SidecarStore(path)

    def refill(self, rows: Iterable[tuple[str, ArticleExtras]]) -> None:
        """Write the rows of every article (after `start_over`), a transaction per
        STREAMED_ROWS; the variant groups are worked out again at the next flush."""
        batch: dict[str, ArticleExtras] = {}
        for article_id, extras in rows:
            batch[article_id] = extras
            if len(batch) >= STREAMED_ROWS:
                self.sidecar.update(batch, ())
                batch = {}
        self.sidecar.update(batch, ())
        self.variants_stale = True

    def stage(self, changed: dict[str, ArticleExtras], removed: list[str]) -> None:
        """The rows of a committed update, kept for the next `flush()`."""
        self.pending.update(changed=changed, removed=removed)
        self.variants_stale = True

    def flush(self) -> None:
        """Write what is pending, and the variant groups when stale."""
        pending = self.pending
        self.sidecar.update(pending.changed, pending.removed)
        self.pending = PendingExtras()
        if self.variants_stale:
            groups = variant_groups(self.sidecar.name_pairs(), self.sidecar.proper_words())
            self.sidecar.save_variant_groups(groups)
            self.variants_stale = False

    def close(self) -> None:
        self.sidecar.close()

    def expressions(self, article_id: str) -> list[RawExpr] | None:
        """The stored time expressions; None when the row is missing or unreadable."""
        pending = self.pending.changed.get(article_id)
        if pending is not None:
            return decode_expressions(pending.expressions)
        return self.sidecar.expressions(article_id)

    def proper_nouns(self, article_id: str) -> dict[str, int]:
        pending = self.pending.changed.get(article_id)
        if pending is None:
            return self.sidecar.proper_nouns(article_id)
        return ArticleExtras.decode_proper_nouns(pending.proper_nouns)

    def name_pairs(self) -> list[tuple[str, str]]:
        pairs = self.sidecar.name_pairs()
        for extras in self.pending.changed.values():  # a save that failed
            pairs.extend(ArticleExtras.decode_pairs(extras.name_pairs))
        return pairs

    def variant_groups(self) -> list[frozenset[str]]:
        """The stored groups, unless articles changed since they were stored (a save
        that failed): then worked out again from the name pairs."""
        fresh = not (self.variants_stale or self.pending.changed)
        stored = self.sidecar.variant_groups() if fresh else None
        if stored is not None:
            return stored
        return variant_groups(self.name_pairs(), self.sidecar.proper_words())
