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

import importlib as _importlib
import pkgutil as _pkgutil
from typing import List as _List

from ._errors import Error, InvalidArgumentError, NotFoundError
from ._fit import FitReport
from ._version import __version__

# A module registers itself by existing: every public module of the package (one per C++
# folder, docs/architecture.md "Adding a module") is imported here and its ``__all__`` is
# re-exported, except the namespaces that are used as ``crmkit.<module>.<name>``.
_NAMESPACES = ("dask", "metrics", "plotting")

__all__: _List[str] = [
    "Error",
    "FitReport",
    "InvalidArgumentError",
    "NotFoundError",
    "__version__",
    "library_path",
    "library_version",
]

for _info in sorted(_pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = _importlib.import_module(f".{_info.name}", __name__)
    if _info.name in _NAMESPACES:
        __all__.append(_info.name)
        continue
    for _name in _module.__all__:
        # A function may share its module's name (crmkit.rfm, crmkit.pareto): the function wins.
        _previous = globals().get(_name, _module)
        if _previous is not getattr(_module, _name) and not isinstance(_previous, type(_module)):
            raise ImportError(f"crmkit: {_info.name}.{_name} hides another public name of the package")
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _info, _module, _name, _previous


def library_version() -> str:
    """The version string of the loaded libcrmkit (``crmkit_version_string()``)."""
    from . import _lib

    return _lib.get().crmkit_version_string().decode("ascii")


def library_path() -> str:
    """The path of the loaded libcrmkit."""
    from . import _lib

    return str(_lib.get()._crmkit_path)
