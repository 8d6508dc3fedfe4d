#!/usr/bin/python3
"""Order lines to the customer table from SQLite and PostgreSQL vs from CSV vs pandas, in one run:

    /usr/bin/python3 bench/db_bench.py --crmkit build/release/tools/cli/crmkit \\
        [--lines FILE.csv] [--generate N] [--work DIR] [--pgbin /usr/lib/postgresql/15/bin]

Input: an order-line CSV in the UCI shape (InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,
CustomerID), by default /tmp/crmkit_score_10000000_1000000.csv, the file bench/score_bench.cpp
writes (10M lines, 1M customers). With --generate N (and no existing --lines file) a file of N
lines in that shape is written first (numpy; about N/10 customers, 2.5 lines per order, 2% of
orders cancelled 'C...', 1% of lines without a customer). Never commit it.

It starts a scratch PostgreSQL cluster on a unix socket in --work (as 'nobody' when run as
root; fsync off), loads the file into an UNLOGGED table with typed columns (text, integer,
timestamptz, numeric(10,2)) by COPY, then times in one run, each in a fresh process:

  crmkit score FILE.csv                       the CSV reader
  crmkit score --db sqlite:FILE.db ...        the embedded database (loaded by Python's sqlite3)
  crmkit score --db ... (binary COPY)         the default PostgreSQL path
  crmkit score --db ... --pg-copy text        text COPY through the CSV reader
  bench/score_peer.py FILE.csv                pandas.read_csv + the Python stack
  bench/score_peer.py sqlite:FILE.db SQL      pandas.read_sql (sqlite3) + the same stack
  bench/score_peer.py postgresql://... SQL    pandas.read_sql (psycopg2) + the same stack
  psql COPY (SQL) TO STDOUT binary / csv      the server's share alone (to /dev/null)

and prints wall and CPU seconds (user + system of the process), peak RSS, and the ratios of
CPU time to crmkit's CSV run. crmkit's four tables are compared byte for byte. The Python peer
does less than crmkit (see score_peer.py: no named segments, P(no purchase) or lifecycle),
so its time is a lower bound. The cluster is stopped and removed at the end.
"""
from __future__ import annotations

import argparse
import os
import pwd
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = ["--customer-column", "CustomerID", "--time-column", "InvoiceDate", "--order-column", "InvoiceNo",
         "--quantity-column", "Quantity", "--unit-price-column", "UnitPrice", "--exclude-order-prefix", "C",
         "--drop-nonpositive-quantity", "--drop-nonpositive-unit-price", "--drop-empty-customer",
         "--as-of", "2011-12-10", "-q"]
QUERY = 'select "InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID" from lines'


