"""crmkit.offers: next best offer, over libcrmkit (crmkit/c/offers.h).

- :class:`Baskets`: the baskets of a :class:`crmkit.Dataset` read from order lines (the
  distinct products of each order; products and customers in the byte order of their
  ids) or of Python lists, and the customer x product matrix as ``scipy.sparse``.
- :class:`AssociationRules`: frequent itemsets by FP-growth and rules with mlxtend's
  columns and definitions (support, confidence, lift, leverage, conviction,
  zhangs_metric), the top rules per antecedent, and Spark's ``FPGrowthModel.transform``
  suggestions for a basket.
- :class:`ImplicitALS`: implicit-feedback ALS (Hu, Koren and Volinsky 2008) solved by
  conjugate gradient (as the ``implicit`` library does), top-N offers per customer with
  a popularity fallback for customers without history (flagged ``cold_start``), and
  item-item cosine similarity.

Example::

    import crmkit
    from crmkit.offers import Baskets, AssociationRules, ImplicitALS
    ds = crmkit.Dataset.from_csv("lines.csv", order_column="InvoiceNo", product_column="StockCode", ...)
    baskets = Baskets.from_dataset(ds)
    rules = AssociationRules(min_support=0.01, min_threshold=0.3).fit(baskets)
    rules.rules_                      # mlxtend's columns, frozensets of product ids
    rules.suggest(["85123A", "22423"])
    als = ImplicitALS(factors=32, alpha=10, seed=7).fit(baskets)
    als.recommend(5)                  # customer_id, rank, product_id, score, cold_start
"""

from __future__ import annotations

import weakref
from typing import Any, Iterable, List, Optional, Sequence

import numpy as np

from . import _errors, _lib
from ._arrays import empty
from ._errors import InvalidArgumentError
from ._fit import Persisted, read_fit_report

__all__ = ["Baskets", "AssociationRules", "ImplicitALS", "ItemKNN", "popularity_offers", "evaluate_offers",
           "holdout_evaluation", "rank_by_value", "add_offer_columns"]

_METRICS = {"support": 0, "confidence": 1, "lift": 2, "leverage": 3, "conviction": 4, "zhangs_metric": 5}
_SOLVERS = {"cg": 0, "cholesky": 1}
_WEIGHTINGS = {"none": 0, "bm25": 1, "tfidf": 2}
_VALUES = {"orders": 0, "spend": 1}
_RULE_COLUMNS = ["antecedent support", "consequent support", "support", "confidence", "lift", "leverage",
                 "conviction", "zhangs_metric"]


def _names(function: Any, handle: Any) -> List[str]:
    """A list of NUL-terminated strings through the two-call protocol."""
    raw = _lib.data(function, handle)[:-1]
    return [s.decode("utf-8") for s in raw.split(b"\0")[:-1]] if raw else []


