"""Benchmarks (see bench/README.md): `python -m bench.run`."""