def generate(path: Path, n: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(42)
    n_orders = max(1, int(n / 2.5))
    n_customers = max(1, n // 10)
    order_of_line = np.sort(rng.integers(0, n_orders, n))
    customer_of_order = (n_customers * rng.random(n_orders) ** 2).astype(np.int64) + 12000
    start = np.datetime64("2009-12-01T00:00:00")
    seconds = np.sort(rng.integers(0, 2 * 365 * 86400, n_orders))
    invoice = np.char.add(np.where(rng.random(n_orders) < 0.02, "C", ""), (536365 + np.arange(n_orders)).astype(str))
    customer = customer_of_order[order_of_line].astype(str).astype(object)
    customer[rng.random(n) < 0.01] = ""
    quantity = rng.integers(1, 25, n) * np.where(rng.random(n) < 0.01, -1, 1)
    frame = pd.DataFrame({
        "InvoiceNo": invoice[order_of_line],
        "StockCode": rng.integers(10000, 99999, n),
        "Quantity": quantity,
        "InvoiceDate": np.char.add(np.datetime_as_string(start + seconds[order_of_line].astype("timedelta64[s]")), "Z"),
        "UnitPrice": np.round(rng.integers(0, 5000, n) / 100, 2),
        "CustomerID": customer,
    })
    frame.to_csv(path, index=False, float_format="%.2f")


def server_cpu(data: Path) -> float:
    """CPU seconds of the postmaster and its reaped children (the backends of finished
    connections), from /proc: the server's share of a run is the difference."""
    pid = (data / "postmaster.pid").read_text().split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def run(label: str, argv: list[str], data: Path, capture: bool = False) -> dict:
    server_before = server_cpu(data)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Drain stdout while waiting (a full pipe would stall the child); stderr is small.
    output = proc.stdout.read().decode(errors="replace") if capture else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    time.sleep(0.2)  # let the postmaster reap the backend
    server = server_cpu(data) - server_before
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"{label}: exit {proc.returncode}\n{err[-3000:]}")
    print(f"  {label}: {wall:.1f} s", flush=True)
    return {"label": label, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "server": server,
            "rss_mb": usage.ru_maxrss / 1024, "stdout": output}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crmkit", required=True)
    parser.add_argument("--lines", default="/tmp/crmkit_score_10000000_1000000.csv")
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--work", default="/tmp/crmkit_db_bench")
    parser.add_argument("--pgbin", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--skip-pandas-sql", action="store_true", help="leave out read_sql (the slowest run)")
    args = parser.parse_args()

    crmkit = str(Path(args.crmkit).resolve())
    lines = Path(args.lines).resolve()
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if not lines.exists():
        if not args.generate:
            sys.exit(f"{lines} does not exist: give --generate N, or write it with bench/score_bench")
        print(f"generating {args.generate} lines into {lines}", flush=True)
        generate(lines, args.generate)
    size_mb = lines.stat().st_size / 1e6
    n_lines = sum(1 for _ in open(lines, "rb")) - 1

    # The scratch cluster.
    data, sock = work / "data", work / "sock"
    sock.mkdir()
    as_pg: list[str] = []
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for d in (work, sock):
            os.chown(d, nobody.pw_uid, nobody.pw_gid)
        as_pg = ["runuser", "-u", "nobody", "--"]
        d = work
        while d != d.parent:
            os.chmod(d, os.stat(d).st_mode | 0o001)
            d = d.parent
    pg = lambda tool: [*as_pg, f"{args.pgbin}/{tool}"]  # noqa: E731
    subprocess.run([*pg("initdb"), "-D", str(data), "-A", "trust", "-U", "crmkit", "--no-sync"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([*pg("pg_ctl"), "-D", str(data), "-l", str(work / "server.log"), "-w", "-o",
                    f"-c listen_addresses='' -k {sock} -c fsync=off -c synchronous_commit=off "
                    f"-c max_wal_size=8GB -c shared_buffers=256MB", "start"], check=True, stdout=subprocess.DEVNULL)
    url = f"postgresql://crmkit@/postgres?host={sock}"
    psql = [f"{args.pgbin}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]
    try:
        subprocess.run([*psql, "-c", 'create unlogged table lines ("InvoiceNo" text, "StockCode" text, '
                        '"Quantity" integer, "InvoiceDate" timestamptz, "UnitPrice" numeric(10,2), "CustomerID" text)'],
                       check=True)
        t = time.perf_counter()
        subprocess.run([*psql, "-c", f"\\copy lines from '{lines}' with (format csv, header true)"], check=True)
        subprocess.run([*psql, "-c", "vacuum analyze lines"], check=True)
        load_s = time.perf_counter() - t
        table_mb = float(subprocess.run([*psql, "-At", "-c", "select pg_total_relation_size('lines') / 1e6"],
                                        check=True, capture_output=True, text=True).stdout)
        # The same lines in SQLite (typed columns; times as ISO text, SQLite's own convention).
        import csv
        import sqlite3

        sqlite_path = work / "lines.db"
        t = time.perf_counter()
        with sqlite3.connect(sqlite_path) as conn, open(lines, newline="") as f:
            conn.execute('create table lines ("InvoiceNo" text, "StockCode" text, "Quantity" integer, '
                         '"InvoiceDate" text, "UnitPrice" real, "CustomerID" text)')
            rows = csv.reader(f)
            header = next(rows)
            order = [header.index(c) for c in ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice",
                                               "CustomerID")]
            conn.executemany("insert into lines values (?, ?, ?, ?, ?, ?)",
                             ((r[order[0]], r[order[1]], int(r[order[2]]), r[order[3]], float(r[order[4]]),
                               r[order[5]] or None) for r in rows))
        sqlite_load_s = time.perf_counter() - t
        sqlite_url = f"sqlite:{sqlite_path}"
        with open("/proc/loadavg") as f:
            load_before = f.read().split()[:3]

        runs = []
        out = {k: work / f"{k}.csv" for k in ("csv", "sqlite", "binary", "text")}
        print("timing:", flush=True)
        runs.append(run("crmkit score, CSV file", [crmkit, "score", str(lines), *FLAGS, "--out", str(out["csv"])], data))
        runs.append(run("crmkit score, SQLite",
                        [crmkit, "score", "--db", sqlite_url, "--query", QUERY, *FLAGS, "--out", str(out["sqlite"])],
                        data))
        runs.append(run("crmkit score, PostgreSQL binary COPY",
                        [crmkit, "score", "--db", url, "--query", QUERY, *FLAGS, "--out", str(out["binary"])], data))
        runs.append(run("crmkit score, PostgreSQL text COPY",
                        [crmkit, "score", "--db", url, "--query", QUERY, *FLAGS, "--pg-copy", "text",
                         "--out", str(out["text"])], data))
        runs.append(run("psql: COPY (query) TO STDOUT binary, to /dev/null",
                        [*psql, "-c", f"copy ({QUERY}) to stdout (format binary)"], data))
        runs.append(run("psql: COPY (query) TO STDOUT csv, to /dev/null",
                        [*psql, "-c", f"copy ({QUERY}) to stdout (format csv)"], data))
        runs.append(run("pandas read_csv + Python stack",
                        ["/usr/bin/python3", str(HERE / "score_peer.py"), str(lines)], data, capture=True))
        runs.append(run("pandas read_sql (SQLite) + Python stack",
                        ["/usr/bin/python3", str(HERE / "score_peer.py"), sqlite_url, QUERY], data, capture=True))
        if not args.skip_pandas_sql:
            runs.append(run("pandas read_sql + Python stack",
                            ["/usr/bin/python3", str(HERE / "score_peer.py"), url, QUERY], data, capture=True))
        with open("/proc/loadavg") as f:
            load_after = f.read().split()[:3]
    finally:
        subprocess.run([*pg("pg_ctl"), "-D", str(data), "-m", "fast", "stop"], stdout=subprocess.DEVNULL)
    same = (out["csv"].read_bytes() == out["sqlite"].read_bytes() == out["binary"].read_bytes()
            == out["text"].read_bytes())
    shutil.rmtree(work, ignore_errors=True)

    print(f"input: {lines} ({n_lines:,} lines, {size_mb:.1f} MB); PostgreSQL table {table_mb:.0f} MB, "
          f"loaded by COPY + VACUUM ANALYZE in {load_s:.1f} s; SQLite file loaded by Python in {sqlite_load_s:.1f} s")
    print(f"load average before {' '.join(load_before)}, after {' '.join(load_after)}; "
          f"cores {os.cpu_count()}")
    print(f"crmkit's four customer tables (CSV, SQLite, binary COPY, text COPY) byte-identical: {same}")
    base = runs[0]["cpu"] + runs[0]["server"]
    print("\n| path | wall s | client CPU s | server CPU s | total CPU s | total CPU / crmkit CSV | client peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        total = r["cpu"] + r["server"]
        print(f"| {r['label']} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['server']:.1f} | {total:.1f} | "
              f"{total / base:.2f} | {r['rss_mb']:.0f} |")
    for r in runs:
        if r["stdout"]:
            print(f"\n{r['label']}, the peer's own steps:\n{r['stdout'].rstrip()}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
