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
import ctypes
from ctypes import byref
from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _errors, _lib
from ._arrays import keyed
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
    "clv_intervals",
    "clv_total_interval",
    "validate_holdout",
    "forecast_by_group",
    "forecast_holdout_by_group",
]


def _f64(values: Any, what: str, n: Optional[int] = None) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise _errors.invalid(f"{what} must be one-dimensional, not shape {array.shape}")
    if n is not None and array.size != n:
        raise _errors.invalid(f"{what} has {array.size} values, expected {n}")
    return array


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


def _call(function: Any, index: Any, *args: Any) -> Any:
    """``function(*args)`` (a checked ``_lib.C`` / ``_lib.O`` function); an error naming a row
    names the customer of a summary DataFrame instead (:func:`_name_customer`)."""
    try:
        return function(*args)
    except _errors.Error as e:
        raise _name_customer(e, index) from None


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
    n, duration = ctypes.c_size_t(0), ctypes.c_double(0.0)
    _lib.C.crmkit_btyd_summarize(dataset._h().ptr, cal, int(has_holdout), hold, float(period_days), cap, byref(n), ids,
                                 cols["frequency"], cols["recency"], cols["T"], cols["monetary_value"],
                                 cols["frequency_holdout"], byref(duration))
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
    _kind = 0
    _param_names: Tuple[str, ...] = ()

    def __init__(self, max_iter: int = _lib.DEFAULT, tol: float = _lib.DEFAULT, n_threads: int = _lib.DEFAULT,
                 standard_errors: bool = _lib.DEFAULT, n_starts: int = _lib.DEFAULT, seed: int = _lib.DEFAULT,
                 fallback: bool = _lib.DEFAULT) -> None:
        # _lib.DEFAULT: the library's default (crmkit_btyd_option_bounds / crmkit_retention_option_bounds).
        _lib.init_options(self, self._c_name, max_iter=max_iter, tol=tol, n_threads=n_threads,
                          standard_errors=standard_errors, n_starts=n_starts, seed=seed, fallback=fallback)
        self._unfitted_handle()
        self._fitted = False

    def _c(self, function: str) -> Any:
        """The checked C function crmkit_<btyd|retention>_<function>."""
        return getattr(_lib.C, f"crmkit_{self._c_name}_{function}")

    def _unfitted_handle(self) -> None:
        self._adopt_handle(getattr(_lib.O, f"crmkit_{self._c_name}_create")(self._kind))

    def _apply_settings(self) -> None:
        _lib.set_options(self._c_name, self._handle, **{name: getattr(self, name) for name in (
            "max_iter", "n_threads", "tol", "n_starts", "seed", "standard_errors", "fallback")})

    def _read_params(self) -> None:
        out = np.empty(len(self._param_names))
        self._c("params")(self._handle, out, out.size)
        self.params_ = dict(zip(self._param_names, out.tolist()))

    def _read_report(self) -> None:
        se = np.empty(len(self._param_names))
        self._c("standard_errors")(self._handle, se, se.size)
        report = read_fit_report(self._c_name, self._handle)
        report = dataclasses.replace(report, log_likelihood=-report.objective,
                                     standard_errors=dict(zip(self._param_names, se.tolist())))
        self.fit_report_, self.n_iter_ = report, report.iterations
        for name in ("status", "converged", "log_likelihood", "gradient_norm", "standard_errors"):
            setattr(self, name + "_", getattr(report, name))

    @classmethod
    def from_params(cls, **params: float) -> Any:
        """A model with given (e.g. published) parameters instead of a fit."""
        if sorted(params) != sorted(cls._param_names):
            raise TypeError(f"{cls.__name__}.from_params needs exactly {list(cls._param_names)}")
        model = cls()
        values = np.array([params[p] for p in cls._param_names], dtype=np.float64)
        model._c("set_params")(model._handle, values, values.size)
        model._fitted = True
        model._read_params()
        return model

    def _is_fitted(self) -> bool:
        return bool(self._fitted)

    def _adopt_loaded(self) -> None:
        """The state of a handle loaded from a model document: parameters, and the fit
        report when the document has one."""
        self._fitted = True
        self._read_params()
        status = ctypes.c_int32()
        if getattr(_lib.get(), f"crmkit_{self._c_name}_fit_report")(self._handle, byref(status), None, None,
                                                                    None) == _errors.OK:
            self._read_report()

    @classmethod
    def _loaded(cls, handle: Any, target: Any, holds: Any) -> Any:
        """A ``target`` model owning ``handle`` (loaded from a model document); for target
        None the handle is freed and InvalidArgumentError says what the document ``holds``."""
        if target is None:
            getattr(_lib.get(), f"crmkit_{cls._c_name}_free")(handle)
            raise _errors.invalid(f"the document holds a {holds} model, not a {cls.__name__}")
        model = target()
        model._adopt_handle(handle)
        model._adopt_loaded()
        return model

    def __repr__(self) -> str:
        state = f"params_={self.params_}" if self._fitted else "unfitted"
        return f"{type(self).__name__}({state})"


