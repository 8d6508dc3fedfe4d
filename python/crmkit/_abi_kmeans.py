"""ctypes declarations of crmkit/c/kmeans.h (k-means segmentation, silhouette, scan over k,
profiles, feature scaler).

``SIGNATURES`` maps every function of the header to (restype, argtypes); ``CONSTANTS``
mirrors its ``#define`` values (exported by ``crmkit._lib`` under the same names, without
the ``CRMKIT_`` prefix); ``OPAQUE_TYPES`` names the handle structs. tests/python/test_lib.py
checks all three against the header.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from typing import Any, Dict, List, Tuple


class KMeansStruct(ctypes.Structure):
    """``crmkit_kmeans`` (opaque)."""


class FeatureScalerStruct(ctypes.Structure):
    """``crmkit_feature_scaler`` (opaque)."""


KMeansP = POINTER(KMeansStruct)
FeatureScalerP = POINTER(FeatureScalerStruct)

OPAQUE_TYPES = {"crmkit_kmeans": KMeansStruct, "crmkit_feature_scaler": FeatureScalerStruct}

CONSTANTS: Dict[str, int] = {
    "KMEANS_N_CLUSTERS": 1,
    "KMEANS_INIT": 2,
    "KMEANS_N_INIT": 3,
    "KMEANS_MAX_ITER": 4,
    "KMEANS_ALGORITHM": 5,
    "KMEANS_SEED": 6,
    "KMEANS_N_THREADS": 7,
    "KMEANS_N_LOCAL_TRIALS": 8,
    "KMEANS_TOL": 101,
    "KMEANS_INIT_KMEANS_PLUSPLUS": 0,
    "KMEANS_INIT_RANDOM": 1,
    "KMEANS_ALGORITHM_LLOYD": 0,
    "KMEANS_ALGORITHM_HAMERLY": 1,
}

_dp = POINTER(c_double)
_size_p = POINTER(c_size_t)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "crmkit_kmeans_create": (c_int, [POINTER(KMeansP)]),
    "crmkit_kmeans_free": (None, [KMeansP]),
    "crmkit_kmeans_set_int": (c_int, [KMeansP, c_int32, c_int64]),
    "crmkit_kmeans_set_double": (c_int, [KMeansP, c_int32, c_double]),
    "crmkit_kmeans_fit": (c_int, [KMeansP, _dp, c_size_t, c_size_t]),
    "crmkit_kmeans_fit_with_centers": (c_int, [KMeansP, _dp, c_size_t, c_size_t, _dp, c_size_t]),
    "crmkit_kmeans_fit_weighted": (c_int, [KMeansP, _dp, c_size_t, c_size_t, _dp, _dp, c_size_t]),
    "crmkit_kmeans_shape": (c_int, [KMeansP, _size_p, _size_p, _size_p]),
    "crmkit_kmeans_labels": (c_int, [KMeansP, POINTER(c_int32), c_size_t]),
    "crmkit_kmeans_centers": (c_int, [KMeansP, _dp, c_size_t]),
    "crmkit_kmeans_stats": (
        c_int,
        [KMeansP, _dp, POINTER(c_int32), POINTER(c_int64), POINTER(c_int32)],
    ),
    "crmkit_kmeans_save": (c_int, [KMeansP, POINTER(c_char), c_size_t, _size_p]),
    "crmkit_kmeans_load": (c_int, [c_char_p, POINTER(KMeansP)]),
    "crmkit_kmeans_fit_report": (c_int, [KMeansP, POINTER(c_int32), POINTER(c_int32), _dp, _dp]),
    "crmkit_kmeans_fit_message": (c_int, [KMeansP, POINTER(c_char), c_size_t, _size_p]),
    "crmkit_kmeans_predict": (c_int, [KMeansP, _dp, c_size_t, c_size_t, POINTER(c_int32)]),
    "crmkit_kmeans_plusplus": (
        c_int,
        [_dp, c_size_t, c_size_t, c_size_t, c_int64, c_int32, c_int32, POINTER(c_int64)],
    ),
    "crmkit_silhouette_score": (
        c_int,
        [_dp, c_size_t, c_size_t, POINTER(c_int32), c_size_t, c_int64, c_int32, _dp],
    ),
    "crmkit_kmeans_scan_k": (
        c_int,
        [KMeansP, _dp, c_size_t, c_size_t, c_size_t, c_size_t, c_int64, _dp, POINTER(c_int32), _dp],
    ),
    "crmkit_kmeans_profile": (
        c_int,
        [_dp, c_size_t, c_size_t, POINTER(c_int32), c_size_t, _dp, POINTER(c_int64), _dp, _dp, _dp, _dp],
    ),
    "crmkit_feature_scaler_fit": (
        c_int,
        [_dp, c_size_t, c_size_t, POINTER(c_int32), c_int32, POINTER(FeatureScalerP)],
    ),
    "crmkit_feature_scaler_free": (None, [FeatureScalerP]),
    "crmkit_feature_scaler_params": (
        c_int,
        [FeatureScalerP, _size_p, _dp, _dp, POINTER(c_int32), c_size_t],
    ),
    "crmkit_feature_scaler_transform": (c_int, [FeatureScalerP, _dp, c_size_t, c_size_t, _dp]),
    "crmkit_feature_scaler_inverse_transform": (c_int, [FeatureScalerP, _dp, c_size_t, c_size_t, _dp]),
}
