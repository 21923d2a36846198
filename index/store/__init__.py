"""The index as files on disk: where it lives, the manifest, locking, the parallel build,
the sidecar (vocabulary, per-article extras), integrity checks and child processes."""
