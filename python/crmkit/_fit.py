"""The fit report shared by every fitted model (crmkit/c/fit_report.h), and the text
helpers of the two-call protocol used by the fit messages and the model documents.

Every model class exposes ``fit_report_``, a :class:`FitReport`, after ``fit`` (and after
``from_text`` when the document carries a report); its ``status`` is one of
``"converged"``, ``"boundary"``, ``"iteration_limit"`` and ``"numerical_failure"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from . import _errors, _lib

__all__ = ["FitReport"]

# The status names by code, from the header constants CRMKIT_FIT_<NAME>.
STATUS_NAMES = {code: name for name, code in
                _lib.names("FIT_", "converged", "boundary", "iteration_limit", "numerical_failure").items()}


@dataclass(frozen=True)
class FitReport:
    """How a fit ended: the fields of the C++ ``crmkit::fit_report`` of the same names,
    documented in include/crmkit/core/fit_report.hpp (objective, gradient_norm, message,
    standard_errors_note, n_starts, best_start, fallback_used: what each fitter puts there).

    Python's differences: ``status`` is the status name ("converged", "boundary",
    "iteration_limit", "numerical_failure"); ``log_likelihood`` and ``standard_errors``
    (a dict, parameter name -> standard error) are set for BTYD models only, None otherwise;
    ``hessian_condition`` is None where C++ has NaN (no Hessian computed), so that reports
    still compare equal after pickling; it equals ``numpy.linalg.cond`` of the inverse of a
    model's ``covariance_``.
    """

    status: str
    iterations: int
    objective: float
    gradient_norm: float
    message: str = ""
    log_likelihood: Optional[float] = None
    standard_errors: Optional[Dict[str, float]] = field(default=None)
    hessian_condition: Optional[float] = None
    standard_errors_note: str = ""
    n_starts: int = 1
    best_start: int = 0
    fallback_used: bool = False

    @property
    def converged(self) -> bool:
        """True when the status is "converged"."""
        return self.status == "converged"


def read_fit_report(prefix: str, handle: Any, **extras: Any) -> FitReport:
    """The report of a fitted handle through ``crmkit_<prefix>_fit_report`` / ``_fit_message``."""
    status, iterations, objective, gnorm = getattr(_lib.O, f"crmkit_{prefix}_fit_report")(handle)
    message = _lib.text(getattr(_lib.get(), f"crmkit_{prefix}_fit_message"), handle)
    diagnostics = getattr(_lib.get(), f"crmkit_{prefix}_fit_diagnostics", None)  # handles whose fit has a Hessian
    if diagnostics is not None:
        condition, starts, best, fallback = getattr(_lib.O, f"crmkit_{prefix}_fit_diagnostics")(handle)
        extras.update(hessian_condition=None if math.isnan(condition) else condition, n_starts=starts,
                      best_start=best, fallback_used=bool(fallback),
                      standard_errors_note=_lib.text(getattr(_lib.get(), f"crmkit_{prefix}_fit_standard_errors_note"),
                                                     handle))
    return FitReport(STATUS_NAMES.get(status, str(status)), iterations, objective, gnorm, message, **extras)


class Estimator:
    """scikit-learn's estimator protocol from the list of constructor keywords, ``_params``."""

    _params: tuple = ()

    def get_params(self, deep: bool = True) -> dict:
        """The constructor keywords and their values."""
        return {name: getattr(self, name) for name in self._params}

    def set_params(self, **params: Any) -> Any:
        """Sets constructor keywords (an unknown name raises InvalidArgumentError); returns self."""
        for name, value in params.items():
            if name not in self._params:
                raise _errors.invalid(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        shown = (f"{n}={'array' if hasattr(v, 'shape') else repr(v)}" for n, v in self.get_params().items())
        return f"{type(self).__name__}({', '.join(shown)})"


class Persisted:
    """Saving, loading and pickling through the model document (crmkit/core/model_document.hpp).

    A model class names its C handle once, ``_c_name = "kmeans"``: ``crmkit_<c_name>_save``,
    ``_load`` and ``_free`` and the ctypes handle type ``_lib.<CName>P`` follow from it. The
    class says whether it is fitted (``_is_fitted``) and what an unfitted instance holds
    (``_unfitted_handle``); a pickle is the instance's Python attributes plus the document.
    """

    _c_name: str = ""
    _handle: Any
    _finalizer: Any

    def _is_fitted(self) -> bool:
        raise NotImplementedError

    def _check_fitted(self) -> None:
        if not self._is_fitted():
            raise _errors.error_for(_errors.E_NOT_FITTED,
                                    f"this {type(self).__name__} instance is not fitted yet; call fit first")

    def _unfitted_handle(self) -> None:
        """The handle of an unfitted instance after unpickling (default: none)."""
        self._handle, self._finalizer = None, None

    def _adopt_handle(self, handle: Any) -> None:
        """Owns ``handle``: releases the previous one, frees this one with the instance."""
        _lib.adopt(self, handle, self._c_name)

    def _load_handle(self, text: str) -> None:
        """Takes a handle loaded from a model document (from_text and unpickling)."""
        self._adopt_handle(getattr(_lib.O, f"crmkit_{self._c_name}_load")(text.encode("utf-8")))

    def to_text(self) -> str:
        """The fitted model as a model document (TOML: parameters to 17 digits, options,
        fit report, library version); ``from_text`` gives a model that predicts the same bits."""
        self._check_fitted()
        return _lib.text(getattr(_lib.get(), f"crmkit_{self._c_name}_save"), self._handle)

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_handle", "_finalizer")}
        state["_text"] = self.to_text() if self._is_fitted() else None
        return state

    def __setstate__(self, state: dict) -> None:
        text = state.pop("_text", None)
        self.__dict__.update(state)
        self._handle, self._finalizer = None, None
        if text is None:
            self._unfitted_handle()
        else:
            self._load_handle(text)
