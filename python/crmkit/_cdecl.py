"""ctypes declarations read from the C headers at import (python-zstandard's idea).

The C headers ``crmkit/crmkit.h`` and ``crmkit/c/*.h`` are the one description of the
C ABI; this module parses them into

- ``functions``: every ``CRMKIT_API`` prototype as ``name -> (restype, argtypes)``;
- ``constants``: every integer ``#define CRMKIT_<NAME> <value>`` as ``NAME -> value``;
- ``handles``: every opaque ``typedef struct crmkit_x crmkit_x;`` as a ctypes Structure,
  so a dataset pointer cannot be passed where options belong.

Type mapping: ``int``, ``int32_t``, ``int64_t``, ``size_t``, ``double`` to their ctypes
types; ``const char*`` to ``c_char_p`` (an input string); ``char*`` to
``POINTER(c_char)`` (a writable caller buffer); ``const char* const*`` to
``POINTER(c_char_p)``; each ``*`` to a ``POINTER`` level; ``void`` to ``None``. A type the
map does not know raises :class:`crmkit.Error` naming the function, so a header change that
Python cannot call is found at import, not at the first call.

Header discovery (the first directory holding ``crmkit/crmkit.h`` wins):

1. the ``CRMKIT_INCLUDE_DIR`` environment variable;
2. next to the library: ``<libdir>/../include`` (an install; ``<libdir>/../../include``
   for a multiarch libdir such as ``lib/x86_64-linux-gnu``) or ``<repo>/include`` for an
   in-tree build ``<repo>/build/<preset>/libcrmkit.so``;
3. a copy bundled in the package (``crmkit/include``).
"""

from __future__ import annotations

import ctypes
import os
import re
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import _errors
from ._errors import Error

_SCALARS: Dict[str, Any] = {
    "int": c_int,
    "int32_t": c_int32,
    "int64_t": c_int64,
    "size_t": c_size_t,
    "double": c_double,
}


def include_dirs(library: Optional[Path]) -> List[Path]:
    """The directories tried for the headers, in order (see the module docstring)."""
    dirs: List[Path] = []
    explicit = os.environ.get("CRMKIT_INCLUDE_DIR")
    if explicit:
        dirs.append(Path(explicit).expanduser())
    if library is not None:
        libdir = Path(library).resolve().parent
        dirs.append(libdir.parent / "include")  # <prefix>/lib/libcrmkit.so -> <prefix>/include
        dirs.append(libdir.parent.parent / "include")  # <prefix>/lib/<multiarch>/libcrmkit.so
        for parent in libdir.parents:  # <repo>/build/<preset>/libcrmkit.so -> <repo>/include
            if parent.name == "build":
                dirs.append(parent.parent / "include")
                break
    dirs.append(Path(__file__).resolve().parent / "include")
    return dirs


def find_include_dir(library: Optional[Path]) -> Path:
    """The first of :func:`include_dirs` that holds ``crmkit/crmkit.h``.

    Raises:
        crmkit.Error: none does (the message lists where it looked).
    """
    tried = include_dirs(library)
    for directory in tried:
        if (directory / "crmkit" / "crmkit.h").is_file():
            return directory
    raise Error(
        _errors.E_IO,
        "cannot find the crmkit C headers (crmkit/crmkit.h), which declare the library's functions to "
        "Python; set CRMKIT_INCLUDE_DIR to the include directory of the installed or built crmkit. Looked in: "
        + ", ".join(str(d) for d in tried),
    )


def header_text(include_dir: Path) -> str:
    """crmkit.h and crmkit/c/*.h, comments removed."""
    root = include_dir / "crmkit"
    files = [root / "crmkit.h", *sorted((root / "c").glob("*.h"))]
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


_PROTOTYPE = re.compile(r"CRMKIT_API\s+([^;(]*?)\b(crmkit_\w+)\s*\(([^)]*)\)\s*;", re.S)
_DEFINE = re.compile(r"^\s*#\s*define\s+CRMKIT_(\w+)\s+\(?(-?\d+)\)?\s*$", re.M)
_HANDLE = re.compile(r"typedef\s+struct\s+(crmkit_\w+)\s+(crmkit_\w+)\s*;")


def parse_prototypes(text: str) -> Dict[str, Tuple[str, List[str]]]:
    """``{name: (return type, [parameter types])}`` of every CRMKIT_API prototype, the
    types normalised (``const double*``, ``crmkit_dataset**``)."""
    functions: Dict[str, Tuple[str, List[str]]] = {}
    for match in _PROTOTYPE.finditer(text):
        returns = " ".join(match.group(1).split()).replace(" *", "*")
        parameters: List[str] = []
        raw = " ".join(match.group(3).split())
        if raw not in ("void", ""):
            for parameter in raw.split(","):
                parameter = re.sub(r"\s*\b\w+$", "", parameter.strip())  # drop the name
                parameters.append(parameter.replace(" *", "*").strip())
        functions[match.group(2)] = (returns, parameters)
    return functions


def parse_constants(text: str) -> Dict[str, int]:
    """``{NAME: value}`` of every integer ``#define CRMKIT_NAME value`` (prefix dropped)."""
    return {name: int(value) for name, value in _DEFINE.findall(text)}


def parse_handles(text: str) -> List[str]:
    """The opaque handle types, ``typedef struct crmkit_x crmkit_x;``."""
    return [tag for tag, name in _HANDLE.findall(text) if tag == name]


class Declarations:
    """The parsed C ABI of one include directory (see the module docstring)."""

    def __init__(self, include_dir: Path):
        self.include_dir = include_dir
        text = header_text(include_dir)
        self.prototypes = parse_prototypes(text)
        self.constants = parse_constants(text)
        self.handles: Dict[str, Any] = {
            name: type(name, (ctypes.Structure,), {"__doc__": f"``{name}`` (opaque)."})
            for name in parse_handles(text)
        }
        self.functions: Dict[str, Tuple[Any, List[Any]]] = {}
        for name, (returns, parameters) in self.prototypes.items():
            try:
                self.functions[name] = (self.ctype(returns), [self.ctype(p) for p in parameters])
            except KeyError as exc:
                raise Error(
                    _errors.E_UNSUPPORTED,
                    f"{include_dir}: {name} uses the C type {exc.args[0]!r}, which crmkit._cdecl cannot map to ctypes",
                ) from None

    def ctype(self, c_type: str) -> Any:
        """The ctypes type of a normalised C type (KeyError for an unknown base type)."""
        if c_type == "void":
            return None
        compact = c_type.replace(" ", "")
        if compact == "constchar*":
            return c_char_p
        if compact == "char*":
            return POINTER(c_char)
        if compact == "constchar*const*":
            return POINTER(c_char_p)
        unqualified = compact.replace("const", "")  # inner consts too: `const T* const*` is T**
        stars = len(unqualified) - len(unqualified.rstrip("*"))
        base = unqualified.rstrip("*")
        result = _SCALARS[base] if base in _SCALARS else self.handles[base]
        for _ in range(stars):
            result = POINTER(result)
        return result

    def handle_pointer(self, name: str) -> Any:
        """``POINTER(struct name)``, the type of a handle variable (``_lib.handle(...)()``)."""
        return POINTER(self.handles[name])


_cache: Dict[Path, Declarations] = {}


def declarations(include_dir: Path) -> Declarations:
    """The parsed headers of ``include_dir`` (parsed once per directory)."""
    key = include_dir.resolve()
    if key not in _cache:
        _cache[key] = Declarations(key)
    return _cache[key]
