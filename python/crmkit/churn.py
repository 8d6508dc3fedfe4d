"""Buy-till-you-die churn models in scikit-learn's style, over libcrmkit (crmkit/c/churn.h).

* :func:`btyd_summary` turns a transaction log into the per-customer frequency, recency,
  age ``T`` and mean repeat spend (weeks by default; same-day purchases merged; the
  published CDNOW conventions), with an optional hold-out count.
* :class:`BetaGeo` (BG/NBD), :class:`ParetoNBD`, :class:`ModifiedBetaGeo`,
  :class:`BetaGeoBetaBinom` (BG/BB, discrete time) and :class:`GammaGamma` (spend) fit by
  maximum likelihood and report convergence (``fit_report_``, a :class:`crmkit.FitReport`,
  with the shortcuts ``converged_``, ``status_``, ``gradient_norm_``); a fit that does not converge warns with ``RuntimeWarning``.
* Every purchase model predicts ``p_alive``, ``conditional_expected_purchases``,
  ``p_no_purchase`` (the churn score) and ``prob_n_purchases`` (the conditional distribution
  of the number of purchases in the next t periods).
* :class:`ShiftedBetaGeometric` (sBG, Fader & Hardie 2007) and :class:`BetaDiscreteWeibull`
  (BdW, Fader, Hardie, Liu, Davin & Steenburgh 2018): retention models for contractual
  (subscription) customers, fitted on per-customer rows (``periods``, ``churned``) or a
  cohort's survivor curve, with survival, retention rate, expected residual lifetime and
  DERL (Fader & Hardie 2010) per customer tenure.
* :func:`customer_lifetime_value` (continuous models with Gamma-Gamma spend),
  :meth:`BetaGeoBetaBinom.clv` (DERT times spend) and :func:`validate_holdout` (predicted vs
  actual hold-out purchases and the AUC of a churn score against hold-out silence).

The churn score to use is ``p_no_purchase`` / ``conditional_probability_no_purchase`` (P(no
purchase in the next t periods)); ``1 - p_alive`` is a poor score under BG/NBD because every customer
without repeat purchases has P(alive) = 1 (see crmkit/churn/validation.hpp).

Example::

    import crmkit
    s = crmkit.btyd_summary(df, "1997-09-30", holdout_end="1998-06-30",
                            customer="customer_id", time="date", amount="amount")
    bg = crmkit.BetaGeo().fit(s)
    bg.params_                      # {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    risk = bg.conditional_probability_no_purchase(39, s)
"""

from __future__ import annotations

import dataclasses
import warnings
from ctypes import POINTER, byref, c_double, c_int32, c_size_t
from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _errors, _lib
from ._errors import InvalidArgumentError
from ._fit import Persisted, read_fit_report

__all__ = [
    "BetaGeo",
    "BetaGeoBetaBinom",
    "BetaGeoCovariates",
    "GammaGamma",
    "GammaGammaCovariates",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "ParetoNBDCovariates",
    "BetaDiscreteWeibull",
    "ShiftedBetaGeometric",
    "btyd_summary",
    "load_model",
    "new_customer",
    "customer_lifetime_value",
    "validate_holdout",
]



def _f64(values: Any, what: str, n: Optional[int] = None) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} must be one-dimensional, not shape {array.shape}")
    if n is not None and array.size != n:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} has {array.size} values, expected {n}")
    return array


def _dp(array: Optional[np.ndarray]) -> Any:
    if array is None:
        return None
    return array.ctypes.data_as(POINTER(c_double))


def _rows(frequency: Any, recency: Any, T: Any, names: Tuple[str, str, str] = ("frequency", "recency", "T")):
    """(x, t_x, T, index): from a summary DataFrame (columns by name) or three arrays."""
    index = None
    if recency is None and T is None and hasattr(frequency, "columns"):
        df = frequency
        index = df.index
        frequency, recency, T = df[names[0]], df[names[1]], df[names[2]]
    if recency is None or T is None:
        raise TypeError("pass a summary DataFrame, or frequency, recency and T arrays")
    x = _f64(frequency, names[0])
    return x, _f64(recency, names[1], x.size), _f64(T, names[2], x.size), index


def _name_customer(error: _errors.Error, index: Any) -> _errors.Error:
    """The library names a bad row by its position ("row 297: ..."); with a summary
    DataFrame the message names the customer id instead ("customer 'C17' (row 297): ...")."""
    import re

    match = re.search(r"\brow (\d+)\b", error.message)
    if index is None or match is None or int(match.group(1)) >= len(index):
        return error
    row = int(match.group(1))
    message = error.message[: match.start()] + f"customer {index[row]!r} ({match.group(0)})" + error.message[match.end():]
    return _errors.error_for(error.code, message)


def _wrap(values: np.ndarray, index: Any, name: str) -> Any:
    if index is None:
        return values
    import pandas as pd

    return pd.Series(values, index=index, name=name)


def btyd_summary(
    data: Any,
    calibration_end: Any,
    holdout_end: Any = None,
    period_days: float = 7.0,
    customer: str = "customer_id",
    time: str = "timestamp",
    amount: str = "amount",
) -> "Any":
    """The per-customer BTYD summary at ``calibration_end`` (inclusive day, UTC).

    Args:
        data: a :class:`crmkit.Dataset`, or a pandas DataFrame of transactions with the
            ``customer``, ``time`` and ``amount`` columns.
        calibration_end, holdout_end: Unix seconds or dates (``"1997-09-30"``).
        period_days: the time unit in days (7 = weeks).

    Returns:
        a DataFrame indexed by customer id with ``frequency``, ``recency``, ``T``,
        ``monetary_value`` (and ``frequency_holdout``), one row per customer who had bought
        by the calibration end; ``df.attrs["duration_holdout"]`` is the hold-out length and
        ``df.attrs["period_days"]`` the time unit (used by :func:`customer_lifetime_value`).

    Raises:
        crmkit.InvalidArgumentError: calibration end before the first purchase, negative
            spend, hold-out end not after the calibration end.
    """
    import pandas as pd

    from .dataset import Dataset, _unix_seconds

    dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, customer=customer, time=time, amount=amount)
    cal = _unix_seconds(calibration_end, "calibration_end")
    has_holdout = holdout_end is not None
    hold = _unix_seconds(holdout_end, "holdout_end") if has_holdout else 0
    cap = dataset.n_customers
    ids = np.empty(cap, dtype=np.int32)
    cols = {k: np.empty(cap, dtype=np.float64) for k in ("frequency", "recency", "T", "monetary_value", "frequency_holdout")}
    n = c_size_t(0)
    duration = c_double(0.0)
    _lib.check(
        _lib.get().crmkit_btyd_summarize(
            dataset._h().ptr, cal, int(has_holdout), hold, float(period_days), cap, byref(n),
            ids.ctypes.data_as(POINTER(c_int32)), _dp(cols["frequency"]), _dp(cols["recency"]), _dp(cols["T"]),
            _dp(cols["monetary_value"]), _dp(cols["frequency_holdout"]), byref(duration),
        )
    )
    rows = n.value
    all_ids = dataset.customer_ids
    index = pd.Index([all_ids[i] for i in ids[:rows]], name="customer_id")
    names = ["frequency", "recency", "T", "monetary_value"] + (["frequency_holdout"] if has_holdout else [])
    df = pd.DataFrame({k: cols[k][:rows].copy() for k in names}, index=index)
    df.attrs["duration_holdout"] = duration.value
    df.attrs["period_days"] = float(period_days)
    return df


