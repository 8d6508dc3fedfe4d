"""The loader and the ctypes declarations, checked against crmkit.h."""

from __future__ import annotations

import ctypes
import re
from ctypes import POINTER, c_char, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t

import pytest

import crmkit
from crmkit import _errors, _lib, _version

from conftest import HEADER, VERSION_H


def _header_text() -> str:
    # crmkit.h and the module headers it includes (crmkit/c/*.h).
    text = "\n".join(h.read_text(encoding="utf-8") for h in [HEADER, *sorted((HEADER.parent / "c").glob("*.h"))])
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # comments
    return re.sub(r"//[^\n]*", " ", text)


def header_functions():
    """{name: (return type, [parameter types])} for every CRMKIT_API declaration."""
    functions = {}
    pattern = re.compile(r"CRMKIT_API\s+([^;(]*?)\b(crmkit_\w+)\s*\(([^)]*)\)\s*;", re.S)
    for match in pattern.finditer(_header_text()):
        returns = " ".join(match.group(1).split())
        parameters = []
        raw = " ".join(match.group(3).split())
        if raw != "void":
            for parameter in raw.split(","):
                # Drop the parameter name: the last identifier not followed by '*'.
                parameter = parameter.strip()
                parameter = re.sub(r"\s*\b\w+$", "", parameter)
                parameters.append(parameter.replace(" *", "*").strip())
        functions[match.group(2)] = (returns.replace(" *", "*"), parameters)
    return functions


_BASE = {
    "int": c_int,
    "int32_t": c_int32,
    "int64_t": c_int64,
    "size_t": c_size_t,
    "double": c_double,
    "crmkit_csv_options": _lib.CsvOptions,
    "crmkit_dataset": _lib.DatasetStruct,
}
for _module_abi in _lib._MODULE_ABIS:  # the handle structs of crmkit/c/<module>.h
    _BASE.update(getattr(_module_abi, "OPAQUE_TYPES", {}))


def ctype_of(c_type: str):
    """The ctypes type a C declaration type must map to."""
    if c_type == "void":
        return None
    compact = c_type.replace(" ", "")
    if compact == "constchar*":
        return c_char_p  # an input string (NUL-terminated, read-only)
    if compact == "char*":
        return POINTER(c_char)  # a writable caller buffer
    if compact == "constchar*const*":
        return POINTER(c_char_p)
    compact = compact.replace("const", "")  # also inner consts: `const T* const*` is T**
    stars = len(compact) - len(compact.rstrip("*"))
    base = compact.rstrip("*")
    result = _BASE[base]
    for _ in range(stars):
        result = POINTER(result)
    return result


def test_header_parses_to_the_expected_number_of_functions():
    functions = header_functions()
    assert len(functions) >= 29
    assert "crmkit_last_error" in functions
    assert functions["crmkit_dataset_create_from_columns"][1] == [
        "const int32_t*", "const int64_t*", "const double*", "size_t", "size_t", "int32_t", "crmkit_dataset**",
    ]


def test_every_header_function_is_in_the_argtypes_table():
    declared = set(header_functions())
    missing = sorted(declared - set(_lib.SIGNATURES))
    extra = sorted(set(_lib.SIGNATURES) - declared)
    assert not missing, f"CRMKIT_API functions without an entry in crmkit._lib.SIGNATURES: {missing}"
    assert not extra, f"crmkit._lib.SIGNATURES entries not declared in crmkit.h: {extra}"


@pytest.mark.parametrize("name", sorted(header_functions()))
def test_argtypes_match_the_header(name):
    returns, parameters = header_functions()[name]
    restype, argtypes = _lib.SIGNATURES[name]
    assert restype is ctype_of(returns), f"{name}: restype {restype} for C '{returns}'"
    assert len(argtypes) == len(parameters), f"{name}: {len(argtypes)} argtypes for {len(parameters)} parameters"
    for position, (argtype, parameter) in enumerate(zip(argtypes, parameters)):
        assert argtype is ctype_of(parameter), f"{name} parameter {position}: {argtype} for C '{parameter}'"


def test_loaded_functions_carry_the_declared_signatures(lib):
    for name, (restype, argtypes) in _lib.SIGNATURES.items():
        function = getattr(lib, name)
        assert function.restype is restype, name
        assert list(function.argtypes) == argtypes, name


def test_constants_match_the_header_defines():
    defines = dict(
        (name, int(value))
        for name, value in re.findall(r"#define\s+CRMKIT_(\w+)\s+\(?(-?\d+)\)?\s*$", _header_text(), re.M)
    )
    assert defines, "no numeric #defines found"
    status = {k: v for k, v in defines.items() if k == "OK" or k.startswith("E_")}
    for name, value in status.items():
        assert getattr(_errors, name) == value, name
    others = {k: v for k, v in defines.items() if k not in status}
    for name, value in others.items():
        assert getattr(_lib, name) == value, name


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
