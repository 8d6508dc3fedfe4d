"""crmkit.KMeans: k-means segmentation in scikit-learn's style, over libcrmkit.

The semantics are scikit-learn 1.2's ``sklearn.cluster.KMeans`` (see
crmkit/segmentation/kmeans.hpp), so that on the same data and the same initial centres
the labels, centres, inertia and iteration count agree point for point; with the same
integer ``random_state`` the k-means++ and random seedings pick the same rows too.

Example::

    import crmkit
    km = crmkit.KMeans(n_clusters=4, n_init=10, random_state=42, n_threads=2).fit(X)
    km.labels_, km.cluster_centers_, km.inertia_, km.n_iter_
    km.predict(X_new)

Keys: when X is a pandas DataFrame (e.g. the RFM table indexed by customer_id),
``fit_predict`` and ``predict`` return a pandas Series of the labels indexed like X and
named "cluster", and ``FeatureScaler.transform`` / ``fit_transform`` return a DataFrame
with X's index and columns. ``labels_`` stays an int32 ndarray in row order
(scikit-learn's contract); arrays in give arrays out.
"""

from __future__ import annotations

import ctypes
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors, _lib
from ._arrays import empty, frame_index, keyed, matrix, sized
from ._fit import Estimator, Persisted, read_fit_report

__all__ = ["FeatureScaler", "KMeans", "kmeans_plusplus", "scan_k", "silhouette_score"]

# The C values of the init and algorithm names. "elkan" names scikit-learn's accelerated
# exact variant; crmkit's is Hamerly's, which gives Lloyd's result bit for bit. "auto" is
# Lloyd, as in scikit-learn 1.2.
_INITS = {"k-means++": _lib.KMEANS_INIT_KMEANS_PLUSPLUS, "random": _lib.KMEANS_INIT_RANDOM}
_ALGORITHMS = {"lloyd": _lib.KMEANS_ALGORITHM_LLOYD, "hamerly": _lib.KMEANS_ALGORITHM_HAMERLY,
               "elkan": _lib.KMEANS_ALGORITHM_HAMERLY, "auto": _lib.KMEANS_ALGORITHM_LLOYD}


def _seed(random_state: Optional[int]) -> Any:
    return 0 if random_state is None else random_state