def _int(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{name} must be an int, got {value!r}")
    return int(value)


class Baskets:
    """Baskets (sets of item indices) with, when read from a dataset, product and
    customer ids. Build with :meth:`from_dataset` or :meth:`from_lists`."""

    def __init__(self) -> None:  # private: use the from_* constructors
        self._handle: Any = None
        self._finalizer: Optional[weakref.finalize] = None

    @classmethod
    def from_dataset(cls, dataset: Any) -> "Baskets":
        """The baskets of a :class:`crmkit.Dataset` read with an order and a product column."""
        handle = _lib.O.crmkit_baskets_from_dataset(dataset._h().ptr)
        out = cls()
        _lib.adopt(out, handle, "baskets")
        return out

    @classmethod
    def from_lists(cls, baskets: Iterable[Iterable[int]], n_items: Optional[int] = None) -> "Baskets":
        """Baskets of item indices (ints in [0, n_items); n_items None: 1 + the largest)."""
        lists = [np.asarray(list(b), dtype=np.int64) for b in baskets]
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(b) for b in lists]) if lists else []
        items64 = np.concatenate(lists) if lists and offsets[-1] > 0 else np.zeros(0, dtype=np.int64)
        if items64.size and (items64.min() < 0 or items64.max() > np.iinfo(np.int32).max):
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT,
                                       f"item indices must be in [0, 2**31), got {int(items64.min())}..{int(items64.max())}")
        items = np.ascontiguousarray(items64, dtype=np.int32)
        if n_items is None:
            n_items = int(items.max()) + 1 if items.size else 0
        handle = _lib.O.crmkit_baskets_from_arrays(offsets, len(lists), items, items.size, _int(n_items, "n_items"))
        out = cls()
        _lib.adopt(out, handle, "baskets")
        return out

    def _shape(self) -> tuple:
        return _lib.O.crmkit_baskets_shape(self._handle)

    def __len__(self) -> int:
        return self._shape()[0]

    @property
    def n_items(self) -> int:
        return self._shape()[2]

    @property
    def item_names(self) -> List[str]:
        """Product id of each item (empty for baskets from lists)."""
        return _names(_lib.get().crmkit_baskets_item_names, self._handle)

    @property
    def customer_ids(self) -> List[str]:
        """Customer id of each matrix row (every customer of the dataset, byte order)."""
        return _names(_lib.get().crmkit_baskets_row_ids, self._handle)

    def csr(self) -> tuple:
        """(offsets, items): basket b is ``items[offsets[b]:offsets[b + 1]]``, ascending."""
        n, entries, _, _ = self._shape()
        offsets = np.empty(n + 1, dtype=np.int64)
        items = np.empty(entries, dtype=np.int32)
        _lib.C.crmkit_baskets_items(self._handle, offsets, offsets.size, items, items.size)
        return offsets, items

    def to_lists(self) -> List[List[int]]:
        offsets, items = self.csr()
        return [items[offsets[b]:offsets[b + 1]].tolist() for b in range(offsets.size - 1)]

    def basket_rows(self) -> tuple:
        """(row, time): each basket's customer row (index into customer_ids) and order time
        (Unix seconds UTC)."""
        n = len(self)
        row = np.empty(n, dtype=np.int32)
        time = np.empty(n, dtype=np.int64)
        _lib.C.crmkit_baskets_basket_rows(self._handle, row, time, n)
        return row, time

    def split(self, cutoff: Any) -> tuple:
        """(before, after): the baskets with order time < cutoff and the others (Unix
        seconds, or anything pandas.Timestamp takes, naive meaning UTC); both keep every
        product and customer, so their matrices have the same shape."""
        if not isinstance(cutoff, (int, np.integer)):
            import pandas as pd

            ts = pd.Timestamp(cutoff)
            ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
            cutoff = int(ts.value // 1_000_000_000)
        before, after = _lib.O.crmkit_baskets_time_split(self._handle, int(cutoff))
        out = (Baskets(), Baskets())
        _lib.adopt(out[0], before, "baskets")
        _lib.adopt(out[1], after, "baskets")
        return out

    def matrix(self, value: str = "orders") -> Any:
        """The customer x product matrix as a ``scipy.sparse.csr_matrix`` (rows
        customer_ids, columns item_names): ``"orders"`` (orders holding the product) or
        ``"spend"`` (sum of the line amounts)."""
        import scipy.sparse

        code = _lib.choice("value", value, _VALUES)
        _, _, n_items, n_rows = self._shape()
        nnz = _lib.Q.crmkit_baskets_matrix(self._handle, code, None, 0, None, None, 0)
        indptr = np.empty(n_rows + 1, dtype=np.int64)
        indices, data = empty(nnz, np.int32, np.float64)
        _lib.O.crmkit_baskets_matrix(self._handle, code, indptr, indptr.size, indices, data, data.size)
        return scipy.sparse.csr_matrix((data, indices, indptr), shape=(n_rows, n_items))


def _as_baskets(X: Any) -> Baskets:
    if isinstance(X, Baskets):
        return X
    try:
        import pandas as pd

        if isinstance(X, pd.DataFrame):  # mlxtend's one-hot frame: a basket per row
            values = X.to_numpy(dtype=bool)
            return Baskets.from_lists((np.flatnonzero(r) for r in values), n_items=values.shape[1])
    except ImportError:  # pragma: no cover
        pass
    return Baskets.from_lists(X)


class AssociationRules:
    """FP-growth and association rules with mlxtend's definitions (see the module docstring).

    Parameters (mlxtend's defaults): ``min_support`` in (0, 1]; ``max_len`` (None or 0: no
    limit); ``metric`` one of support, confidence, lift, leverage, conviction,
    zhangs_metric; ``min_threshold`` (a rule is kept when its metric >= this).

    After :meth:`fit`: ``frequent_itemsets_`` (DataFrame: support, itemsets, count) and
    ``rules_`` (DataFrame: antecedents, consequents and mlxtend's metric columns), items as
    product ids when the baskets have them, else as ints.
    """

    def __init__(self, min_support: float = _lib.DEFAULT, *, max_len: Optional[int] = None,
                 metric: str = "confidence", min_threshold: float = _lib.DEFAULT) -> None:
        _lib.init_options(self, "rules", min_support=min_support, min_threshold=min_threshold)
        self.max_len = max_len
        self.metric = metric
        self._names: List[Any] = []

    def fit(self, baskets: Any) -> "AssociationRules":
        """Mines ``baskets``: a :class:`Baskets`, lists of item indices, or a boolean
        one-hot DataFrame (mlxtend's input; items named by its columns)."""
        b = _as_baskets(baskets)
        handle = _lib.O.crmkit_rules_create()
        _lib.adopt(self, handle, "rules")
        _lib.set_option("rules", handle, "min_support", self.min_support)
        _lib.set_option("rules", handle, "min_threshold", self.min_threshold)
        _lib.set_option("rules", handle, "max_len", 0 if self.max_len is None else _int(self.max_len, "max_len"))
        _lib.set_option("rules", handle, "metric", _lib.choice("metric", self.metric, _METRICS))
        _lib.C.crmkit_rules_fit_baskets(handle, b._handle)
        names = b.item_names
        if not names and hasattr(baskets, "columns"):
            names = list(baskets.columns)
        self._names = names if names else list(range(b.n_items))
        self._index = {name: i for i, name in enumerate(self._names)}
        self._read()
        return self

    def _sizes(self) -> tuple:
        return _lib.O.crmkit_rules_sizes(self._handle)

    def _read(self) -> None:
        import pandas as pd

        n_sets, set_entries, n_rules, ante, cons = self._sizes()
        offsets = np.empty(n_sets + 1, dtype=np.int64)
        items = np.empty(set_entries, dtype=np.int32)
        counts, support = empty(n_sets, np.int64, np.float64)
        _lib.C.crmkit_rules_itemsets(self._handle, offsets, items, counts, support, n_sets, set_entries)
        self.frequent_itemsets_ = pd.DataFrame({
            "support": support,
            "itemsets": [self._set(items[offsets[i]:offsets[i + 1]]) for i in range(n_sets)],
            "count": counts,
        })
        a_off, c_off = empty(n_rules + 1, np.int64, np.int64)
        a_items, c_items = np.empty(ante, dtype=np.int32), np.empty(cons, dtype=np.int32)
        metrics = np.empty((n_rules, len(_RULE_COLUMNS)), dtype=np.float64)
        _lib.C.crmkit_rules_rules(self._handle, a_off, a_items, ante, c_off, c_items, cons, metrics, n_rules)
        frame = pd.DataFrame(metrics, columns=_RULE_COLUMNS)
        frame.insert(0, "antecedents", [self._set(a_items[a_off[i]:a_off[i + 1]]) for i in range(n_rules)])
        frame.insert(1, "consequents", [self._set(c_items[c_off[i]:c_off[i + 1]]) for i in range(n_rules)])
        self.rules_ = frame

    def _set(self, items: np.ndarray) -> frozenset:
        return frozenset(self._names[int(i)] for i in items)

    def _check_fitted(self) -> None:
        if self._handle is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "AssociationRules: call fit first")

    def keep_top_per_antecedent(self, n: int) -> "AssociationRules":
        """Keeps the ``n`` rules of highest confidence of each antecedent (``rules_`` too)."""
        self._check_fitted()
        _lib.C.crmkit_rules_keep_top_per_antecedent(self._handle, _int(n, "n"))
        self._read()
        return self

    def suggest(self, basket: Sequence[Any]) -> Any:
        """The items the rules suggest for a basket (Spark's transform: consequents of the
        rules whose antecedent is in the basket, minus the basket), best confidence first:
        a DataFrame with columns item, confidence. Items unknown to the rules are ignored."""
        import pandas as pd

        self._check_fitted()
        codes = np.asarray([self._index[x] for x in basket if x in self._index], dtype=np.int32)
        items, scores = empty(_lib.Q.crmkit_rules_suggest(self._handle, codes, codes.size, None, None, 0),
                              np.int32, np.float64)
        _lib.O.crmkit_rules_suggest(self._handle, codes, codes.size, items, scores, items.size)
        return pd.DataFrame({"item": [self._names[int(i)] for i in items], "confidence": scores})


