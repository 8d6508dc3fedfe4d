"""The fit report shared by every fitted model (crmkit/c/fit_report.h), and the text
helpers of the two-call protocol used by the fit messages and the model documents.

Every model class exposes ``fit_report_``, a :class:`FitReport`, after ``fit`` (and after
``from_text`` when the document carries a report); its ``status`` is one of
``"converged"``, ``"boundary"``, ``"iteration_limit"`` and ``"numerical_failure"``.
"""

from __future__ import annotations

from ctypes import POINTER, byref, c_char, c_double, c_int32, c_size_t, cast, create_string_buffer
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

from . import _errors, _lib

__all__ = ["FitReport"]

STATUS_NAMES = {
    0: "converged",  # CRMKIT_FIT_CONVERGED
    1: "boundary",  # CRMKIT_FIT_BOUNDARY
    2: "iteration_limit",  # CRMKIT_FIT_ITERATION_LIMIT
    3: "numerical_failure",  # CRMKIT_FIT_NUMERICAL_FAILURE
}


@dataclass(frozen=True)
class FitReport:
    """How a fit ended (the C++ ``crmkit::fit_report``).

    Attributes:
        status: "converged", "boundary", "iteration_limit" or "numerical_failure".
        iterations: iterations done.
        objective: what the fitter minimised at the returned parameters (BTYD: the negative
            total log-likelihood; logistic regression: the penalised loss; k-means: inertia).
        gradient_norm: the convergence measure at the returned parameters.
        message: why the fit stopped when it did not converge (k-means: also how it
            converged: "labels unchanged" or "centre shift below tol").
        log_likelihood: BTYD models only: the total log-likelihood (= -objective).
        standard_errors: BTYD models only: standard error per parameter name.
    """

    status: str
    iterations: int
    objective: float
    gradient_norm: float
    message: str = ""
    log_likelihood: Optional[float] = None
    standard_errors: Optional[Dict[str, float]] = field(default=None)

    @property
    def converged(self) -> bool:
        """True when the status is "converged"."""
        return self.status == "converged"


def read_text(function: Callable[..., int], *args: Any) -> str:
    """The text of a ``f(args..., char* buf, size_t cap, size_t* out_needed)`` call (the two-call protocol)."""
    needed = c_size_t()
    rc = function(*args, None, 0, byref(needed))
    if rc not in (_errors.OK, _errors.E_BUFFER_TOO_SMALL):
        _lib.check(rc)
    buf = create_string_buffer(max(needed.value, 1))
    _lib.check(function(*args, cast(buf, POINTER(c_char)), needed.value, byref(needed)))
    return buf.value.decode("utf-8")


def read_fit_report(prefix: str, handle: Any, **extras: Any) -> FitReport:
    """The report of a fitted handle through ``crmkit_<prefix>_fit_report`` / ``_fit_message``."""
    lib = _lib.get()
    status, iterations = c_int32(), c_int32()
    objective, gnorm = c_double(), c_double()
    _lib.check(getattr(lib, f"crmkit_{prefix}_fit_report")(handle, byref(status), byref(iterations), byref(objective),
                                                           byref(gnorm)))
    message = read_text(getattr(lib, f"crmkit_{prefix}_fit_message"), handle)
    return FitReport(STATUS_NAMES.get(status.value, str(status.value)), iterations.value, objective.value, gnorm.value,
                     message, **extras)
