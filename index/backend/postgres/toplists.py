"""Ranking lists of a collection's commonest words, kept by the loader.

A common word (in thousands of passages) cannot be ranked by scoring every match within
a search's time: ts_rank costs a few microseconds a match, and at 50,000 articles a
common word matches hundreds of thousands of passages. For each such word (lexeme) the
collection keeps a list: every passage whose score for that word alone is above the
word's floor (summit_top_passages), and the floor itself (summit_top_terms). The one
rule the lists keep, whatever the loads since they were made:

    a passage holding the word but not in its list scores at most the floor.

So a search can rank the lists' passages and know, from the floors, when nothing left
out could come higher (ranking.py). The score is exactly the ranking's own
(`ts_rank(RANK_WEIGHTS, tsv, 'word', 1)`), so a listed score is the score a search sees.

How the rule holds:
- `refresh` (a new or rebuilt collection, a load that rewrote much of it): floors drawn
  from a sample of the passages (about LIST_SIZE passages above each), then every
  passage above its word's floor listed, in one pass.
- `maintain` (an incremental load): the passages it wrote are listed under each listed
  word they score above the floor for; the rows of deleted articles go with them
  (foreign key, ON DELETE CASCADE). A floor never moves between refreshes.
All of it inside the load's transaction: readers see the lists and the passages change
together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

TITLE_WEIGHT = 0.6
"""A title word's weight against a body word's 1.0 (whoosh: title boost 2 x lift 0.3)."""
RANK_WEIGHTS = f"'{{1.0, 0, 0, {TITLE_WEIGHT}}}'"
"""ts_rank's weights {D, C, B, A}: body words (D) 1.0, title words (A) TITLE_WEIGHT."""
LIST_FROM = 4_000
"""A word in at least this many passages gets a list (fewer are ranked whole, fast)."""
LIST_SIZE = 400
"""About this many passages above each floor: enough for a page after filters."""
SAMPLE_PASSAGES = 5_000
"""Passages sampled to place the floors (the sample's cost does not grow with the
collection; a floor off the mark only makes its list longer or shorter, never wrong)."""
REFRESH_SHARE = 0.2
"""A load that writes more than this share of the collection's passages refreshes the
lists (cheaper than maintaining them passage by passage)."""


def word_score(tsv: str, query: str) -> str:
    """SQL for one word's score in a passage: the ranking's own."""
    return f"ts_rank({RANK_WEIGHTS}, {tsv}, {query}, 1)"


def passages_of(conn: psycopg.Connection, collection: int) -> int:
    row = conn.execute(
        "SELECT coalesce(sum(paragraphs), 0) FROM summit_articles WHERE collection = %s",
        (collection,),
    ).fetchone()
    return int(row[0]) if row else 0


def has_lists(conn: psycopg.Connection, collection: int) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM summit_top_terms WHERE collection = %s)", (collection,)
    ).fetchone()
    return bool(row and row[0])


def update(conn: psycopg.Connection, collection: int, written: list[str], *, rebuilt: bool) -> None:
    """Keep the lists' rule after a load that wrote the articles `written` (see module)."""
    total = passages_of(conn, collection)
    if total < LIST_FROM:  # no word can be that common: nothing to list
        conn.execute("DELETE FROM summit_top_terms WHERE collection = %s", (collection,))
        return
    if rebuilt or not has_lists(conn, collection):
        refresh(conn, collection, total)
        return
    if not written:
        return
    new = conn.execute(
        "SELECT coalesce(sum(paragraphs), 0) FROM summit_articles "
        "WHERE collection = %s AND id = ANY(%s)",
        (collection, written),
    ).fetchone()
    if new and int(new[0]) > REFRESH_SHARE * total:
        refresh(conn, collection, total)
    else:
        maintain(conn, collection, written)


def refresh(conn: psycopg.Connection, collection: int, total: int) -> None:
    """New floors and lists for the collection's common words (see module)."""
    conn.execute("DELETE FROM summit_top_terms WHERE collection = %s", (collection,))
    conn.execute(
        "CREATE TEMP TABLE summit_sample ON COMMIT DROP AS SELECT p.tsv FROM summit_passages p "
        "WHERE p.collection = %s ORDER BY random() LIMIT %s",
        (collection, SAMPLE_PASSAGES),
    )
    row = conn.execute("SELECT count(*) FROM summit_sample").fetchone()
    sampled = int(row[0]) if row else 0
    share = sampled / max(1, total)
    # a word sampled n times is in about n / share passages; its floor is the score of
    # its (LIST_SIZE * share)-th best sampled passage
    rank = max(1, round(LIST_SIZE * share))
    least = max(rank + 1, int(LIST_FROM * share))
    query = "('''' || u.lexeme || '''')::tsquery"  # (index terms: word characters, dots)
    conn.execute(
        "INSERT INTO summit_top_terms (collection, lexeme, query, floor, matches) "
        "SELECT %s, lexeme, query, scores[%s], round(count / %s) FROM ("
        f" SELECT u.lexeme, {query} AS query, count(*) AS count,"
        f" array_agg({word_score('s.tsv', query)} ORDER BY {word_score('s.tsv', query)} DESC)"
        " AS scores FROM summit_sample s, unnest(s.tsv) u"
        " WHERE u.lexeme !~ '[''\\\\]' GROUP BY u.lexeme"
        " HAVING count(*) >= %s) w",
        (collection, rank, share, least),
    )
    conn.execute("DROP TABLE summit_sample")
    conn.execute(
        "INSERT INTO summit_top_passages (collection, lexeme, score, article_id, paragraph) "
        f"SELECT p.collection, t.lexeme, {word_score('p.tsv', 't.query')}, p.article_id,"
        " p.paragraph FROM summit_passages p, unnest(p.tsv) u JOIN summit_top_terms t"
        " ON t.collection = %s AND t.lexeme = u.lexeme"
        f" WHERE p.collection = %s AND {word_score('p.tsv', 't.query')} > t.floor",
        (collection, collection),
    )


def maintain(conn: psycopg.Connection, collection: int, written: list[str]) -> None:
    """List the passages of the articles just written that score above a floor."""
    conn.execute(
        "INSERT INTO summit_top_passages (collection, lexeme, score, article_id, paragraph) "
        f"SELECT p.collection, t.lexeme, {word_score('p.tsv', 't.query')}, p.article_id,"
        " p.paragraph FROM summit_passages p JOIN summit_top_terms t"
        " ON t.collection = p.collection AND p.tsv @@ t.query"
        f" WHERE p.collection = %s AND p.article_id = ANY(%s)"
        f" AND {word_score('p.tsv', 't.query')} > t.floor",
        (collection, written),
    )
