#!/usr/bin/env python3
"""Writes examples/data/order_lines_sample.csv: synthetic invoice lines shaped like the UCI
Online Retail data set (InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID),
with cancellations ('C' invoices, negative quantities), invoices without a customer id and
a few zero prices. Deterministic: a fixed seed and Python's own random module only, so the
file is byte-for-byte reproducible on any machine (python3 make_order_lines.py).
"""

import datetime as dt
import pathlib
import random

N_CUSTOMERS = 800
N_INVOICES = 2400
N_PRODUCTS = 300
SEED = 20101201


def main() -> None:
    rng = random.Random(SEED)
    products = [(f"{rng.randint(10000, 99999)}{rng.choice(['', '', 'A', 'B'])}",
                 rng.choice([0.29, 0.42, 0.85, 1.25, 1.65, 2.10, 2.55, 3.75, 4.95, 7.95, 12.75]))
                for _ in range(N_PRODUCTS)]
    customers = [str(12346 + 7 * i) for i in range(N_CUSTOMERS)]
    # A few customers buy often (the 80/20 shape of retail data).
    weights = [1.0 / (1 + i) ** 0.8 for i in range(N_CUSTOMERS)]
    start = dt.datetime(2010, 12, 1, 8, 0)
    rows = []
    invoice_no = 536365
    for k in range(N_INVOICES):
        when = start + dt.timedelta(minutes=int(k * 365 * 24 * 60 / N_INVOICES) + rng.randint(0, 59))
        when = when.replace(hour=8 + when.hour % 11)
        cancelled = rng.random() < 0.06
        customer = "" if rng.random() < 0.05 else rng.choices(customers, weights)[0]
        invoice = ("C" if cancelled else "") + str(invoice_no)
        invoice_no += 1
        for _ in range(rng.randint(1, 12)):
            code, price = rng.choice(products)
            quantity = rng.choice([1, 1, 2, 3, 4, 6, 12, 24])
            if cancelled:
                quantity = -quantity
            if rng.random() < 0.005:
                price = 0.0
            rows.append(f"{invoice},{code},{quantity},{when:%Y-%m-%d %H:%M:%S},{price:.2f},{customer}")
    out = pathlib.Path(__file__).with_name("order_lines_sample.csv")
    out.write_text("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n" + "\n".join(rows) + "\n")
    print(f"{out}: {len(rows)} lines, {N_INVOICES} invoices")


if __name__ == "__main__":
    main()
