"""The connect-numbers benchmark harness (``make bench`` / ``python -m bench``).

Starts the real server and a trivial endpoint on the same ASGI stack as separate
processes, drives both with 32 keep-alive connections (``wrk`` with pre-signed
requests; a raw asyncio client for the claim/release churn), and reports
throughput, latency and each scenario's ratio to the trivial endpoint.
See docs/benchmarks.md.
"""