def _csr(history: Any) -> Any:
    import scipy.sparse

    m = scipy.sparse.csr_matrix(history)
    m.sum_duplicates()
    return (m, np.ascontiguousarray(m.indptr, dtype=np.int64), np.ascontiguousarray(m.indices, dtype=np.int32))


def _offer_arrays(function: Any, rows: int, n: int, *args: Any) -> tuple:
    """(items, scores, cold_start) of a recommend function: ``function(*args, items, scores,
    cold, cap)`` fills rows x n offers."""
    items, scores = empty(rows * n, np.int32, np.float64)
    cold = np.empty(rows, dtype=np.int32)
    function(*args, items, scores, cold, items.size)
    return items.reshape(rows, n), scores.reshape(rows, n), cold.astype(bool)


def _rules_offers(rules: "AssociationRules", history: Any, n: int, exclude_bought: bool = True) -> tuple:
    m, indptr, indices = _csr(history)
    return _offer_arrays(_lib.C.crmkit_rules_recommend, m.shape[0], n, rules._handle, indptr, indices, m.shape[0],
                         m.shape[1], indices.size, _int(n, "n"), 1 if exclude_bought else 0)


def popularity_offers(history: Any, n: int = 10, *, exclude_bought: bool = True) -> tuple:
    """The popularity baseline for every row of ``history`` (a customer x product
    matrix): (items, scores, cold_start), items an (n_rows, n) int32 array (-1: none),
    scores the share of rows holding the item."""
    m, indptr, indices = _csr(history)
    return _offer_arrays(_lib.C.crmkit_offers_popularity, m.shape[0], n, indptr, indices, m.shape[0], m.shape[1],
                         indices.size, _int(n, "n"), 1 if exclude_bought else 0)


