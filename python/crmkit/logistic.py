"""crmkit.LogisticChurn: the supervised churn model in scikit-learn's style, over libcrmkit.

L2-regularised logistic regression with scikit-learn's objective (C multiplies the summed
log-loss, the intercept is not penalised), the standardisation of the features kept in the
model (``standardize=True``: the same model as ``make_pipeline(StandardScaler(),
LogisticRegression(C=C))``; ``standardize=False``: ``LogisticRegression(C=C)``), class and
sample weights, and an exact Newton solver whose convergence is reported (a fit that does
not converge warns with :class:`ConvergenceWarning` and sets ``converged_ = False``).
See crmkit/churn/logistic.hpp for the mathematics.

Example::

    import crmkit
    model = crmkit.LogisticChurn(C=1.0, class_weight="balanced").fit(X, y)
    p = model.predict_proba(X_new)[:, 1]          # P(churn)
    crmkit.metrics.roc_auc(y_new, p)
    text = model.to_text()                         # crmkit.LogisticChurn.from_text(text)
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, Union

import numpy as np

from . import _errors, _lib
from ._arrays import empty, matrix, sized
from ._fit import Estimator, Persisted, read_fit_report

__all__ = ["LogisticChurn", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """The solver stopped before converging (the model is usable but not the optimum)."""


_CLASS_WEIGHTS = {None: _lib.LOGISTIC_CLASS_WEIGHT_NONE, "balanced": _lib.LOGISTIC_CLASS_WEIGHT_BALANCED}


class LogisticChurn(Estimator, Persisted):
    """L2-regularised logistic regression for churn (see the module docstring).

    Parameters:
        C: inverse regularisation strength (> 0), scikit-learn's C.
        class_weight: None, ``"balanced"`` (n / (2 n_k), from unweighted counts as in
            scikit-learn 1.2) or a dict {class label: weight}.
        fit_intercept: fit an unpenalised intercept.
        standardize: standardise the features (mean 0, population sd 1, kept in the model).
        max_iter: Newton iteration limit.
        tol: tolerance on the largest gradient component divided by max(1, C * total weight).

    Attributes after fit: ``classes_`` (the two labels; the second is "churn"), ``coef_``
    (1 x n_features, original units), ``intercept_`` (1,), ``coef_standardized_``,
    ``intercept_standardized_`` (what was penalised), ``mean_``, ``scale_``, ``n_iter_``
    (1,), ``converged_``, ``status_``, ``gradient_norm_``, ``objective_``,
    ``n_features_in_`` and, for a DataFrame, ``feature_names_in_``.
    """

    def __init__(
        self,
        C: float = _lib.DEFAULT,
        *,
        class_weight: Union[None, str, Dict[Any, float]] = None,
        fit_intercept: bool = _lib.DEFAULT,
        standardize: bool = _lib.DEFAULT,
        max_iter: int = _lib.DEFAULT,
        tol: float = _lib.DEFAULT,
    ) -> None:
        # _lib.DEFAULT: the library's default (crmkit_logistic_option_bounds); its value is in the docs of the option table.
        _lib.init_options(self, "logistic", C=C, fit_intercept=fit_intercept, standardize=standardize,
                          max_iter=max_iter, tol=tol)
        self.class_weight = class_weight

    # -- scikit-learn's estimator protocol (Estimator) ----------------------------------
    _params = ("C", "class_weight", "fit_intercept", "standardize", "max_iter", "tol")

    # -- the handle and the model document (Persisted) ----------------------------------
    _c_name = "logistic"

    def _is_fitted(self) -> bool:
        return self._handle is not None and hasattr(self, "coef_")

    def _configure(self, handle: Any, classes: np.ndarray) -> None:
        _lib.set_options("logistic", handle, fit_intercept=self.fit_intercept, standardize=self.standardize,
                          max_iter=self.max_iter, C=self.C, tol=self.tol)
        cw = self.class_weight
        if isinstance(cw, dict):  # the weights of classes_[0] and classes_[1]
            unknown = [k for k in cw if k not in set(classes.tolist())]
            if unknown:
                raise _errors.invalid(
                    f"class_weight names labels {unknown} that are not among the classes {classes.tolist()}")
            _lib.set_options("logistic", handle, class_weight=_lib.LOGISTIC_CLASS_WEIGHT_GIVEN,
                              **{f"class_weight_{k}": cw.get(label.item(), 1.0) for k, label in enumerate(classes[:2])})
        elif isinstance(cw, (str, type(None))) and cw in _CLASS_WEIGHTS:
            _lib.set_options("logistic", handle, class_weight=_CLASS_WEIGHTS[cw])
        else:
            raise _errors.invalid(f"class_weight must be None, 'balanced' or a dict, got {cw!r}")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LogisticChurn":
        """Fits to X (array-like or DataFrame, n_samples x n_features) and binary labels y
        (any two values; the larger one, ``classes_[1]``, is the churn class)."""
        x = matrix(X)
        n, d = x.shape
        labels = np.asarray(y).reshape(-1)
        if labels.shape[0] != n:
            raise _errors.invalid(f"y has {labels.shape[0]} labels for {n} rows")
        if labels.dtype.kind == "f" and np.isnan(labels).any():
            raise _errors.invalid(f"y has a NaN label at row {int(np.flatnonzero(np.isnan(labels))[0])}")
        classes = np.unique(labels)
        if classes.size != 2:
            raise _errors.invalid(f"y must hold exactly two classes, found {classes.size}: {classes.tolist()[:5]}" + (
                "; a classifier needs both churners and non-churners" if classes.size == 1 else ""))
        y01 = np.ascontiguousarray((labels == classes[1]).astype(np.float64))
        w = None if sample_weight is None else sized(sample_weight, n, "sample_weight")
        handle = _lib.O.crmkit_logistic_create()
        try:
            self._configure(handle, classes)
            _lib.C.crmkit_logistic_fit(handle, x, n, d, y01, w)
        except BaseException:
            _lib.get().crmkit_logistic_free(handle)
            raise
        self._adopt_handle(handle)
        self.classes_ = classes
        self._read_model()
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        if not self.converged_:
            warnings.warn(
                f"LogisticChurn did not converge ({self.status_}) after {self.n_iter_[0]} iterations, gradient norm "
                f"{self.gradient_norm_:.3g}; increase max_iter, C's regularisation or check the features",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _read_model(self) -> None:
        h = self._handle
        n = _lib.O.crmkit_logistic_n_features(h)
        coef, coef_std, self.mean_, self.scale_ = empty(n, *[np.float64] * 4)
        b = _lib.O.crmkit_logistic_coef(h, _lib.LOGISTIC_ORIGINAL_UNITS, coef, n)
        b_std = _lib.O.crmkit_logistic_coef(h, _lib.LOGISTIC_STANDARDIZED_UNITS, coef_std, n)
        _lib.C.crmkit_logistic_scaling(h, self.mean_, self.scale_, n)
        report = read_fit_report("logistic", h)
        self.coef_, self.intercept_ = coef.reshape(1, n), np.array([b])
        self.coef_standardized_, self.intercept_standardized_ = coef_std.reshape(1, n), np.array([b_std])
        self.fit_report_ = report
        self.n_iter_ = np.array([report.iterations], dtype=np.int32)
        for name in ("status", "converged", "gradient_norm", "objective"):
            setattr(self, name + "_", getattr(report, name))
        self.n_features_in_ = n

    def _predict(self, X: Any, function: str) -> np.ndarray:
        self._check_fitted()
        x = matrix(X)
        out = np.empty(x.shape[0])
        getattr(_lib.C, function)(self._handle, x, x.shape[0], x.shape[1], out, out.size)
        return out

    def decision_function(self, X: Any) -> np.ndarray:
        """The log-odds of churn of each row (n_samples,)."""
        return self._predict(X, "crmkit_logistic_decision_function")

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n_samples x 2), columns in ``classes_`` order: column 1 is P(churn)."""
        p = self._predict(X, "crmkit_logistic_predict_proba")
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class of each row (P(churn) > 0.5 gives ``classes_[1]``)."""
        p = self._predict(X, "crmkit_logistic_predict_proba")
        return self.classes_[(p > 0.5).astype(np.intp)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Mean accuracy (scikit-learn's ClassifierMixin.score); use crmkit.metrics for AUC."""
        hit = (self.predict(X) == np.asarray(y).reshape(-1)).astype(np.float64)
        return float(np.average(hit, weights=None if sample_weight is None else np.asarray(sample_weight, float)))

    def coefficients(self) -> Any:
        """The coefficients as a pandas DataFrame indexed by feature name: original units and
        standardised (penalised) units, with the standardisation's mean and scale."""
        import pandas as pd

        self._check_fitted()
        names = getattr(self, "feature_names_in_", None)
        index = list(names) if names is not None else [f"x{j}" for j in range(self.n_features_in_)]
        return pd.DataFrame(
            {"coef": self.coef_[0], "coef_standardized": self.coef_standardized_[0], "mean": self.mean_,
             "scale": self.scale_},
            index=pd.Index(index, name="feature"),
        )

    # -- serialisation: to_text, pickling (Persisted) ----------------------------------
    @classmethod
    def from_text(cls, text: str, classes: Any = (0, 1)) -> "LogisticChurn":
        """A fitted model read from ``to_text`` output. The text holds no class labels:
        pass ``classes`` (default (0, 1)) for ``predict``."""
        model = cls.__new__(cls)
        model._handle, model._finalizer = None, None
        model._load_handle(text)
        model._read_model()
        model.classes_ = np.asarray(classes)
        option = lambda name: _lib.get_option("logistic", model._handle, name)  # noqa: E731
        model.C, model.tol, model.max_iter = float(option("C")), float(option("tol")), option("max_iter")
        model.fit_intercept, model.standardize = bool(option("fit_intercept")), bool(option("standardize"))
        mode = option("class_weight")
        model.class_weight = {v: k for k, v in _CLASS_WEIGHTS.items()}.get(mode)
        if mode == _lib.LOGISTIC_CLASS_WEIGHT_GIVEN:
            model.class_weight = {label.item(): float(option(f"class_weight_{k}")) for k, label in
                                  enumerate(model.classes_[:2])}
        return model
