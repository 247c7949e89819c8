"""Maximum-likelihood machinery shared by the BG/NBD and Gamma-Gamma fits: a bounded optimiser on
log-parameters, the Hessian from an exact gradient, the covariance and standard errors, and the checks of whether
the data identify a fit.

Small and young customer bases (few customers, many one-time buyers, a few huge orders, short history) often do
not identify the models: the likelihood is flat or keeps improving towards a boundary (BG/NBD a -> 0, b -> oo:
nobody ever drops out; Gamma-Gamma q -> 1: the population mean spend p v / (q - 1) is infinite). So every fit also
returns its covariance (the inverse of the Hessian of the negative log-likelihood, in log-parameters), whether it
is identified and, if not, why.
"""

from dataclasses import KW_ONLY, dataclass

import numpy as np
from scipy import optimize

# Log-parameters live in [-LOG_BOUND, LOG_BOUND]: data that carry no information (nobody repeats, one customer)
# push the likelihood towards a boundary, and the bound turns that into an extreme but finite fit.
LOG_BOUND = 20.0
# A log-parameter whose standard error exceeds this is not pinned down by the data: its 80 % interval spans a factor
# of more than exp(2 x 1.28 x 2) ~ 170.
SE_MAX = 2.0


@dataclass(frozen=True)
class Fit:
    """What every fit reports besides its parameters and log-likelihood (keyword-only, after them): the customers
    it was fitted on, whether the optimiser converged, whether the data identify the model and, if not, why
    (``issues``, see ``issues``), and the covariance of its log-parameters (empty when unknown)."""

    _: KW_ONLY
    n_customers: int = 0
    converged: bool = True
    identified: bool = True
    issues: tuple = ()
    cov: tuple = ()


def report(log_likelihood, n_customers, converged, issues, cov):
    """The fields of a fit besides its parameters, from its optimisation: identified when there is no issue."""
    return {"log_likelihood": float(log_likelihood), "n_customers": n_customers, "converged": converged,
            "identified": not issues, "issues": issues, "cov": as_tuple(cov)}


def hessian(grad, z, step=1e-5):
    """Hessian from an exact gradient by forward differences: one gradient per parameter, symmetrised."""
    g0 = grad(z)
    matrix = np.empty((len(z), len(z)))
    for j in range(len(z)):
        dz = np.zeros(len(z))
        dz[j] = step
        matrix[:, j] = (grad(z + dz) - g0) / step
    return 0.5 * (matrix + matrix.T)


def covariance(matrix):
    """Inverse of the Hessian of a total negative log-likelihood, or None when it is not positive definite: then
    the likelihood is flat (or not at a maximum) in some direction and the data do not pin the parameters down."""
    if not np.all(np.isfinite(matrix)):
        return None
    try:
        inv_chol = np.linalg.inv(np.linalg.cholesky(matrix))
    except np.linalg.LinAlgError:
        return None
    cov = inv_chol.T @ inv_chol
    return cov if np.all(np.isfinite(cov)) else None


def as_tuple(cov):
    return tuple(tuple(float(c) for c in row) for row in cov) if cov is not None else ()


def standard_errors(cov, params):
    """Standard errors of positive parameters from the covariance of their logs: se(theta) = theta se(log theta)."""
    diag = np.diag(np.asarray(cov, dtype=float)) if len(cov) else np.full(len(params), np.nan)
    return {name: float(value * np.sqrt(d)) if d >= 0 else float("nan")
            for (name, value), d in zip(params.items(), diag, strict=True)}


def log_se(cov):
    """Standard errors of the log-parameters; None when the covariance is unknown."""
    return np.sqrt(np.clip(np.diag(cov), 0.0, None)) if cov is not None else None


def minimize(fun, size):
    """Minimise ``fun`` (value and gradient) over ``size`` log-parameters within the bounds, from 0; returns the
    clipped log-parameters and whether the optimiser converged."""
    result = optimize.minimize(
        fun,
        np.zeros(size),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * size,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    return np.clip(result.x, -LOG_BOUND, LOG_BOUND), bool(result.success)



def looseness(z, cov):
    """(loose, at_bound): which log-parameters the data do not pin down (standard error above ``SE_MAX``, or every
    one when the covariance is unknown) and which ran to their bound."""
    se = log_se(cov)
    loose = np.full(len(z), True) if se is None else se > SE_MAX
    return loose, np.abs(z) > LOG_BOUND - 1.0


def issues(converged, cov, loose, at_bound, degenerate=None, extra=()):
    """The codes of why a fit is not identified, in order: ``not_converged``; the model's own ``degenerate``
    code, else ``boundary`` when a parameter ran to its bound; the model's ``extra`` codes; ``singular`` when the
    Hessian is not positive definite, else ``flat`` when a log-parameter is loose. Empty when identified."""
    found = [] if converged else ["not_converged"]
    if degenerate:
        found.append(degenerate)
    elif np.any(at_bound):
        found.append("boundary")
    found.extend(extra)
    if cov is None:
        found.append("singular")
    elif np.any(loose):
        found.append("flat")
    return tuple(found)