_METRIC_NAMES = ["precision", "recall", "map", "ndcg", "coverage", "n_evaluated"]


def evaluate_offers(items: Any, relevant: Any, k: int) -> dict:
    """precision@k, recall@k, MAP@k, NDCG@k, coverage and n_evaluated of offers ``items``
    ((n_rows, top_n) item indices, -1 for none) against ``relevant`` (a customer x
    product matrix whose non-zeros are the relevant items); definitions in
    crmkit/offers/evaluation.hpp."""
    offers = np.ascontiguousarray(items, dtype=np.int32)
    if offers.ndim != 2:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"items must be 2-dimensional, got shape {offers.shape}")
    m, indptr, indices = _csr(relevant)
    out = np.empty(len(_METRIC_NAMES), dtype=np.float64)
    _lib.C.crmkit_offers_evaluate(offers, offers.shape[0], offers.shape[1],
                                 indptr, indices, m.shape[1],
                                 indices.size, _int(k, "k"), out, out.size)
    result = dict(zip(_METRIC_NAMES, out.tolist()))
    result["n_evaluated"] = int(result["n_evaluated"])
    return result


def holdout_evaluation(baskets: Baskets, *, days: float = 60, k: int = 10, als: Optional["ImplicitALS"] = None,
                       rules: Optional["AssociationRules"] = None, knn: Optional["ItemKNN"] = None) -> Any:
    """A time-split hold-out: train on the baskets before the last ``days`` days, offer k
    products per customer that the customer had not bought, and score them against the
    products each customer bought for the first time in the hold-out. Returns a DataFrame
    indexed by method (als, rules, popularity) with precision@k, recall@k, map@k,
    ndcg@k, coverage and n_evaluated. ``als`` / ``rules`` are unfitted estimators
    (defaults: ImplicitALS(), AssociationRules(min_support=0.01, min_threshold=0.1));
    ``knn`` an unfitted :class:`ItemKNN`: when given, its row ``item_knn`` is added
    (after als)."""
    import pandas as pd
    import scipy.sparse

    _, time = baskets.basket_rows()
    if time.size == 0:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, "holdout_evaluation: there are no baskets")
    cutoff = int(time.max() - round(days * 86400)) + 1
    train, test = baskets.split(cutoff)
    history = train.matrix("orders")
    relevant = test.matrix("orders")
    relevant = relevant - relevant.multiply(history > 0)  # products new to the customer
    relevant.eliminate_zeros()
    als = als if als is not None else ImplicitALS()
    rules = rules if rules is not None else AssociationRules(min_support=0.01, min_threshold=0.1)
    als.fit(history)
    rules.fit(train)
    offers = {"als": als._offers(k, True)[0]}
    if knn is not None:
        offers["item_knn"] = knn.fit(history)._offers(k, True)[0]
    offers.update({
        "rules": _rules_offers(rules, history, k)[0],
        "popularity": popularity_offers(history, k)[0],
    })
    rows = {name: evaluate_offers(items, scipy.sparse.csr_matrix(relevant), k) for name, items in offers.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.columns = [f"{c}@{k}" if c in ("precision", "recall", "map", "ndcg") else c for c in frame.columns]
    frame.index.name = "method"
    frame.attrs.update(cutoff=cutoff, train_baskets=len(train), test_baskets=len(test))
    return frame


_ALS_NUMBERS = ("factors", "regularization", "alpha", "max_iter", "cg_steps", "tol", "seed", "n_threads", "bm25_k1",
                "bm25_b")


class ImplicitALS(Persisted):
    """Implicit-feedback ALS by conjugate gradient (see crmkit/offers/implicit_als.hpp).

    Parameters: ``factors``, ``regularization`` (lambda), ``alpha`` (confidence
    c = 1 + alpha r), ``max_iter``, ``cg_steps``, ``solver`` ("cg" or "cholesky": the exact
    per-row solve), ``tol`` (0: run max_iter), ``seed``, ``n_threads`` (results identical
    for any value), ``weighting`` ("none", "bm25" or "tfidf": implicit's ``bm25_weight`` /
    ``tfidf_weight`` of the matrix before the fit; entries weighted <= 0 are dropped),
    ``bm25_k1``, ``bm25_b``.

    Persistence: ``to_text`` / ``from_text`` (the model document: factors, options, report
    and the history the offers exclude) and pickling; ids survive a pickle, not a document.

    After :meth:`fit`: ``user_factors`` (n_customers x factors), ``item_factors``
    (n_products x factors), ``fit_report_``; ``customer_ids`` and ``product_ids`` when fit
    on :class:`Baskets` (else row and column numbers).
    """

    def __init__(self, factors: int = _lib.DEFAULT, *, regularization: float = _lib.DEFAULT,
                 alpha: float = _lib.DEFAULT, max_iter: int = _lib.DEFAULT, cg_steps: int = _lib.DEFAULT,
                 solver: str = "cg", tol: float = _lib.DEFAULT, seed: int = _lib.DEFAULT,
                 n_threads: int = _lib.DEFAULT, weighting: str = "none", bm25_k1: float = _lib.DEFAULT,
                 bm25_b: float = _lib.DEFAULT) -> None:
        _lib.init_options(self, "als", factors=factors, regularization=regularization, alpha=alpha, max_iter=max_iter,
                          cg_steps=cg_steps, tol=tol, seed=seed, n_threads=n_threads, bm25_k1=bm25_k1, bm25_b=bm25_b)
        self.solver = solver
        self.weighting = weighting

    def fit(self, X: Any, *, value: str = "orders", user_init: Any = None, item_init: Any = None) -> "ImplicitALS":
        """Fits to ``X``: a :class:`Baskets` (its customer x product ``matrix(value)``), a
        scipy.sparse matrix or a dense array (customers x products, values >= 0).
        ``user_init`` / ``item_init``: initial factors (both or neither)."""
        import scipy.sparse

        if isinstance(X, Baskets):
            self.customer_ids = X.customer_ids
            self.product_ids = X.item_names
            m = X.matrix(value)
        else:
            m = scipy.sparse.csr_matrix(X)
            self.customer_ids = list(range(m.shape[0]))
            self.product_ids = list(range(m.shape[1]))
        indptr = np.ascontiguousarray(m.indptr, dtype=np.int64)
        indices = np.ascontiguousarray(m.indices, dtype=np.int32)
        data = np.ascontiguousarray(m.data, dtype=np.float64)
        handle = _lib.O.crmkit_als_create()
        self._adopt_handle(handle)
        for name in _ALS_NUMBERS:
            _lib.set_option("als", handle, name, getattr(self, name))
        _lib.set_option("als", handle, "solver", _lib.choice("solver", self.solver, _SOLVERS))
        _lib.set_option("als", handle, "weighting", _lib.choice("weighting", self.weighting, _WEIGHTINGS))
        inits = [None, None]
        if user_init is not None or item_init is not None:
            if user_init is None or item_init is None:
                raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, "give both user_init and item_init, or neither")
            inits = [np.ascontiguousarray(user_init, dtype=np.float64), np.ascontiguousarray(item_init, dtype=np.float64)]
            expected = [(m.shape[0], self.factors), (m.shape[1], self.factors)]
            for a, shape, name in zip(inits, expected, ("user_init", "item_init")):
                if a.shape != shape:
                    raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"{name} has shape {a.shape}, expected {shape}")
        _lib.C.crmkit_als_fit(handle, indptr, indices, data,
                              m.shape[0], m.shape[1], data.size,
                              None if inits[0] is None else inits[0],
                              None if inits[1] is None else inits[1])
        self._read_fit()
        return self

    def _read_fit(self) -> None:
        handle = self._handle
        rows, cols, k = _lib.O.crmkit_als_shape(handle)
        self.user_factors = np.empty((rows, k), dtype=np.float64)
        self.item_factors = np.empty((cols, k), dtype=np.float64)
        _lib.C.crmkit_als_user_factors(handle, self.user_factors, self.user_factors.size)
        _lib.C.crmkit_als_item_factors(handle, self.item_factors, self.item_factors.size)
        self.fit_report_ = read_fit_report("als", handle)

    # -- persistence: the model document (crmkit/core/model_document.hpp; Persisted) -
    _c_name = "als"

    def _is_fitted(self) -> bool:
        return self._handle is not None and hasattr(self, "user_factors")

    @classmethod
    def from_text(cls, text: str) -> "ImplicitALS":
        """A fitted model read from ``to_text`` output: the same offers and similarities,
        bit for bit. Customers and products are numbered 0.. (ids are not in the document)."""
        model = cls()
        model._load_handle(text)
        model._read_fit()
        for name in _ALS_NUMBERS + ("solver", "weighting"):
            setattr(model, name, _lib.get_option("als", model._handle, name))
        model.solver = {v: k for k, v in _SOLVERS.items()}[model.solver]
        model.weighting = {v: k for k, v in _WEIGHTINGS.items()}[model.weighting]
        model.customer_ids = list(range(model.user_factors.shape[0]))
        model.product_ids = list(range(model.item_factors.shape[0]))
        return model

    def recommend(self, n: int = 10, *, exclude_bought: bool = True) -> Any:
        """Top-``n`` offers per customer as a DataFrame (customer_id, rank, product_id,
        score, cold_start), best first; customers without history get the most popular
        products, flagged ``cold_start``. Rows are left out where fewer than n remain."""
        n = _int(n, "n")
        self._check_fitted()
        items, scores, cold = self._offers(n, exclude_bought)
        return _offers_frame(items, scores, cold, self.customer_ids, self.product_ids)

    def _offers(self, n: int, exclude_bought: bool) -> tuple:
        """(items, scores, cold_start) arrays of crmkit_als_recommend."""
        if self._handle is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "ImplicitALS: call fit first")
        return _offer_arrays(_lib.C.crmkit_als_recommend, self.user_factors.shape[0], n, self._handle, _int(n, "n"),
                             1 if exclude_bought else 0)

    def similar_items(self, item: Any, n: int = 10) -> Any:
        """The ``n`` products most similar to ``item`` (a product id, or an index when fit
        on a matrix) by the cosine of their factors: DataFrame product_id, score."""
        return _similar_items(self, "ImplicitALS", "crmkit_als_similar_items", item, n)


