"""What a load works out again from the whole collection once its rows are written:
inferred places, and the name variants stored with the collection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.corpus.places import infer_place, place_key
from index.store.sidecar import ArticleExtras
from index.text.variants import variant_groups
from index.text.words import fold

if TYPE_CHECKING:
    import psycopg


def infer_places(conn: psycopg.Connection, collection: int) -> None:
    """Articles without a dateline take the collection's dateline city they name most
    (index.corpus.places.infer_place, as in the whoosh backend)."""
    rows = conn.execute(
        "SELECT place FROM summit_articles WHERE collection = %s AND place IS NOT NULL "
        "AND place_source IN ('dateline', 'front_matter')",
        (collection,),
    ).fetchall()
    known = {place_key(place): place for (place,) in rows}
    open_rows = conn.execute(
        "SELECT id, place, proper_nouns FROM summit_articles WHERE collection = %s "
        "AND (place IS NULL OR place_source = 'inferred')",
        (collection,),
    ).fetchall()
    changes = []
    for article_id, place, nouns in open_rows:
        inferred = infer_place(ArticleExtras.decode_proper_nouns(nouns), known)
        if inferred != place or place is None:
            source = "inferred" if inferred else "unknown"
            changes.append((inferred, source, collection, article_id))
    if changes:
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE summit_articles SET place = %s, place_source = %s "
                "WHERE collection = %s AND id = %s",
                changes,
            )


def name_variants(
    conn: psycopg.Connection, collection: int
) -> tuple[list[frozenset[str]], set[str]]:
    """Name variants of the whole collection (index.text.variants) and its proper words
    (every name folded), stored with it."""
    pairs: list[tuple[str, str]] = []
    proper: set[str] = set()
    with conn.cursor(name="summit_names") as cursor:
        cursor.execute(
            "SELECT name_pairs, proper_nouns FROM summit_articles WHERE collection = %s",
            (collection,),
        )
        for text, nouns in cursor:
            found = ArticleExtras.decode_pairs(text)
            pairs.extend(found)
            proper.update(fold(name) for _, name in found)
            proper.update(fold(name) for name in ArticleExtras.decode_proper_nouns(nouns))
    return variant_groups(pairs, proper), proper