class _Model(_Fitted):
    """A handle of crmkit_btyd (shared by the model classes)."""

    _c_name = "btyd"

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

    def _has_params(self) -> bool:
        try:
            _lib.C.crmkit_btyd_params(self._handle, np.empty(len(self._param_names)), len(self._param_names))
        except _errors.Error:
            return False
        return True

    def _predict(self, what: int, t: float, frequency: Any, recency: Any, T: Any, name: str, names=None) -> Any:
        x, tx, age, index = _rows(frequency, recency, T, *(() if names is None else (names,)))
        out = np.empty(x.size)
        if x.size:
            _lib.C.crmkit_btyd_predict(self._handle, what, float(t), x, tx, age, x.size, out)
        return keyed(out, index, name)

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    @classmethod
    def from_text(cls, text: str) -> "_Model":
        """A fitted model read from ``to_text`` output. On a model class the document must
        hold that kind; ``crmkit.churn.load_model`` accepts any kind."""
        lib = _lib.get()
        handle = _lib.O.crmkit_btyd_load(text.encode("utf-8"))
        kind = lib.crmkit_btyd_kind(handle)
        target = _CLASSES.get(kind)
        if _lib.O.crmkit_btyd_n_covariates(handle)[0]:
            target = _COVARIATE_CLASSES.get(kind)
        ok = target is not None and (cls is _Model or (issubclass(target, cls) and cls._kind == kind and (
            cls in _COVARIATE_CLASSES.values()) == (target in _COVARIATE_CLASSES.values())))
        return cls._loaded(handle, target if ok else None, target.__name__ if target else kind)



class _PurchaseModel(_Model):
    def fit(self, frequency: Any, recency: Any = None, T: Any = None, weights: Any = None) -> "_PurchaseModel":
        """Maximum-likelihood fit on a summary DataFrame (``frequency``, ``recency``, ``T``
        columns) or on three arrays, with optional row weights. Returns self."""
        x, tx, age, index = _rows(frequency, recency, T)
        w = None if weights is None else _f64(weights, "weights", x.size)
        self.period_days_ = getattr(frequency, "attrs", {}).get("period_days") if index is not None else None
        self._apply_settings()
        _call(_lib.C.crmkit_btyd_fit, index, self._handle, x, tx, age, w, x.size)
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
            raise _errors.invalid(f"n = {n} is not a whole number of purchases")
        out = np.empty(x.size)
        if x.size:
            _lib.C.crmkit_btyd_prob_n_purchases(self._handle, int(n), float(t), x, tx, age, x.size, out)
        return keyed(out, index, f"p_{int(n)}_purchases")


    _PREDICTIONS = _lib.names("BTYD_", "p_alive", "expected_purchases", "p_no_purchase")

    def _what(self, what: str) -> int:
        return _lib.choice("what", what, _PurchaseModel._PREDICTIONS)

    @property
    def covariance_(self) -> Any:
        """The parameters' covariance matrix from the last fit (inverse of the numerical
        Hessian of the log-likelihood) as a DataFrame indexed and labelled by parameter."""
        import pandas as pd

        k = len(self._param_names)
        out = np.empty(k * k)
        _lib.C.crmkit_btyd_covariance(self._handle, out, out.size)
        return pd.DataFrame(out.reshape(k, k), index=list(self._param_names), columns=list(self._param_names))

    def param_intervals(self, level: float = 0.9) -> Any:
        """Wald intervals of the parameters on the log scale: a DataFrame indexed by
        parameter with ``estimate``, ``lower``, ``upper``."""
        import pandas as pd

        k = len(self._param_names)
        lo, hi = np.empty(k), np.empty(k)
        _lib.C.crmkit_btyd_param_intervals(self._handle, float(level), lo, hi, k)
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
            _lib.C.crmkit_btyd_predict_interval(self._handle, self._what(what), float(t), float(level), x, tx, age,
                                                x.size, *cols.values())
        return pd.DataFrame(cols, index=index)

    def total_interval(self, what: str, t: float, frequency: Any, recency: Any = None, T: Any = None,
                       level: float = 0.9, method: str = "delta", n_draws: int = 1000, seed: int = 0,
                       population_T: Any = None) -> Dict[str, float]:
        """Confidence interval of the total of a prediction over the given customers (a
        segment): ``method="delta"`` (delta method), ``"bootstrap"`` (parameter sampling:
        ``n_draws`` parameter draws from their fitted normal on the log scale) or
        ``"refit"`` (parametric bootstrap: ``n_draws`` data sets simulated from the fitted
        model, one customer per age in ``population_T`` — the ages T of the customers the
        model was fitted on; default the rows' T — each refitted). The bootstraps are
        deterministic for ``seed`` and any ``n_threads``. Returns ``estimate``,
        ``standard_error``, ``lower``, ``upper``."""
        methods = {"delta": _lib.BTYD_INTERVAL_DELTA, "bootstrap": _lib.BTYD_INTERVAL_BOOTSTRAP,
                   "refit": _lib.BTYD_INTERVAL_REFIT}
        if method not in methods:
            raise _errors.invalid(f"method = {method!r}; expected 'delta', 'bootstrap' or 'refit'")
        x, tx, age, _ = _rows(frequency, recency, T, *(() if self._row_names is None else (self._row_names,)))
        out = np.empty(4)
        if method == "refit":
            pop = None if population_T is None else _f64(population_T, "population_T")
            _lib.C.crmkit_btyd_refit_interval(self._handle, self._what(what), float(t), float(level), int(n_draws),
                                              int(seed), x, tx, age, x.size, pop, 0 if pop is None else pop.size, out)
        else:
            if population_T is not None:
                raise _errors.invalid("population_T is for method='refit' only")
            _lib.C.crmkit_btyd_total_interval(self._handle, self._what(what), float(t), float(level), methods[method],
                                              int(n_draws), int(seed), x, tx, age, x.size, out)
        return dict(zip(("estimate", "standard_error", "lower", "upper"), out.tolist()))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """E[X(t)] for a customer acquired today: expected purchases in (0, t] after the
        acquisition (a scalar or an array of horizons in the model's time unit); see
        :func:`new_customer`."""
        return new_customer(self, t)["expected_purchases"] if np.ndim(t) else float(
            new_customer(self, [t])["expected_purchases"].iloc[0])