def _similar_items(model: Any, owner: str, c_function: str, item: Any, n: Any) -> Any:
    """similar_items of ImplicitALS and ItemKNN: their C calls share one signature."""
    import pandas as pd

    if model._handle is None:
        raise _errors.error_for(_errors.E_NOT_FITTED, f"{owner}: call fit first")
    try:
        code = model.product_ids.index(item)
    except ValueError:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"unknown product {item!r}") from None
    n = _int(n, "n")
    items, scores = empty(max(n, 0), np.int32, np.float64)
    k = getattr(_lib.O, c_function)(model._handle, code, n, items, scores, items.size)
    return pd.DataFrame({"product_id": [model.product_ids[int(i)] for i in items[:k]], "score": scores[:k]})


def _matrix_input(X: Any, value: str) -> tuple:
    """(csr matrix, indptr, indices, data, customer_ids, product_ids) of a Baskets or a matrix."""
    import scipy.sparse

    if isinstance(X, Baskets):
        m = X.matrix(value)
        customers, products = X.customer_ids, X.item_names
    else:
        m = scipy.sparse.csr_matrix(X)
        customers, products = list(range(m.shape[0])), list(range(m.shape[1]))
    return (m, np.ascontiguousarray(m.indptr, dtype=np.int64), np.ascontiguousarray(m.indices, dtype=np.int32),
            np.ascontiguousarray(m.data, dtype=np.float64), customers, products)


