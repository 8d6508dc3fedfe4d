"""crmkit.metrics: evaluating churn scores against observed 0/1 outcomes, over libcrmkit.

Generic: any score where higher means "more likely to churn" (``LogisticChurn``'s
probability, a buy-till-you-die model's P(no purchase), ...). Labels are 0/1 (or bool);
weights are optional. See crmkit/churn/metrics.hpp for the definitions.

Example::

    from crmkit import metrics
    metrics.roc_auc(y, p)          # = sklearn.metrics.roc_auc_score(y, p), ties count half
    metrics.ks(y, p)               # = scipy.stats.ks_2samp(p[y == 1], p[y == 0]).statistic
    metrics.brier(y, p)            # = sklearn.metrics.brier_score_loss(y, p)
    metrics.lift_table(y, p)       # pandas DataFrame, one row per decile, best first
    cal = metrics.platt(p, y)      # Platt scaling; cal(p) calibrated probabilities
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _lib
from ._arrays import size, sized
from ._fit import STATUS_NAMES

__all__ = ["roc_auc", "ks", "brier", "lift_table", "top_decile_lift", "platt", "Platt"]

_LIFT_COLUMNS = ["rows", "positives", "min_score", "max_score", "response_rate", "lift", "cumulative_rows",
                 "cumulative_positives", "cumulative_gain", "cumulative_lift"]


def _pair(y: Any, s: Any, w: Any, s_name: str):
    """y_true, the scores and the weights as float64 vectors of one length (the library
    checks the values: 0/1 labels, finite scores, weights >= 0, at least one row)."""
    yv = np.ascontiguousarray(np.asarray(y, dtype=np.float64).reshape(-1))
    return yv, sized(s, yv.size, s_name), None if w is None else sized(w, yv.size, "sample_weight")


def _scalar(function: str, y: Any, s: Any, w: Any, s_name: str) -> float:
    yv, sv, wv = _pair(y, s, w, s_name)
    return getattr(_lib.O, function)(yv, sv, wv, yv.size)


def roc_auc(y_true: Any, y_score: Any, sample_weight: Any = None) -> float:
    """Area under the ROC curve, ties counted one half (scikit-learn's roc_auc_score)."""
    return _scalar("crmkit_roc_auc", y_true, y_score, sample_weight, "y_score")


def ks(y_true: Any, y_score: Any, sample_weight: Any = None) -> float:
    """Kolmogorov-Smirnov statistic: max |TPR - FPR| over the distinct score thresholds."""
    return _scalar("crmkit_ks_statistic", y_true, y_score, sample_weight, "y_score")


def brier(y_true: Any, y_prob: Any, sample_weight: Any = None) -> float:
    """Brier score: (weighted) mean squared difference of probability and outcome."""
    return _scalar("crmkit_brier_score", y_true, y_prob, sample_weight, "y_prob")


def lift_table(y_true: Any, y_score: Any, n_bins: int = 10) -> Any:
    """Gains and lift by score bin as a pandas DataFrame (index ``bin``, 0 = best-scored):
    rows are sorted by decreasing score (ties keep input order) and cut into ``n_bins``
    near-equal bins; columns rows, positives, min_score, max_score, response_rate, lift,
    cumulative_rows, cumulative_positives, cumulative_gain, cumulative_lift."""
    import pandas as pd

    yv, sv, _ = _pair(y_true, y_score, None, "y_score")
    n_bins = size(n_bins, "n_bins")  # the library rejects 0 bins
    out = np.empty((n_bins, _lib.LIFT_N_COLUMNS))
    _lib.C.crmkit_lift_table(yv, sv, yv.size, int(n_bins), out, out.size)
    df = pd.DataFrame(out, columns=_LIFT_COLUMNS, index=pd.RangeIndex(int(n_bins), name="bin"))
    return df.astype({"rows": np.int64, "cumulative_rows": np.int64})


def top_decile_lift(y_true: Any, y_score: Any) -> float:
    """Lift of the best-scored 10 % of rows (row 0 of a 10-bin lift table)."""
    return float(lift_table(y_true, y_score, 10)["lift"].iloc[0])


class Platt:
    """Platt scaling P(y = 1 | s) = 1 / (1 + exp(a s + b)); call it on scores."""

    def __init__(self, a: float, b: float, status: str = "converged") -> None:
        self.a = float(a)
        self.b = float(b)
        self.status = status

    def __call__(self, y_score: Any) -> np.ndarray:
        s = np.asarray(y_score, dtype=np.float64)
        z = self.a * s + self.b
        # 1 / (1 + e^z) on the side where exp cannot overflow (as the C++ operator()).
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))

    transform = __call__

    def __repr__(self) -> str:
        return f"Platt(a={self.a!r}, b={self.b!r}, status={self.status!r})"


def platt(y_score: Any, y_true: Any, sample_weight: Any = None) -> Platt:
    """Fits Platt's sigmoid calibration of ``y_score`` to the outcomes ``y_true`` (the
    objective of scikit-learn's CalibratedClassifierCV(method="sigmoid"), solved exactly)."""
    yv, sv, wv = _pair(y_true, y_score, sample_weight, "y_score")
    a, b, status = _lib.O.crmkit_platt_fit(sv, yv, wv, yv.size)
    return Platt(a, b, STATUS_NAMES.get(status, str(status)))
