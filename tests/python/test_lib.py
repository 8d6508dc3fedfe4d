"""The loader and the declarations parsed from the C headers (crmkit._cdecl), checked
against the library, against an independent reading of the headers, and against the
calls the Python modules make."""

from __future__ import annotations

import ctypes
import inspect
import re
import subprocess
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t
from pathlib import Path

import pytest

import crmkit
from crmkit import _cdecl, _errors, _lib, _version

from conftest import HEADER, REPO, VERSION_H

PACKAGE = REPO / "python" / "crmkit"


def _header_text() -> str:
    # crmkit.h and the module headers it includes (crmkit/c/*.h).
    text = "\n".join(h.read_text(encoding="utf-8") for h in [HEADER, *sorted((HEADER.parent / "c").glob("*.h"))])
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # comments
    return re.sub(r"//[^\n]*", " ", text)


def header_functions():
    """{name: (return type, [parameter types])}: this test's own reading of every
    CRMKIT_API declaration, independent of crmkit._cdecl."""
    functions = {}
    pattern = re.compile(r"CRMKIT_API\s+([^;(]*?)\b(crmkit_\w+)\s*\(([^)]*)\)\s*;", re.S)
    for match in pattern.finditer(_header_text()):
        returns = " ".join(match.group(1).split())
        parameters = []
        raw = " ".join(match.group(3).split())
        if raw != "void":
            for parameter in raw.split(","):
                parameter = re.sub(r"\s*\b\w+$", "", parameter.strip())
                parameters.append(parameter.replace(" *", "*").strip())
        functions[match.group(2)] = (returns.replace(" *", "*"), parameters)
    return functions


def header_defines():
    return {name: int(value) for name, value in re.findall(r"#define\s+CRMKIT_(\w+)\s+\(?(-?\d+)\)?\s*$", _header_text(), re.M)}


_SCALAR = {"int": c_int, "int32_t": c_int32, "int64_t": c_int64, "size_t": c_size_t, "double": c_double}


def ctype_of(c_type: str):
    """The ctypes type a C declaration type must map to (handles: the parsed structs)."""
    if c_type == "void":
        return None
    compact = c_type.replace(" ", "")
    if compact == "constchar*":
        return c_char_p  # an input string (NUL-terminated, read-only)
    if compact == "char*":
        return POINTER(c_char)  # a writable caller buffer
    if compact == "constchar*const*":
        return POINTER(c_char_p)
    unqualified = compact.replace("const", "")  # `const double* const*` is double**
    stars = len(unqualified) - len(unqualified.rstrip("*"))
    base = unqualified.rstrip("*")
    result = _SCALAR[base] if base in _SCALAR else _lib.declarations().handles[base]
    for _ in range(stars):
        result = POINTER(result)
    return result


def test_header_parses_to_the_expected_number_of_functions():
    functions = header_functions()
    assert len(functions) >= 200
    assert "crmkit_last_error" in functions
    assert functions["crmkit_dataset_create_from_columns"][1] == [
        "const int32_t*", "const int64_t*", "const double*", "size_t", "size_t", "int32_t", "crmkit_dataset**",
    ]


def test_the_parser_declares_exactly_the_header_functions():
    declared = set(header_functions())
    parsed = set(_lib.SIGNATURES)
    assert declared - parsed == set(), "CRMKIT_API functions crmkit._cdecl missed"
    assert parsed - declared == set(), "crmkit._cdecl found functions the header does not declare"


@pytest.mark.parametrize("name", sorted(header_functions()))
def test_argtypes_match_the_header(name):
    returns, parameters = header_functions()[name]
    restype, argtypes = _lib.SIGNATURES[name]
    assert restype is ctype_of(returns), f"{name}: restype {restype} for C '{returns}'"
    assert len(argtypes) == len(parameters), f"{name}: {len(argtypes)} argtypes for {len(parameters)} parameters"
    for position, (argtype, parameter) in enumerate(zip(argtypes, parameters)):
        assert argtype is ctype_of(parameter), f"{name} parameter {position}: {argtype} for C '{parameter}'"


def test_every_parsed_function_is_exported_and_declared_on_load(lib):
    for name, (restype, argtypes) in _lib.SIGNATURES.items():
        function = getattr(lib, name)  # AttributeError: the header declares what the .so lacks
        assert function.restype is restype, name
        assert list(function.argtypes) == argtypes, name


def test_every_exported_function_is_declared(lib):
    try:
        out = subprocess.run(["nm", "-D", "--defined-only", crmkit.library_path()], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("nm is not available")
    exported = set(re.findall(r"\b[TW]\s+(crmkit_\w+)", out))
    assert exported, "no crmkit_ symbols found by nm"
    assert exported - set(_lib.SIGNATURES) == set(), "exported but not declared in the headers"


def _package_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.glob("*.py")))


