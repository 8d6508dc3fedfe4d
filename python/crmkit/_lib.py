"""Loading libcrmkit.so and declaring its C ABI for ctypes.

The C headers are the source of truth and nothing is transcribed from them: at load,
:mod:`crmkit._cdecl` parses ``crmkit/crmkit.h`` and ``crmkit/c/*.h`` (found next to the
library, see there) into the argtypes/restype of every ``CRMKIT_API`` function, the integer
``#define`` constants and the opaque handle types. They are reached mechanically:

- ``CRMKIT_KMEANS_TOL`` is ``_lib.KMEANS_TOL`` (the ``CRMKIT_`` prefix dropped);
- the handle type ``crmkit_geo_index`` is ``_lib.GeoIndexP`` (``POINTER`` to the opaque
  struct; the CamelCase of the name without ``crmkit_``, plus ``P``);
- an option's Python keyword is the C constant's suffix lowercased, and its default comes
  from the library's bounds query (:func:`option_default`).

tests/python/test_lib.py checks that every parsed function is exported by the library and
that every function the package calls is declared.

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

import contextlib
import ctypes
import math
import os
import sys
import sysconfig
import threading
import weakref
from ctypes import byref, c_char_p, c_int32
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from . import _cdecl, _errors, _version
from ._errors import Error

# Overridable (tests monkeypatch it to simulate a package of another major version).
_EXPECTED_MAJOR = _version.EXPECTED_MAJOR


# ---------------------------------------------------------------------------------------
def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _unique(paths: Sequence[Path]) -> List[Path]:
    first: Dict[Path, Path] = {}  # the first path to each file
    for path in paths:
        first.setdefault(path.resolve(), path)
    return list(first.values())


def candidate_paths() -> List[Path]:
    """The library files to try, in order (see the module docstring)."""
    explicit = os.environ.get("CRMKIT_LIBRARY")
    if explicit:
        return [Path(explicit).expanduser().absolute()]
    names = ["libcrmkit.so", f"libcrmkit.so.{_EXPECTED_MAJOR}"]
    multiarch = sysconfig.get_config_var("MULTIARCH")

    def files(*libdirs: Path) -> List[Path]:  # the names in each libdir and its multiarch subdirectory
        return [d / name for p in libdirs for d in ((p, p / multiarch) if multiarch else (p,)) for name in names]

    package = Path(__file__).resolve().parent
    candidates: List[Path] = [package / name for name in names]
    # Installed by CMake: <prefix>/lib/python3/dist-packages/crmkit -> <prefix>/lib
    if package.parent.name in ("dist-packages", "site-packages") and package.parents[1].name.startswith("python"):
        candidates += files(package.parents[2])
    build = _repo_root() / "build"
    if build.is_dir():
        in_tree = [p for p in build.glob("*/libcrmkit.so*") if p.is_file()]
        in_tree.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        candidates += in_tree
    candidates += files(Path(sys.prefix) / "lib", Path("/usr/local/lib"), Path("/usr/lib"))
    return _unique([p for p in candidates if p.is_file()])


def _declare(lib: ctypes.CDLL, path: Path, signatures: Dict[str, Tuple[Any, List[Any]]]) -> None:
    for name, (restype, argtypes) in signatures.items():
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
        declarations = _cdecl.declarations(_cdecl.find_include_dir(candidate))
        _declare(lib, candidate, declarations.functions)
        lib._crmkit_path = candidate  # type: ignore[attr-defined]
        lib._crmkit_declarations = declarations  # type: ignore[attr-defined]
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


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, bytes) else str(value).encode("utf-8")


def _argument(function: str, index: int, value: Any, argtype: Any) -> Any:
    """``value`` as the ctypes argument ``argtype``: a numpy array as a pointer to its data,
    which must be C-contiguous and of the pointee's dtype (nothing is converted or copied);
    for a ``const char*`` any value but bytes and None as its str in UTF-8; for a pointer, a
    list or tuple as a C array of its items, each converted as an argument of the pointee
    type (``const char* const*`` from strings, ``const double* const*`` from arrays)."""
    if argtype is c_char_p:
        return _text(value)
    if isinstance(value, (list, tuple)) and hasattr(argtype, "_type_") and isinstance(argtype._type_, type):
        items = [_argument(function, index, item, argtype._type_) for item in value]
        return (argtype._type_ * max(len(items), 1))(*items)
    if not isinstance(value, np.ndarray) or not isinstance(argtype, type) or not issubclass(argtype, ctypes._Pointer):
        return value
    try:
        dtype = np.dtype(argtype._type_)
    except TypeError:  # a pointer to a non-numeric type (char*, a handle): ctypes decides
        return value
    if value.dtype != dtype or not value.flags.c_contiguous:
        raise _errors.invalid(
            f"{function}: argument {index + 1} is a {'' if value.flags.c_contiguous else 'non-contiguous '}"
            f"{value.dtype} array, the library takes C-contiguous {dtype}")
    return value.ctypes.data_as(argtype)


class _CheckedCalls:
    """``_lib.C.crmkit_kmeans_fit(...)``: calls that C function and raises the :class:`crmkit.Error` of a
    nonzero status (as :func:`check`); a numpy array argument passes as a pointer to its data
    (:func:`_argument`), ``None`` as NULL. Every binding's C call goes through here, so no
    wrapper converts pointers or checks a status itself. ``_lib.Q`` is the same for the
    first call of the two-call protocol (a size query with capacity 0): there
    ``E_BUFFER_TOO_SMALL`` is the expected answer, not an error."""

    def __init__(self, size_query: bool = False, outputs: bool = False) -> None:
        self._size_query = size_query
        self._outputs = outputs

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("crmkit_"):
            raise AttributeError(name)
        function = getattr(get(), name)

        def call(*args: Any) -> Any:
            types = function.argtypes or ()
            outs = [t._type_() for t in types[len(args):]] if self._outputs else []
            rc = function(*(_argument(name, i, a, types[i]) if i < len(types) else a for i, a in enumerate(args)),
                          *(byref(o) for o in outs))
            if not (self._size_query and rc == _errors.E_BUFFER_TOO_SMALL):
                check(rc)
            if not outs:
                return None
            values = [o if isinstance(o, ctypes._Pointer) else o.value for o in outs]
            return values[0] if len(values) == 1 else tuple(values)

        call.__name__ = name
        return call


#: The checked C functions, and their size queries (see :class:`_CheckedCalls`).
C = _CheckedCalls()
Q = _CheckedCalls(size_query=True, outputs=True)
#: ``_lib.O.crmkit_geo_index_size(handle)`` -> ``(n, n_located)``: the checked call with the
#: trailing out-arguments (every parameter after the ones given, each a pointer) made here
#: and their values returned (one value, or a tuple); a handle out-argument (``crmkit_x**``)
#: comes back as the handle pointer, a borrowed array (``const double**``) as the pointer.
#: ``_lib.Q`` makes and returns out-arguments the same way:
#: ``n = _lib.Q.crmkit_table_select(table, text, None, 0)``.
O = _CheckedCalls(outputs=True)


def data(function: Any, *args: Any) -> bytes:
    """The bytes of ``function(*args, char* buf, size_t cap, size_t* out_needed)`` (a C
    function object) by the two-call protocol: a size query, then the copy."""
    needed = ctypes.c_size_t()
    rc = function(*args, None, 0, byref(needed))
    if rc != _errors.E_BUFFER_TOO_SMALL:
        check(rc)
    buffer = ctypes.create_string_buffer(max(needed.value, 1))
    check(function(*args, buffer, needed.value, byref(needed)))
    return buffer.raw[:needed.value]


def text(function: Any, *args: Any) -> str:
    """The text of a two-call-protocol function (:func:`data`; its NUL ends the text)."""
    return data(function, *args).split(b"\0", 1)[0].decode("utf-8", "replace")


def id_list(function: Any, handle: Any, n: int) -> List[str]:
    """The n ids of ``function(handle, char* buf, size_t cap, size_t* offsets, size_t
    n_offsets, size_t* out_needed)`` (the id-list protocol of crmkit_dataset_customer_ids
    and crmkit_state_customer_ids): a size query, then the bytes and n + 1 offsets."""
    offsets = np.zeros(n + 1, dtype=np.uintp)
    pointer = offsets.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t))
    raw = data(lambda buffer, cap, needed: function(handle, buffer, cap, *((pointer, n + 1) if buffer else (None, 0)),
                                                    needed))
    bounds = offsets.tolist()
    return [raw[bounds[i]:bounds[i + 1]].decode("utf-8", "replace") for i in range(n)]


class Handle:
    """Owns one C handle ``crmkit_<kind>*`` (``ptr``), freed by ``crmkit_<kind>_free`` when
    the last reference goes (or at ``finalizer()``). A subclass names the kind once
    (``kind = "table"``); ``Handle()`` creates one with ``crmkit_<kind>_create``,
    ``Handle(ptr)`` adopts one a C function returned. ``keepalive`` holds host arrays the
    handle borrows, so they live as long as it does."""

    kind = ""
    __slots__ = ("ptr", "keepalive", "finalizer", "__weakref__")

    def __init__(self, ptr: Any = None, keepalive: Sequence[Any] = ()) -> None:
        if ptr is None:
            ptr = declarations().handle_pointer(f"crmkit_{self.kind}")()
            getattr(C, f"crmkit_{self.kind}_create")(byref(ptr))
        self.ptr = ptr
        self.keepalive = list(keepalive)
        self.finalizer = weakref.finalize(self, getattr(get(), f"crmkit_{self.kind}_free"), ptr)


@contextlib.contextmanager
def freed(kind: str, handle: Any) -> Iterator[Any]:
    """``with _lib.freed("geo_track", handle) as h:`` frees the C handle at the end of the block
    (``crmkit_<kind>_free``), for a handle used only inside one function."""
    try:
        yield handle
    finally:
        getattr(get(), f"crmkit_{kind}_free")(handle)


def adopt(owner: Any, handle: Any, kind: str) -> None:
    """Makes ``owner._handle`` the C handle ``handle`` of type ``crmkit_<kind>``, freed with
    ``owner`` (``owner._finalizer``); the handle it held before is freed now."""
    previous = getattr(owner, "_finalizer", None)
    if previous is not None:
        previous()
    owner._handle = handle
    owner._finalizer = weakref.finalize(owner, getattr(get(), f"crmkit_{kind}_free"), handle)


def declarations() -> _cdecl.Declarations:
    """The parsed headers of the loaded library (loading it if needed)."""
    return get()._crmkit_declarations  # type: ignore[attr-defined]


def _header_declarations() -> _cdecl.Declarations:
    """The parsed headers, without loading the library when it is not loaded yet: those
    next to the library that :func:`get` would try first (constants need no library)."""
    if _lib is not None:
        return _lib._crmkit_declarations  # type: ignore[attr-defined]
    paths = candidate_paths()
    return _cdecl.declarations(_cdecl.find_include_dir(paths[0] if paths else None))


def _camel(c_name: str) -> str:
    return "".join(part.capitalize() for part in c_name[len("crmkit_"):].split("_"))


def __getattr__(name: str) -> Any:
    """``_lib.KMEANS_TOL`` (a header constant), ``_lib.GeoIndexP`` (a handle pointer type)
    and ``_lib.SIGNATURES`` (every parsed function), resolved from the headers."""
    if name.startswith("__"):
        raise AttributeError(name)
    headers = _header_declarations()
    if name in headers.constants:
        return headers.constants[name]
    decls = declarations()  # functions and handle types: those of the loaded library
    if name == "SIGNATURES":
        return decls.functions
    if name.endswith("P"):
        for c_name in decls.handles:
            if _camel(c_name) + "P" == name:
                return decls.handle_pointer(c_name)
    raise AttributeError(f"crmkit._lib has no {name!r}: no CRMKIT_{name} #define and no handle type of that name "
                         "in the C headers")


# The options handles whose functions are not named crmkit_<module>_*: the CSV reader's and
# the GPS track analysis' options are handles of their own (constants CRMKIT_<MODULE>_*).
_OPTION_HANDLES = {"csv": "crmkit_csv_options", "geo_track": "crmkit_geo_track_options"}


def _handle_prefix(module: str) -> str:
    return _OPTION_HANDLES.get(module, f"crmkit_{module}")


def option_key(module: str, name: str) -> int:
    """The C key of option ``name`` of ``module`` (``kmeans``, ``logistic``, ``btyd``,
    ``csv``): the value of ``CRMKIT_<MODULE>_<NAME>``, the naming rule of docs/api.md."""
    constant = f"{module.upper()}_{name.upper()}"
    constants = declarations().constants
    if constant not in constants:
        raise Error(_errors.E_INVALID_ARGUMENT, f"unknown {module} option {name!r}: no CRMKIT_{constant} in the C headers")
    return constants[constant]


def option_bounds(module: str, name: str) -> Tuple[float, float, float]:
    """(lo, hi, default) of an option, from the library's ``crmkit_<module>_option_bounds``."""
    return getattr(O, f"{_handle_prefix(module)}_option_bounds")(option_key(module, name))