def _offers_frame(items: np.ndarray, scores: np.ndarray, cold: np.ndarray, customers: Sequence[Any],
                  products: Sequence[Any]) -> Any:
    """The long offers DataFrame (customer_id, rank, product_id, score, cold_start)."""
    import pandas as pd

    rows, n = items.shape
    flat, flat_scores = items.ravel(), scores.ravel()
    keep = flat >= 0
    row = np.repeat(np.arange(rows), n)[keep]
    return pd.DataFrame({
        "customer_id": np.asarray(customers, dtype=object)[row],
        "rank": np.tile(np.arange(1, n + 1), rows)[keep],
        "product_id": np.asarray(products, dtype=object)[flat[keep]],
        "score": flat_scores[keep],
        "cold_start": cold[row],
    })


class ItemKNN:
    """Item-item cosine nearest neighbours (crmkit/offers/item_knn.hpp), as the
    ``implicit`` library's ``CosineRecommender``: the ``neighbours`` (K) most similar
    products of each product by the cosine of their customer columns (the product itself
    included), offers scored sum_i r_ui s_ij, the slots left filled by popularity.

    After :meth:`fit`: ``similarity_`` (a scipy.sparse CSR products x products matrix),
    ``customer_ids``, ``product_ids``.
    """

    def __init__(self, neighbours: int = _lib.DEFAULT, *, n_threads: int = _lib.DEFAULT) -> None:
        _lib.init_options(self, "item_knn", neighbours=neighbours, n_threads=n_threads)

    def fit(self, X: Any, *, value: str = "orders") -> "ItemKNN":
        """Fits to ``X``: a :class:`Baskets` (its ``matrix(value)``), a scipy.sparse matrix
        or a dense array (customers x products, values >= 0)."""
        import scipy.sparse

        m, indptr, indices, data, self.customer_ids, self.product_ids = _matrix_input(X, value)
        handle = _lib.O.crmkit_item_knn_create()
        _lib.adopt(self, handle, "item_knn")
        for name in ("neighbours", "n_threads"):
            _lib.set_option("item_knn", handle, name, getattr(self, name))
        _lib.C.crmkit_item_knn_fit(handle, indptr, indices, data, m.shape[0], m.shape[1], data.size)
        self._rows = m.shape[0]
        nnz = _lib.Q.crmkit_item_knn_similarity(handle, None, 0, None, None, 0)
        sp = np.empty(m.shape[1] + 1, dtype=np.int64)
        si, sv = empty(nnz, np.int32, np.float64)
        _lib.O.crmkit_item_knn_similarity(handle, sp, sp.size, si, sv, nnz)
        self.similarity_ = scipy.sparse.csr_matrix((sv, si, sp), shape=(m.shape[1], m.shape[1]))
        return self

    def _offers(self, n: int, exclude_bought: bool) -> tuple:
        if self._handle is None:
            raise _errors.error_for(_errors.E_NOT_FITTED, "ItemKNN: call fit first")
        return _offer_arrays(_lib.C.crmkit_item_knn_recommend, self._rows, n, self._handle, _int(n, "n"),
                             1 if exclude_bought else 0)

    def recommend(self, n: int = 10, *, exclude_bought: bool = True) -> Any:
        """Top-``n`` offers per customer as a DataFrame (customer_id, rank, product_id,
        score, cold_start); ``cold_start`` marks customers the neighbours suggested nothing
        for (they get the most popular products)."""
        items, scores, cold = self._offers(_int(n, "n"), exclude_bought)
        return _offers_frame(items, scores, cold, self.customer_ids, self.product_ids)

    def similar_items(self, item: Any, n: int = 10) -> Any:
        """The kept neighbours of ``item`` (a product id, or an index when fit on a
        matrix) other than itself, best first: DataFrame product_id, score."""
        return _similar_items(self, "ItemKNN", "crmkit_item_knn_similar_items", item, n)


