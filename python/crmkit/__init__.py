"""crmkit: CRM analytics over the crmkit C library (ctypes bindings of crmkit.h).

Example::

    import crmkit
    ds = crmkit.Dataset.from_csv("orders.csv", time_column="date")
    print(ds.n_customers, ds.time_range, ds.amount.sum())

The shared library is found through ``CRMKIT_LIBRARY``, next to the package, in the
source tree's ``build/*/`` directories or in the usual install prefixes (see
``crmkit._lib``); a library of another major version is refused.
"""

from __future__ import annotations

from ._errors import Error, InvalidArgumentError, NotFoundError
from ._fit import FitReport
from ._version import __version__
from .dataset import Dataset, FilterCount, IngestReport
from .churn import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    btyd_summary,
    customer_lifetime_value,
    validate_holdout,
)
from .kmeans import FeatureScaler, KMeans, kmeans_plusplus, scan_k, silhouette_score
from .geo import GeoFilter, GeoIndex, Territory, customer_territories, territory_contains
from .geo_field import (
    DensityGrid,
    GeohashGrid,
    Reps,
    Track,
    convert_coordinates,
    geo_distance,
    geohash_decode,
    geohash_encode,
    rep_coverage,
)
from . import metrics
from .logistic import LogisticChurn
from .lifecycle import Lifecycle, LifecycleBuilder
from .pareto import Pareto, low_return_customers, pareto
from .rfm import RFM, rfm
from .scoring import score_customers, select_customers
from .reporting import Chart, ReportData, report, report_data

__all__ = [
    "FitReport",
    "score_customers",
    "select_customers",
    "Chart",
    "ReportData",
    "report",
    "report_data",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "btyd_summary",
    "customer_lifetime_value",
    "validate_holdout",
    "Dataset",
    "FilterCount",
    "IngestReport",
    "Error",
    "GeoFilter",
    "GeoIndex",
    "Territory",
    "territory_contains",
    "customer_territories",
    "DensityGrid",
    "Reps",
    "Track",
    "convert_coordinates",
    "geo_distance",
    "GeohashGrid",
    "geohash_decode",
    "geohash_encode",
    "rep_coverage",
    "InvalidArgumentError",
    "FeatureScaler",
    "KMeans",
    "LogisticChurn",
    "Lifecycle",
    "LifecycleBuilder",
    "NotFoundError",
    "Pareto",
    "RFM",
    "low_return_customers",
    "metrics",
    "pareto",
    "rfm",
    "kmeans_plusplus",
    "scan_k",
    "silhouette_score",
    "__version__",
    "library_path",
    "library_version",
]


def library_version() -> str:
    """The version string of the loaded libcrmkit (``crmkit_version_string()``)."""
    from . import _lib

    return _lib.get().crmkit_version_string().decode("ascii")


def library_path() -> str:
    """The path of the loaded libcrmkit."""
    from . import _lib

    return str(_lib.get()._crmkit_path)
