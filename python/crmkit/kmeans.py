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
"""

from __future__ import annotations

import weakref
from ctypes import POINTER, byref, c_double, c_int32, c_int64, c_size_t
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors, _lib
from ._errors import InvalidArgumentError

_INITS = {"k-means++": 0, "random": 1}
# "elkan" names scikit-learn's accelerated exact variant; crmkit's is Hamerly's, which
# gives Lloyd's result bit for bit. "auto" is Lloyd, as in scikit-learn 1.2.
_ALGORITHMS = {"lloyd": 0, "hamerly": 1, "elkan": 1, "auto": 0}
_STOPS = {0: "labels_unchanged", 1: "tolerance", 2: "max_iter"}


def _matrix(X: Any, name: str = "X") -> np.ndarray:
    a = np.asarray(X, dtype=np.float64)
    if a.ndim != 2:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{name} must be 2-dimensional, got shape {a.shape}")
    return np.ascontiguousarray(a)


def _dptr(a: np.ndarray) -> Any:
    return a.ctypes.data_as(POINTER(c_double))


def _seed(random_state: Optional[int]) -> int:
    if random_state is None:
        return 0
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, (int, np.integer)):
        raise InvalidArgumentError(
            _errors.E_INVALID_ARGUMENT,
            f"random_state must be an int in [0, 2**32 - 1] or None, got {random_state!r}",
        )
    return int(random_state)


class KMeans:
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

    Attributes after fit: ``labels_``, ``cluster_centers_``, ``inertia_``, ``n_iter_``,
    ``n_features_in_``, ``stop_reason_`` ("labels_unchanged", "tolerance", "max_iter"),
    ``n_relocated_`` (empty-cluster relocations) and ``best_init_``.
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Union[str, Any] = "k-means++",
        n_init: int = 1,
        max_iter: int = 300,
        tol: float = 1e-4,
        algorithm: str = "lloyd",
        random_state: Optional[int] = None,
        n_threads: int = 1,
        n_local_trials: Optional[int] = None,
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_threads = n_threads
        self.n_local_trials = n_local_trials
        self._handle: Any = None
        self._finalizer: Optional[weakref.finalize] = None

    # -- scikit-learn's estimator protocol ---------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        names = ["n_clusters", "init", "n_init", "max_iter", "tol", "algorithm", "random_state", "n_threads",
                 "n_local_trials"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params: Any) -> "KMeans":
        for name, value in params.items():
            if name not in self.get_params():
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"KMeans has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        return f"KMeans(n_clusters={self.n_clusters}, init={self.init if isinstance(self.init, str) else 'array'}, " \
               f"n_init={self.n_init}, algorithm={self.algorithm!r}, random_state={self.random_state})"

    # -- the handle --------------------------------------------------------------------
    def _new_handle(self) -> Any:
        lib = _lib.get()
        handle = _abi_handle()
        _lib.check(lib.crmkit_kmeans_create(byref(handle)))
        finalizer = weakref.finalize(self, lib.crmkit_kmeans_free, handle)
        try:
            self._configure(lib, handle)
        except BaseException:
            finalizer()
            raise
        if self._finalizer is not None:
            self._finalizer()
        self._handle, self._finalizer = handle, finalizer
        return handle

    def _configure(self, lib: Any, handle: Any) -> None:
        if isinstance(self.algorithm, str) and self.algorithm in _ALGORITHMS:
            algorithm = _ALGORITHMS[self.algorithm]
        else:
            raise InvalidArgumentError(
                _errors.E_INVALID_ARGUMENT,
                f"algorithm must be one of {sorted(_ALGORITHMS)}, got {self.algorithm!r}",
            )
        settings = [
            (_lib.KMEANS_N_INIT, self.n_init, "n_init"),
            (_lib.KMEANS_MAX_ITER, self.max_iter, "max_iter"),
            (_lib.KMEANS_ALGORITHM, algorithm, "algorithm"),
            (_lib.KMEANS_SEED, _seed(self.random_state), "random_state"),
            (_lib.KMEANS_N_THREADS, self.n_threads, "n_threads"),
            (_lib.KMEANS_N_LOCAL_TRIALS, 0 if self.n_local_trials is None else self.n_local_trials, "n_local_trials"),
        ]
        if isinstance(self.init, str):
            if self.init not in _INITS:
                raise InvalidArgumentError(
                    _errors.E_INVALID_ARGUMENT, f"init must be 'k-means++', 'random' or an array, got {self.init!r}"
                )
            settings.append((_lib.KMEANS_INIT, _INITS[self.init], "init"))
            settings.append((_lib.KMEANS_N_CLUSTERS, self.n_clusters, "n_clusters"))
        for key, value, name in settings:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{name} must be an int, got {value!r}")
            _lib.check(lib.crmkit_kmeans_set_int(handle, key, int(value)))
        _lib.check(lib.crmkit_kmeans_set_double(handle, _lib.KMEANS_TOL, float(self.tol)))

    def fit(self, X: Any, y: Any = None) -> "KMeans":
        """Fits to the rows of X (array-like or DataFrame, n_samples x n_features)."""
        lib = _lib.get()
        x = _matrix(X)
        handle = self._new_handle()
        n, d = x.shape
        if isinstance(self.init, str):
            _lib.check(lib.crmkit_kmeans_fit(handle, _dptr(x), n, d))
        else:
            centres = _matrix(self.init, "init")
            if centres.shape != (self.n_clusters, d):
                raise InvalidArgumentError(
                    _errors.E_INVALID_ARGUMENT,
                    f"init has shape {centres.shape}; expected (n_clusters, n_features) = ({self.n_clusters}, {d})",
                )
            _lib.check(lib.crmkit_kmeans_fit_with_centers(handle, _dptr(x), n, d, _dptr(centres), centres.shape[0]))
        k, features, rows = c_size_t(), c_size_t(), c_size_t()
        _lib.check(lib.crmkit_kmeans_shape(handle, byref(k), byref(features), byref(rows)))
        labels = np.empty(rows.value, dtype=np.int32)
        centers = np.empty((k.value, features.value), dtype=np.float64)
        _lib.check(lib.crmkit_kmeans_labels(handle, labels.ctypes.data_as(POINTER(c_int32)), labels.size))
        _lib.check(lib.crmkit_kmeans_centers(handle, _dptr(centers), centers.size))
        inertia, n_iter, stop, relocated, best = c_double(), c_int32(), c_int32(), c_int64(), c_int32()
        _lib.check(lib.crmkit_kmeans_stats(handle, byref(inertia), byref(n_iter), byref(stop), byref(relocated),
                                           byref(best)))
        self.labels_ = labels
        self.cluster_centers_ = centers
        self.inertia_ = inertia.value
        self.n_iter_ = n_iter.value
        self.stop_reason_ = _STOPS.get(stop.value, str(stop.value))
        self.n_relocated_ = relocated.value
        self.best_init_ = best.value
        self.n_features_in_ = d
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(list(X.columns), dtype=object)
        return self

    def _check_fitted(self) -> None:
        if self._handle is None or not hasattr(self, "labels_"):
            raise _errors.error_for(_errors.E_NOT_FITTED, "this KMeans instance is not fitted yet; call fit first")

    def predict(self, X: Any) -> np.ndarray:
        """The nearest centre of each row of X (int32 labels)."""
        self._check_fitted()
        x = _matrix(X)
        out = np.empty(x.shape[0], dtype=np.int32)
        _lib.check(_lib.get().crmkit_kmeans_predict(self._handle, _dptr(x), x.shape[0], x.shape[1],
                                                    out.ctypes.data_as(POINTER(c_int32))))
        return out

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """Fits and returns ``labels_``."""
        return self.fit(X).labels_

    def transform(self, X: Any) -> np.ndarray:
        """Euclidean distances of each row of X to every centre (n_samples x k)."""
        self._check_fitted()
        x = _matrix(X)
        diff = x[:, None, :] - self.cluster_centers_[None, :, :]
        return np.sqrt(np.einsum("ikf,ikf->ik", diff, diff))

    def score(self, X: Any, y: Any = None) -> float:
        """Minus the inertia of X against the fitted centres (scikit-learn's convention)."""
        labels = self.predict(X)
        x = _matrix(X)
        return -float(((x - self.cluster_centers_[labels]) ** 2).sum())

    def profile(self, value: Optional[Any] = None, features: Optional[Any] = None,
                feature_names: Optional[Sequence[str]] = None) -> "Any":
        """Per-cluster profile as a pandas DataFrame: size, share, and when given the sum and
        share of ``value`` (e.g. revenue) and the mean of each column of ``features`` (e.g.
        the original R/F/M; default: the training space's centres)."""
        import pandas as pd

        self._check_fitted()
        k = self.cluster_centers_.shape[0]
        labels = self.labels_
        size = np.bincount(labels, minlength=k)
        data = {"size": size, "share": size / labels.size}
        if value is not None:
            v = np.asarray(value, dtype=np.float64)
            total = np.bincount(labels, weights=v, minlength=k)
            data["value"] = total
            data["value_share"] = total / v.sum() if v.sum() != 0 else np.nan
        if features is not None:
            f = _matrix(features, "features")
            names = feature_names or (list(features.columns) if hasattr(features, "columns") else
                                      [f"feature_{j}" for j in range(f.shape[1])])
            with np.errstate(invalid="ignore", divide="ignore"):
                for j, name in enumerate(names):
                    data[f"mean_{name}"] = np.bincount(labels, weights=f[:, j], minlength=k) / size
        return pd.DataFrame(data, index=pd.RangeIndex(k, name="cluster"))


def _abi_handle() -> Any:
    from ._abi_kmeans import KMeansP

    return KMeansP()


def kmeans_plusplus(X: Any, n_clusters: int, *, random_state: Optional[int] = None,
                    n_local_trials: Optional[int] = None, n_threads: int = 1) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy k-means++ seeding, as ``sklearn.cluster.kmeans_plusplus``: returns
    ``(centers, indices)``; the same ``random_state`` picks the same rows."""
    x = _matrix(X)
    out = np.empty(int(n_clusters), dtype=np.int64)
    _lib.check(_lib.get().crmkit_kmeans_plusplus(_dptr(x), x.shape[0], x.shape[1], int(n_clusters),
                                                 _seed(random_state), 0 if n_local_trials is None else int(n_local_trials),
                                                 int(n_threads), out.ctypes.data_as(POINTER(c_int64))))
    return x[out].copy(), out


def silhouette_score(X: Any, labels: Any, *, sample_size: Optional[int] = None, random_state: Optional[int] = None,
                     n_threads: int = 1) -> float:
    """Mean silhouette coefficient (Euclidean), as ``sklearn.metrics.silhouette_score``;
    with ``sample_size`` the same rows as scikit-learn for the same ``random_state``."""
    x = _matrix(X)
    lab = np.ascontiguousarray(np.asarray(labels), dtype=np.int32)
    if lab.shape != (x.shape[0],):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                   f"labels has shape {lab.shape}, expected ({x.shape[0]},)")
    out = c_double()
    _lib.check(_lib.get().crmkit_silhouette_score(_dptr(x), x.shape[0], x.shape[1], lab.ctypes.data_as(POINTER(c_int32)),
                                                  0 if sample_size is None else int(sample_size), _seed(random_state),
                                                  int(n_threads), byref(out)))
    return out.value


def scan_k(X: Any, ks: Sequence[int], *, silhouette_sample_size: Optional[int] = 10000, **kmeans_params: Any) -> "Any":
    """Help choosing k: a DataFrame with, for each k, inertia, n_iter and the silhouette
    score (on ``silhouette_sample_size`` rows, None for all; NaN for k = 1)."""
    import pandas as pd

    x = _matrix(X)
    rows: List[dict] = []
    for k in ks:
        km = KMeans(n_clusters=int(k), **kmeans_params).fit(x)
        sil = np.nan
        if k >= 2 and len(np.unique(km.labels_)) >= 2:
            sample = silhouette_sample_size if silhouette_sample_size is not None and silhouette_sample_size < x.shape[0] else None
            sil = silhouette_score(x, km.labels_, sample_size=sample, random_state=km.random_state,
                                   n_threads=km.n_threads)
        rows.append({"k": int(k), "inertia": km.inertia_, "n_iter": km.n_iter_, "silhouette": sil})
    return pd.DataFrame(rows)
