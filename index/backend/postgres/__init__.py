"""The shared-archive backend: passages in PostgreSQL full-text search (tsvector + GIN).

`--database postgresql://…` (or SUMMIT_DATABASE_URL) puts the engine on it; several
folders live in one database as collections, each loaded with `summit index`.
Matching uses the project's own analysis (index.text.words: folded, stemmed tokens
written as tsvector lexemes), so a query matches the passages it matches in the whoosh
backend; ranking is PostgreSQL's, weighted by the corpus's idf.
"""
