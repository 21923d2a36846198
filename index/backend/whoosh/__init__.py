"""The whoosh backend: schema, analyzers, query budget, and the fast path that reads
whoosh-reloaded's posting format directly (fastpath/, pinned to one exact version)."""
