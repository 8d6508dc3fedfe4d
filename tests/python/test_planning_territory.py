"""Territory balancing and hot spots through Python (crmkit.planning): Gi* against an
independent NumPy implementation of Ord & Getis (1995) and the package's wrappers."""
import math

import numpy as np
import pandas as pd
import pytest

import crmkit
import crmkit.planning as planning


def gi_star_numpy(x, w):
    """Ord & Getis (1995) Gi* z-scores with binary weights w (self included), as PySAL
    esda's G_Local(y, w, transform="B", star=True).Zs."""
    x = np.asarray(x, dtype=float)
    n = x.size
    xbar = x.mean()
    s = np.sqrt((x**2).mean() - xbar**2)
    wi = w.sum(axis=1)
    s1 = (w**2).sum(axis=1)
    return (w @ x - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))


def grid_customers(seed=3, n_lon=7, n_lat=6, cell=0.1):
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n_lat):
        for c in range(n_lon):
            k = int(rng.integers(1, 4))
            base = 50.0 if (r >= 3 and c >= 4) else 10.0
            for j in range(k):
                rows.append({"lon": 5.0 + cell * c + cell * (0.2 + 0.6 * rng.random()),
                             "lat": 50.0 + cell * r + cell * (0.2 + 0.6 * rng.random()),
                             "clv": float(np.round(base * rng.lognormal(0.0, 0.4), 2))})
    frame = pd.DataFrame(rows)
    frame.index = [f"K{i:04d}" for i in range(len(frame))]
    return frame


def test_gi_star_queen_matches_numpy():
    t = grid_customers()
    m = planning.hot_spots(t, "clv", cell_deg=0.1, bounds=(5.0, 50.0, 5.69, 50.59))
    assert (m.n_lon, m.n_lat) == (7, 6)
    cells = m.cells
    col = np.floor((t["lon"] - 5.0) / 0.1 + 1e-9).astype(int)
    row = np.floor((t["lat"] - 50.0) / 0.1 + 1e-9).astype(int)
    x = np.zeros(42)
    np.add.at(x, row * 7 + col, t["clv"].to_numpy())
    np.testing.assert_allclose(cells["value"].to_numpy(), x, rtol=1e-12)
    rr, cc = np.divmod(np.arange(42), 7)
    w = ((np.abs(rr[:, None] - rr[None, :]) <= 1) & (np.abs(cc[:, None] - cc[None, :]) <= 1)).astype(float)
    z = gi_star_numpy(x, w)
    np.testing.assert_allclose(cells["z"].to_numpy(), z, rtol=1e-10, atol=1e-12)
    p = np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])
    np.testing.assert_allclose(cells["p"].to_numpy(), p, rtol=1e-10)
    expected = np.where(np.abs(z) > 1.959963984540054, np.where(z > 0, "hot", "cold"), "")
    assert list(cells["spot"]) == list(expected)
    assert m.n_hot == int((expected == "hot").sum()) and m.n_hot > 0


def test_gi_star_distance_band_and_fdr_match_numpy():
    t = grid_customers(seed=5)
    m = planning.hot_spots(t, "clv", cell_deg=0.1, bounds=(5.0, 50.0, 5.69, 50.59), neighbourhood="distance_band",
                           band_km=16.0, fdr=True)
    cells = m.cells
    lon, lat = np.radians(cells["lon"].to_numpy()), np.radians(cells["lat"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    d = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    w = (d <= 16.0).astype(float)
    z = gi_star_numpy(cells["value"].to_numpy(), w)
    np.testing.assert_allclose(cells["z"].to_numpy(), z, rtol=1e-10, atol=1e-12)
    # Benjamini-Hochberg at 0.05
    p = np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])
    order = np.sort(p)
    passing = order <= 0.05 * np.arange(1, p.size + 1) / p.size
    cut = order[passing].max() if passing.any() else -1
    assert list(cells["spot"] != "") == list(p <= cut)


def test_whitespace_with_potential():
    t = pd.DataFrame({"lon": [0.05] * 4 + [0.15] * 4 + [0.35], "lat": 0.05, "clv": 1.0})
    pot = pd.DataFrame({"lon": [0.05, 0.15, 0.25, 0.35], "lat": 0.05, "weight": 10.0})
    m = planning.hot_spots(t, "clv", potential=pot, cell_deg=0.1)
    assert m.overall_penetration == pytest.approx(9 / 40)
    assert list(m.cells["whitespace"]) == [False, False, True, True]
    assert m.cells["gap"].iloc[2] == pytest.approx(2.25)


