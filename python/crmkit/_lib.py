"""Loading libcrmkit.so and declaring its C ABI for ctypes.

The C header include/crmkit/crmkit.h is the source of truth: every ``CRMKIT_API``
function has an entry in ``SIGNATURES`` (argtypes and restype), and every constant
below mirrors a ``#define``; tests/python/test_lib.py parses the header and fails on
any difference.

Search order for the library (the first that loads wins):

1. the ``CRMKIT_LIBRARY`` environment variable (a path to the file; nothing else is
   tried when it is set);
2. next to this file (a wheel that bundles the library);
3. the in-tree build: ``<repo>/build/*/libcrmkit.so*``, newest first;
4. the install prefixes: ``sys.prefix/lib``, ``/usr/local/lib``, ``/usr/lib`` (and their
   multiarch subdirectories).

A library whose major version differs from this package's is refused with
:class:`crmkit.Error`: the C ABI is only stable within a major version.
"""

from __future__ import annotations

import ctypes
import os
import sys
import sysconfig
import threading
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _errors, _version
from ._errors import Error

# Overridable (tests monkeypatch it to simulate a package of another major version).
_EXPECTED_MAJOR = _version.EXPECTED_MAJOR


# ---------------------------------------------------------------------------------------
# Opaque handle types: typed pointers, so ctypes refuses a dataset where options belong.
class CsvOptions(ctypes.Structure):
    """``crmkit_csv_options`` (opaque)."""


class DatasetStruct(ctypes.Structure):
    """``crmkit_dataset`` (opaque)."""


CsvOptionsP = POINTER(CsvOptions)
DatasetP = POINTER(DatasetStruct)

# ---------------------------------------------------------------------------------------
# Constants of crmkit.h.
COPY = 0
BORROW = 1

# crmkit/c/fit_report.h
FIT_CONVERGED = 0
FIT_BOUNDARY = 1
FIT_ITERATION_LIMIT = 2
FIT_NUMERICAL_FAILURE = 3

CSV_DELIMITER = 1
CSV_QUOTE = 2
CSV_TIME_FORMAT = 3
CSV_ON_BAD_ROW = 4
CSV_MIN_TIME = 5
CSV_MAX_TIME = 6
CSV_ALLOW_NEGATIVE_AMOUNTS = 7
CSV_DROP_NONPOSITIVE_QUANTITY = 8
CSV_DROP_NONPOSITIVE_UNIT_PRICE = 9
CSV_DROP_EMPTY_CUSTOMER = 10
CSV_CUSTOMER_COLUMN = 101
CSV_TIME_COLUMN = 102
CSV_AMOUNT_COLUMN = 103
CSV_PRODUCT_COLUMN = 104
CSV_CHANNEL_COLUMN = 105
CSV_CUSTOMER_ID_COLUMN = 106
CSV_LONGITUDE_COLUMN = 107
CSV_LATITUDE_COLUMN = 108
CSV_ORDER_COLUMN = 109
CSV_QUANTITY_COLUMN = 110
CSV_UNIT_PRICE_COLUMN = 111
CSV_EXCLUDE_ORDER_PREFIX = 112

TIME_ISO8601 = 0
TIME_EPOCH_SECONDS = 1
TIME_COMPACT_DATE = 2

BAD_ROW_FAIL = 0
BAD_ROW_SKIP = 1

# ---------------------------------------------------------------------------------------
# One table: every exported function -> (restype, argtypes), in header order.
_size_p = POINTER(c_size_t)
_buf = POINTER(c_char)  # a writable char buffer (ctypes.create_string_buffer)

SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    # status codes, errors and version
    "crmkit_last_error": (c_char_p, []),
    "crmkit_status_str": (c_char_p, [c_int32]),
    "crmkit_version_number": (c_int32, []),
    "crmkit_version_string": (c_char_p, []),
    # CSV options
    "crmkit_csv_options_create": (c_int, [POINTER(CsvOptionsP)]),
    "crmkit_csv_options_free": (None, [CsvOptionsP]),
    "crmkit_csv_options_set_int": (c_int, [CsvOptionsP, c_int32, c_int64]),
    "crmkit_csv_options_set_string": (c_int, [CsvOptionsP, c_int32, c_char_p]),
    "crmkit_csv_options_add_attribute_column": (c_int, [CsvOptionsP, c_char_p]),
    # dataset
    "crmkit_dataset_create_from_csv": (c_int, [c_char_p, c_char_p, CsvOptionsP, POINTER(DatasetP)]),
    "crmkit_dataset_create_from_columns": (
        c_int,
        [POINTER(c_int32), POINTER(c_int64), POINTER(c_double), c_size_t, c_size_t, c_int32, POINTER(DatasetP)],
    ),
    "crmkit_dataset_create_from_order_lines": (
        c_int,
        [
            POINTER(c_int32), c_char_p, _size_p, c_size_t,  # customer
            POINTER(c_int64), POINTER(c_double), POINTER(c_double), POINTER(c_double),  # time, amount, qty, price
            POINTER(c_int32), c_char_p, _size_p, c_size_t,  # order
            POINTER(c_int32), c_char_p, _size_p, c_size_t,  # product
            c_size_t, CsvOptionsP, POINTER(DatasetP),
        ],
    ),
    "crmkit_dataset_free": (None, [DatasetP]),
    "crmkit_dataset_set_customer_ids": (c_int, [DatasetP, POINTER(c_char_p), c_size_t]),
    "crmkit_dataset_set_customer_locations": (
        c_int,
        [DatasetP, POINTER(c_double), POINTER(c_double), c_size_t, c_int32],
    ),
    "crmkit_dataset_set_customer_attribute": (c_int, [DatasetP, c_char_p, POINTER(c_double), c_size_t, c_int32]),
    "crmkit_dataset_n_transactions": (c_int, [DatasetP, _size_p]),
    "crmkit_dataset_n_customers": (c_int, [DatasetP, _size_p]),
    "crmkit_dataset_time_range": (c_int, [DatasetP, POINTER(c_int64), POINTER(c_int64)]),
    "crmkit_dataset_transactions": (
        c_int,
        [DatasetP, POINTER(POINTER(c_int32)), POINTER(POINTER(c_int64)), POINTER(POINTER(c_double)), _size_p],
    ),
    "crmkit_dataset_customer_id": (c_int, [DatasetP, c_int32, _buf, c_size_t, _size_p]),
    "crmkit_dataset_customer_ids": (c_int, [DatasetP, _buf, c_size_t, _size_p, c_size_t, _size_p]),
    "crmkit_dataset_customer_index": (c_int, [DatasetP, c_char_p, POINTER(c_int32)]),
    "crmkit_dataset_customer_locations": (
        c_int,
        [DatasetP, POINTER(POINTER(c_double)), POINTER(POINTER(c_double)), _size_p],
    ),
    "crmkit_dataset_attribute_count": (c_int, [DatasetP, _size_p]),
    "crmkit_dataset_attribute_name": (c_int, [DatasetP, c_size_t, _buf, c_size_t, _size_p]),
    "crmkit_dataset_customer_attribute": (c_int, [DatasetP, c_char_p, POINTER(POINTER(c_double)), _size_p]),
    "crmkit_dataset_rows_read": (c_int, [DatasetP, _size_p]),
    "crmkit_dataset_skipped_count": (c_int, [DatasetP, _size_p]),
    "crmkit_dataset_skipped_row": (c_int, [DatasetP, c_size_t, POINTER(c_int64), _buf, c_size_t, _size_p]),
    "crmkit_dataset_filtered_count": (c_int, [DatasetP, c_int32, _size_p]),
    "crmkit_dataset_filtered_lines": (c_int, [DatasetP, c_int32, POINTER(c_int64), c_size_t, _size_p]),
    "crmkit_dataset_order_lines": (c_int, [DatasetP, POINTER(POINTER(c_int32)), POINTER(POINTER(c_double)), _size_p]),
    "crmkit_dataset_order_id": (c_int, [DatasetP, c_size_t, _buf, c_size_t, _size_p]),
}

# The analysis modules keep their declarations beside their Python code, one table per
# module header crmkit/c/<module>.h: python/crmkit/_abi_<module>.py defines SIGNATURES
# (and its constants). One import line per module here.
from . import _abi_kmeans, _abi_pareto, _abi_rfm  # noqa: E402  (they use the handle types above)
from . import _abi_logistic  # noqa: E402

_MODULE_ABIS: List[Any] = [_abi_rfm, _abi_pareto, _abi_kmeans]
_MODULE_ABIS.append(_abi_logistic)
from . import _abi_lifecycle  # noqa: E402
_MODULE_ABIS.append(_abi_lifecycle)
from . import _abi_churn  # noqa: E402
_MODULE_ABIS.append(_abi_churn)
from . import _abi_geo  # noqa: E402
_MODULE_ABIS.append(_abi_geo)
from . import _abi_table  # noqa: E402
_MODULE_ABIS.append(_abi_table)
for _module_abi in _MODULE_ABIS:
    SIGNATURES.update(_module_abi.SIGNATURES)
    globals().update(getattr(_module_abi, "CONSTANTS", {}))  # CRMKIT_X -> _lib.X, like the constants above


# ---------------------------------------------------------------------------------------
def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _unique(paths: Sequence[Path]) -> List[Path]:
    seen = set()
    result = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result


