"""Dates in the articles to a timeline: each article's own date (anchors), the events its
sentences mention, and the cache that keeps the result between runs."""
