"""Shared fixtures. The suite runs against CRMKIT_LIBRARY when set (ctest sets it to the
library of the build being tested), else whatever crmkit._lib finds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "include" / "crmkit" / "crmkit.h"
VERSION_H = REPO / "include" / "crmkit" / "version.h"

# Importable without installing: <repo>/python first on the path.
if str(REPO / "python") not in sys.path:
    sys.path.insert(0, str(REPO / "python"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "quadrature: the test's time is its reference's numerical integration (scipy, mpmath), not "
        "the library's few calls; a sanitizer build deselects these (tests/python/CMakeLists.txt)",
    )
    config.addinivalue_line(
        "markers",
        "reference_fit: the test's time is an independent scipy optimisation of a reference likelihood "
        "in Python, not the library's fit (whose entry points other tests call); a sanitizer build "
        "deselects these (tests/python/CMakeLists.txt)",
    )


@pytest.fixture(scope="session")
def lib():
    """The loaded libcrmkit (ctypes.CDLL)."""
    from crmkit import _lib

    return _lib.get()


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(name, text) -> path of a new file in a temporary directory."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