class _Fitted(Persisted):
    """What the BTYD and retention handles share: fitted state, reloading and the repr.
    A subclass has ``_fitted``, ``_read_params`` and ``_read_report``."""

    _fitted = False

    def _is_fitted(self) -> bool:
        return bool(self._fitted)

    def _adopt_loaded(self) -> None:
        """The state of a handle loaded from a model document: parameters, and the fit
        report when the document has one."""
        self._fitted = True
        self._read_params()
        status = c_int32()
        if getattr(_lib.get(), f"crmkit_{self._c_name}_fit_report")(self._handle, byref(status), None, None,
                                                                    None) == _errors.OK:
            self._read_report()

    def __repr__(self) -> str:
        state = f"params_={self.params_}" if self._fitted else "unfitted"
        return f"{type(self).__name__}({state})"


class _Model(_Fitted):
    """A handle of crmkit_btyd (shared by the model classes)."""

    _c_name = "btyd"

    _kind = 0
    _param_names: Tuple[str, ...] = ()

    def __init__(self, max_iter: int = _lib.DEFAULT, tol: float = _lib.DEFAULT, n_threads: int = _lib.DEFAULT,
                 standard_errors: bool = _lib.DEFAULT, n_starts: int = _lib.DEFAULT, seed: int = _lib.DEFAULT,
                 fallback: bool = _lib.DEFAULT) -> None:
        # _lib.DEFAULT: the library's default (crmkit_btyd_option_bounds): 1000, 1e-9, 1, True, 1, 0, True.
        self.max_iter = _lib.resolve("btyd", "max_iter", max_iter)
        self.tol = _lib.resolve("btyd", "tol", tol)
        self.n_threads = _lib.resolve("btyd", "n_threads", n_threads)
        self.standard_errors = _lib.resolve("btyd", "standard_errors", standard_errors)
        self.n_starts = _lib.resolve("btyd", "n_starts", n_starts)
        self.seed = _lib.resolve("btyd", "seed", seed)
        self.fallback = _lib.resolve("btyd", "fallback", fallback)
        self._handle, self._finalizer = None, None
        self._unfitted_handle()
        self._fitted = False

    def _unfitted_handle(self) -> None:
        handle = _lib.BtydP()
        _lib.check(_lib.get().crmkit_btyd_create(self._kind, byref(handle)))
        self._adopt_handle(handle)

    def _apply_settings(self) -> None:
        for name in ("max_iter", "n_threads", "tol", "n_starts", "seed"):
            _lib.set_option("btyd", self._handle, name, getattr(self, name))
        _lib.set_option("btyd", self._handle, "standard_errors", bool(self.standard_errors))
        _lib.set_option("btyd", self._handle, "fallback", bool(self.fallback))

    def _after_fit(self) -> None:
        self._read_report()
        self._fitted = self._has_params()
        if self._fitted:
            self._read_params()
        if not self.converged_:
            warnings.warn(
                f"{type(self).__name__} fit did not converge ({self.status_}, gradient norm {self.gradient_norm_:.3g} "
                f"after {self.n_iter_} iterations)",
                RuntimeWarning,
                stacklevel=3,
            )

    def _read_report(self) -> None:
        k = len(self._param_names)
        se = np.empty(k)
        _lib.check(_lib.get().crmkit_btyd_standard_errors(self._handle, _dp(se), k))
        report = read_fit_report("btyd", self._handle)
        report = dataclasses.replace(report, log_likelihood=-report.objective,
                                     standard_errors=dict(zip(self._param_names, se.tolist())))
        self.fit_report_ = report
        self.status_ = report.status
        self.converged_ = report.converged
        self.n_iter_ = report.iterations
        self.log_likelihood_ = report.log_likelihood
        self.gradient_norm_ = report.gradient_norm
        self.standard_errors_ = report.standard_errors

    def _has_params(self) -> bool:
        k = len(self._param_names)
        out = np.empty(k)
        return _lib.get().crmkit_btyd_params(self._handle, _dp(out), k) == _errors.OK

    def _read_params(self) -> None:
        k = len(self._param_names)
        out = np.empty(k)
        _lib.check(_lib.get().crmkit_btyd_params(self._handle, _dp(out), k))
        self.params_ = dict(zip(self._param_names, out.tolist()))

    @classmethod
    def from_params(cls, **params: float) -> "_Model":
        """A model with given (e.g. published) parameters instead of a fit."""
        model = cls()
        missing = [p for p in cls._param_names if p not in params]
        if missing or len(params) != len(cls._param_names):
            raise TypeError(f"{cls.__name__}.from_params needs exactly {list(cls._param_names)}")
        values = np.array([params[p] for p in cls._param_names], dtype=np.float64)
        _lib.check(_lib.get().crmkit_btyd_set_params(model._handle, _dp(values), values.size))
        model._fitted = True
        model._read_params()
        return model

    def _predict(self, what: int, t: float, frequency: Any, recency: Any, T: Any, name: str, names=None) -> Any:
        x, tx, age, index = _rows(frequency, recency, T, *(() if names is None else (names,)))
        out = np.empty(x.size)
        if x.size:
            _lib.check(
                _lib.get().crmkit_btyd_predict(self._handle, what, float(t), _dp(x), _dp(tx), _dp(age), x.size, _dp(out))
            )
        return _wrap(out, index, name)

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    @classmethod
    def from_text(cls, text: str) -> "_Model":
        """A fitted model read from ``to_text`` output. On a model class the document must
        hold that kind; ``crmkit.churn.load_model`` accepts any kind."""
        lib = _lib.get()
        handle = _lib.BtydP()
        _lib.check(lib.crmkit_btyd_load(text.encode("utf-8"), byref(handle)))
        kind = lib.crmkit_btyd_kind(handle)
        target = _CLASSES.get(kind)
        has_covariates = c_int32(0)
        _lib.check(lib.crmkit_btyd_n_covariates(handle, byref(has_covariates), None, None))
        if has_covariates.value:
            target = _COVARIATE_CLASSES.get(kind)
        if target is None or (cls is not _Model and not issubclass(target, cls)) or (cls is not _Model and cls._kind != kind) \
                or (cls is not _Model and (cls in _COVARIATE_CLASSES.values()) != (target in _COVARIATE_CLASSES.values())):
            lib.crmkit_btyd_free(handle)
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"the document holds a {target.__name__ if target else kind} model, not a {cls.__name__}")
        model = target()
        model._adopt_handle(handle)
        model._adopt_loaded()
        return model



