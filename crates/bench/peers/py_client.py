#!/usr/bin/env python3
"""Kalshi's official Python SDK (PyPI kalshi-python-sync, pinned by requirements.txt,
unmodified) doing what `desk-bench client` does with our client: warm-up, then sequential
signed GET /portfolio/balance, timing every request and reading this process's CPU time
(resource.getrusage: user + system, every thread) around the loop.

GETs only: its order entry (3.2.0, the only release) is the retired V1 path
(POST /portfolio/orders with integer cents), which Kalshi answers 410 and so does the
simulator.

Started by crates/bench/src/peers.rs. Environment: SIM_REST_URL, KEY_ID, KEY_PEM, WARMUP,
GETS. Prints one JSON line.
"""
import json
import os
import resource
import sys
import time
from importlib.metadata import version

from kalshi_python_sync import Configuration, KalshiClient
from kalshi_python_sync.api.portfolio_api import PortfolioApi


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000.0


def main():
    config = Configuration(host=os.environ["SIM_REST_URL"])
    config.api_key_id = os.environ["KEY_ID"]
    with open(os.environ["KEY_PEM"]) as f:
        config.private_key_pem = f.read()
    portfolio = PortfolioApi(KalshiClient(config))
    for _ in range(int(os.environ["WARMUP"])):
        portfolio.get_balance()
    get_ms = []
    c0 = cpu_ms()
    for _ in range(int(os.environ["GETS"])):
        t0 = time.perf_counter_ns()
        portfolio.get_balance()
        get_ms.append((time.perf_counter_ns() - t0) / 1e6)
    get_cpu = cpu_ms() - c0
    print(json.dumps({
        "client": "python",
        "version": "kalshi-python-sync %s on CPython %s" % (
            version("kalshi-python-sync"), sys.version.split()[0]),
        "get_ms": get_ms,
        "get_cpu_ms": get_cpu,
        "order_ms": None,
        "order_cpu_ms": None,
    }))


if __name__ == "__main__":
    main()