def option_default(module: str, name: str) -> Any:
    """The default of an option as the library reports it: an int for an integer-valued
    option (:func:`option_is_integer`), else a float."""
    default = option_bounds(module, name)[2]
    return int(default) if option_is_integer(module, name) else default


def option_is_integer(module: str, name: str) -> bool:
    """True for an integer-valued option (set with ``_set_int``): bounds and default are whole
    numbers within +-2^53 (the exact range of a double); False for a real one (so a real
    option in [0, 1], such as ALS's bm25_b with default 0.8, is not taken for a flag)."""
    return all(float(v).is_integer() and abs(v) <= 2.0**53 for v in option_bounds(module, name))


def set_option(module: str, handle: Any, name: str, value: Any) -> None:
    """Sets option ``name`` on a handle of ``module`` through ``crmkit_<module>_set_int`` or
    ``_set_double``, as its bounds say; the library checks the range."""
    prefix = _handle_prefix(module)
    integer = option_is_integer(module, name)
    setter = getattr(get(), f"{prefix}_set_{'int' if integer else 'double'}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) and not isinstance(value, (float, np.floating)) or integer and not number.is_integer():
        # never truncate (2.5 is not a count) nor guess a number from a string
        raise _errors.invalid(f"{module} option {name} = {value!r} is not a "
                              f"{'whole number' if integer else 'number'}")
    check(setter(handle, option_key(module, name), int(number) if integer else number))


def set_options(module: str, handle: Any, **values: Any) -> None:
    """:func:`set_option` of each keyword ``name=value`` (option CRMKIT_<MODULE>_<NAME>)."""
    for name, value in values.items():
        set_option(module, handle, name, value)


def names(prefix: str, *choices: str) -> Dict[str, int]:
    """``{name: CRMKIT_<PREFIX><NAME>}`` for keywords chosen by name, e.g.
    ``names("LIFECYCLE_ON_", "time", "purchase")``: the values come from the C headers."""
    return {name: getattr(sys.modules[__name__], prefix + name.upper()) for name in choices}


def choice(what: str, value: Any, choices: Dict[Any, int], alternative: str = "") -> int:
    """The C constant of a keyword chosen by name (``choices``: name -> constant), or
    InvalidArgumentError: "<what> must be one of 'a', 'b'<alternative>, not 'c'"."""
    try:
        return choices[value]
    except (KeyError, TypeError):  # TypeError: an unhashable value
        pass
    raise _errors.invalid(f"{what} must be one of {', '.join(map(repr, choices))}{alternative}, not {value!r}")


def get_option(module: str, handle: Any, name: str) -> Any:
    """The value of option ``name`` on a handle of ``module`` (``crmkit_<module>_get_int`` or
    ``_get_double``, as its bounds say): an int or a float."""
    integer = option_is_integer(module, name)
    return getattr(O, f"{_handle_prefix(module)}_get_{'int' if integer else 'double'}")(handle, option_key(module, name))


class _LibraryDefault:
    """The default of a keyword whose value the library's bounds query supplies."""

    def __repr__(self) -> str:
        return "<library default>"


#: A keyword default meaning "the library's default" (see :func:`resolve`).
DEFAULT: Any = _LibraryDefault()


def resolve(module: str, name: str, value: Any) -> Any:
    """``value``, or the library's default of option ``name`` when ``value`` is DEFAULT
    (a bool for a 0/1 flag whose keyword is a bool)."""
    if value is not DEFAULT:
        return value
    default = option_default(module, name)
    return bool(default) if option_bounds(module, name)[:2] == (0, 1) and isinstance(default, int) else default


def init_options(obj: Any, module: str, **values: Any) -> None:
    """The start of a handle-backed estimator's constructor: ``obj.<name>`` = :func:`resolve`
    of each option keyword (the library's default for DEFAULT), and no handle yet."""
    for name, value in values.items():
        setattr(obj, name, resolve(module, name, value))
    obj._handle, obj._finalizer = None, None
