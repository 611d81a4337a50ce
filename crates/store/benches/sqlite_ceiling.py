#!/usr/bin/env python3
"""What SQLite itself sustains for the fills table, without the store's Rust code.

Inserts 300k Kalshi-shaped fills (random v4 UUID ids, in time order) into the schema of
migrations/0001_initial.sql with the store's pragmas (WAL, synchronous=NORMAL, 64 MiB
cache), one transaction per batch, through Python's sqlite3 (the C library does the work;
Python adds a few microseconds per row, so the figures are a lower bound on SQLite's rate).
Each variant removes part of the schema, to show what each index costs.

Run: python3 crates/store/benches/sqlite_ceiling.py  (DB=/dev/shm/x.db for tmpfs)
BENCHMARKS.md quotes its output.

`--shipped ROWS` runs only the shipped schema over 2,000 markets, ROWS fills per batch size,
and prints one JSON object: every batch's seconds by batch size. `cargo xtask bench`'s
harness (crates/bench) runs it that way beside the store's own upserts of the same shape.
"""
import json
import sys
import os
import random
import sqlite3
import time
import uuid
from pathlib import Path

SCHEMA = (Path(__file__).resolve().parents[3] / "migrations" / "0001_initial.sql").read_text()
ROWS_PER_BATCH_SIZE = 100_000
COLUMNS = ("scope_id,fill_id,trade_id,order_id,ticker,side,action,outcome_side,book_side,count,"
           "yes_price,no_price,is_taker,created_ms,fee_cost,subaccount_number,exchange_index,ts")
UNIQUE = "    UNIQUE (scope_id, fill_id)\n);"
BY_TICKER = "CREATE INDEX fills_by_ticker ON fills (scope_id, ticker, created_ms, id);"

SHIPPED_ONLY = len(sys.argv) == 3 and sys.argv[1] == "--shipped"
if SHIPPED_ONLY:
    ROWS_PER_BATCH_SIZE = int(sys.argv[2])

random.seed(1)
IDS = [str(uuid.UUID(int=random.getrandbits(128), version=4)) for _ in range(3 * ROWS_PER_BATCH_SIZE)]


def ticker(m):
    return "KXS%02d-26E%02d-T%d" % (m // 100, (m % 100) // 10, m % 10)


def fill(n, markets):
    fid = IDS[n]
    return (1, fid, fid, IDS[-1 - n], ticker(random.randrange(markets)), None, None, "yes", "bid",
            100, 5000, 5000, 1, 1767225600000 + n * 100, 7000, 0, 0, None)


def run(label, schema, markets, on_conflict=True):
    path = os.environ.get("DB", "/tmp/sqlite_ceiling.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=NORMAL", "cache_size=-65536",
                   "foreign_keys=on", "wal_autocheckpoint=10000"):
        db.execute("pragma " + pragma)
    db.executescript(schema)
    db.execute("insert into scopes values (1, 'simulator', 'k')")
    sql = f"insert into fills ({COLUMNS}) values ({','.join('?' * 18)})"
    if on_conflict:
        sql += " on conflict (scope_id, fill_id) do nothing"
    n, out, times = 0, [], {}
    for batch in (100, 1_000, 10_000):
        batches = [[fill(n + i * batch + j, markets) for j in range(batch)]
                   for i in range(ROWS_PER_BATCH_SIZE // batch)]
        n += ROWS_PER_BATCH_SIZE
        start = time.perf_counter()
        times[batch] = []
        for rows in batches:
            t0 = time.perf_counter()
            db.execute("begin")
            db.executemany(sql, rows)
            db.execute("commit")
            times[batch].append(time.perf_counter() - t0)
        out.append(f"{batch}: {ROWS_PER_BATCH_SIZE / (time.perf_counter() - start) / 1000:5.1f}k")
    db.close()
    if SHIPPED_ONLY:
        print(json.dumps({str(k): v for k, v in times.items()}), flush=True)
    else:
        print(f"{label:58s}", "  ".join(out), flush=True)


if SHIPPED_ONLY:
    run("schema 1 as shipped, 2000 markets", SCHEMA, 2000)
    sys.exit(0)

for markets in (2000, 20):
    run(f"schema 1 as shipped, {markets} markets", SCHEMA, markets)
    run(f"  without fills_by_ticker, {markets} markets", SCHEMA.replace(BY_TICKER, ""), markets)
    run(f"  without the unique fill id (no dedupe!), {markets} markets",
        SCHEMA.replace(UNIQUE, "    x INTEGER\n);"), markets, on_conflict=False)
no_index = SCHEMA.replace(UNIQUE, "    x INTEGER\n);").replace(BY_TICKER, "").replace(
    "CREATE INDEX fills_by_time ON fills (scope_id, created_ms, id, ticker, book_side, outcome_side);", "")
run("  the table alone, no index at all", no_index, 2000, on_conflict=False)
