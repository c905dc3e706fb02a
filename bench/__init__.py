"""Plenary's benchmark harness: `python -m bench` (or `make bench`).

It prepares its own database, starts the server as a user would (`plenary serve`), drives load
from this separate process over loopback, and reports every scenario as a ratio against a
baseline measured in the same run. See docs/benchmarks.md.
"""
