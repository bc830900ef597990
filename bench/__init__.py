"""Benchmarks. Run them all with ``make bench`` (``.venv/bin/python bench/run.py``)."""