def _profile(values: Any, n: int, what: str) -> Optional[np.ndarray]:
    """One customer's covariates (n values; a dict or Series by column name is not taken: give them in order)."""
    if values is None:
        if n:
            raise _errors.invalid(f"{what}: the model has {n} covariates; give them")
        return None
    v = np.ascontiguousarray(np.asarray(values, dtype=np.float64).ravel())
    if v.size != n:
        raise _errors.invalid(f"{what} has {v.size} values, the model has {n}")
    return v if n else None


def new_customer(purchases: "_Model", t: Any, spend: Optional["_Model"] = None, purchase_covariates: Any = None,
                 dropout_covariates: Any = None, spend_covariates: Any = None) -> Any:
    """Forecast for a customer acquired today (CLVTools' ``newcustomer``): a DataFrame
    indexed by horizon ``t`` (in the purchase model's time unit; whole opportunities for
    BG/BB) with ``expected_purchases`` (E[X(t)], purchases after the acquisition) and, with
    a fitted :class:`GammaGamma` ``spend``, ``expected_revenue`` (E[X(t)] times the
    population mean spend p gamma/(q-1); NaN when q <= 1). Not discounted.

    With a covariate purchase model (:class:`BetaGeoCovariates`, :class:`ParetoNBDCovariates`)
    the customer's covariates are given in the fitted column order (``purchase_covariates``,
    ``dropout_covariates``; one value per column), and ``spend`` must then be a
    :class:`GammaGammaCovariates` with ``spend_covariates`` (E[Z | s] = p gamma0 exp(delta' s)/(q-1))."""
    import pandas as pd

    horizons = _f64(np.atleast_1d(np.asarray(t, dtype=np.float64)), "t")
    purchases_out = np.empty(horizons.size)
    revenue = np.empty(horizons.size) if spend is not None else None
    if isinstance(purchases, _CovariateModel):
        if spend is not None and not isinstance(spend, GammaGammaCovariates):
            raise _errors.invalid("a covariate purchase model needs a GammaGammaCovariates spend model")
        z = _profile(purchase_covariates, len(purchases.purchase_columns_), "purchase_covariates")
        w = _profile(dropout_covariates, len(purchases.dropout_columns_), "dropout_covariates")
        sv = None if spend is None else _profile(spend_covariates, len(spend.columns_), "spend_covariates")
        if horizons.size:
            _lib.C.crmkit_btyd_new_customer_covariates(purchases._handle, None if spend is None else spend._handle, z, w,
                                                       sv, horizons, horizons.size, purchases_out, revenue)
    elif horizons.size:
        if any(v is not None for v in (purchase_covariates, dropout_covariates, spend_covariates)):
            raise _errors.invalid("covariates given but the purchase model has none")
        _lib.C.crmkit_btyd_new_customer(purchases._handle, None if spend is None else spend._handle, horizons,
                                        horizons.size, purchases_out, revenue)
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
            _lib.C.crmkit_btyd_bgbb_clv(self._handle, float(discount_rate), x, tx, n, value, x.size, out)
        return keyed(out, index, "clv" if spend is not None else "dert")


_ZERO_SPEND = _lib.names("BTYD_ZERO_SPEND_", "reject", "drop")


def _zero_spend(value: str) -> str:
    _lib.choice("zero_spend", value, _ZERO_SPEND)
    return value


def _spend_rows(frequency: Any, monetary_value: Any) -> Tuple[np.ndarray, np.ndarray, Any]:
    """(x, monetary value, index) from a summary DataFrame or two arrays."""
    index = None
    if monetary_value is None and hasattr(frequency, "columns"):
        index = frequency.index
        frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
    x = _f64(frequency, "frequency")
    return x, _f64(monetary_value, "monetary_value", x.size), index


