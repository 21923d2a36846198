"""Places over the whole corpus: an article without a dateline takes the corpus's
dateline city it names most (see index.corpus.places.infer_place for one article)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from index.corpus.places import infer_place, place_key
from index.store.manifest import ManifestRecord


def infer_places(
    records: Iterable[ManifestRecord], proper_nouns: Callable[[str], dict[str, int]]
) -> None:
    """Set the place of every record without a dateline or front-matter place (in
    place: the records are the index's own), from the article's `proper_nouns(id)`."""
    records = list(records)
    known = {
        place_key(r.place): r.place
        for r in records
        if r.place and r.place_source in {"dateline", "front_matter"}
    }
    for record in records:
        if record.place is None or record.place_source == "inferred":
            inferred = infer_place(proper_nouns(record.id), known)
            record.place = inferred
            record.place_source = "inferred" if inferred else "unknown"