def test_geohash_cells_are_named_by_geohash():
    t = grid_customers(seed=7)
    m = planning.hot_spots(t, "clv", cells="geohash", precision=4)
    assert m.cells["count"].sum() == len(t)
    assert all(len(name) == 4 for name in m.cells.index)


def test_bad_input_names_the_row():
    t = pd.DataFrame({"lon": [0.1, np.nan], "lat": [0.1, np.nan], "clv": [1.0, 2.0]})
    with pytest.raises(crmkit.InvalidArgumentError, match="customer row 1 has no location"):
        planning.hot_spots(t, "clv")


def generated(seed, n=300):
    rng = np.random.default_rng(seed)
    homes = pd.DataFrame({"home_lon": [2.0, 2.3, 2.6, 2.15, 2.45], "home_lat": [48.7, 48.7, 48.7, 48.95, 48.95]},
                         index=["r0", "r1", "r2", "r3", "r4"])
    cluster = rng.choice(5, size=n, p=[0.35, 0.1, 0.15, 0.25, 0.15])
    lon = homes["home_lon"].to_numpy()[cluster] + rng.normal(0, 0.06, n)
    lat = homes["home_lat"].to_numpy()[cluster] + 0.6 * rng.normal(0, 0.06, n)
    d = np.hypot((lon[:, None] - homes["home_lon"].to_numpy()) * 0.66, lat[:, None] - homes["home_lat"].to_numpy())
    t = pd.DataFrame({"lon": lon, "lat": lat, "clv": np.round(rng.lognormal(7, 0.8, n)),
                      "visits": rng.integers(1, 5, n).astype(float), "service_min": 30.0,
                      "rep": pd.Categorical(np.array(homes.index)[d.argmin(axis=1)])},
                     index=[f"C{i:05d}" for i in range(n)])
    return t, homes


def test_balance_meets_tolerances_and_reports_before_after():
    t, homes = generated(1)
    r = planning.balance_territories(t, homes, visits="visits", service_min="service_min", travel_factor=1.0)
    assert not r.within_tolerance_before and r.within_tolerance_after
    assert r.max_workload_deviation_after <= 0.1 and r.max_value_deviation_after <= 0.1
    assert r.reps["customers_after"].sum() == len(t)
    assert r.reps["customers_before"].tolist() == t["rep"].value_counts().reindex(homes.index).tolist()
    w = r.assignment.groupby("rep", observed=False)["workload_min"].sum().reindex(homes.index)
    np.testing.assert_allclose(r.reps["workload_after"].to_numpy(), w.to_numpy(), rtol=1e-12)
    value = t.groupby(r.assignment["rep"], observed=False)["clv"].sum().reindex(homes.index)
    np.testing.assert_allclose(r.reps["value_after"].to_numpy(), value.to_numpy(), rtol=1e-12)
    assert int(r.assignment["moved"].sum()) == r.n_moved
    assert (r.assignment["moved"] == (r.assignment["rep"].astype(str) != t["rep"].astype(str))).all()


def test_balance_zero_budget_and_row_order():
    t, homes = generated(2, 200)
    kept = planning.balance_territories(t, homes, max_moves=0)
    assert kept.n_moved == 0
    assert (kept.assignment["rep"].astype(str) == t["rep"].astype(str)).all()
    a = planning.balance_territories(t, homes)
    shuffled = t.sample(frac=1.0, random_state=4)
    b = planning.balance_territories(shuffled, homes)
    assert (a.assignment["rep"].astype(str) == b.assignment.loc[t.index, "rep"].astype(str)).all()
    assert a.objective_after == b.objective_after


def test_balance_errors_name_customer_and_rep():
    t, homes = generated(3, 50)
    bad = t.copy()
    bad.loc["C00007", "clv"] = np.nan
    with pytest.raises(crmkit.InvalidArgumentError, match="customer 'C00007' has value nan"):
        planning.balance_territories(bad, homes)
    bad = t.copy()
    bad.loc["C00009", ["lon", "lat"]] = np.nan
    with pytest.raises(crmkit.InvalidArgumentError, match="customer 'C00009' has no location"):
        planning.balance_territories(bad, homes)
    h = homes.copy()
    h.loc["r2", "home_lat"] = np.nan
    with pytest.raises(crmkit.InvalidArgumentError, match="rep 'r2' has no home"):
        planning.balance_territories(t, h)
    with pytest.raises(crmkit.InvalidArgumentError):
        planning.balance_territories(t, homes, workload_tolerance=-1)
