"""Benchmarks and their data generators (run on demand: `uv run python -m bench`)."""