def test_every_function_the_package_calls_is_declared():
    # Attribute calls and references on the library object (lib.crmkit_x, get().crmkit_x).
    called = set(re.findall(r"\.(crmkit_[a-z0-9_]+)\b", _package_sources()))
    assert len(called) > 100
    assert called - set(_lib.SIGNATURES) == set(), "the package calls functions no header declares"


def test_every_constant_and_handle_the_package_uses_is_in_the_headers():
    used = set(re.findall(r"\b_lib\.([A-Z][A-Z0-9_]+)\b", _package_sources()))
    used -= {name for name in vars(_lib) if name.isupper()} | {"SIGNATURES"}  # _lib's own (DEFAULT)
    assert len(used) > 30
    assert used - set(_lib.declarations().constants) == set(), "_lib.X constants without a CRMKIT_X #define"
    handles = set(re.findall(r"\b_lib\.([A-Z][A-Za-z]+P)\b", _package_sources()))
    for name in handles:
        assert getattr(_lib, name)._type_.__name__.startswith("crmkit_"), name
    with pytest.raises(AttributeError):
        _lib.NO_SUCH_CONSTANT  # noqa: B018


def test_constants_match_the_header_defines():
    defines = header_defines()
    assert len(defines) > 100, "no numeric #defines found"
    status = {k: v for k, v in defines.items() if k == "OK" or k.startswith("E_")}
    for name, value in status.items():
        assert getattr(_errors, name) == value, name
    for name, value in defines.items():
        assert getattr(_lib, name) == value, name


def _bounds_ok(module: str, key: int) -> bool:
    name = f"{_lib._handle_prefix(module)}_option_bounds"
    return getattr(_lib.get(), name)(key, None, None, None) == _errors.OK


def test_every_option_the_package_names_follows_the_naming_rule():
    # _lib.resolve/set_option/option_default("module", ..., "name"): the keyword is the
    # C constant's suffix lowercased, CRMKIT_<MODULE>_<NAME>, and the library knows the key.
    pattern = r"_lib\.(?:resolve|set_option|option_default|option_bounds)\(\s*\"(\w+)\",\s*(?:[\w.]+,\s*)?\"(\w+)\""
    used = set(re.findall(pattern, _package_sources()))
    # _lib.init_options(self, "module", name=value, ...): each keyword is an option name too.
    for module, keywords in re.findall(r"_lib\.init_options\(\s*self,\s*\"(\w+)\",([^)]*)\)", _package_sources()):
        used |= {(module, name) for name in re.findall(r"(\w+)=", keywords)}
    # _lib.set_options("module", handle, name=value, ...): likewise (up to the first ")").
    for module, keywords in re.findall(r"_lib\.set_options\(\s*\"(\w+)\",\s*[\w.]+,([^)]*)\)", _package_sources()):
        used |= {(module, name) for name in re.findall(r"(\w+)=", keywords)}
    assert {m for m, _ in used} >= {"kmeans", "logistic", "btyd"}
    constants = _lib.declarations().constants
    for module, name in sorted(used):
        constant = f"{module.upper()}_{name.upper()}"
        assert constant in constants, f"{module} option {name!r}: no CRMKIT_{constant}"
        assert _lib.option_key(module, name) == constants[constant]
        assert _bounds_ok(module, constants[constant]), f"CRMKIT_{constant} is not an option of {module}"
    with pytest.raises(crmkit.Error):
        _lib.option_key("kmeans", "max_iterations")


@pytest.mark.parametrize(
    "cls, module",
    [(crmkit.KMeans, "kmeans"), (crmkit.LogisticChurn, "logistic"), (crmkit.BetaGeo, "btyd")],
)
def test_keyword_defaults_come_from_the_bounds_query(cls, module):
    from_library = [p for p in inspect.signature(cls.__init__).parameters.values() if p.default is _lib.DEFAULT]
    assert len(from_library) >= 4, f"{cls.__name__} takes too few defaults from the library"
    instance = cls()
    for parameter in from_library:
        assert _bounds_ok(module, _lib.option_key(module, parameter.name)), parameter.name
        lo, hi, default = _lib.option_bounds(module, parameter.name)
        assert getattr(instance, parameter.name) == default, parameter.name
        assert lo <= default <= hi


