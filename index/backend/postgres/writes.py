"""The rows one load writes and deletes inside its transaction: articles and passages
by COPY, the rows of gone files, and the vocabulary's article counts."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from index.backend.postgres.changes import Load
from index.backend.postgres.documents import ARTICLE_COLUMNS, PASSAGE_COLUMNS, ArticleRows
from index.text.words import stem

if TYPE_CHECKING:
    import psycopg


def write(conn: psycopg.Connection, collection: int, batch: list[ArticleRows]) -> None:
    if not batch:
        return
    with conn.cursor() as cursor:
        statement = f"COPY summit_articles (collection, {ARTICLE_COLUMNS}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for rows in batch:
                assert rows.article is not None
                copy.write_row((collection, *rows.article))
        statement = f"COPY summit_passages (collection, {PASSAGE_COLUMNS}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for rows in batch:
                for passage in rows.passages:
                    copy.write_row((collection, *passage))


def delete(conn: psycopg.Connection, collection: int, load: Load) -> None:
    """The rows of removed, unreadable and changed files (passages go with them), their
    words taken off the vocabulary counts."""
    if not load.gone:
        return
    rows = conn.execute(
        "DELETE FROM summit_articles WHERE collection = %s AND id = ANY(%s) "
        "RETURNING id, words, name_pairs, proper_nouns",
        (collection, load.gone),
    ).fetchall()
    for article_id, words, pairs, nouns in rows:
        load.words.subtract(words.split())
        if load.names.get(article_id) != (pairs, nouns):  # removed, or its names changed
            load.names_changed = True


def update_vocabulary(conn: psycopg.Connection, collection: int, delta: Counter[str]) -> None:
    changes = {word: count for word, count in delta.items() if count}
    if not changes:
        return
    conn.execute(
        "CREATE TEMP TABLE summit_vocabulary_delta (word text, stem text, df integer) "
        "ON COMMIT DROP"
    )
    with (
        conn.cursor() as cursor,
        cursor.copy("COPY summit_vocabulary_delta (word, stem, df) FROM STDIN") as copy,
    ):
        for word, count in changes.items():
            copy.write_row((word, stem(word), count))
    conn.execute(
        "INSERT INTO summit_vocabulary (collection, word, stem, df) "
        "SELECT %s, word, stem, df FROM summit_vocabulary_delta "
        "ON CONFLICT (collection, word) DO UPDATE SET df = summit_vocabulary.df + excluded.df",
        (collection,),
    )
    conn.execute("DELETE FROM summit_vocabulary WHERE collection = %s AND df <= 0", (collection,))
    conn.execute("DROP TABLE summit_vocabulary_delta")
