"""Benchmarks: acknowledgement latency, reminder planning, delivery, rendering, footprint.

Run them all with ``python -m benchmarks``; ``--help`` lists the sizes and options.
"""
