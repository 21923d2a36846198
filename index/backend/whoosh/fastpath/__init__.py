"""Reads whoosh-reloaded 2.7.5's on-disk postings in bulk for a measured 3-4x faster
ranking. Private to the whoosh backend, and the only place that reads whoosh's private
structures for searching (blocks.py: the file layout; postings.py: lists and BM25F;
compiler.py and nodes.py: a query as a tree of scoring nodes; topk.py: the ranking;
mapped_files.py: zero-copy segment reads, installed explicitly by the backend).
switch.py checks it against the installed format on each opened index and turns it off
(one warning, whoosh answers) on a mismatch or with SUMMIT_FASTPATH=0."""
