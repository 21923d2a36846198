"""The whoosh schema. Bump SCHEMA_VERSION whenever fields or analysis change:
an index with another version is rebuilt from the articles."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from index.backend.whoosh.analyzers import keyword_analyzer, stemming_analyzer

SCHEMA_VERSION = 12
# 11: the analyzers moved to index/backend/whoosh/analyzers.py (whoosh pickles them)
# 12: þ, æ, œ, ß fold to th, ae, oe, ss (index.text.words.ACCENTS)

PASSAGE = "passage"
ARTICLE = "article"


def build_schema() -> Schema:
    """One index, two document kinds: a passage per paragraph and one per article.

    Stored fields carry what a result row shows, so a hit never reopens its file.
    """
    return Schema(
        kind=ID(stored=False),
        article_id=ID(stored=True),
        file=STORED(),
        # only ever looked up exactly: one term, not whoosh's eight range tiers
        paragraph=NUMERIC(stored=True, bits=32, shift_step=0),
        start=STORED(),
        end=STORED(),
        title=TEXT(analyzer=stemming_analyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=stemming_analyzer(), stored=True, phrase=True, vector=False),
        source=TEXT(analyzer=keyword_analyzer(), stored=False, phrase=True),
        source_label=STORED(),
        place=TEXT(analyzer=keyword_analyzer(), stored=True, phrase=True),
    )
