#!/usr/bin/env python3
"""Tests of the crmkit command line, one ctest case per argument:

    cli_test.py CRMKIT_BINARY SOURCE_DIR WORK_DIR CASE

Each case runs the executable on the bundled CDNOW sample (or small files it writes into
WORK_DIR) and checks outputs and exit codes (0 ok, 2 bad arguments, 3 bad data, 4 I/O).
"""
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

crmkit, source, work, case = sys.argv[1:5]
sample = os.path.join(source, "examples", "data", "cdnow_sample.csv")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

SCORE_COLUMNS = ["customer_id", "orders", "recency_days", "tenure_days", "monetary", "avg_order_value",
                 "first_purchase", "last_purchase", "r_score", "f_score", "m_score", "segment", "cluster",
                 "revenue_rank", "abc", "p_alive", "expected_purchases", "p_no_purchase", "expected_spend", "clv",
                 "lifecycle_stage", "stage_since"]


def run(*args, expect=0, stdin=None):
    p = subprocess.run([crmkit, *args], capture_output=True, text=True, input=stdin)
    if p.returncode != expect:
        sys.exit(f"crmkit {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                 f"stdout: {p.stdout[:2000]}\nstderr: {p.stderr[:2000]}")
    return p


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def sample_rows():
    return read_csv(sample)


def case_score():
    out = os.path.join(work, "scores.csv")
    p = run("score", sample, "--time-column", "date", "--out", out)
    check("--as-of not given" in p.stderr and "1998-06-30" in p.stderr, "the default as-of is announced on stderr")
    rows = read_csv(out)
    check(list(rows[0].keys()) == SCORE_COLUMNS, f"score columns: {list(rows[0].keys())}")
    orders = {}
    revenue = {}
    for r in sample_rows():
        orders[r["customer_id"]] = orders.get(r["customer_id"], 0) + 1
        revenue[r["customer_id"]] = revenue.get(r["customer_id"], 0.0) + float(r["amount"])
    check(len(rows) == len(orders), f"{len(rows)} customers, expected {len(orders)}")
    for r in rows:
        check(int(r["orders"]) == orders[r["customer_id"]], f"orders of {r['customer_id']}")
        check(abs(float(r["monetary"]) - revenue[r["customer_id"]]) < 1e-6, f"monetary of {r['customer_id']}")
        check(0 <= float(r["p_alive"]) <= 1, "p_alive in [0, 1]")
        check(r["abc"] in ("A", "B", "C"), "abc class")
    # --quiet: nothing on stderr; stdout by default.
    p = run("score", sample, "--time-column", "date", "--as-of", "1998-06-30", "--quiet")
    check(p.stderr == "", f"--quiet prints nothing: {p.stderr!r}")
    check(p.stdout.splitlines()[0].split(",") == SCORE_COLUMNS, "CSV on stdout")
    check(len(p.stdout.splitlines()) == len(orders) + 1, "one line per customer")
    # An explicit as-of date is the end of that day: same table as the default here.
    check(open(out).read() == p.stdout, "--as-of 1998-06-30 equals the default as-of")


def case_score_jsonl():
    out = os.path.join(work, "scores.jsonl")
    config = write("score.toml", '[kmeans]\nk = 3\n[btyd]\nmodel = "pareto_nbd"\n')
    run("score", sample, "--time-column", "date", "--as-of", "1998-01-01", "--config", config, "--out", out, "-q")
    lines = [json.loads(line) for line in open(out)]
    check(len(lines) > 2000, "one JSON object per customer")
    check(list(lines[0].keys()) == SCORE_COLUMNS, "JSON keys in column order")
    check(max(r["cluster"] for r in lines if r["cluster"] is not None) == 2, "k = 3 from the config")
    late = [r for r in lines if r["orders"] is None or r["orders"] == 0]
    check(all(r["p_alive"] is None for r in late), "customers without orders before as_of: missing is null")


def case_report():
    out = os.path.join(work, "report")
    p = run("report", sample, "--time-column", "date", "--out", out)
    html_path = os.path.join(out, "report.html")
    check(p.stdout.strip() == os.path.abspath(html_path), f"prints where the report is: {p.stdout!r}")
    html = open(html_path).read()
    check("<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""),
          "self-contained: no script, no remote resource")
    for section in ("overview", "value", "rfm", "clusters", "churn", "lifecycle"):
        check(f'<section id="{section}">' in html, f"section {section}")
    svgs = re.findall(r'<svg[^>]*id="chart-([^"]+)".*?</svg>', html, re.S)
    check(len(svgs) >= 8, f"charts drawn: {svgs}")
    for name in svgs:
        block = re.search(rf'<svg[^>]*id="chart-{name}".*?</svg>', html, re.S).group(0)
        check('class="mark"' in block, f"chart {name} draws marks")
    names = sorted(f[:-5] for f in os.listdir(os.path.join(out, "data")) if f.endswith(".json"))
    for name in names:
        data = json.load(open(os.path.join(out, "data", name + ".json")))
        rows = read_csv(os.path.join(out, "data", name + ".csv"))
        check(data["name"] == name, f"{name}.json names itself")
        first = next(iter(data["columns"].values()), [])
        check(len(rows) == len(first), f"{name}: CSV and JSON have the same rows")
        check(f'href="data/{name}.csv"' in html, f"report links {name}.csv")
    lorenz = json.load(open(os.path.join(out, "data", "lorenz_curve.json")))["columns"]
    check(lorenz["customer_share"][0] == 0 and lorenz["revenue_share"][-1] == 1, "Lorenz curve from (0,0) to (1,1)")
    months = read_csv(os.path.join(out, "data", "revenue_by_month.csv"))
    total = sum(float(r["amount"]) for r in sample_rows())
    check(abs(sum(float(m["revenue"]) for m in months) - total) < 1e-6, "monthly revenue sums to the total")
    check(len(months) == 18, "18 months 1997-01 .. 1998-06")
    # Deterministic: a second run writes the same bytes.
    out2 = os.path.join(work, "report2")
    run("report", sample, "--time-column", "date", "--out", out2, "-q")
    check(open(os.path.join(out2, "report.html")).read() == html, "the report is deterministic")


def case_report_geo():
    # Locations for the sample's customers (deterministic), two territories and two reps.
    ids = sorted({r["customer_id"] for r in sample_rows()})
    lines = ["customer_id,lon,lat"] + [f"{c},{(int(c) % 100) / 10:.1f},{(int(c) // 100 % 100) / 10:.1f}" for c in ids]
    customers = write("customers.csv", "\n".join(lines) + "\n")
    config = write("geo.json", json.dumps({"geo": {
        "territories": [{"name": "West", "shape": "POLYGON((0 0, 5 0, 5 10, 0 10, 0 0))"},
                        {"name": "East", "shape": "POLYGON((5 0, 10 0, 10 10, 5 10, 5 0))"}],
        "reps": [{"id": "R1", "lon": 2.5, "lat": 5}, {"id": "R2", "lon": 7.5, "lat": 5}]}}))
    out = os.path.join(work, "report")
    run("report", sample, "--time-column", "date", "--customers", customers, "--config", config, "--out", out, "-q")
    html = open(os.path.join(out, "report.html")).read()
    check('<section id="geo">' in html and 'id="chart-customer_map"' in html, "geo section with a map")
    terr = read_csv(os.path.join(out, "data", "territories.csv"))
    check({t["territory"] for t in terr} >= {"West", "East"}, f"territories: {terr}")
    check(sum(int(float(t["customers"])) for t in terr) == len(ids), "every located customer counted once")
    scores = os.path.join(work, "scores.csv")
    run("score", sample, "--time-column", "date", "--customers", customers, "--config", config, "--out", scores, "-q")
    rows = read_csv(scores)
    check(list(rows[0].keys())[1:3] == ["longitude", "latitude"], "locations after the id")
    check({r["territory"] for r in rows} <= {"West", "East", ""} and {r["nearest_rep"] for r in rows} == {"R1", "R2"},
          "territory and nearest rep columns")


def case_lifecycle():
    p = run("lifecycle", sample, "--time-column", "date", "--from", "1997-01-01", "--to", "1998-07-01", "--step", "monthly")
    rows = list(csv.DictReader(p.stdout.splitlines()))
    check(len(rows) == 19, f"19 monthly steps, got {len(rows)}")
    check(rows[0]["period"] == "1997-01-01" and rows[-1]["period"] == "1998-07-01", "periods")
    n = len({r["customer_id"] for r in sample_rows()})
    for r in rows:
        check(sum(int(float(v)) for k, v in r.items() if k != "period") == n, "each step counts every customer")
    out = os.path.join(work, "life")
    model = write("model.json", json.dumps({
        "states": ["new", "active", "lapsed"],
        "transitions": [{"from": ["new"], "to": "active", "guard": "orders >= 1"},
                        {"from": ["active"], "to": "lapsed", "guard": "recency_days > 120"},
                        {"from": ["lapsed"], "to": "active", "guard": "recency_days <= 120"}]}))
    run("lifecycle", sample, "--time-column", "date", "--model", model, "--step", "weekly", "--out", out, "-q")
    for name in ("stage_counts.csv", "flow.csv", "customer_stages.csv"):
        check(os.path.exists(os.path.join(out, name)), name)
    stages = read_csv(os.path.join(out, "customer_stages.csv"))
    check(len(stages) == n and {s["stage"] for s in stages} <= {"new", "active", "lapsed"}, "per-customer stage")
    bad = write("bad_model.json", '{"states": ["a"], "transitions": [{"from": ["a"], "to": "zzz"}]}')
    run("lifecycle", sample, "--time-column", "date", "--model", bad, expect=2)
    run("lifecycle", sample, "--time-column", "date", "--step", "hourly", expect=2)


def case_geo():
    customers = write("customers.csv", "id,lon,lat\nc1,1,1\nc2,6,6\nc3,20,20\n")
    north = write("west.wkt", "POLYGON((0 0, 5 0, 5 10, 0 10, 0 0))")
    south = write("east.geojson", json.dumps({"type": "Polygon", "coordinates": [[[5, 0], [10, 0], [10, 10], [5, 10], [5, 0]]]}))
    reps = write("reps.csv", "id,lon,lat\nR1,1.5,1.5\nR2,7,7\n")
    p = run("geo", "--customers", customers, "--territories", north, south, "--reps", reps)
    rows = list(csv.DictReader(p.stdout.splitlines()))
    got = {r["id"]: (r["territory"], r["nearest_rep"]) for r in rows}
    check(got == {"c1": ("west", "R1"), "c2": ("east", "R2"), "c3": ("", "R2")}, f"geo assignment: {got}")
    check(float(rows[0]["rep_distance_m"]) > 70000, "distance in metres")
    broken = write("broken.wkt", "POLYGON((0 0, 5 0, 5 10))")
    run("geo", "--customers", customers, "--territories", broken, expect=3)
    run("geo", "--customers", customers, expect=2)


def case_inspect():
    p = run("inspect", sample, "--time-column", "date")
    check("6919 read, 6919 loaded, 0 would be rejected" in p.stdout, p.stdout)
    check(re.search(r"date\s+time\s+date\s+1997-01-01 \.\. 1998-06-30", p.stdout), "date column range")
    bad = write("bad.csv", "customer_id,date,amount\nA,1997-01-01,10\nB,19x7-01-01,5\nC,1997-02-01,abc\n")
    p = run("inspect", bad, "--time-column", "date")
    check("3 read, 1 loaded, 2 would be rejected" in p.stdout, p.stdout)
    check("bad.csv:3: column 'date'" in p.stdout and "bad.csv:4: column 'amount'" in p.stdout, p.stdout)


def case_help():
    for sub in ("score", "report", "lifecycle", "geo", "inspect"):
        p = run(sub, "--help")
        check("Example:" in p.stdout and "Exit codes" in p.stdout, f"{sub} --help teaches with an example")
    p = run("--help")
    check("Exit codes" in p.stdout, "main help lists exit codes")
    run("--version")


def case_exit_codes():
    run(expect=2)                                                      # no subcommand
    run("score", "--bogus", expect=2)                                  # unknown flag
    run("score", sample, "--time-column", "date", "--as-of", "June", expect=2)
    run("score", sample, "--time-column", "date", "--time-format", "roman", expect=2)
    bad_config = write("bad.toml", "[kmeans]\nk = -3\n")
    run("score", sample, "--time-column", "date", "--config", bad_config, expect=2)
    run("score", sample, expect=3)                                     # no 'timestamp' column
    bad = write("bad.csv", "customer_id,date,amount\nA,1997-01-01,10\nB,1997-01-02,x\n")
    run("score", bad, "--time-column", "date", "--strict", expect=3)
    p = run("score", bad, "--time-column", "date")                     # skipped with a note
    check("skipped 1 of 2 rows" in p.stderr, p.stderr)
    run("score", os.path.join(work, "missing.csv"), "--time-column", "date", expect=4)
    run("score", sample, "--time-column", "date", "--out", os.path.join(work, "no", "such", "dir.csv"), expect=4)
    run("report", sample, "--time-column", "date", expect=2)           # --out required
    run("score", "--db", "mysql://x", "--query", "select 1", expect=2)
    run("score", "--db", f"sqlite:{work}/absent.db", "--query", "select 1", expect=4)


def case_sqlite():
    db = os.path.join(work, "shop.db")
    con = sqlite3.connect(db)
    con.execute("create table orders (customer_id text, date text, cds integer, amount real)")
    con.executemany("insert into orders values (?, ?, ?, ?)",
                    [(r["customer_id"], r["date"], int(r["cds"]), float(r["amount"])) for r in sample_rows()])
    con.commit()
    con.close()
    url = f"sqlite:{db}"
    query = "select customer_id, date, amount from orders"
    csv_out = os.path.join(work, "from_csv.csv")
    run("score", sample, "--time-column", "date", "--as-of", "1998-06-30", "--out", csv_out, "-q")
    run("score", "--db", url, "--query", query, "--time-column", "date", "--as-of", "1998-06-30", "--to-db",
        "customer_scores", "-q")
    con = sqlite3.connect(db)
    cur = con.execute("select * from customer_scores order by customer_id")
    names = [d[0] for d in cur.description]
    check(names == SCORE_COLUMNS, f"table columns {names}")
    db_rows = cur.fetchall()
    file_rows = read_csv(csv_out)
    check(len(db_rows) == len(file_rows), "same customers as from the CSV file")
    for a, b in zip(db_rows, sorted(file_rows, key=lambda r: r["customer_id"])):
        check(a[0] == b["customer_id"] and a[1] == int(b["orders"]) and abs(a[4] - float(b["monetary"])) < 1e-9,
              f"row {a[0]}")
    types = {row[1]: row[2] for row in con.execute("pragma table_info(customer_scores)")}
    check(types["orders"] == "INTEGER" and types["p_alive"] == "REAL" and types["segment"] == "TEXT", f"types {types}")
    con.close()
    # A failed rerun (the query fails) leaves the table as it was.
    run("score", "--db", url, "--query", "select nope from orders", "--time-column", "date", "--to-db",
        "customer_scores", expect=4)
    # A rerun at another date replaces it atomically, with no temporary table left.
    run("score", "--db", url, "--query", query, "--time-column", "date", "--as-of", "1997-12-31", "--to-db",
        "customer_scores", "-q")
    con = sqlite3.connect(db)
    tables = sorted(r[0] for r in con.execute("select name from sqlite_master where type = 'table'"))
    check(tables == ["customer_scores", "orders"], f"tables {tables}")
    check(con.execute("select max(last_purchase) from customer_scores").fetchone()[0] <= "1997-12-31T23:59:59Z",
          "replaced by the rerun")
    con.close()
    run("score", "--db", url, "--query", query, "--time-column", "date", "--to-db", "bad name;", expect=2)
    run("score", "--db", url, "--query", "select * from no_such_table", "--time-column", "date", expect=4)
    # Wrong column type: amounts that are text.
    con = sqlite3.connect(db)
    con.execute("create table text_orders as select customer_id, date, 'n/a' as amount from orders")
    con.commit()
    con.close()
    run("score", "--db", url, "--query", "select * from text_orders", "--time-column", "date", "--strict", expect=3)
    # report from SQLite
    out = os.path.join(work, "report")
    run("report", "--db", url, "--query", query, "--time-column", "date", "--out", out, "-q")
    check(os.path.exists(os.path.join(out, "report.html")), "report from SQLite")


def case_order_lines():
    lines_csv = os.path.join(source, "examples", "data", "order_lines_sample.csv")
    flags = ["--customer-column", "CustomerID", "--time-column", "InvoiceDate", "--order-column", "InvoiceNo",
             "--quantity-column", "Quantity", "--unit-price-column", "UnitPrice", "--exclude-order-prefix", "C",
             "--drop-nonpositive-quantity", "--drop-nonpositive-unit-price", "--drop-empty-customer"]
    out = os.path.join(work, "scores.csv")
    p = run("score", lines_csv, *flags, "--as-of", "2011-12-31", "--out", out)
    # Independent: kept lines rolled up by invoice, per customer; each filter counted by the
    # first one that applies (empty customer, order prefix, quantity, unit price).
    invoices, revenue, first, last = {}, {}, {}, {}
    dropped = {"empty customer id": 0, "order id prefix 'C'": 0, "quantity <= 0": 0, "unit price <= 0": 0}
    lines = read_csv(lines_csv)
    for r in lines:
        q, u = float(r["Quantity"]), float(r["UnitPrice"])
        if not r["CustomerID"]:
            dropped["empty customer id"] += 1
        elif r["InvoiceNo"].startswith("C"):
            dropped["order id prefix 'C'"] += 1
        elif q <= 0:
            dropped["quantity <= 0"] += 1
        elif u <= 0:
            dropped["unit price <= 0"] += 1
        else:
            cid, t = r["CustomerID"], r["InvoiceDate"].replace(" ", "T") + "Z"
            invoices.setdefault(cid, set()).add(r["InvoiceNo"])
            revenue[cid] = revenue.get(cid, 0.0) + q * u
            first[cid] = min(first.get(cid, t), t)
            last[cid] = max(last.get(cid, t), t)
    check(dropped["order id prefix 'C'"] > 0 and dropped["quantity <= 0"] + dropped["unit price <= 0"] > 0,
          f"the sample exercises the filters: {dropped}")
    total = sum(dropped.values())
    check(f"the line filters dropped {total} of {len(lines)} lines" in p.stderr, f"the drops are announced: {p.stderr!r}")
    for name, n in dropped.items():
        if n:
            check(f"{name}: {n} (line" in p.stderr, f"'{name}: {n}' in {p.stderr!r}")
    rows = {r["customer_id"]: r for r in read_csv(out)}
    check(set(rows) == set(invoices), f"{len(rows)} customers, expected {len(invoices)}")
    for cid, orders in invoices.items():
        check(int(rows[cid]["orders"]) == len(orders), f"{cid}: {rows[cid]['orders']} orders, expected {len(orders)}")
        check(abs(float(rows[cid]["monetary"]) - revenue[cid]) < 1e-6 * max(1.0, revenue[cid]), f"{cid}: monetary")
        check(rows[cid]["first_purchase"] == first[cid] and rows[cid]["last_purchase"] == last[cid],
              f"{cid}: first/last purchase {rows[cid]['first_purchase']} {rows[cid]['last_purchase']}, "
              f"expected {first[cid]} {last[cid]}")
    # The same lines from SQLite (through the same reader) give the same table.
    db = os.path.join(work, "lines.db")
    con = sqlite3.connect(db)
    con.execute('create table lines ("InvoiceNo" text, "StockCode" text, "Quantity" integer, "InvoiceDate" text, '
                '"UnitPrice" real, "CustomerID" text)')
    con.executemany("insert into lines values (?, ?, ?, ?, ?, ?)",
                    [(r["InvoiceNo"], r["StockCode"], int(r["Quantity"]), r["InvoiceDate"], float(r["UnitPrice"]),
                      r["CustomerID"]) for r in lines])
    con.commit()
    con.close()
    db_out = os.path.join(work, "scores_db.csv")
    run("score", "--db", f"sqlite:{db}", "--query", "select * from lines", *flags, "--as-of", "2011-12-31",
        "--out", db_out, "-q")
    with open(out) as a, open(db_out) as b:
        check(a.read() == b.read(), "SQLite order lines give the same customer table as the CSV file")
    # inspect names the order-line roles and what the filters drop.
    p = run("inspect", lines_csv, *flags)
    check(re.search(r"InvoiceNo\s+order id", p.stdout) and re.search(r"Quantity\s+quantity", p.stdout) and
          re.search(r"UnitPrice\s+unit price", p.stdout), p.stdout)
    check(f"purchases (order lines rolled up by order id): {sum(len(v) for v in invoices.values())}" in p.stdout, p.stdout)
    check(f"dropped by the line filters: {total} (" in p.stdout, p.stdout)
    check("missing column" not in p.stdout, "no amount column is needed with quantity and unit price: " + p.stdout)
    # lifecycle reads order lines the same way: every kept customer has a stage.
    life = os.path.join(work, "life")
    run("lifecycle", lines_csv, *flags, "--to", "2011-12-09", "--out", life, "-q")
    check({r["customer_id"] for r in read_csv(os.path.join(life, "customer_stages.csv"))} == set(invoices),
          "lifecycle: one stage per kept customer")
    # The filters need their columns: a bad-arguments exit, not a data error.
    p = run("score", lines_csv, "--customer-column", "CustomerID", "--time-column", "InvoiceDate",
            "--exclude-order-prefix", "C", expect=2)
    check("--order-column" in p.stderr, p.stderr)
    p = run("score", lines_csv, "--quantity-column", "Quantity", expect=2)
    check("--unit-price-column" in p.stderr, p.stderr)
    p = run("score", lines_csv, "--customer-column", "CustomerID", "--time-column", "InvoiceDate",
            "--order-column", "InvoiceNo", "--channel-column", "StockCode", expect=2)
    check("--channel-column" in p.stderr, p.stderr)
    p = run("score", lines_csv, "--customer-column", "CustomerID", "--time-column", "InvoiceDate",
            "--drop-nonpositive-unit-price", expect=2)
    check("--unit-price-column" in p.stderr, p.stderr)
    # The report reads order lines the same way.
    run("report", lines_csv, *flags, "--out", os.path.join(work, "report"), "-q")
    overview = {r["metric"]: float(r["value"]) for r in read_csv(os.path.join(work, "report", "data", "overview.csv"))}
    check(overview["orders"] == sum(len(v) for v in invoices.values()), f"report orders {overview['orders']}")


def case_offers():
    lines_csv = os.path.join(source, "examples", "data", "order_lines_sample.csv")
    flags = ["--customer-column", "CustomerID", "--time-column", "InvoiceDate", "--order-column", "InvoiceNo",
             "--product-column", "StockCode", "--quantity-column", "Quantity", "--unit-price-column", "UnitPrice",
             "--exclude-order-prefix", "C", "--drop-nonpositive-quantity", "--drop-nonpositive-unit-price",
             "--drop-empty-customer", "-q"]
    # Independent: the kept lines' products per customer.
    bought = {}
    for r in read_csv(lines_csv):
        if (r["CustomerID"] and not r["InvoiceNo"].startswith("C") and float(r["Quantity"]) > 0
                and float(r["UnitPrice"]) > 0):
            bought.setdefault(r["CustomerID"], set()).add(r["StockCode"])
    products = set().union(*bought.values())
    for method in ("als", "knn", "rules", "popularity"):
        out = os.path.join(work, f"offers_{method}.csv")
        run("offers", lines_csv, *flags, "--method", method, "--top", "3", "--factors", "4", "--max-iter", "3",
            "--min-support", "0.02", "--out", out)
        rows = read_csv(out)
        check(list(rows[0].keys()) == ["customer_id", "rank", "product_id", "score", "cold_start"], f"{method}: header")
        per = {}
        for r in rows:
            per.setdefault(r["customer_id"], []).append(r)
            check(r["product_id"] in products, f"{method}: unknown product {r['product_id']}")
            check(r["product_id"] not in bought[r["customer_id"]], f"{method}: offers a bought product {r}")
            check(r["score"] not in ("nan", "-nan") and float(r["score"]) == float(r["score"]), f"{method}: NaN score")
        check(set(per) == set(bought), f"{method}: {len(per)} customers with offers, expected {len(bought)}")
        for cid, rs in per.items():
            check([int(r["rank"]) for r in rs] == list(range(1, len(rs) + 1)) and len(rs) <= 3, f"{method}: ranks of {cid}")
    # popularity: everybody's offers are the most popular products they lack
    pop = {}
    for items in bought.values():
        for p in items:
            pop[p] = pop.get(p, 0) + 1
    rows = read_csv(os.path.join(work, "offers_popularity.csv"))
    for r in rows:
        check(abs(float(r["score"]) - pop[r["product_id"]] / len(bought)) < 1e-12, f"popularity share of {r}")
    # rules as CSV with mlxtend's columns; support/confidence by direct counting
    rules_csv = os.path.join(work, "rules.csv")
    run("offers", lines_csv, *flags, "--min-support", "0.002", "--min-confidence", "0.05", "--rules-out", rules_csv)
    rules = read_csv(rules_csv)
    check(len(rules) > 0, "some rules at support 0.002")
    baskets = {}
    for r in read_csv(lines_csv):
        if (r["CustomerID"] and not r["InvoiceNo"].startswith("C") and float(r["Quantity"]) > 0
                and float(r["UnitPrice"]) > 0):
            baskets.setdefault(r["InvoiceNo"], set()).add(r["StockCode"])
    n = len(baskets)
    for rule in rules[:20]:
        a, c = set(rule["antecedents"].split(" ")), set(rule["consequents"].split(" "))
        both = sum((a | c) <= b for b in baskets.values()) / n
        ante = sum(a <= b for b in baskets.values()) / n
        check(abs(float(rule["support"]) - both) < 1e-12 and abs(float(rule["confidence"]) - both / ante) < 1e-12,
              f"rule {rule}")
        check(float(rule["confidence"]) >= 0.05, "min confidence")
    # bad input: exit 2 with a clear message
    p = run("offers", lines_csv, "--customer-column", "CustomerID", "--time-column", "InvoiceDate",
            "--quantity-column", "Quantity", "--unit-price-column", "UnitPrice", expect=2)
    check("--order-column" in p.stderr and "--product-column" in p.stderr, p.stderr)
    p = run("offers", lines_csv, *flags, "--min-support", "1.5", expect=2)
    check("(0, 1]" in p.stderr, p.stderr)
    p = run("offers", lines_csv, *flags, "--method", "magic", expect=2)
    check("magic" in p.stderr, p.stderr)

def case_plan():
    data = os.path.join(source, "examples", "data", "field_sales")
    files = ["--customers", os.path.join(data, "customers.csv"), "--reps", os.path.join(data, "reps.csv")]
    customers = read_csv(os.path.join(data, "customers.csv"))
    # due list on 2026-03-02 08:00 UTC: A every 14 days, B 30, C 60 (never visited: due)
    p = run("plan", "due", *files, "--as-of", "2026-03-02T08:00:00")
    rows = list(csv.DictReader(p.stdout.splitlines()))
    as_of = 1772438400
    expected = {c["id"] for c in customers
                if c["last_visit"] == "" or int(c["last_visit"]) + {"A": 14, "B": 30, "C": 60}[c["abc"]] * 86400 <= as_of}
    check({r["customer_id"] for r in rows} == expected, f"due customers: {len(rows)} rows, expected {len(expected)}")
    by_rep = {}
    for r in rows:
        by_rep.setdefault(r["rep"], []).append(int(r["rank"]))
    check(all(v == list(range(1, len(v) + 1)) for v in by_rep.values()), "ranks 1..n per rep, in order")
    check(run("plan", "due", *files, "--as-of", str(as_of)).stdout == p.stdout, "--as-of in Unix seconds")
    # routes: each rep's 10 most urgent, every visit routed within its opening hours
    rows = list(csv.DictReader(run("plan", "routes", *files, "--as-of", str(as_of)).stdout.splitlines()))
    check(len(rows) == 30 and all(r["status"] == "routed" for r in rows), f"30 routed visits: {len(rows)}")
    hours = {c["id"]: (float(c["ready"]), float(c["due"])) for c in customers}
    check(all(hours[r["customer_id"]][0] <= float(r["start_s"]) <= hours[r["customer_id"]][1] for r in rows),
          "visits start within opening hours")
    # balancing report and the new assignment
    assignment = os.path.join(work, "assignment.csv")
    rows = list(csv.DictReader(run("plan", "balance", *files, "--assignment", assignment).stdout.splitlines()))
    check([r["rep"] for r in rows] == ["ana", "ben", "eva"], "one row per rep")
    check(sum(int(r["customers_after"]) for r in rows) == len(customers), "every customer assigned")
    check(all(abs(float(r["workload_deviation_after"])) <= 0.1 and abs(float(r["value_deviation_after"])) <= 0.1
              for r in rows), "within 10 %")
    new = read_csv(assignment)
    moved = sum(r["moved"] == "1" for r in new)
    check(moved == sum(int(r["moved_out"]) for r in rows) and moved > 0, f"moved {moved}")
    rows = list(csv.DictReader(run("plan", "balance", *files, "--max-moves", "0").stdout.splitlines()))
    check(all(r["customers_before"] == r["customers_after"] for r in rows), "--max-moves 0 keeps today's territories")
    # hot spots on geohash-6 cells
    rows = list(csv.DictReader(run("plan", "hot-spots", *files).stdout.splitlines()))
    hot = [r for r in rows if r["spot"] == "hot"]
    check(len(hot) > 0 and all(float(r["z"]) > 1.959 for r in hot), "hot cells have z > 1.96")
    check(sum(int(r["count"]) for r in rows) == len(customers), "every customer in a listed cell")
    check(all(len(r["cell"]) == 6 for r in rows), "geohash-6 names")
    # bad input: unknown action (2), a customer without location (3)
    run("plan", "bogus", *files, expect=2)
    bad = write("bad.csv", "id,lon,lat,clv\nX1,4.8,45.7,10\nX2,,,5\n")
    p = run("plan", "hot-spots", "--customers", bad, "--reps", os.path.join(data, "reps.csv"), expect=3)
    check("customer 'X2' has no location" in p.stderr, p.stderr)
    reps = write("reps.csv", "rep,home_lon,home_lat\nana,4.8,45.7\nben,,\n")
    p = run("plan", "balance", "--customers", bad, "--reps", reps, expect=3)
    check("rep 'ben' has no home" in p.stderr, p.stderr)


cases = {name[5:]: f for name, f in globals().items() if name.startswith("case_")}
if case not in cases:
    sys.exit(f"unknown case {case}; known: {', '.join(cases)}")
cases[case]()
print(f"cli {case}: ok")
