"""Benchmarks: build, check, memory and live-reload speed at the scale of a busy agency.

`python -m benchmarks` (or `make bench`) generates seeded engagements, measures each
command against its floor and prints a table; see docs/performance.md.
"""