def _offer_grid(offers: Any) -> tuple:
    """(customers, products, items (rows x n), scores, cold, values or None) of a long offers frame."""
    for column in ("customer_id", "rank", "product_id", "score"):
        if column not in offers.columns:
            raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"offers has no column {column!r}")
    customers = list(dict.fromkeys(offers["customer_id"].tolist()))
    products = list(dict.fromkeys(offers["product_id"].tolist()))
    n = int(offers["rank"].max()) if len(offers) else 1
    row_of = {c: i for i, c in enumerate(customers)}
    item_of = {p: i for i, p in enumerate(products)}
    items = np.full((len(customers), n), -1, dtype=np.int32)
    scores = np.zeros((len(customers), n), dtype=np.float64)
    values = np.zeros((len(customers), n), dtype=np.float64) if "expected_value" in offers.columns else None
    cold = np.zeros(len(customers), dtype=np.int32)
    rows = np.fromiter((row_of[c] for c in offers["customer_id"]), dtype=np.int64, count=len(offers))
    ranks = offers["rank"].to_numpy(dtype=np.int64) - 1
    if len(offers) and (ranks.min() < 0):
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, "offers: rank must be >= 1")
    items[rows, ranks] = np.fromiter((item_of[p] for p in offers["product_id"]), dtype=np.int32, count=len(offers))
    scores[rows, ranks] = offers["score"].to_numpy(dtype=np.float64)
    if values is not None:
        values[rows, ranks] = offers["expected_value"].to_numpy(dtype=np.float64)
    if "cold_start" in offers.columns:
        cold[rows] = offers["cold_start"].to_numpy(dtype=np.int32)
    return customers, products, items, scores, cold, values


