#!/usr/bin/python3
"""Writes bg_expectation_reference.csv: the expected number of purchases in (T, T+t] of a
customer alive at T under the BG/NBD (Fader, Hardie & Lee 2005, eq. 10 without P(alive)) and
the modified BG/NBD (Batislam, Denizel & Filiztekin 2007), evaluated as published with
mpmath.hyp2f1 at 50 digits:

    BG/NBD:  (a+b+x-1)/(a-1) [1 - y^(r+x) 2F1(r+x, b+x;   a+b+x-1; z)]
    MBG/NBD: (a+b+x)/(a-1)   [1 - y^(r+x) 2F1(r+x, b+x+1; a+b+x;   z)]

with z = t/(alpha+T+t) and y = 1 - z. With x = 0 and T = 0 this is the unconditional E[Y(t)]
(FHL eq. 9). The grid covers z -> 1 (t up to 1e8 weeks), x from 0 to 5000, a below and above
1 and above r+x+1 (where the series of the published form diverges at z = 1), and the
published CDNOW parameters. Read by tests/churn/bg_expectation_test.cpp.

    /usr/bin/python3 tests/data/btyd/make_bg_expectation_reference.py > tests/data/btyd/bg_expectation_reference.csv
"""
import mpmath as mp

mp.mp.dps = 50

PARAMS = (
    # (r, alpha, a, b)
    (0.243, 4.414, 0.793, 2.426),  # BG/NBD on CDNOW, FHL 2005
    (0.525, 6.183, 0.891, 1.614),  # MBG/NBD on CDNOW (lifetimes' published fit)
    (2.5, 10.0, 3.5, 8.0),         # a > 1
    (0.5, 3.0, 6.0, 1.2),          # a > r + x + 1 for small x
    (1.3, 0.7, 1.0 + 3e-4, 4.0),   # a close to 1 (removable singularity)
)


def expectation(model, r, alpha, a, b, x, T, t):
    r, alpha, a, b, x, T, t = (mp.mpf(v) for v in (r, alpha, a, b, x, T, t))
    z = t / (alpha + T + t)
    y = (alpha + T) / (alpha + T + t)
    if model == 0:
        return (a + b + x - 1) / (a - 1) * (1 - y ** (r + x) * mp.hyp2f1(r + x, b + x, a + b + x - 1, z))
    return (a + b + x) / (a - 1) * (1 - y ** (r + x) * mp.hyp2f1(r + x, b + x + 1, a + b + x, z))


print("model,r,alpha,a,b,x,T,t,value")
for model in (0, 1):
    for r, alpha, a, b in PARAMS:
        for x in (0, 1, 7, 100, 1000, 5000):
            for T in (0.0, 38.86, 1000.0):
                if x > 0 and T == 0.0:
                    continue
                for t in (1e-4, 0.5, 39.0, 1e3, 1e5, 1e8):
                    v = expectation(model, r, alpha, a, b, x, T, t)
                    print(f"{model},{r!r},{alpha!r},{a!r},{b!r},{x!r},{T!r},{t!r},{mp.nstr(v, 20)}")