class KMeans(Estimator, Persisted):
    """k-means clustering with scikit-learn 1.2's semantics (see the module docstring).

    Parameters:
        n_clusters: number of clusters k (1 <= k <= number of rows).
        init: ``"k-means++"`` (greedy, scikit-learn's), ``"random"``, or an array of shape
            (n_clusters, n_features) of initial centres (one run, like scikit-learn).
        n_init: initialisations to run, the lowest inertia kept (default 1).
        max_iter: iteration limit per run.
        tol: relative tolerance: stop when the total squared centre shift is at most
            ``tol * mean(var(X, axis=0))``.
        algorithm: ``"lloyd"`` (default; ``"auto"`` too) or ``"hamerly"`` (``"elkan"``
            too); both give identical results (Lloyd measured faster for d <= 8).
        random_state: int seed of numpy's legacy RandomState (None means 0: crmkit is
            deterministic).
        n_threads: threads; results are identical for any value.
        n_local_trials: k-means++ candidates per step (None: 2 + floor(ln k)).

    Attributes after fit: ``labels_`` (int32 ndarray in row order, as scikit-learn's, even
    for a DataFrame X: :meth:`fit_predict` gives them keyed by X's index),
    ``cluster_centers_``, ``inertia_``, ``n_iter_``,
    ``n_features_in_``, ``fit_report_`` (a :class:`crmkit.FitReport`: status "converged" with
    message "labels unchanged" or "centre shift below tol", or "iteration_limit"),
    ``n_relocated_`` (empty-cluster relocations) and ``best_init_``.
    """

    def __init__(
        self,
        n_clusters: int = _lib.DEFAULT,
        *,
        init: Union[str, Any] = "k-means++",
        n_init: int = _lib.DEFAULT,
        max_iter: int = _lib.DEFAULT,
        tol: float = _lib.DEFAULT,
        algorithm: str = "lloyd",
        random_state: Optional[int] = None,
        n_threads: int = _lib.DEFAULT,
        n_local_trials: Optional[int] = None,
    ) -> None:
        # _lib.DEFAULT: the library's default (crmkit_kmeans_option_bounds); its value is in the docs of the option table.
        _lib.init_options(self, "kmeans", n_clusters=n_clusters, n_init=n_init, max_iter=max_iter, tol=tol,
                          n_threads=n_threads)
        self.init = init
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_local_trials = n_local_trials

    # -- scikit-learn's estimator protocol (Estimator) ----------------------------------
    _params = ("n_clusters", "init", "n_init", "max_iter", "tol", "algorithm", "random_state", "n_threads",
               "n_local_trials")

    # -- the handle --------------------------------------------------------------------
    def _new_handle(self) -> Any:
        handle = _lib.O.crmkit_kmeans_create()
        try:
            self._configure(handle)
        except BaseException:
            _lib.get().crmkit_kmeans_free(handle)
            raise
        _lib.adopt(self, handle, "kmeans")
        return handle

    def _configure(self, handle: Any) -> None:
        _lib.set_options("kmeans", handle, n_init=self.n_init, max_iter=self.max_iter, tol=self.tol,
                         algorithm=_lib.choice("algorithm", self.algorithm, _ALGORITHMS), n_threads=self.n_threads,
                         seed=_seed(self.random_state), n_local_trials=self.n_local_trials or 0)
        if isinstance(self.init, str):
            _lib.set_options("kmeans", handle, init=_lib.choice("init", self.init, _INITS, " or an array"),
                             n_clusters=self.n_clusters)

    def fit(self, X: Any, y: Any = None, sample_weight: Optional[Any] = None) -> "KMeans":
        """Fits to the rows of X (array-like or DataFrame, n_samples x n_features).

        ``sample_weight`` (n_samples weights >= 0, not all 0; None: all 1) has scikit-learn
        1.2's meaning: weighted centres and inertia; the seeding ignores it, as 1.2's does.
        """
        x = matrix(X)
        handle = self._new_handle()
        n, d = x.shape
        w = None if sample_weight is None else sized(sample_weight, n, "sample_weight")
        centres = None if isinstance(self.init, str) else matrix(self.init, "init")
        if centres is not None and centres.shape != (self.n_clusters, d):  # scikit-learn's rule; C reads k x d
            raise _errors.invalid(
                f"init has shape {centres.shape}; expected (n_clusters, n_features) = ({self.n_clusters}, {d})")
        _lib.C.crmkit_kmeans_fit_weighted(handle, x, n, d, w, centres, 0 if centres is None else centres.shape[0])
        self._read_fit(X)
        return self

    def _read_fit(self, X: Any) -> None:
        handle = self._handle
        k, self.n_features_in_, rows = _lib.O.crmkit_kmeans_shape(handle)
        self.labels_ = np.empty(rows, dtype=np.int32)
        self.cluster_centers_ = np.empty((k, self.n_features_in_), dtype=np.float64)
        _lib.C.crmkit_kmeans_labels(handle, self.labels_, rows)
        _lib.C.crmkit_kmeans_centers(handle, self.cluster_centers_, self.cluster_centers_.size)
        self.inertia_, self.n_iter_, self.n_relocated_, self.best_init_ = _lib.O.crmkit_kmeans_stats(handle)
        self.fit_report_ = read_fit_report("kmeans", handle)
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(list(X.columns), dtype=object)

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    _c_name = "kmeans"

    def _is_fitted(self) -> bool:
        return self._handle is not None and hasattr(self, "labels_")

    @classmethod
    def from_text(cls, text: str) -> "KMeans":
        """A fitted model read from ``to_text`` output (``labels_`` is empty: the document
        keeps the model, not its training rows)."""
        model = cls()
        model._load_handle(text)
        model._read_fit(None)
        model.n_clusters = int(model.cluster_centers_.shape[0])
        return model

    def _labels_of(self, X: Any) -> np.ndarray:
        self._check_fitted()
        x = matrix(X)
        out = np.empty(x.shape[0], dtype=np.int32)
        _lib.C.crmkit_kmeans_predict(self._handle, x, x.shape[0], x.shape[1], out)
        return out

    def predict(self, X: Any) -> Any:
        """The nearest centre of each row of X (int32 labels): an ndarray, or for a
        DataFrame X a Series indexed like X (e.g. by customer_id) named "cluster"."""
        return keyed(self._labels_of(X), frame_index(X), "cluster")

    def fit_predict(self, X: Any, y: Any = None, sample_weight: Optional[Any] = None) -> Any:
        """Fits and returns ``labels_``: for a DataFrame X as a Series indexed like X
        (named "cluster"; ``labels_`` itself stays an ndarray)."""
        return keyed(self.fit(X, sample_weight=sample_weight).labels_, frame_index(X), "cluster")

    def transform(self, X: Any) -> np.ndarray:
        """Euclidean distances of each row of X to every centre (n_samples x k)."""
        self._check_fitted()
        x = matrix(X)
        diff = x[:, None, :] - self.cluster_centers_[None, :, :]
        return np.sqrt(np.einsum("ikf,ikf->ik", diff, diff))

    def score(self, X: Any, y: Any = None, sample_weight: Optional[Any] = None) -> float:
        """Minus the (weighted) inertia of X against the fitted centres (scikit-learn's
        convention)."""
        labels = self._labels_of(X)
        x = matrix(X)
        sq = ((x - self.cluster_centers_[labels]) ** 2).sum(axis=1)
        w = None if sample_weight is None else sized(sample_weight, x.shape[0], "sample_weight")
        return -float(sq.sum() if w is None else (sq * w).sum())

    def profile(self, value: Optional[Any] = None, features: Optional[Any] = None,
                feature_names: Optional[Sequence[str]] = None) -> "Any":
        """Per-cluster profile as a pandas DataFrame: size, share, and when given the sum and
        share of ``value`` (e.g. revenue) and the mean of each column of ``features`` (e.g.
        the original R/F/M). Computed by libcrmkit (``crmkit_kmeans_profile``)."""
        import pandas as pd

        self._check_fitted()
        k = self.cluster_centers_.shape[0]
        labels = np.ascontiguousarray(self.labels_, dtype=np.int32)
        n = labels.size
        v = None if value is None else sized(value, n, "value")
        f = np.zeros((n, 0))
        names: List[str] = []
        if features is not None:
            f = matrix(features, "features")
            names = list(feature_names or (list(features.columns) if hasattr(features, "columns") else
                                           [f"feature_{j}" for j in range(f.shape[1])]))
            if len(names) != f.shape[1]:
                raise _errors.invalid(f"{len(names)} feature names for {f.shape[1]} columns")
        size, share, total, total_share = empty(k, np.int64, np.float64, np.float64, np.float64)
        mean = np.empty((k, f.shape[1]))
        _lib.C.crmkit_kmeans_profile(f if f.size else None, n, f.shape[1], labels, k, v, size, share, total,
                                     total_share, mean if mean.size else None)
        data = {"size": size, "share": share, **({} if v is None else {"value": total, "value_share": total_share}),
                **{f"mean_{name}": mean[:, j] for j, name in enumerate(names)}}
        return pd.DataFrame(data, index=pd.RangeIndex(k, name="cluster"))