def candidate_paths() -> List[Path]:
    """The library files to try, in order (see the module docstring)."""
    explicit = os.environ.get("CRMKIT_LIBRARY")
    if explicit:
        return [Path(explicit).expanduser().absolute()]
    major = _EXPECTED_MAJOR
    names = ["libcrmkit.so", f"libcrmkit.so.{major}"]
    candidates: List[Path] = [Path(__file__).resolve().parent / name for name in names]
    build = _repo_root() / "build"
    if build.is_dir():
        in_tree = [p for p in build.glob("*/libcrmkit.so*") if p.is_file()]
        in_tree.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        candidates += in_tree
    prefixes = [Path(sys.prefix) / "lib", Path("/usr/local/lib"), Path("/usr/lib")]
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch:
        prefixes = [d for p in prefixes for d in (p, p / multiarch)]
    candidates += [prefix / name for prefix in prefixes for name in names]
    return _unique([p for p in candidates if p.is_file()])


def _declare(lib: ctypes.CDLL, path: Path) -> None:
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise Error(
                _errors.E_UNSUPPORTED,
                f"{path} does not export {name}: it is older than this crmkit package "
                f"({_version.__version__}); rebuild libcrmkit or point CRMKIT_LIBRARY at a newer one",
            ) from None
        function.restype = restype
        function.argtypes = argtypes


def _check_version(lib: ctypes.CDLL, path: Path) -> None:
    number = int(lib.crmkit_version_number())
    major, minor, patch = number // 10000, number // 100 % 100, number % 100
    if major != _EXPECTED_MAJOR:
        raise Error(
            _errors.E_UNSUPPORTED,
            f"{path} is libcrmkit {major}.{minor}.{patch} (major version {major}), but this crmkit "
            f"package ({_version.__version__}) needs major version {_EXPECTED_MAJOR}; "
            "set CRMKIT_LIBRARY to a matching build",
        )


def _sanitizer_runtime_missing(path: Path) -> Optional[str]:
    """The sanitizer runtime ``path`` needs but this process lacks, or None.

    An AddressSanitizer build of libcrmkit aborts the whole process when dlopen()ed into
    an interpreter that was not started with the runtime preloaded, so such a library is
    skipped (or, when named explicitly, refused) rather than loaded.
    """
    try:
        with open(path, "rb") as file:
            needs_asan = b"libasan.so" in file.read()
    except OSError:
        return None
    if not needs_asan:
        return None
    try:
        with open("/proc/self/maps", "rb") as maps:
            if b"libasan" in maps.read():
                return None
    except OSError:
        pass
    return "libasan (an AddressSanitizer build; run Python with LD_PRELOAD=$(gcc -print-file-name=libasan.so))"


def load_library(path: Optional[os.PathLike] = None) -> ctypes.CDLL:
    """Loads libcrmkit (``path``, or the first of :func:`candidate_paths` that loads),
    checks its major version and declares every function's signature.

    Raises:
        crmkit.Error: no library found or loadable, wrong major version, or a function
            missing.
    """
    paths = [Path(path).expanduser().absolute()] if path is not None else candidate_paths()
    if not paths:
        raise Error(
            _errors.E_IO,
            "cannot find libcrmkit.so: build it (cmake --build <dir> --target crmkit_c) or set "
            "CRMKIT_LIBRARY to its path; searched next to the package, <repo>/build/*/ and "
            f"{sys.prefix}/lib, /usr/local/lib, /usr/lib",
        )
    failures = []
    for candidate in paths:
        runtime = _sanitizer_runtime_missing(candidate)
        if runtime is not None:
            failures.append(f"{candidate}: needs {runtime}")
            continue
        try:
            lib = ctypes.CDLL(str(candidate))
        except OSError as exc:  # e.g. a sanitizer build that needs its runtime preloaded
            failures.append(f"{candidate}: {exc}")
            continue
        version_number = lib.crmkit_version_number
        version_number.restype = c_int32
        version_number.argtypes = []
        _check_version(lib, candidate)
        _declare(lib, candidate)
        lib._crmkit_path = candidate  # type: ignore[attr-defined]
        return lib
    raise Error(_errors.E_IO, "cannot load libcrmkit: " + "; ".join(failures))


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def get() -> ctypes.CDLL:
    """The process-wide library, loaded on first use."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = load_library()
    return _lib


def last_error() -> str:
    """The calling thread's last error message."""
    return get().crmkit_last_error().decode("utf-8", "replace")


def check(rc: int) -> None:
    """Raises the crmkit.Error for a nonzero status code, with the C message."""
    if rc != _errors.OK:
        raise _errors.error_for(rc, last_error())


#: The name the conventions use (LightGBM's _safe_call).
_check = check