class GammaGamma(_Model):
    """Gamma-Gamma spend model; parameters ``p, q, gamma``. Rows with frequency 0 are
    skipped; a repeat buyer with zero mean spend raises unless ``zero_spend="drop"``."""

    _kind = _lib.BTYD_GAMMA_GAMMA
    _param_names = ("p", "q", "gamma")

    covariance_ = _PurchaseModel.covariance_

    def __init__(self, zero_spend: str = "reject", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zero_spend = _zero_spend(zero_spend)

    def _apply_settings(self) -> None:  # also GammaGammaCovariates'
        _Model._apply_settings(self)
        _lib.set_option("btyd", self._handle, "zero_spend", _ZERO_SPEND[self.zero_spend])

    def fit(self, frequency: Any, monetary_value: Any = None, weights: Any = None) -> "GammaGamma":
        """Fits on a summary DataFrame (``frequency``, ``monetary_value``) or two arrays."""
        x, m, _ = _spend_rows(frequency, monetary_value)
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        _lib.C.crmkit_btyd_fit_spend(self._handle, x, m, w, x.size)
        self._after_fit()
        return self

    def conditional_expected_spend(self, frequency: Any, monetary_value: Any = None) -> Any:
        """E[spend per purchase | x, zbar] per customer."""
        x, m, index = _spend_rows(frequency, monetary_value)
        out = np.empty(x.size)
        if x.size:
            _lib.C.crmkit_btyd_expected_spend(self._handle, x, m, x.size, out)
        return keyed(out, index, "expected_spend")


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
                raise _errors.invalid(
                    f"{what}: no row for {len(missing)} customer(s) of the summary, e.g. {missing[0]!r}")
            frame = frame.loc[index]
        if columns is not None:
            absent = [c for c in columns if c not in [str(k) for k in frame.columns]]
            if absent:
                raise _errors.invalid(f"{what}: the fitted column(s) {absent} are missing")
            frame = frame.rename(columns=str)[columns]
        names = [str(c) for c in frame.columns]
        matrix = np.ascontiguousarray(frame.to_numpy(dtype=np.float64))
    else:
        matrix = np.asarray(values, dtype=np.float64)
        if matrix.ndim == 1:
            matrix = matrix.reshape(-1, 1)
        if matrix.ndim != 2:
            raise _errors.invalid(f"{what} must be 2-D (customers x covariates)")
        matrix = np.ascontiguousarray(matrix)
        names = [f"x{j}" for j in range(matrix.shape[1])]
    if matrix.shape[0] != n:
        raise _errors.invalid(f"{what} has {matrix.shape[0]} rows, expected {n}")
    if matrix.shape[1] == 0:
        return None, []
    return matrix, names


_INTERVAL_COLUMNS = ("estimate", "standard_error", "lower", "upper")


def _interval_outputs(n: int, rows: bool) -> Tuple[Optional[Dict[str, np.ndarray]], np.ndarray]:
    """The output arrays of an interval function: per row (``rows``) or of the total."""
    return ({k: np.empty(n) for k in _INTERVAL_COLUMNS} if rows else None), np.empty(4)


def _interval_result(cols: Optional[Dict[str, np.ndarray]], total: np.ndarray, index: Any, rows: bool) -> Any:
    """The rows' intervals as a DataFrame, or the total's as a dict."""
    if rows:
        import pandas as pd

        return pd.DataFrame(cols, index=index)
    return dict(zip(_INTERVAL_COLUMNS, total.tolist()))


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
        _, p1, p2 = _lib.O.crmkit_btyd_n_covariates(self._handle)
        if len(self.purchase_columns_) != p1 or len(self.dropout_columns_) != p2:
            self._set_names([f"z{j}" for j in range(p1)], [f"w{j}" for j in range(p2)])
        super()._adopt_loaded()

    def fit(self, frequency: Any, recency: Any = None, T: Any = None, purchase_covariates: Any = None,
            dropout_covariates: Any = None, weights: Any = None) -> "_CovariateModel":
        """Penalised maximum-likelihood fit on a summary DataFrame (or three arrays) with the
        covariates of each customer. Returns self; a fit that does not converge warns."""
        x, tx, age, index = _rows(frequency, recency, T)
        self.period_days_ = getattr(frequency, "attrs", {}).get("period_days") if index is not None else None
        zp, purchase = _covariate_matrix(purchase_covariates, index, x.size, "purchase_covariates")
        zd, dropout = _covariate_matrix(dropout_covariates, index, x.size, "dropout_covariates")
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        _call(_lib.C.crmkit_btyd_fit_covariates, index, self._handle, x, tx, age, w, x.size, zp, len(purchase), zd,
              len(dropout), float(self.l2))
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
        x, tx, age, index, zp, zd = self._covariate_rows(frequency, recency, T, purchase_covariates,
                                                         dropout_covariates)
        out = np.empty(x.size)
        if x.size:
            _call(_lib.C.crmkit_btyd_predict_covariates, index, self._handle, what, float(t), x, tx, age, x.size, zp,
                  zd, out)
        return keyed(out, index, name)

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

    def _covariate_rows(self, frequency: Any, recency: Any, T: Any, purchase_covariates: Any,
                        dropout_covariates: Any):
        """(x, tx, T, index, z_purchase, z_dropout) checked against the fitted covariates."""
        self._check_fitted()
        x, tx, age, index = _rows(frequency, recency, T)
        named = getattr(self, "_named_columns", (False, False))
        zp, purchase = _covariate_matrix(purchase_covariates, index, x.size, "purchase_covariates",
                                         self.purchase_columns_ if named[0] else None)
        zd, dropout = _covariate_matrix(dropout_covariates, index, x.size, "dropout_covariates",
                                        self.dropout_columns_ if named[1] else None)
        if len(purchase) != len(self.purchase_columns_) or len(dropout) != len(self.dropout_columns_):
            raise _errors.invalid(
                f"the model has {len(self.purchase_columns_)} purchase and {len(self.dropout_columns_)} dropout "
                f"covariates; got {len(purchase)} and {len(dropout)}")
        return x, tx, age, index, zp, zd

    def _interval_cov(self, what: str, t: float, frequency: Any, recency: Any, T: Any, purchase_covariates: Any,
                      dropout_covariates: Any, level: float, rows: bool):
        x, tx, age, index, zp, zd = self._covariate_rows(frequency, recency, T, purchase_covariates,
                                                         dropout_covariates)
        cols, total = _interval_outputs(x.size, rows)
        _call(_lib.C.crmkit_btyd_predict_interval_covariates, index, self._handle, _PurchaseModel._what(self, what),
              float(t), float(level), x, tx, age, x.size, zp, zd, *(cols.values() if rows else [None] * 4),
              None if rows else total)
        return _interval_result(cols, total, index, rows)

    def prediction_interval(self, what: str, t: float, frequency: Any, recency: Any = None, T: Any = None,
                            purchase_covariates: Any = None, dropout_covariates: Any = None,
                            level: float = 0.9) -> Any:
        """Delta-method confidence intervals per customer of ``what`` (``"p_alive"``,
        ``"expected_purchases"``, ``"p_no_purchase"``) through the covariance of all
        parameters, covariate weights included, with each customer's covariates: a DataFrame
        with ``estimate``, ``standard_error``, ``lower``, ``upper``."""
        return self._interval_cov(what, t, frequency, recency, T, purchase_covariates, dropout_covariates, level, True)

    def total_interval(self, what: str, t: float, frequency: Any, recency: Any = None, T: Any = None,
                       purchase_covariates: Any = None, dropout_covariates: Any = None,
                       level: float = 0.9) -> Dict[str, float]:
        """Delta-method interval of the total of ``what`` over the customers: ``estimate``,
        ``standard_error``, ``lower``, ``upper``."""
        return self._interval_cov(what, t, frequency, recency, T, purchase_covariates, dropout_covariates, level, False)

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
        _lib.C.crmkit_btyd_covariance(self._handle, out, out.size)
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
        self.zero_spend = _zero_spend(zero_spend)
        self.l2 = float(l2)
        self.columns_: list = []
        self._param_names = ()

    def _set_names(self, columns: list) -> None:
        self.columns_ = list(columns)
        self._param_names = ("p", "q", "gamma0") + tuple(f"spend:{c}" for c in columns)

    def _adopt_loaded(self) -> None:
        k = _lib.O.crmkit_btyd_n_covariates(self._handle)[1]
        if len(self.columns_) != k:
            self._set_names([f"s{j}" for j in range(k)])
        super()._adopt_loaded()

    _apply_settings = GammaGamma._apply_settings

    def fit(self, frequency: Any, monetary_value: Any = None, covariates: Any = None,
            weights: Any = None) -> "GammaGammaCovariates":
        """Penalised maximum-likelihood fit on a summary DataFrame (``frequency``,
        ``monetary_value``) or two arrays, with each customer's spend covariates. Returns self."""
        x, m, index = _spend_rows(frequency, monetary_value)
        z, columns = _covariate_matrix(covariates, index, x.size, "covariates")
        w = None if weights is None else _f64(weights, "weights", x.size)
        self._apply_settings()
        _call(_lib.C.crmkit_btyd_fit_spend_covariates, index, self._handle, x, m, w, x.size, z, len(columns),
              float(self.l2))
        self._set_names(columns)
        self._named_columns = hasattr(covariates, "columns") or hasattr(covariates, "to_frame")
        self._after_fit()
        return self

    coefficients_ = _CovariateModel.coefficients_
    covariance_ = _CovariateModel.covariance_

    def conditional_expected_spend(self, frequency: Any, monetary_value: Any = None, covariates: Any = None) -> Any:
        """E[spend per purchase | x, zbar, covariates] per customer."""
        self._check_fitted()
        x, m, index = _spend_rows(frequency, monetary_value)
        z, columns = _covariate_matrix(covariates, index, x.size, "covariates",
                                       self.columns_ if getattr(self, "_named_columns", False) else None)
        if len(columns) != len(self.columns_):
            raise _errors.invalid(f"the model has {len(self.columns_)} spend covariates; got {len(columns)}")
        out = np.empty(x.size)
        if x.size:
            _lib.C.crmkit_btyd_expected_spend_covariates(self._handle, x, m, x.size, z, out)
        return keyed(out, index, "expected_spend")


def _clv_rows(purchases: Any, frequency: Any, recency: Any, T: Any, monetary_value: Any,
              model_period_days: Optional[float], where: str):
    """(x, tx, T, monetary, index, the model's days per period) of a CLV call (see
    :func:`customer_lifetime_value` for where the time unit comes from)."""
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
        raise _errors.invalid(f"{where}: the purchase model's time unit is unknown: pass model_period_days "
                              "(7 for weeks, 1 for days) or a btyd_summary DataFrame")
    if len(set(known.values())) > 1:
        raise _errors.invalid(f"{where}: the model's time unit (days per period) disagrees: "
                              + ", ".join(f"{k} {v:g}" for k, v in known.items()))
    unit = next(iter(known.values()))
    x, tx, age, _ = _rows(frequency, recency, T)
    m = _f64(monetary_value, "monetary_value", x.size)
    return x, tx, age, m, index, unit


def _clv_covariates(purchases: Any, spend: Any, index: Any, n: int, purchase_covariates: Any,
                    dropout_covariates: Any, spend_covariates: Any):
    """(z_purchase, z_dropout, z_spend) of a CLV call: None for plain models (covariates then
    refused), checked against the fitted covariates for covariate models."""
    if not isinstance(purchases, _CovariateModel):
        if any(v is not None for v in (purchase_covariates, dropout_covariates, spend_covariates)):
            raise _errors.invalid("covariates given but the purchase model has none")
        return None, None, None
    if not isinstance(spend, GammaGammaCovariates):
        raise _errors.invalid(
            "a covariate purchase model needs a GammaGammaCovariates spend model (fitted without covariates it "
            "is the plain Gamma-Gamma)")
    named = getattr(purchases, "_named_columns", (False, False))
    zp, a = _covariate_matrix(purchase_covariates, index, n, "purchase_covariates",
                              purchases.purchase_columns_ if named[0] else None)
    zd, b = _covariate_matrix(dropout_covariates, index, n, "dropout_covariates",
                              purchases.dropout_columns_ if named[1] else None)
    zs, c = _covariate_matrix(spend_covariates, index, n, "spend_covariates",
                              spend.columns_ if getattr(spend, "_named_columns", False) else None)
    if (len(a), len(b), len(c)) != (len(purchases.purchase_columns_), len(purchases.dropout_columns_),
                                    len(spend.columns_)):
        raise _errors.invalid(
            f"the models have {len(purchases.purchase_columns_)} purchase, {len(purchases.dropout_columns_)} dropout "
            f"and {len(spend.columns_)} spend covariates; got {len(a)}, {len(b)} and {len(c)}")
    return zp, zd, zs


def customer_lifetime_value(
    purchases: _Model,
    spend: _Model,
    frequency: Any,
    recency: Any = None,
    T: Any = None,
    monetary_value: Any = None,
    horizon: int = 12,
    period_days: float = 30.415,
    discount_rate: float = 0.01,
    model_period_days: Optional[float] = None,
    purchase_covariates: Any = None,
    dropout_covariates: Any = None,
    spend_covariates: Any = None,
) -> Any:
    """Discounted expected revenue over a calendar horizon, per customer: ``horizon``
    cash-flow periods of ``period_days`` days (default 12 months of 30.415 days = 4.345
    weeks) at ``discount_rate`` per period (default 1% per month).

    The purchase model predicts in the time unit of the summary it was fitted on:
    ``model_period_days`` (7 for weeks, 1 for days) is taken from a summary DataFrame's
    ``attrs["period_days"]`` (set by :func:`btyd_summary`) or from the model fitted on one
    (``purchases.period_days_``), and must be given with bare arrays; values that disagree
    raise InvalidArgumentError. The returned Series' ``attrs`` state the units
    (``horizon_days``, ``period_days``, ``discount_rate``, ``model_period_days``).

    With a covariate purchase model (:class:`BetaGeoCovariates`, :class:`ParetoNBDCovariates`)
    and a :class:`GammaGammaCovariates` spend model, each customer's CLV uses the customer's
    own model and expected spend (``purchase_covariates``, ``dropout_covariates``,
    ``spend_covariates`` as their fits took them)."""
    x, tx, age, m, index, unit = _clv_rows(purchases, frequency, recency, T, monetary_value, model_period_days,
                                           "customer_lifetime_value")
    zp, zd, zs = _clv_covariates(purchases, spend, index, x.size, purchase_covariates, dropout_covariates,
                                 spend_covariates)
    out = np.empty(x.size)
    if x.size:
        if isinstance(purchases, _CovariateModel):
            _call(_lib.C.crmkit_btyd_clv_covariates, index, purchases._handle, spend._handle, x, tx, age, m, x.size, zp,
                  zd, zs, int(horizon), float(period_days), unit, float(discount_rate), out)
        else:
            _call(_lib.C.crmkit_btyd_clv, index, purchases._handle, spend._handle, x, tx, age, m, x.size, int(horizon),
                  float(period_days), unit, float(discount_rate), out)
    result = keyed(out, index, "clv")
    if hasattr(result, "attrs"):
        result.attrs.update(
            horizon_days=int(horizon) * float(period_days), period_days=float(period_days),
            discount_rate=float(discount_rate), model_period_days=unit,
        )
    return result


def _clv_interval(purchases: Any, spend: Any, frequency: Any, recency: Any, T: Any, monetary_value: Any,
                  horizon: int, period_days: float, discount_rate: float, model_period_days: Optional[float],
                  level: float, purchase_covariates: Any, dropout_covariates: Any, spend_covariates: Any,
                  rows: bool, where: str) -> Any:
    x, tx, age, m, index, unit = _clv_rows(purchases, frequency, recency, T, monetary_value, model_period_days, where)
    zp, zd, zs = _clv_covariates(purchases, spend, index, x.size, purchase_covariates, dropout_covariates,
                                 spend_covariates)
    cols, total = _interval_outputs(x.size, rows)
    _call(_lib.C.crmkit_btyd_clv_interval, index, purchases._handle, spend._handle, x, tx, age, m, x.size, zp, zd, zs,
          int(horizon), float(period_days), unit, float(discount_rate), float(level),
          *(cols.values() if rows else [None] * 4), None if rows else total)
    return _interval_result(cols, total, index, rows)


def clv_intervals(purchases: _Model, spend: _Model, frequency: Any, recency: Any = None, T: Any = None,
                  monetary_value: Any = None, horizon: int = 12, period_days: float = 30.415,
                  discount_rate: float = 0.01, model_period_days: Optional[float] = None, level: float = 0.9,
                  purchase_covariates: Any = None, dropout_covariates: Any = None,
                  spend_covariates: Any = None) -> Any:
    """Delta-method confidence intervals of each customer's CLV (arguments as
    :func:`customer_lifetime_value`) over the purchase and spend models' parameters, with a
    block-diagonal covariance (the two models are fitted independently): a DataFrame with
    ``estimate`` (the CLV), ``standard_error``, ``lower`` (clipped at 0), ``upper``. Both
    models must have been fitted with standard errors."""
    return _clv_interval(purchases, spend, frequency, recency, T, monetary_value, horizon, period_days,
                         discount_rate, model_period_days, level, purchase_covariates, dropout_covariates,
                         spend_covariates, True, "clv_intervals")


def clv_total_interval(purchases: _Model, spend: _Model, frequency: Any, recency: Any = None, T: Any = None,
                       monetary_value: Any = None, horizon: int = 12, period_days: float = 30.415,
                       discount_rate: float = 0.01, model_period_days: Optional[float] = None, level: float = 0.9,
                       purchase_covariates: Any = None, dropout_covariates: Any = None,
                       spend_covariates: Any = None) -> Dict[str, float]:
    """Delta-method interval of the total CLV of the customers (a segment), as
    :func:`clv_intervals`: ``estimate``, ``standard_error``, ``lower``, ``upper``."""
    return _clv_interval(purchases, spend, frequency, recency, T, monetary_value, horizon, period_days,
                         discount_rate, model_period_days, level, purchase_covariates, dropout_covariates,
                         spend_covariates, False, "clv_total_interval")


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
    auc = ctypes.c_double(0.0)
    buckets = np.empty(3 * (int(max_frequency) + 1))
    _lib.C.crmkit_btyd_validate_holdout(x, p, a, s, x.size, int(max_frequency), totals, byref(auc), buckets)
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
        _lib.C.crmkit_retention_fit(self._handle, t, c, w, t.size)
        self._after_fit()
        return self

    def fit_survivors(self, survivors: Any) -> "_RetentionModel":
        """Maximum-likelihood fit on a cohort's survivor curve: ``survivors[0]`` customers
        acquired, ``survivors[t]`` still active after t renewals. Returns self."""
        s = _f64(survivors, "survivors")
        self._apply_settings()
        _lib.C.crmkit_retention_fit_survivors(self._handle, s, s.size)
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

    def _predict(self, what: int, arg: float, tenure: Any, name: str) -> Any:
        index = getattr(tenure, "index", None) if hasattr(tenure, "to_numpy") else None
        scalar = np.ndim(tenure) == 0
        k = _f64(np.atleast_1d(np.asarray(tenure, dtype=np.float64)), "tenure")
        out = np.empty(k.size)
        if k.size:
            _lib.C.crmkit_retention_predict(self._handle, what, float(arg), k, k.size, out)
        if scalar:
            return float(out[0])
        return keyed(out, index, name)

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
        handle = _lib.O.crmkit_retention_load(text.encode("utf-8"))
        kind = _lib.get().crmkit_retention_kind(handle)
        return cls._loaded(handle, cls if kind == cls._kind else None,
                           "" if kind == cls._kind else _RETENTION_CLASSES[kind].__name__)



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


# ---------------------------------------------------------------------------------------
# Forecast by group (crmkit_btyd_forecast_by_group, crmkit/churn/group_forecast.hpp)

_GROUP_FORECAST_COLUMNS = (
    "customers", "purchases", "purchases_se", "purchases_lower", "purchases_upper",
    "revenue", "revenue_se", "revenue_lower", "revenue_upper",
    "actual_purchases", "purchases_error", "purchases_relative_error", "purchases_ape", "purchases_in_interval",
    "actual_revenue", "revenue_error", "revenue_relative_error", "revenue_ape", "revenue_in_interval",
)
_MISSING_GROUP = np.iinfo(np.int64).min


def _group_frame(keys: np.ndarray, rows: np.ndarray, total: np.ndarray, summary: np.ndarray, labels: Any,
                 name: str, has_revenue: bool, has_actual_purchases: bool, has_actual_revenue: bool,
                 horizon: float, level: float) -> Any:
    """The C rows as a DataFrame indexed by group label (labels(key) for a key; NaN for the
    customers without a group); columns that do not apply are left out."""
    import pandas as pd

    index_of = {name: getattr(_lib, "GROUP_FORECAST_" + name.upper()) for name in _GROUP_FORECAST_COLUMNS}
    revenue = {"revenue", "revenue_se", "revenue_lower", "revenue_upper"}
    actual_purchases = {"actual_purchases", "purchases_error", "purchases_relative_error", "purchases_ape",
                        "purchases_in_interval"}
    actual_revenue = {"actual_revenue", "revenue_error", "revenue_relative_error", "revenue_ape",
                      "revenue_in_interval"}
    keep = [c for c in _GROUP_FORECAST_COLUMNS
            if (has_revenue or c not in revenue) and (has_actual_purchases or c not in actual_purchases)
            and (has_actual_revenue or c not in actual_revenue)]

    def column(values: np.ndarray, c: str) -> Any:
        if c == "customers":
            return values.astype(np.int64)
        if c.endswith("in_interval"):
            return pd.array([None if np.isnan(v) else bool(v) for v in values], dtype="boolean")
        return values

    frame = pd.DataFrame({c: column(rows[:, index_of[c]], c) for c in keep},
                         index=pd.Index([np.nan if k == _MISSING_GROUP else labels(int(k)) for k in keys], name=name))
    frame.attrs.update(
        total={c: (int(total[index_of[c]]) if c == "customers" else float(total[index_of[c]])) for c in keep},
        purchases_wape=float(summary[0]), revenue_wape=float(summary[1]),
        purchases_mape=float(summary[2]), revenue_mape=float(summary[3]),
        horizon=float(horizon), level=float(level),
    )
    return frame


def _call_group_forecast(function: Any, cap: int, *args: Any):
    keys = np.empty(cap, dtype=np.int64)
    rows = np.empty((cap, _lib.GROUP_FORECAST_N_COLUMNS))
    total = np.empty(_lib.GROUP_FORECAST_N_COLUMNS)
    summary = np.empty(_lib.GROUP_FORECAST_N_SUMMARY)
    n = ctypes.c_size_t(0)
    function(*args, cap, byref(n), keys, rows, total, summary)
    return keys[: n.value], rows[: n.value], total, summary


def forecast_by_group(
    purchases: "_PurchaseModel",
    groups: Any,
    frequency: Any,
    recency: Any = None,
    T: Any = None,
    monetary_value: Any = None,
    *,
    horizon: float,
    spend: Optional["GammaGamma"] = None,
    actual_purchases: Any = None,
    actual_revenue: Any = None,
    level: float = 0.9,
    intervals: bool = True,
) -> Any:
    """Expected purchases (and with a fitted :class:`GammaGamma` ``spend``, revenue) per group
    of customers over ``horizon`` (in the model's time unit: weeks for a default
    :func:`btyd_summary`), with delta-method confidence intervals of each group's total and,
    given hold-out actuals, the error per group (crmkit/churn/group_forecast.hpp).

    Args:
        purchases: a fitted purchase model (BetaGeo, ParetoNBD, ...).
        groups: one group per customer: an array or Series (a categorical keeps its category
            order; other values are sorted), or the name of a column of the summary DataFrame
            passed as ``frequency``; a Series is aligned to that DataFrame's index. Missing
            values form one group labelled NaN, last.
        frequency, recency, T: a :func:`btyd_summary` DataFrame, or three arrays.
        monetary_value: mean repeat spend per customer with ``spend`` (taken from the summary
            DataFrame when omitted).
        actual_purchases, actual_revenue: hold-out actuals per customer (e.g. the summary's
            ``frequency_holdout``), or None.
        level: confidence level; intervals: False skips them (and accepts models without a
            fit covariance).

    Returns:
        a DataFrame indexed by group with ``customers``, ``purchases`` (+ ``_se``, ``_lower``,
        ``_upper``), ``revenue`` (+ the same) with ``spend``, and with actuals
        ``actual_purchases``, ``purchases_error`` (predicted - actual),
        ``purchases_relative_error``, ``purchases_ape``, ``purchases_in_interval`` (and the
        revenue counterparts). ``attrs``: ``total`` (the same over all customers),
        ``purchases_wape``, ``revenue_wape`` (sum of |error| over sum of actual),
        ``purchases_mape``, ``revenue_mape``, ``horizon``, ``level``.

    Raises:
        crmkit.InvalidArgumentError: lengths differ, bad rows, NaN or negative actuals,
            horizon <= 0, no fit covariance (with intervals); crmkit.NotFittedError.
    """
    import pandas as pd

    summary_frame = frequency if recency is None and T is None and hasattr(frequency, "columns") else None
    if summary_frame is not None:
        if isinstance(groups, str):
            groups = summary_frame[groups]
        if spend is not None and monetary_value is None:
            monetary_value = summary_frame["monetary_value"]
    x, tx, age, index = _rows(frequency, recency, T)
    if isinstance(groups, pd.Series) and index is not None and not groups.index.equals(index):
        groups = groups.reindex(index)
    if isinstance(groups, (pd.Series, pd.Categorical)) and isinstance(groups.dtype, pd.CategoricalDtype):
        categorical = pd.Categorical(groups)
        codes, labels = np.asarray(categorical.codes, dtype=np.int64), list(categorical.categories)
    else:
        codes, uniques = pd.factorize(np.asarray(groups, dtype=object) if not hasattr(groups, "dtype") else groups,
                                      sort=True)
        codes, labels = np.asarray(codes, dtype=np.int64), list(uniques)
    if codes.size != x.size:
        raise _errors.invalid(f"groups has {codes.size} values, frequency has {x.size}")
    keys = np.ascontiguousarray(np.where(codes < 0, _MISSING_GROUP, codes))
    m = None if monetary_value is None else _f64(monetary_value, "monetary_value", x.size)
    ap = None if actual_purchases is None else _f64(actual_purchases, "actual_purchases", x.size)
    ar = None if actual_revenue is None else _f64(actual_revenue, "actual_revenue", x.size)
    out = _call(_call_group_forecast, index, _lib.C.crmkit_btyd_forecast_by_group, max(x.size, 1), purchases._handle,
                None if spend is None else spend._handle, keys, x, tx, age, m, x.size, ap, ar, float(horizon),
                float(level), int(bool(intervals)))
    return _group_frame(*out, labels.__getitem__, getattr(groups, "name", None) or "group", spend is not None,
                        ap is not None, ar is not None, float(horizon), level)


def forecast_holdout_by_group(
    data: Any,
    groups: Any,
    column: str,
    calibration_end: Any,
    holdout_end: Any,
    *,
    period_days: float = 7.0,
    model: str = "bg_nbd",
    purchases: Optional["_PurchaseModel"] = None,
    spend: Optional["GammaGamma"] = None,
    revenue: bool = True,
    level: float = 0.9,
    n_threads: int = 1,
    **dataset_options: Any,
) -> Any:
    """The hold-out check per group in one call (crmkit_btyd_forecast_holdout_by_group):
    summarises ``data`` at ``calibration_end`` with a hold-out to ``holdout_end`` (weeks by
    default), fits ``model`` (``"bg_nbd"``, ``"pareto_nbd"``, ``"modified_bg_nbd"``) and with
    ``revenue`` a Gamma-Gamma spend model on the calibration period unless ``purchases`` /
    ``spend`` are given, forecasts the hold-out per group of ``column`` of ``groups`` and
    compares with the hold-out's purchase days and revenue.

    Args:
        data: a :class:`crmkit.Dataset` or a DataFrame of transactions (read with
            ``dataset_options``, as :func:`btyd_summary`).
        groups: a DataFrame indexed by customer id holding ``column`` (e.g.
            ``crmkit.score_customers(data, calibration_end)``: score at the calibration end,
            or the groups know the hold-out); customers it lacks have no group.

    Returns:
        the DataFrame of :func:`forecast_by_group`, indexed by the column's values.

    Raises:
        crmkit.NotFoundError: no such column; crmkit.InvalidArgumentError: hold-out end not
        after the calibration end, a time column, fractions in a float column, a fit that did
        not converge.
    """
    import pandas as pd

    from . import table as _table
    from .dataset import Dataset, _unix_seconds

    dataset = data if isinstance(data, Dataset) else Dataset.from_dataframe(data, **dataset_options)
    kind = _lib.choice("model", model, _lib.names("BTYD_", "bg_nbd", "pareto_nbd", "modified_bg_nbd", "bg_bb"))
    frame = groups.reindex(pd.Index(dataset.customer_ids))  # the dataset's rows; customers it lacks: no group
    values = frame[column] if column in frame.columns else None  # else the library names the missing column
    handle = _table.from_frame(frame[[column]] if values is not None else frame.iloc[:, :0])
    out = _call_group_forecast(
        _lib.C.crmkit_btyd_forecast_holdout_by_group, dataset.n_customers + 1, dataset._h().ptr, handle.ptr,
        column.encode("utf-8"), _unix_seconds(calibration_end, "calibration_end"),
        _unix_seconds(holdout_end, "holdout_end"), float(period_days), kind,
        None if purchases is None else purchases._handle, None if spend is None else spend._handle,
        int(bool(revenue)), float(level), int(n_threads),
    )
    if values is not None and isinstance(values.dtype, pd.CategoricalDtype):
        labels = list(values.cat.categories).__getitem__
    elif values is not None and not pd.api.types.is_numeric_dtype(values.dtype):
        labels = list(values.astype("category").cat.categories).__getitem__
    else:
        labels = int
    has_revenue = spend is not None or bool(revenue)
    horizon = (_unix_seconds(holdout_end, "holdout_end") // 86400 - _unix_seconds(calibration_end, "calibration_end")
               // 86400) / float(period_days)
    return _group_frame(*out, labels, column, has_revenue, True, has_revenue, horizon, level)
