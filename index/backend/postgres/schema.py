"""The tables, created and migrated by the tool itself (summit_schema_version says
which version a database has; a newer tool migrates it, an older one refuses it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.backend.postgres.connection import DatabaseError

if TYPE_CHECKING:
    import psycopg

SCHEMA_VERSION = 2
MIN_SERVER_VERSION = 120000
"""PostgreSQL 12: websearch-era tsquery functions, generated columns, stable JSONB."""
EXTENSIONS = ("unaccent", "pg_trgm")
SCHEMA_LOCK = 0x5355_4D4D  # pg_advisory_xact_lock key: one migration at a time

_V1 = [
    """CREATE TABLE summit_collections (
        id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        folder text NOT NULL,
        build text NOT NULL,
        generation bigint NOT NULL DEFAULT 0,
        variant_groups jsonb NOT NULL DEFAULT '[]',
        updated timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE summit_articles (
        collection integer NOT NULL REFERENCES summit_collections ON DELETE CASCADE,
        id text NOT NULL,
        file text NOT NULL,
        hash text NOT NULL,
        size bigint NOT NULL,
        mtime_ns bigint NOT NULL,
        title text NOT NULL,
        title_derived boolean NOT NULL,
        place text,
        place_source text NOT NULL,
        date text,
        source text,
        paragraphs integer NOT NULL,
        warnings jsonb NOT NULL DEFAULT '[]',
        kind text NOT NULL,
        dateline text,
        url text,
        body text NOT NULL,
        spans jsonb NOT NULL,
        expressions text NOT NULL,
        words text NOT NULL,
        proper_nouns text NOT NULL,
        name_pairs text NOT NULL,
        PRIMARY KEY (collection, id),
        UNIQUE (collection, file)
    )""",
    """CREATE TABLE summit_passages (
        collection integer NOT NULL,
        article_id text NOT NULL,
        paragraph integer NOT NULL,
        start_char integer NOT NULL,
        end_char integer NOT NULL,
        body text NOT NULL,
        tsv tsvector NOT NULL,
        source_tsv tsvector NOT NULL,
        PRIMARY KEY (collection, article_id, paragraph),
        FOREIGN KEY (collection, article_id) REFERENCES summit_articles ON DELETE CASCADE
    )""",
    "CREATE INDEX summit_passages_tsv ON summit_passages USING gin (tsv)",
    "CREATE INDEX summit_passages_source ON summit_passages USING gin (source_tsv)",
    """CREATE TABLE summit_vocabulary (
        collection integer NOT NULL REFERENCES summit_collections ON DELETE CASCADE,
        word text NOT NULL,
        stem text NOT NULL,
        df integer NOT NULL,
        PRIMARY KEY (collection, word)
    )""",
    "CREATE INDEX summit_vocabulary_prefix ON summit_vocabulary "
    "(collection, word text_pattern_ops)",
    "CREATE INDEX summit_vocabulary_stem ON summit_vocabulary (collection, stem)",
    "CREATE INDEX summit_vocabulary_trgm ON summit_vocabulary USING gin (word gin_trgm_ops)",
]
_V2 = [
    # the collection's proper words (folded names), worked out with its name variants:
    # the spelling step asks for them at a search's first correction (NULL: not yet)
    "ALTER TABLE summit_collections ADD COLUMN proper_words jsonb",
    # Ranking lists of the collection's commonest words (index/backend/postgres/toplists.py):
    # every passage scoring above the word's floor, so that a common word is ranked from a
    # few hundred rows instead of every match.
    """CREATE TABLE summit_top_terms (
        collection integer NOT NULL REFERENCES summit_collections ON DELETE CASCADE,
        lexeme text NOT NULL,
        query tsquery NOT NULL,
        floor real NOT NULL,
        matches integer NOT NULL,
        PRIMARY KEY (collection, lexeme)
    )""",
    """CREATE TABLE summit_top_passages (
        collection integer NOT NULL,
        lexeme text NOT NULL,
        score real NOT NULL,
        article_id text NOT NULL,
        paragraph integer NOT NULL,
        FOREIGN KEY (collection, lexeme) REFERENCES summit_top_terms ON DELETE CASCADE,
        FOREIGN KEY (collection, article_id) REFERENCES summit_articles ON DELETE CASCADE
    )""",
    "CREATE INDEX summit_top_passages_rank ON summit_top_passages (collection, lexeme, score DESC)",
    "CREATE INDEX summit_top_passages_article ON summit_top_passages (collection, article_id)",
]
MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2}
"""Statements that bring a database from version N-1 to N."""


def ensure_schema(conn: psycopg.Connection) -> None:
    """Check the server, create the extensions and the tables, migrate an older schema."""
    server = conn.info.server_version
    if server < MIN_SERVER_VERSION:
        major = server // 10000
        shown = f"{major}" if server >= 100000 else f"{major}.{server // 100 % 100}"
        raise DatabaseError(f"PostgreSQL {shown} is too old: summit needs version 12 or later")
    if _version(conn) == SCHEMA_VERSION:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        _create_extensions(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS summit_schema_version (version integer NOT NULL)")
        row = conn.execute("SELECT max(version) FROM summit_schema_version").fetchone()
        current = int(row[0]) if row and row[0] is not None else 0
        if current > SCHEMA_VERSION:
            raise DatabaseError(
                f"the database's summit schema is version {current}, newer than this summit "
                f"({SCHEMA_VERSION}): upgrade summit"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute("DELETE FROM summit_schema_version")
            conn.execute("INSERT INTO summit_schema_version VALUES (%s)", (version,))


def _version(conn: psycopg.Connection) -> int | None:
    row = conn.execute("SELECT to_regclass('summit_schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    found = conn.execute("SELECT max(version) FROM summit_schema_version").fetchone()
    return int(found[0]) if found and found[0] is not None else None


def _create_extensions(conn: psycopg.Connection) -> None:
    import psycopg

    for name in EXTENSIONS:
        present = conn.execute("SELECT 1 FROM pg_extension WHERE extname = %s", (name,)).fetchone()
        if present:
            continue
        try:
            with conn.transaction():
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            raise DatabaseError(
                f"the PostgreSQL extension {name} is missing and could not be created "
                f"({reason}); install postgresql-contrib and run CREATE EXTENSION {name} "
                "as a superuser"
            ) from None
