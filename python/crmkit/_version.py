"""The package version; must equal CRMKIT_VERSION_STRING in include/crmkit/version.h
(tests/python/test_lib.py checks it)."""

__version__ = "0.7.0"

#: The library major version this package speaks to; libcrmkit's C ABI is stable within
#: a major version, so a library with another major is refused at load time.
EXPECTED_MAJOR = int(__version__.split(".")[0])
