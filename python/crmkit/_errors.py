"""The exception raised for every failure reported by libcrmkit."""

from __future__ import annotations

from typing import Dict, Type

# Status codes of crmkit.h (CRMKIT_OK, CRMKIT_E_*); tests/python/test_lib.py checks them
# against the header.
OK = 0
E_GENERIC = -1
E_INVALID_ARGUMENT = -2
E_OUT_OF_MEMORY = -3
E_BUFFER_TOO_SMALL = -4
E_NOT_FITTED = -5
E_UNSUPPORTED = -6
E_IO = -7
E_PARSE = -8
E_NOT_FOUND = -9

_STATUS_NAMES = {code: f"CRMKIT_{name}" for name, code in dict(globals()).items() if name == "OK" or name[:2] == "E_"}


class Error(Exception):
    """A failure reported by crmkit.

    Attributes:
        code: the C status code (a negative ``CRMKIT_E_*`` value, e.g. -7 for I/O errors).
        message: the library's message, naming what, where and why (for CSV problems the
            file and line).
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = int(code)
        self.message = message

    @property
    def status(self) -> str:
        """The name of the status code, e.g. ``"CRMKIT_E_IO"``; unknown codes are generic."""
        return _STATUS_NAMES.get(self.code, "CRMKIT_E_GENERIC")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r})"

    def __reduce__(self) -> tuple:
        """Pickles as (class, (code, message)), so an error raised in a Dask worker
        reaches the client as the same crmkit error."""
        return (type(self), (self.code, self.message))


class InvalidArgumentError(Error, ValueError):
    """A parameter or input value outside its domain (``CRMKIT_E_INVALID_ARGUMENT``)."""


class NotFoundError(Error, LookupError):
    """A named item (customer id, attribute) does not exist (``CRMKIT_E_NOT_FOUND``)."""


_SUBCLASSES: Dict[int, Type[Error]] = {
    E_INVALID_ARGUMENT: InvalidArgumentError,
    E_NOT_FOUND: NotFoundError,
}


def error_for(code: int, message: str) -> Error:
    """The exception for status ``code``: the matching subclass of Error, or Error."""
    return _SUBCLASSES.get(code, Error)(code, message)


def invalid(message: str) -> InvalidArgumentError:
    """The InvalidArgumentError (``CRMKIT_E_INVALID_ARGUMENT``) of an argument the binding
    cannot pass to the library (a length or shape the C call relies on, a name)."""
    return InvalidArgumentError(E_INVALID_ARGUMENT, message)