class _PurchaseModel(_Model):
    def fit(self, frequency: Any, recency: Any = None, T: Any = None, weights: Any = None) -> "_PurchaseModel":
        """Maximum-likelihood fit on a summary DataFrame (``frequency``, ``recency``, ``T``
        columns) or on three arrays, with optional row weights. Returns self."""
        x, tx, age, index = _rows(frequency, recency, T)
        w = None if weights is None else _f64(weights, "weights", x.size)
        self.period_days_ = getattr(frequency, "attrs", {}).get("period_days") if index is not None else None
        self._apply_settings()
        rc = _lib.get().crmkit_btyd_fit(self._handle, _dp(x), _dp(tx), _dp(age), _dp(w), x.size)
        if rc != _errors.OK:
            raise _name_customer(_errors.error_for(rc, _lib.last_error()), index)
        self._after_fit()
        return self

    def p_alive(self, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """P(alive | x, t_x, T) per customer."""
        return self._predict(_lib.BTYD_P_ALIVE, 0.0, frequency, recency, T, "p_alive")

    def conditional_expected_purchases(self, t: float, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """Expected purchases in the next ``t`` periods per customer."""
        return self._predict(_lib.BTYD_EXPECTED_PURCHASES, t, frequency, recency, T, "expected_purchases")

    def log_likelihood(self, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """Each row's log-likelihood."""
        return self._predict(_lib.BTYD_LOG_LIKELIHOOD, 0.0, frequency, recency, T, "log_likelihood")

    def conditional_probability_no_purchase(self, t: float, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """P(no purchase in the next ``t`` periods): the recommended churn score."""
        return self._predict(_lib.BTYD_P_NO_PURCHASE, t, frequency, recency, T, "p_no_purchase")

    def p_no_purchase(self, t: float, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """Same as :meth:`conditional_probability_no_purchase`."""
        return self.conditional_probability_no_purchase(t, frequency, recency, T)

    _row_names: Optional[Tuple[str, str, str]] = None

    def prob_n_purchases(self, n: int, t: float, frequency: Any, recency: Any = None, T: Any = None) -> Any:
        """P(exactly ``n`` purchases in the next ``t`` periods | history) per customer, the
        conditional purchase-count distribution; rows with frequency = recency = T = 0 give
        a new customer's unconditional distribution. Sums to 1 over n = 0, 1, ...; equals
        :meth:`p_no_purchase` at n = 0."""
        x, tx, age, index = _rows(frequency, recency, T, *(() if self._row_names is None else (self._row_names,)))
        if int(n) != n:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"n = {n} is not a whole number of purchases")
        out = np.empty(x.size)
        if x.size:
            _lib.check(
                _lib.get().crmkit_btyd_prob_n_purchases(
                    self._handle, int(n), float(t), _dp(x), _dp(tx), _dp(age), x.size, _dp(out)
                )
            )
        return _wrap(out, index, f"p_{int(n)}_purchases")


    _PREDICTIONS = {"p_alive": 1, "expected_purchases": 2, "p_no_purchase": 3}  # CRMKIT_BTYD_P_ALIVE, ...

    def _what(self, what: str) -> int:
        if what not in self._PREDICTIONS:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"what = {what!r}; expected one of {sorted(self._PREDICTIONS)}")
        return self._PREDICTIONS[what]

    @property
    def covariance_(self) -> Any:
        """The parameters' covariance matrix from the last fit (inverse of the numerical
        Hessian of the log-likelihood) as a DataFrame indexed and labelled by parameter."""
        import pandas as pd

        k = len(self._param_names)
        out = np.empty(k * k)
        _lib.check(_lib.get().crmkit_btyd_covariance(self._handle, _dp(out), out.size))
        return pd.DataFrame(out.reshape(k, k), index=list(self._param_names), columns=list(self._param_names))

    def param_intervals(self, level: float = 0.9) -> Any:
        """Wald intervals of the parameters on the log scale: a DataFrame indexed by
        parameter with ``estimate``, ``lower``, ``upper``."""
        import pandas as pd

        k = len(self._param_names)
        lo, hi = np.empty(k), np.empty(k)
        _lib.check(_lib.get().crmkit_btyd_param_intervals(self._handle, float(level), _dp(lo), _dp(hi), k))
        return pd.DataFrame({"estimate": [self.params_[p] for p in self._param_names], "lower": lo, "upper": hi},
                            index=pd.Index(self._param_names, name="parameter"))

    def prediction_interval(self, what: str, t: float, frequency: Any, recency: Any = None, T: Any = None,
                            level: float = 0.9) -> Any:
        """Delta-method confidence intervals of a prediction's expected value per customer
        (``what``: ``"p_alive"``, ``"expected_purchases"`` or ``"p_no_purchase"``; ``t`` the
        horizon): a DataFrame with ``estimate``, ``standard_error``, ``lower``, ``upper``
        (indexed like a summary DataFrame when one is given)."""
        import pandas as pd

        x, tx, age, index = _rows(frequency, recency, T, *(() if self._row_names is None else (self._row_names,)))
        cols = {k: np.empty(x.size) for k in ("estimate", "standard_error", "lower", "upper")}
        if x.size:
            _lib.check(
                _lib.get().crmkit_btyd_predict_interval(
                    self._handle, self._what(what), float(t), float(level), _dp(x), _dp(tx), _dp(age), x.size,
                    _dp(cols["estimate"]), _dp(cols["standard_error"]), _dp(cols["lower"]), _dp(cols["upper"]),
                )
            )
        return pd.DataFrame(cols, index=index)

    def total_interval(self, what: str, t: float, frequency: Any, recency: Any = None, T: Any = None,
                       level: float = 0.9, method: str = "delta", n_draws: int = 1000, seed: int = 0) -> Dict[str, float]:
        """Confidence interval of the total of a prediction over the given customers (a
        segment): ``method="delta"`` (delta method) or ``"bootstrap"`` (``n_draws``
        parameter draws from their fitted normal on the log scale, deterministic for
        ``seed`` and any ``n_threads``). Returns ``estimate``, ``standard_error``,
        ``lower``, ``upper``."""
        methods = {"delta": _lib.BTYD_INTERVAL_DELTA, "bootstrap": _lib.BTYD_INTERVAL_BOOTSTRAP}
        if method not in methods:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"method = {method!r}; expected 'delta' or 'bootstrap'")
        x, tx, age, _ = _rows(frequency, recency, T, *(() if self._row_names is None else (self._row_names,)))
        out = np.empty(4)
        _lib.check(
            _lib.get().crmkit_btyd_total_interval(
                self._handle, self._what(what), float(t), float(level), methods[method], int(n_draws), int(seed),
                _dp(x), _dp(tx), _dp(age), x.size, _dp(out),
            )
        )
        return dict(zip(("estimate", "standard_error", "lower", "upper"), out.tolist()))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """E[X(t)] for a customer acquired today: expected purchases in (0, t] after the
        acquisition (a scalar or an array of horizons in the model's time unit); see
        :func:`new_customer`."""
        return new_customer(self, t)["expected_purchases"] if np.ndim(t) else float(
            new_customer(self, [t])["expected_purchases"].iloc[0])


def new_customer(purchases: "_PurchaseModel", t: Any, spend: Optional["GammaGamma"] = None) -> Any:
    """Forecast for a customer acquired today (CLVTools' ``newcustomer``): a DataFrame
    indexed by horizon ``t`` (in the purchase model's time unit; whole opportunities for
    BG/BB) with ``expected_purchases`` (E[X(t)], purchases after the acquisition) and, with
    a fitted :class:`GammaGamma` ``spend``, ``expected_revenue`` (E[X(t)] times the
    population mean spend p gamma/(q-1); NaN when q <= 1). Not discounted."""
    import pandas as pd

    horizons = _f64(np.atleast_1d(np.asarray(t, dtype=np.float64)), "t")
    purchases_out = np.empty(horizons.size)
    revenue = np.empty(horizons.size) if spend is not None else None
    if horizons.size:
        _lib.check(
            _lib.get().crmkit_btyd_new_customer(
                purchases._handle, None if spend is None else spend._handle, _dp(horizons), horizons.size,
                _dp(purchases_out), _dp(revenue),
            )
        )
    columns = {"expected_purchases": purchases_out}
    if revenue is not None:
        columns["expected_revenue"] = revenue
    return pd.DataFrame(columns, index=pd.Index(horizons, name="t"))


class BetaGeo(_PurchaseModel):
    """BG/NBD (Fader, Hardie & Lee 2005); parameters ``r, alpha, a, b``."""

    _kind = _lib.BTYD_BG_NBD
    _param_names = ("r", "alpha", "a", "b")


class ParetoNBD(_PurchaseModel):
    """Pareto/NBD; parameters ``r, alpha, s, beta``."""

    _kind = _lib.BTYD_PARETO_NBD
    _param_names = ("r", "alpha", "s", "beta")


class ModifiedBetaGeo(BetaGeo):
    """Modified BG/NBD (Batislam et al. 2007); parameters ``r, alpha, a, b``."""

    _kind = _lib.BTYD_MODIFIED_BG_NBD


class BetaGeoBetaBinom(_PurchaseModel):
    """BG/BB for discrete-time data (Fader, Hardie & Shang 2010); parameters
    ``alpha, beta, gamma, delta``. Rows are (frequency, recency, periods): purchases, the
    opportunity of the last purchase (0 if none), number of opportunities; a DataFrame
    needs the columns ``frequency``, ``recency`` and ``periods``."""

    _kind = _lib.BTYD_BG_BB
    _param_names = ("alpha", "beta", "gamma", "delta")
    _names = ("frequency", "recency", "periods")
    _row_names = _names

    def fit(self, frequency: Any, recency: Any = None, periods: Any = None, weights: Any = None) -> "BetaGeoBetaBinom":
        if recency is None and periods is None and hasattr(frequency, "columns"):
            df = frequency
            if weights is None and "weights" in df.columns:
                weights = df["weights"]
            frequency, recency, periods = df["frequency"], df["recency"], df["periods"]
        return super().fit(frequency, recency, periods, weights)  # type: ignore[return-value]

    def _predict(self, what, t, frequency, recency, T, name, names=None):  # type: ignore[override]
        return super()._predict(what, t, frequency, recency, T, name, self._names)

    def discounted_expected_residual_transactions(
        self, discount_rate: float, frequency: Any, recency: Any = None, periods: Any = None
    ) -> Any:
        """DERT(d | x, t_x, n) (FHS 2010 eq. 14): the sum over future opportunities n+k of
        P(purchase at n+k) / (1+d)^k, per customer."""
        return self.clv(discount_rate, frequency, recency, periods)

    def clv(
        self, discount_rate: float, frequency: Any, recency: Any = None, periods: Any = None, spend: Any = None
    ) -> Any:
        """Residual customer lifetime value: ``spend`` (value of one transaction, a scalar or
        one per customer) times DERT at ``discount_rate`` per opportunity; DERT itself when
        ``spend`` is None. Rows from a DataFrame (``frequency``, ``recency``, ``periods``
        columns) or three arrays."""
        x, tx, n, index = _rows(frequency, recency, periods, self._names)
        value = None
        if spend is not None:
            value = _f64(np.broadcast_to(np.asarray(spend, dtype=np.float64), x.shape), "spend", x.size)
        out = np.empty(x.size)
        if x.size:
            _lib.check(
                _lib.get().crmkit_btyd_bgbb_clv(
                    self._handle, float(discount_rate), _dp(x), _dp(tx), _dp(n), _dp(value), x.size, _dp(out)
                )
            )
        return _wrap(out, index, "clv" if spend is not None else "dert")


class GammaGamma(_Model):
    """Gamma-Gamma spend model; parameters ``p, q, gamma``. Rows with frequency 0 are
    skipped; a repeat buyer with zero mean spend raises unless ``zero_spend="drop"``."""

    _kind = _lib.BTYD_GAMMA_GAMMA
    _param_names = ("p", "q", "gamma")

    def __init__(self, zero_spend: str = "reject", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if zero_spend not in ("reject", "drop"):
            raise ValueError("zero_spend must be 'reject' or 'drop'")
        self.zero_spend = zero_spend

    def fit(self, frequency: Any, monetary_value: Any = None, weights: Any = None) -> "GammaGamma":
        """Fits on a summary DataFrame (``frequency``, ``monetary_value``) or two arrays."""
        if monetary_value is None and hasattr(frequency, "columns"):
            frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
        x = _f64(frequency, "frequency")
        m = _f64(monetary_value, "monetary_value", x.size)
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        lib = _lib.get()
        _lib.set_option("btyd", self._handle, "zero_spend", _lib.BTYD_ZERO_SPEND_DROP if self.zero_spend == "drop" else
                        _lib.BTYD_ZERO_SPEND_REJECT)
        _lib.check(lib.crmkit_btyd_fit_spend(self._handle, _dp(x), _dp(m), _dp(w), x.size))
        self._after_fit()
        return self

    def conditional_expected_spend(self, frequency: Any, monetary_value: Any = None) -> Any:
        """E[spend per purchase | x, zbar] per customer."""
        index = None
        if monetary_value is None and hasattr(frequency, "columns"):
            index = frequency.index
            frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
        x = _f64(frequency, "frequency")
        m = _f64(monetary_value, "monetary_value", x.size)
        out = np.empty(x.size)
        if x.size:
            _lib.check(_lib.get().crmkit_btyd_expected_spend(self._handle, _dp(x), _dp(m), x.size, _dp(out)))
        return _wrap(out, index, "expected_spend")


def _covariate_matrix(values: Any, index: Any, n: int, what: str,
                      columns: Optional[list] = None) -> Tuple[Optional[np.ndarray], list]:
    """(n x p row-major float64 matrix or None, column names) of a covariate argument: a
    DataFrame keyed by customer like the summary (realigned to the summary's index when the
    rows came from a summary DataFrame), a Series (one column), or an array of n rows.
    ``columns``: the fitted column names, selected in that order from a DataFrame."""
    if values is None:
        return None, []
    if hasattr(values, "columns") or hasattr(values, "to_frame"):
        frame = values.to_frame() if hasattr(values, "to_frame") and not hasattr(values, "columns") else values
        if index is not None:
            missing = index.difference(frame.index)
            if len(missing):
                raise InvalidArgumentError(
                    _errors.E_INVALID_ARGUMENT,
                    f"{what}: no row for {len(missing)} customer(s) of the summary, e.g. {missing[0]!r}")
            frame = frame.loc[index]
        if columns is not None:
            absent = [c for c in columns if c not in [str(k) for k in frame.columns]]
            if absent:
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                           f"{what}: the fitted column(s) {absent} are missing")
            frame = frame.rename(columns=str)[columns]
        names = [str(c) for c in frame.columns]
        matrix = np.ascontiguousarray(frame.to_numpy(dtype=np.float64))
    else:
        matrix = np.asarray(values, dtype=np.float64)
        if matrix.ndim == 1:
            matrix = matrix.reshape(-1, 1)
        if matrix.ndim != 2:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} must be 2-D (customers x covariates)")
        matrix = np.ascontiguousarray(matrix)
        names = [f"x{j}" for j in range(matrix.shape[1])]
    if matrix.shape[0] != n:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{what} has {matrix.shape[0]} rows, expected {n}")
    if matrix.shape[1] == 0:
        return None, []
    return matrix, names


class _CovariateModel(_Model):
    """A crmkit_btyd handle fitted with covariates (crmkit_btyd_fit_covariates): shared by
    :class:`BetaGeoCovariates` and :class:`ParetoNBDCovariates`. A subclass names its base
    parameters and its weight groups (``purchase`` on the purchase covariates, the others on
    the dropout covariates)."""

    _base_names: Tuple[str, ...] = ()
    _dropout_groups: Tuple[str, ...] = ()

    def __init__(self, l2: float = 0.0, max_iter: int = _lib.DEFAULT, tol: float = _lib.DEFAULT,
                 n_threads: int = _lib.DEFAULT, standard_errors: bool = _lib.DEFAULT, n_starts: int = _lib.DEFAULT,
                 seed: int = _lib.DEFAULT, fallback: bool = _lib.DEFAULT) -> None:
        super().__init__(max_iter=max_iter, tol=tol, n_threads=n_threads, standard_errors=standard_errors,
                         n_starts=n_starts, seed=seed, fallback=fallback)
        self.l2 = float(l2)
        self.purchase_columns_: list = []
        self.dropout_columns_: list = []
        self._param_names = ()

    def _set_names(self, purchase: list, dropout: list) -> None:
        self.purchase_columns_, self.dropout_columns_ = list(purchase), list(dropout)
        self._param_names = (self._base_names + tuple(f"purchase:{c}" for c in purchase)
                             + tuple(f"{g}:{c}" for g in self._dropout_groups for c in dropout))

    def _adopt_loaded(self) -> None:
        p1, p2 = c_size_t(), c_size_t()
        _lib.check(_lib.get().crmkit_btyd_n_covariates(self._handle, None, byref(p1), byref(p2)))
        if len(self.purchase_columns_) != p1.value or len(self.dropout_columns_) != p2.value:
            self._set_names([f"z{j}" for j in range(p1.value)], [f"w{j}" for j in range(p2.value)])
        super()._adopt_loaded()

    def fit(self, frequency: Any, recency: Any = None, T: Any = None, purchase_covariates: Any = None,
            dropout_covariates: Any = None, weights: Any = None) -> "_CovariateModel":
        """Penalised maximum-likelihood fit on a summary DataFrame (or three arrays) with the
        covariates of each customer. Returns self; a fit that does not converge warns."""
        x, tx, age, index = _rows(frequency, recency, T)
        zp, purchase = _covariate_matrix(purchase_covariates, index, x.size, "purchase_covariates")
        zd, dropout = _covariate_matrix(dropout_covariates, index, x.size, "dropout_covariates")
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        rc = _lib.get().crmkit_btyd_fit_covariates(
            self._handle, _dp(x), _dp(tx), _dp(age), _dp(w), x.size, _dp(zp), len(purchase), _dp(zd), len(dropout),
            float(self.l2))
        if rc != _errors.OK:
            raise _name_customer(_errors.error_for(rc, _lib.last_error()), index)
        self._set_names(purchase, dropout)
        self._named_columns = (hasattr(purchase_covariates, "columns") or hasattr(purchase_covariates, "to_frame"),
                               hasattr(dropout_covariates, "columns") or hasattr(dropout_covariates, "to_frame"))
        self._after_fit()
        return self

    @property
    def coefficients_(self) -> Any:
        """A DataFrame indexed by parameter: ``estimate``, ``standard_error``, ``z`` (estimate / standard error)."""
        import pandas as pd

        self._check_fitted()
        est = np.array([self.params_[k] for k in self._param_names])
        se = np.array([self.standard_errors_[k] for k in self._param_names])
        with np.errstate(divide="ignore", invalid="ignore"):
            z = est / se
        return pd.DataFrame({"estimate": est, "standard_error": se, "z": z},
                            index=pd.Index(self._param_names, name="parameter"))

    def _predict_cov(self, what: int, t: float, frequency: Any, recency: Any, T: Any, purchase_covariates: Any,
                     dropout_covariates: Any, name: str) -> Any:
        self._check_fitted()
        x, tx, age, index = _rows(frequency, recency, T)
        named = getattr(self, "_named_columns", (False, False))
        zp, purchase = _covariate_matrix(purchase_covariates, index, x.size, "purchase_covariates",
                                         self.purchase_columns_ if named[0] else None)
        zd, dropout = _covariate_matrix(dropout_covariates, index, x.size, "dropout_covariates",
                                        self.dropout_columns_ if named[1] else None)
        if len(purchase) != len(self.purchase_columns_) or len(dropout) != len(self.dropout_columns_):
            raise InvalidArgumentError(
                _errors.E_INVALID_ARGUMENT,
                f"the model has {len(self.purchase_columns_)} purchase and {len(self.dropout_columns_)} dropout "
                f"covariates; got {len(purchase)} and {len(dropout)}")
        out = np.empty(x.size)
        if x.size:
            rc = _lib.get().crmkit_btyd_predict_covariates(self._handle, what, float(t), _dp(x), _dp(tx), _dp(age),
                                                           x.size, _dp(zp), _dp(zd), _dp(out))
            if rc != _errors.OK:
                raise _name_customer(_errors.error_for(rc, _lib.last_error()), index)
        return _wrap(out, index, name)

    def p_alive(self, frequency: Any, recency: Any = None, T: Any = None, purchase_covariates: Any = None,
                dropout_covariates: Any = None) -> Any:
        """P(alive | x, t_x, T, covariates) per customer."""
        return self._predict_cov(_lib.BTYD_P_ALIVE, 0.0, frequency, recency, T, purchase_covariates,
                                 dropout_covariates, "p_alive")

    def conditional_expected_purchases(self, t: float, frequency: Any, recency: Any = None, T: Any = None,
                                       purchase_covariates: Any = None, dropout_covariates: Any = None) -> Any:
        """Expected purchases in the next ``t`` periods per customer."""
        return self._predict_cov(_lib.BTYD_EXPECTED_PURCHASES, t, frequency, recency, T, purchase_covariates,
                                 dropout_covariates, "expected_purchases")

    def p_no_purchase(self, t: float, frequency: Any, recency: Any = None, T: Any = None,
                      purchase_covariates: Any = None, dropout_covariates: Any = None) -> Any:
        """P(no purchase in the next ``t`` periods): the churn score."""
        return self._predict_cov(_lib.BTYD_P_NO_PURCHASE, t, frequency, recency, T, purchase_covariates,
                                 dropout_covariates, "p_no_purchase")

    def log_likelihood(self, frequency: Any, recency: Any = None, T: Any = None, purchase_covariates: Any = None,
                       dropout_covariates: Any = None) -> Any:
        """Each row's log-likelihood at its own parameters."""
        return self._predict_cov(_lib.BTYD_LOG_LIKELIHOOD, 0.0, frequency, recency, T, purchase_covariates,
                                 dropout_covariates, "log_likelihood")

    @property
    def covariance_(self) -> Any:
        """The covariance of all parameters (report order) as a labelled DataFrame."""
        import pandas as pd

        k = len(self._param_names)
        out = np.empty(k * k)
        _lib.check(_lib.get().crmkit_btyd_covariance(self._handle, _dp(out), out.size))
        return pd.DataFrame(out.reshape(k, k), index=list(self._param_names), columns=list(self._param_names))


class BetaGeoCovariates(_CovariateModel):
    """BG/NBD with time-invariant customer covariates (crmkit/churn/bg_nbd_covariates.hpp):
    ``alpha_i = alpha0 exp(-g_p' z_i)`` (``purchase_covariates`` z; a positive weight
    raises the purchase rate), ``a_i = a0 exp(g_a' w_i)``, ``b_i = b0 exp(g_b' w_i)``
    (``dropout_covariates`` w), fitted by maximum likelihood with the penalty
    ``(l2/2) |gamma|^2`` on the weights (Fader & Hardie's note on covariates; CLVTools'
    static covariates). Covariates are DataFrames keyed by customer like the summary (or
    arrays in its row order); they are used as given (centre and scale them yourself).

    After ``fit``: ``params_`` (``r``, ``alpha0``, ``a0``, ``b0``, then
    ``purchase:<column>``, ``dropout_a:<column>``, ``dropout_b:<column>``),
    ``standard_errors_``, ``coefficients_`` (a DataFrame of estimate, standard error and z
    per parameter), ``covariance_``, ``fit_report_``. Without covariates the fit is
    :class:`BetaGeo`'s. Saved and pickled through the model document."""

    _kind = _lib.BTYD_BG_NBD
    _base_names = ("r", "alpha0", "a0", "b0")
    _dropout_groups = ("dropout_a", "dropout_b")


class ParetoNBDCovariates(_CovariateModel):
    """Pareto/NBD with time-invariant customer covariates
    (crmkit/churn/pareto_nbd_covariates.hpp; Fader & Hardie's note 019, CLVTools):
    ``alpha_i = alpha0 exp(-g_p' z_i)`` (purchase rate scaled by ``exp(g_p' z_i)``) and
    ``beta_i = beta0 exp(-g_d' w_i)`` (dropout rate scaled by ``exp(g_d' w_i)``: a positive
    weight shortens lifetimes), penalty ``(l2/2) |gamma|^2``. Parameters ``r``, ``alpha0``,
    ``s``, ``beta0``, ``purchase:<column>``, ``dropout:<column>``; otherwise as
    :class:`BetaGeoCovariates`. Without covariates the fit is :class:`ParetoNBD`'s."""

    _kind = _lib.BTYD_PARETO_NBD
    _base_names = ("r", "alpha0", "s", "beta0")
    _dropout_groups = ("dropout",)


class GammaGammaCovariates(_Model):
    """Gamma-Gamma spend model with customer covariates on the spend process
    (crmkit/churn/gamma_gamma_covariates.hpp): ``nu_i ~ Gamma(q, gamma0 exp(delta' s_i))``,
    so a customer's expected transaction value ``p gamma_i / (q - 1)`` is that of a customer
    with covariates 0 times ``exp(delta' s_i)`` (``exp(delta_j)``: the spend multiplier per
    unit of covariate j); penalty ``(l2/2) |delta|^2``. Parameters ``p``, ``q``,
    ``gamma0``, ``spend:<column>``. Covariates are keyed by customer like the summary.
    Without covariates the fit is :class:`GammaGamma`'s."""

    _kind = _lib.BTYD_GAMMA_GAMMA

    def __init__(self, l2: float = 0.0, zero_spend: str = "reject", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if zero_spend not in ("reject", "drop"):
            raise ValueError("zero_spend must be 'reject' or 'drop'")
        self.zero_spend = zero_spend
        self.l2 = float(l2)
        self.columns_: list = []
        self._param_names = ()

    def _set_names(self, columns: list) -> None:
        self.columns_ = list(columns)
        self._param_names = ("p", "q", "gamma0") + tuple(f"spend:{c}" for c in columns)

    def _adopt_loaded(self) -> None:
        k = c_size_t()
        _lib.check(_lib.get().crmkit_btyd_n_covariates(self._handle, None, byref(k), None))
        if len(self.columns_) != k.value:
            self._set_names([f"s{j}" for j in range(k.value)])
        super()._adopt_loaded()

    @staticmethod
    def _spend_rows(frequency: Any, monetary_value: Any):
        index = None
        if monetary_value is None and hasattr(frequency, "columns"):
            index = frequency.index
            frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
        x = _f64(frequency, "frequency")
        return x, _f64(monetary_value, "monetary_value", x.size), index

    def fit(self, frequency: Any, monetary_value: Any = None, covariates: Any = None,
            weights: Any = None) -> "GammaGammaCovariates":
        """Penalised maximum-likelihood fit on a summary DataFrame (``frequency``,
        ``monetary_value``) or two arrays, with each customer's spend covariates. Returns self."""
        x, m, index = self._spend_rows(frequency, monetary_value)
        z, columns = _covariate_matrix(covariates, index, x.size, "covariates")
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        _lib.set_option("btyd", self._handle, "zero_spend", _lib.BTYD_ZERO_SPEND_DROP if self.zero_spend == "drop" else
                        _lib.BTYD_ZERO_SPEND_REJECT)
        rc = _lib.get().crmkit_btyd_fit_spend_covariates(self._handle, _dp(x), _dp(m), _dp(w), x.size, _dp(z),
                                                         len(columns), float(self.l2))
        if rc != _errors.OK:
            raise _name_customer(_errors.error_for(rc, _lib.last_error()), index)
        self._set_names(columns)
        self._named_columns = hasattr(covariates, "columns") or hasattr(covariates, "to_frame")
        self._after_fit()
        return self

    coefficients_ = _CovariateModel.coefficients_
    covariance_ = _CovariateModel.covariance_

    def conditional_expected_spend(self, frequency: Any, monetary_value: Any = None, covariates: Any = None) -> Any:
        """E[spend per purchase | x, zbar, covariates] per customer."""
        self._check_fitted()
        x, m, index = self._spend_rows(frequency, monetary_value)
        z, columns = _covariate_matrix(covariates, index, x.size, "covariates",
                                       self.columns_ if getattr(self, "_named_columns", False) else None)
        if len(columns) != len(self.columns_):
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"the model has {len(self.columns_)} spend covariates; got {len(columns)}")
        out = np.empty(x.size)
        if x.size:
            _lib.check(_lib.get().crmkit_btyd_expected_spend_covariates(self._handle, _dp(x), _dp(m), x.size, _dp(z),
                                                                        _dp(out)))
        return _wrap(out, index, "expected_spend")


def customer_lifetime_value(
    purchases: _PurchaseModel,
    spend: GammaGamma,
    frequency: Any,
    recency: Any = None,
    T: Any = None,
    monetary_value: Any = None,
    horizon: int = 12,
    period_days: float = 30.415,
    discount_rate: float = 0.01,
    model_period_days: Optional[float] = None,
) -> Any:
    """Discounted expected revenue over a calendar horizon, per customer: ``horizon``
    cash-flow periods of ``period_days`` days (default 12 months of 30.415 days = 4.345
    weeks) at ``discount_rate`` per period (default 1% per month).

    The purchase model predicts in the time unit of the summary it was fitted on:
    ``model_period_days`` (7 for weeks, 1 for days) is taken from a summary DataFrame's
    ``attrs["period_days"]`` (set by :func:`btyd_summary`) or from the model fitted on one
    (``purchases.period_days_``), and must be given with bare arrays; values that disagree
    raise InvalidArgumentError. The returned Series' ``attrs`` state the units
    (``horizon_days``, ``period_days``, ``discount_rate``, ``model_period_days``)."""
    index = None
    known = {}
    if model_period_days is not None:
        known["model_period_days"] = float(model_period_days)
    if getattr(purchases, "period_days_", None) is not None:
        known["the model's fitting summary"] = float(purchases.period_days_)
    if recency is None and hasattr(frequency, "columns"):
        df = frequency
        index = df.index
        if "period_days" in getattr(df, "attrs", {}):
            known["the summary's attrs"] = float(df.attrs["period_days"])
        frequency, recency, T, monetary_value = df["frequency"], df["recency"], df["T"], df["monetary_value"]
    if not known:
        raise InvalidArgumentError(
            _errors.E_INVALID_ARGUMENT,
            "customer_lifetime_value: the purchase model's time unit is unknown: pass model_period_days "
            "(7 for weeks, 1 for days) or a btyd_summary DataFrame",
        )
    if len(set(known.values())) > 1:
        raise InvalidArgumentError(
            _errors.E_INVALID_ARGUMENT,
            "customer_lifetime_value: the model's time unit (days per period) disagrees: "
            + ", ".join(f"{k} {v:g}" for k, v in known.items()),
        )
    unit = next(iter(known.values()))
    x, tx, age, _ = _rows(frequency, recency, T)
    m = _f64(monetary_value, "monetary_value", x.size)
    out = np.empty(x.size)
    if x.size:
        _lib.check(
            _lib.get().crmkit_btyd_clv(
                purchases._handle, spend._handle, _dp(x), _dp(tx), _dp(age), _dp(m), x.size, int(horizon),
                float(period_days), unit, float(discount_rate), _dp(out),
            )
        )
    result = _wrap(out, index, "clv")
    if hasattr(result, "attrs"):
        result.attrs.update(
            horizon_days=int(horizon) * float(period_days), period_days=float(period_days),
            discount_rate=float(discount_rate), model_period_days=unit,
        )
    return result


def validate_holdout(
    frequency: Any, predicted: Any, actual: Any, churn_score: Any = None, max_frequency: int = 7
) -> Dict[str, Any]:
    """Hold-out check: ``actual_total``, ``predicted_total``, ``silent`` (customers without a
    hold-out purchase), ``auc`` (of ``churn_score`` against silence, ties half; NaN without a
    score) and ``by_frequency`` (a DataFrame of customers, actual and predicted means per
    calibration frequency, the last row holding x >= max_frequency)."""
    import pandas as pd

    x = _f64(frequency, "frequency")
    p = _f64(predicted, "predicted", x.size)
    a = _f64(actual, "actual", x.size)
    s = None if churn_score is None else _f64(churn_score, "churn_score", x.size)
    totals = np.empty(3)
    auc = c_double(0.0)
    buckets = np.empty(3 * (int(max_frequency) + 1))
    _lib.check(
        _lib.get().crmkit_btyd_validate_holdout(
            _dp(x), _dp(p), _dp(a), _dp(s), x.size, int(max_frequency), _dp(totals), byref(auc), _dp(buckets)
        )
    )
    table = buckets.reshape(-1, 3)
    labels = [str(k) for k in range(int(max_frequency))] + [f"{int(max_frequency)}+"]
    by_frequency = pd.DataFrame(
        {"customers": table[:, 0].astype(np.int64), "actual_mean": table[:, 1], "predicted_mean": table[:, 2]},
        index=pd.Index(labels, name="frequency"),
    )
    return {
        "actual_total": float(totals[0]),
        "predicted_total": float(totals[1]),
        "silent": int(totals[2]),
        "auc": auc.value,
        "by_frequency": by_frequency,
    }


_CLASSES = {cls._kind: cls for cls in (BetaGeo, ParetoNBD, ModifiedBetaGeo, BetaGeoBetaBinom, GammaGamma)}
_COVARIATE_CLASSES = {cls._kind: cls for cls in (BetaGeoCovariates, ParetoNBDCovariates, GammaGammaCovariates)}


def load_model(text: str) -> "_Model":
    """Any BTYD model (BetaGeo, ..., GammaGamma) from a model document written by ``to_text``."""
    return _Model.from_text(text)


# -- retention models for contractual customers (crmkit/churn/retention.hpp) ---------------


class _RetentionModel(_Fitted):
    """A handle of crmkit_retention (shared by ShiftedBetaGeometric and BetaDiscreteWeibull).

    Time convention: periods 1, 2, ...; a customer of *tenure* k has made k renewals and
    is still active; ``S(t) = P(lifetime > t)``.
    """

    _c_name = "retention"
    _kind = 0
    _param_names: Tuple[str, ...] = ()

    def __init__(self, max_iter: int = _lib.DEFAULT, tol: float = _lib.DEFAULT, n_threads: int = _lib.DEFAULT,
                 standard_errors: bool = _lib.DEFAULT, n_starts: int = _lib.DEFAULT, seed: int = _lib.DEFAULT,
                 fallback: bool = _lib.DEFAULT) -> None:
        # _lib.DEFAULT: the library's default (crmkit_retention_option_bounds).
        self.max_iter = _lib.resolve("retention", "max_iter", max_iter)
        self.tol = _lib.resolve("retention", "tol", tol)
        self.n_threads = _lib.resolve("retention", "n_threads", n_threads)
        self.standard_errors = _lib.resolve("retention", "standard_errors", standard_errors)
        self.n_starts = _lib.resolve("retention", "n_starts", n_starts)
        self.seed = _lib.resolve("retention", "seed", seed)
        self.fallback = _lib.resolve("retention", "fallback", fallback)
        self._fitted = False
        self._handle, self._finalizer = None, None
        self._unfitted_handle()

    def _unfitted_handle(self) -> None:
        handle = _lib.RetentionP()
        _lib.check(_lib.get().crmkit_retention_create(self._kind, byref(handle)))
        self._adopt_handle(handle)

    def _apply_settings(self) -> None:
        for name in ("max_iter", "n_threads", "tol", "n_starts", "seed"):
            _lib.set_option("retention", self._handle, name, getattr(self, name))
        _lib.set_option("retention", self._handle, "standard_errors", bool(self.standard_errors))
        _lib.set_option("retention", self._handle, "fallback", bool(self.fallback))

    def fit(self, periods: Any, churned: Any = None, weights: Any = None) -> "_RetentionModel":
        """Maximum-likelihood fit on per-customer rows: ``periods`` is the lifetime of a
        customer who cancelled (``churned`` 1) or the renewals so far of one still active
        (``churned`` 0); a DataFrame with these columns (and optionally ``weights``) works
        too. Returns self; a fit that does not converge warns with RuntimeWarning."""
        if churned is None and hasattr(periods, "columns"):
            df = periods
            if weights is None and "weights" in df.columns:
                weights = df["weights"]
            periods, churned = df["periods"], df["churned"]
        if churned is None:
            raise TypeError("pass periods and churned arrays, or a DataFrame with those columns")
        t = _f64(periods, "periods")
        c = _f64(churned, "churned", t.size)
        w = None if weights is None else _f64(weights, "weights", t.size)
        self._apply_settings()
        _lib.check(_lib.get().crmkit_retention_fit(self._handle, _dp(t), _dp(c), _dp(w), t.size))
        self._after_fit()
        return self

    def fit_survivors(self, survivors: Any) -> "_RetentionModel":
        """Maximum-likelihood fit on a cohort's survivor curve: ``survivors[0]`` customers
        acquired, ``survivors[t]`` still active after t renewals. Returns self."""
        s = _f64(survivors, "survivors")
        self._apply_settings()
        _lib.check(_lib.get().crmkit_retention_fit_survivors(self._handle, _dp(s), s.size))
        self._after_fit()
        return self

    def _after_fit(self) -> None:
        self._fitted = True
        self._read_params()
        self._read_report()
        if not self.converged_:
            warnings.warn(
                f"{type(self).__name__} fit did not converge ({self.status_}: {self.fit_report_.message})",
                RuntimeWarning,
                stacklevel=3,
            )

    def _read_params(self) -> None:
        k = len(self._param_names)
        out = np.empty(k)
        _lib.check(_lib.get().crmkit_retention_params(self._handle, _dp(out), k))
        self.params_ = dict(zip(self._param_names, out.tolist()))

    def _read_report(self) -> None:
        k = len(self._param_names)
        se = np.empty(k)
        _lib.check(_lib.get().crmkit_retention_standard_errors(self._handle, _dp(se), k))
        report = read_fit_report("retention", self._handle)
        report = dataclasses.replace(report, log_likelihood=-report.objective,
                                     standard_errors=dict(zip(self._param_names, se.tolist())))
        self.fit_report_ = report
        self.status_ = report.status
        self.converged_ = report.converged
        self.n_iter_ = report.iterations
        self.log_likelihood_ = report.log_likelihood
        self.gradient_norm_ = report.gradient_norm
        self.standard_errors_ = report.standard_errors

    @classmethod
    def from_params(cls, **params: float) -> "_RetentionModel":
        """A model with given (e.g. published) parameters instead of a fit."""
        if sorted(params) != sorted(cls._param_names):
            raise TypeError(f"{cls.__name__}.from_params needs exactly {list(cls._param_names)}")
        model = cls()
        values = np.array([params[p] for p in cls._param_names], dtype=np.float64)
        _lib.check(_lib.get().crmkit_retention_set_params(model._handle, _dp(values), values.size))
        model._fitted = True
        model._read_params()
        return model

    def _predict(self, what: int, arg: float, tenure: Any, name: str) -> Any:
        index = getattr(tenure, "index", None) if hasattr(tenure, "to_numpy") else None
        scalar = np.ndim(tenure) == 0
        k = _f64(np.atleast_1d(np.asarray(tenure, dtype=np.float64)), "tenure")
        out = np.empty(k.size)
        if k.size:
            _lib.check(_lib.get().crmkit_retention_predict(self._handle, what, float(arg), _dp(k), k.size, _dp(out)))
        if scalar:
            return float(out[0])
        return _wrap(out, index, name)

    def survival(self, t: Any) -> Any:
        """S(t) = P(lifetime > t) of a new customer (t whole numbers >= 0)."""
        return self._predict(_lib.RETENTION_SURVIVAL, 0.0, t, "survival")

    def retention_rate(self, t: Any) -> Any:
        """r(t) = S(t) / S(t-1), t >= 1: the share of period-t customers who renew."""
        return self._predict(_lib.RETENTION_RETENTION_RATE, 0.0, t, "retention_rate")

    def conditional_survival(self, horizon: float, tenure: Any) -> Any:
        """P(still active after ``horizon`` more renewals | tenure) = S(k + h) / S(k)."""
        return self._predict(_lib.RETENTION_CONDITIONAL_SURVIVAL, horizon, tenure, "conditional_survival")

    def expected_residual_lifetime(self, tenure: Any) -> Any:
        """Expected number of further renewals given the tenure (inf when it diverges)."""
        return self._predict(_lib.RETENTION_EXPECTED_RESIDUAL_LIFETIME, 0.0, tenure, "expected_residual_lifetime")

    def discounted_expected_residual_lifetime(self, discount_rate: float, tenure: Any) -> Any:
        """DERL (Fader & Hardie 2010) at ``discount_rate`` per period given the tenure: the
        expected discounted number of future payments, the next one undiscounted. Times
        the value per period it is the residual value of a customer."""
        return self._predict(_lib.RETENTION_DERL, discount_rate, tenure, "derl")

    derl = discounted_expected_residual_lifetime

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    @classmethod
    def from_text(cls, text: str) -> "_RetentionModel":
        """A fitted model read from ``to_text`` output (of this class's kind)."""
        lib = _lib.get()
        handle = _lib.RetentionP()
        _lib.check(lib.crmkit_retention_load(text.encode("utf-8"), byref(handle)))
        kind = lib.crmkit_retention_kind(handle)
        if kind != cls._kind:
            lib.crmkit_retention_free(handle)
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"the document holds a {_RETENTION_CLASSES[kind].__name__} model, not a {cls.__name__}")
        model = cls()
        model._adopt_handle(handle)
        model._adopt_loaded()
        return model



class ShiftedBetaGeometric(_RetentionModel):
    """Shifted-beta-geometric retention model (Fader & Hardie 2007); parameters
    ``alpha, beta``. Reproduces the paper's published fits (e.g. the regular cohort's
    ``ShiftedBetaGeometric().fit_survivors([1000, 631, 468, 382, 326, 289, 262, 241])``:
    alpha 0.704, beta 1.182)."""

    _kind = _lib.RETENTION_SBG
    _param_names = ("alpha", "beta")


class BetaDiscreteWeibull(_RetentionModel):
    """Beta-discrete-Weibull retention model (Fader, Hardie, Liu, Davin & Steenburgh
    2018); parameters ``alpha, beta, c`` (c = 1 is the sBG; c < 1 individual retention
    rising with tenure, c > 1 falling)."""

    _kind = _lib.RETENTION_BDW
    _param_names = ("alpha", "beta", "c")


_RETENTION_CLASSES = {cls._kind: cls for cls in (ShiftedBetaGeometric, BetaDiscreteWeibull)}
