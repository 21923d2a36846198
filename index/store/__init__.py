"""What every backend keeps of a corpus, whoosh or not: where the index lives (paths),
the sync plan (plan), one updater at a time (locking), files parsed into records and
rows (parsing) on both cores (parallel, processes), the manifest file (manifest), the
sidecar and its pending rows (sidecar, extras), places over the corpus (places),
reading through the records (records) and integrity checks (integrity)."""