def kmeans_plusplus(X: Any, n_clusters: int, *, random_state: Optional[int] = None,
                    n_local_trials: Optional[int] = None, n_threads: int = 1) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy k-means++ seeding, as ``sklearn.cluster.kmeans_plusplus``: returns
    ``(centers, indices)``; the same ``random_state`` picks the same rows."""
    x = matrix(X)
    out = np.empty(int(n_clusters), dtype=np.int64)
    _lib.C.crmkit_kmeans_plusplus(x, x.shape[0], x.shape[1], int(n_clusters),
                                  int(_seed(random_state)), 0 if n_local_trials is None else int(n_local_trials),
                                  int(n_threads), out)
    return x[out].copy(), out


def silhouette_score(X: Any, labels: Any, *, sample_size: Optional[int] = None, random_state: Optional[int] = None,
                     n_threads: int = 1) -> float:
    """Mean silhouette coefficient (Euclidean), as ``sklearn.metrics.silhouette_score``;
    with ``sample_size`` the same rows as scikit-learn for the same ``random_state``."""
    x = matrix(X)
    lab = sized(labels, x.shape[0], "labels", np.int32)
    return _lib.O.crmkit_silhouette_score(x, x.shape[0], x.shape[1], lab, 0 if sample_size is None else int(sample_size),
                                          int(_seed(random_state)), int(n_threads))


def scan_k(X: Any, ks: Sequence[int], *, silhouette_sample_size: Optional[int] = 10000, **kmeans_params: Any) -> "Any":
    """Help choosing k: a DataFrame with, for each k, inertia, n_iter and the silhouette
    score (on ``silhouette_sample_size`` rows drawn with ``random_state``, None for all,
    -1 for none; NaN for k = 1 or when the sample has no more rows than k). The fits and scores run in
    libcrmkit (``crmkit_kmeans_scan_k``), with the other KMeans parameters as given."""
    import pandas as pd

    x = matrix(X)
    sample = -1 if silhouette_sample_size == -1 else (0 if silhouette_sample_size is None else int(silhouette_sample_size))
    rows: List[dict] = []
    for k in ks:
        km = KMeans(n_clusters=int(k), **kmeans_params)
        handle = km._new_handle()
        inertia, n_iter, sil = _lib.O.crmkit_kmeans_scan_k(handle, x, x.shape[0], x.shape[1], int(k), int(k), sample)
        rows.append({"k": int(k), "inertia": inertia, "n_iter": n_iter, "silhouette": sil})
    return pd.DataFrame(rows)


class FeatureScaler(Persisted):
    """log1p of chosen columns, then z-scores (scikit-learn's StandardScaler: population
    standard deviation, scale 1 for a constant column), fitted and applied by libcrmkit
    (crmkit/segmentation/features.hpp); ``inverse_transform`` maps k-means centroids back
    to original units (days, orders, money).

    Example::

        scaler = crmkit.FeatureScaler(log1p=[True, True, True]).fit(rfm)
        km = crmkit.KMeans(4, random_state=0).fit(scaler.transform(rfm))
        centres_in_original_units = scaler.inverse_transform(km.cluster_centers_)

    Parameters:
        log1p: one flag per column (None: no column is log-transformed).
        standardize: False applies only the log1p (``mean_`` 0, ``scale_`` 1).

    Attributes after fit: ``mean_``, ``scale_``, ``log1p_``, ``n_features_in_``.
    """

    def __init__(self, log1p: Optional[Sequence[bool]] = None, *, standardize: bool = True) -> None:
        self.log1p = log1p
        self.standardize = standardize
        self._unfitted_handle()

    def fit(self, X: Any, y: Any = None) -> "FeatureScaler":
        """Fits on the rows of X (array-like or DataFrame)."""

        x = matrix(X)
        flags = None if self.log1p is None else sized(np.asarray(self.log1p, dtype=bool), x.shape[1], "log1p",
                                                      np.int32, "columns")
        self._adopt_handle(_lib.O.crmkit_feature_scaler_fit(x, x.shape[0], x.shape[1], flags,
                                                            1 if self.standardize else 0))
        self._read_params()
        return self

    def _read_params(self) -> None:
        d = ctypes.c_size_t()
        _lib.C.crmkit_feature_scaler_params(self._handle, ctypes.byref(d), None, None, None, 0)
        mean, scale, log1p = empty(d.value, np.float64, np.float64, np.int32)
        _lib.C.crmkit_feature_scaler_params(self._handle, ctypes.byref(d), mean, scale, log1p, d.value)
        self.mean_, self.scale_, self.log1p_ = mean, scale, log1p.astype(bool)
        self.n_features_in_ = d.value

    def _apply(self, X: Any, function: str) -> np.ndarray:
        self._check_fitted()
        x = matrix(X)
        out = np.empty_like(x)
        getattr(_lib.C, function)(self._handle, x, x.shape[0], x.shape[1], out)
        return out

    def transform(self, X: Any) -> Any:
        """log1p (flagged columns), then (x - mean_) / scale_: an ndarray, or for a
        DataFrame X a DataFrame with X's index (e.g. customer_id) and columns."""
        out = self._apply(X, "crmkit_feature_scaler_transform")
        if frame_index(X) is None:
            return out
        import pandas as pd

        return pd.DataFrame(out, index=X.index.copy(), columns=X.columns.copy())

    def fit_transform(self, X: Any, y: Any = None) -> Any:
        """Fits and transforms X (a DataFrame X gives a DataFrame, as :meth:`transform`)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """z * scale_ + mean_, then expm1 on the log1p columns (e.g. centroids to original units)."""
        return self._apply(Z, "crmkit_feature_scaler_inverse_transform")

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    _c_name = "feature_scaler"

    def _is_fitted(self) -> bool:
        return self._handle is not None

    @classmethod
    def from_text(cls, text: str) -> "FeatureScaler":
        """A fitted scaler read from ``to_text`` output; it transforms to the same bits."""
        scaler = cls()
        scaler._load_handle(text)
        scaler._read_params()
        scaler.log1p = [bool(f) for f in scaler.log1p_]
        return scaler
