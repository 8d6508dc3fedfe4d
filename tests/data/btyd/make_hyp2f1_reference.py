#!/usr/bin/python3
"""Writes hyp2f1_reference.csv: ln 2F1(1, b; c; z) computed by mpmath at 50 digits on a grid
that covers z near 1 (w = 1 - z down to 1e-12), large b and c (hundreds to thousands of
purchases) and every sign of c - b - 1, including the integer cases where the z -> 1-z
continuation degenerates. Read by tests/churn/hyp2f1_test.cpp.

    /usr/bin/python3 tests/data/btyd/make_hyp2f1_reference.py > tests/data/btyd/hyp2f1_reference.csv
"""
import mpmath as mp

mp.mp.dps = 50
print("b,c,w,log_f")
for b in (0.3, 1.606, 30.553, 500.553, 5000.553):
    for m in (-0.7, -0.1, 0.0, 0.606, 1.0, 2.0, 3.5):
        c = b + 1 + m
        if c <= 1:
            continue
        for w in (1.0, 0.9, 0.5, 0.1, 0.02, 1 / 64, 0.015, 0.01, 1e-3, 1e-5, 1e-8, 1e-12):
            z = 1 - mp.mpf(w)
            value = mp.log(mp.hyp2f1(1, b, c, z))
            print(f"{b!r},{c!r},{w!r},{mp.nstr(value, 20)}")