def rank_by_value(offers: Any, value: Any, item_value: Any = None) -> Any:
    """Offers (a ``recommend`` DataFrame) re-ranked by expected value =
    clamp(score, 0, 1) x value[customer] x item_value[product] (crmkit/offers/offer_value.hpp),
    in the units of ``value`` (e.g. the customer table's CLV or expected spend: currency)
    times those of ``item_value`` (e.g. a product's mean spend; None: 1). ``value`` is a
    Series (or mapping) keyed by customer id; a customer without a value (missing / NaN)
    gets expected value 0 and keeps the affinity order. Returns the offers with
    ``expected_value``, ``rank`` renumbered by value within each customer."""
    import pandas as pd

    customers, products, items, scores, cold, _ = _offer_grid(offers)
    values = pd.Series(value, dtype=float) if not isinstance(value, pd.Series) else value.astype(float)
    row_value = np.ascontiguousarray(values.reindex(customers).to_numpy(dtype=np.float64, na_value=np.nan))
    per_item = None
    if item_value is not None:
        iv = pd.Series(item_value, dtype=float) if not isinstance(item_value, pd.Series) else item_value.astype(float)
        per_item = np.ascontiguousarray(iv.reindex(products).to_numpy(dtype=np.float64, na_value=np.nan))
    rows, n = items.shape
    out_items = np.empty_like(items)
    out_scores = np.empty_like(scores)
    out_values = np.empty_like(scores)
    _lib.C.crmkit_offers_rank_by_value(
        items, scores, rows, n, row_value,
        per_item, len(products),
        out_items, out_scores, out_values, out_items.size)
    frame = _offers_frame(out_items, out_scores, cold.astype(bool), customers, products)
    frame["expected_value"] = out_values.ravel()[out_items.ravel() >= 0]
    return frame


def add_offer_columns(table: Any, offers: Any, *, prefix: str = "next_best_offer") -> Any:
    """The customer table (a DataFrame indexed by customer id) with the next-best-offer
    columns added: ``<prefix>`` (the first offer's product id), ``<prefix>_score``,
    ``<prefix>_value`` (when ``offers`` has ``expected_value``, from :func:`rank_by_value`)
    and ``<prefix>_cold_start``. Customers without offers get missing values; the input
    table is not modified."""
    from ctypes import c_char_p

    from . import table as _table

    customers, products, items, scores, cold, values = _offer_grid(offers)
    if not isinstance(prefix, str) or not prefix:
        raise InvalidArgumentError(_errors.E_INVALID_ARGUMENT, f"prefix must be a non-empty string, got {prefix!r}")
    handle = _table.from_frame(table)
    ids = [str(c).encode("utf-8") for c in customers]
    names = [str(p).encode("utf-8") for p in products]
    id_array = (c_char_p * max(len(ids), 1))(*ids)
    name_array = (c_char_p * max(len(names), 1))(*names)
    _lib.C.crmkit_offers_add_columns(
        handle.ptr, prefix.encode("utf-8"), id_array, len(ids), name_array, len(names), items,
        scores, values, cold,
        items.shape[1])
    out = _table.to_frame(handle, [str(i) for i in table.index])
    out.index = table.index
    return out