def test_headers_are_found_next_to_the_library_or_through_the_variable(monkeypatch, tmp_path):
    library = Path(crmkit.library_path())
    assert (_cdecl.find_include_dir(library) / "crmkit" / "crmkit.h").is_file()
    monkeypatch.setenv("CRMKIT_INCLUDE_DIR", str(REPO / "include"))
    assert _cdecl.include_dirs(None)[0] == REPO / "include"
    # An install: <prefix>/lib/libcrmkit.so finds <prefix>/include.
    install = tmp_path / "prefix"
    (install / "lib").mkdir(parents=True)
    assert _cdecl.include_dirs(install / "lib" / "libcrmkit.so")[1] == install / "include"
    monkeypatch.setenv("CRMKIT_INCLUDE_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(_cdecl, "include_dirs", lambda library: [tmp_path / "nowhere"])
    with pytest.raises(crmkit.Error) as info:
        _cdecl.find_include_dir(install / "lib" / "libcrmkit.so")
    assert "CRMKIT_INCLUDE_DIR" in str(info.value) and "nowhere" in str(info.value)


def test_an_unmappable_c_type_is_reported_at_parse(tmp_path):
    root = tmp_path / "crmkit"
    (root / "c").mkdir(parents=True)
    (root / "crmkit.h").write_text("CRMKIT_API int crmkit_odd(long double x);\n")
    with pytest.raises(crmkit.Error) as info:
        _cdecl.Declarations(tmp_path)
    assert "crmkit_odd" in str(info.value)


def test_package_version_matches_version_h():
    text = VERSION_H.read_text()
    version = re.search(r'#define CRMKIT_VERSION_STRING "([^"]+)"', text).group(1)
    assert crmkit.__version__ == version
    assert _version.EXPECTED_MAJOR == int(re.search(r"#define CRMKIT_VERSION_MAJOR (\d+)", text).group(1))


def test_library_reports_its_version(lib):
    assert crmkit.library_version() == crmkit.__version__
    assert lib.crmkit_version_number() // 10000 == _version.EXPECTED_MAJOR
    assert crmkit.library_path().endswith(tuple(["libcrmkit.so", ".so." + crmkit.__version__, ".so.0"]))


def test_status_str(lib):
    assert lib.crmkit_status_str(_errors.E_NOT_FOUND) == b"not found"
    assert lib.crmkit_status_str(12345) == b"unknown status"


def test_a_library_of_another_major_version_is_refused(monkeypatch, lib):
    path = crmkit.library_path()
    monkeypatch.setattr(_lib, "_EXPECTED_MAJOR", _version.EXPECTED_MAJOR + 1)
    with pytest.raises(crmkit.Error) as info:
        _lib.load_library(path)
    assert info.value.code == _errors.E_UNSUPPORTED
    message = str(info.value)
    assert path in message
    assert f"major version {_version.EXPECTED_MAJOR + 1}" in message
    assert f"(major version {_version.EXPECTED_MAJOR})" in message


def test_the_right_major_version_loads(lib):
    again = _lib.load_library(crmkit.library_path())
    assert again.crmkit_version_number() == lib.crmkit_version_number()


def test_crmkit_library_variable_is_used_alone(monkeypatch, tmp_path):
    missing = tmp_path / "libcrmkit.so"
    monkeypatch.setenv("CRMKIT_LIBRARY", str(missing))
    assert _lib.candidate_paths() == [missing]
    with pytest.raises(crmkit.Error) as info:
        _lib.load_library()
    assert info.value.code == _errors.E_IO
    assert str(missing) in str(info.value)


def test_in_tree_build_is_found_without_the_variable(monkeypatch):
    monkeypatch.delenv("CRMKIT_LIBRARY", raising=False)
    candidates = _lib.candidate_paths()
    in_tree = [p for p in candidates if "build" in p.parts]
    if not in_tree:
        pytest.skip("no in-tree build under <repo>/build")
    mtimes = [p.stat().st_mtime for p in in_tree]
    assert mtimes == sorted(mtimes, reverse=True)


def test_an_unloadable_file_is_reported(tmp_path):
    bogus = tmp_path / "libcrmkit.so"
    bogus.write_bytes(b"not an ELF file")
    with pytest.raises(crmkit.Error) as info:
        _lib.load_library(bogus)
    assert str(bogus) in str(info.value)


def test_error_carries_code_and_message(lib):
    with pytest.raises(crmkit.Error) as info:
        _lib.check(lib.crmkit_dataset_n_customers(None, None))
    assert info.value.code == _errors.E_INVALID_ARGUMENT
    assert isinstance(info.value, crmkit.InvalidArgumentError)
    assert isinstance(info.value, ValueError)
    assert "crmkit_dataset_n_customers" in info.value.message
    assert "'dataset'" in str(info.value)
    assert info.value.status == "CRMKIT_E_INVALID_ARGUMENT"


def test_a_sanitizer_build_is_not_dlopened_without_its_runtime(tmp_path):
    # Loading an ASan library into an interpreter without the runtime would abort the
    # process; the loader must refuse it with an Error instead.
    fake = tmp_path / "libcrmkit.so"
    fake.write_bytes(b"\x7fELF...NEEDED libasan.so.8 ...")
    with pytest.raises(crmkit.Error) as info:
        _lib.load_library(fake)
    assert str(fake) in str(info.value)
    if _lib._sanitizer_runtime_missing(fake) is not None:
        assert "needs libasan" in str(info.value)
