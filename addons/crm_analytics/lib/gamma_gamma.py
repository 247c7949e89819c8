"""Gamma-Gamma (Fader & Hardie 2013): how much a customer spends per purchase, and its empirical-Bayes fallback.

Reference: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", http://www.brucehardie.com/notes/025/.
``monetary_value`` is the mean value of a customer's repeat purchases (other conventions: ``lib.arrays``). A fit
the data do not identify (see ``lib.mle``) gives way to an empirical-Bayes (Buhlmann-Straub credibility) shrinkage
of each customer's mean spend towards the base mean; on bases that do identify it (CDNOW) the fit is the plain
maximum-likelihood one.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import special

from . import arrays, mle

# Credibility weight bounds of the spend shrinkage, in pseudo-purchases at the base mean.
_K_MIN, _K_MAX = 1e-3, 1e6


@dataclass(frozen=True)
class GammaGammaFit(mle.Fit):
    """Spend per purchase: transaction value ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers.

    q is kept above 1 so that the population mean spend p v / (q - 1) exists. The expected value of a customer's
    next purchase is a credibility-weighted blend of that mean and the customer's own mean repeat spend, the
    weight of the customer's own mean being p x / (p x + q - 1): ``method == "shrinkage"`` (the empirical-Bayes
    fallback) uses the same blend with a base mean and weight estimated by moments, stored as p = 1,
    q = 1 + k, v = mean x k, so that a stored fit scores customers the same way whichever method made it. A fit on
    data with no usable repeat buyer has ``n_customers == 0`` and v = 0: with no spend to learn from, the
    population mean is 0, so customers without repeat spend are predicted to spend nothing rather than an
    invented amount.

    ``issues``: why the Gamma-Gamma maximum-likelihood fit is not identified (see ``_gamma_gamma_issues``);
    ``cov``: for gamma_gamma, the covariance of log(p, q - 1, v); for the shrinkage, ((variance of the base mean,),).
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    method: str = "gamma_gamma"  # or "shrinkage"

    @property
    def population_mean(self):
        """Mean spend per purchase of the base, p v / (q - 1): what a customer without repeat spend is expected
        to spend."""
        return self.p * self.v / (self.q - 1.0)

    @property
    def credibility(self):
        """k = (q - 1) / p: the base mean counts as k purchases against the customer's own x repeat purchases."""
        return (self.q - 1.0) / self.p

    @property
    def standard_errors(self):
        """{parameter: standard error}; for the shrinkage, the standard error of the base mean."""
        if self.method == "shrinkage":
            return {"mean": float(np.sqrt(self.cov[0][0])) if self.cov else float("nan")}
        return mle.standard_errors(self.cov, {"p": self.p, "q_minus_1": self.q - 1.0, "v": self.v})

    def conditional_expected_value(self, frequency, monetary_value):
        """E[mean transaction value | x, m_x]: a credibility-weighted blend of the population mean and the
        customer's own mean, weighted by the number of repeat purchases (Fader & Hardie 2013, eq. 5)."""
        x, m = arrays.checked(frequency=frequency, monetary_value=monetary_value)
        if np.any(np.abs(x - np.round(x)) > 1e-9):
            raise ValueError("frequency must hold whole numbers of repeat purchases")
        px = self.p * np.round(x)
        return (self.p * self.v + px * m) / (px + self.q - 1.0)

    def log_value_variance(self, frequency, monetary_value):
        """Variance of log E[value | x, m] from the uncertainty of the fitted parameters (delta method)."""
        x, m = arrays.checked(frequency=frequency, monetary_value=monetary_value)
        x = np.round(x)
        if not self.cov:
            return np.zeros(np.broadcast(x, m).shape)
        cov = np.asarray(self.cov, dtype=float)
        px = self.p * x
        base = px + self.q - 1.0
        if self.method == "shrinkage":
            value = (self.p * self.v + px * m) / base
            k = self.q - 1.0
            with np.errstate(divide="ignore", invalid="ignore"):
                d_log = np.where(value > 0, (k / base) / value, 0.0)  # d value / d mean = k / (k + x)
            return d_log**2 * cov[0, 0]
        amount = self.p * (self.v + x * m)
        with np.errstate(divide="ignore", invalid="ignore"):
            grads = np.stack([1.0 - px / base, -(self.q - 1.0) / base,
                              np.where(amount > 0, self.p * self.v / amount, 0.0)], axis=-1)
        return np.einsum("...i,ij,...j->...", grads, cov, grads)


class _GammaGammaData(NamedTuple):
    """Repeat buyers for the likelihood: what does not depend on the parameters is computed once, and what
    depends on x only once per distinct x."""

    x: np.ndarray
    xm: np.ndarray  # x m
    x_unique: np.ndarray
    w_unique: np.ndarray  # customers per distinct x
    s_x_log: float  # sum of x (ln m + ln x)
    s_log_m: float  # sum of ln m
    n: float


def _gamma_gamma_data(x, m):
    x_unique, counts = np.unique(x, return_counts=True)
    return _GammaGammaData(
        x=x,
        xm=x * m,
        x_unique=x_unique,
        w_unique=counts.astype(float),
        s_x_log=arrays.dot(x, np.log(m) + np.log(x)),
        s_log_m=float(np.log(m).sum()),
        n=float(len(x)),
    )


def _gamma_gamma_objective(z, data, scale, penalizer):
    """Penalised mean negative log-likelihood and exact gradient in z = log(p, q - 1, v / scale).

    Density of a customer's mean spend m over x repeat purchases (Fader & Hardie 2013, eq. 3), in logs:
        lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + x m)
    Summed over customers, the gamma terms are computed once per distinct x and only ln(v + x m) and its
    reciprocal once per customer.
    """
    p, q_minus_1, v = np.exp(z) * np.array([1.0, 1.0, scale])
    q = 1.0 + q_minus_1
    n = data.n
    pxu = p * data.x_unique
    log_vxm = np.log(v + data.xm)
    inv_vxm = 1.0 / (v + data.xm)
    s_log = float(log_vxm.sum())
    s_x_log = arrays.dot(data.x, log_vxm)
    s_inv = float(inv_vxm.sum())
    s_x_inv = arrays.dot(data.x, inv_vxm)
    total = (
        arrays.dot(data.w_unique, special.gammaln(pxu + q) - special.gammaln(pxu))
        - n * special.gammaln(q)
        + n * q * np.log(v)
        + p * data.s_x_log
        - data.s_log_m
        - p * s_x_log
        - q * s_log
    )
    psi_pxq = special.digamma(pxu + q)
    g_p = arrays.dot(data.w_unique * data.x_unique, psi_pxq - special.digamma(pxu)) + data.s_x_log - s_x_log
    g_q = arrays.dot(data.w_unique, psi_pxq) - n * special.digamma(q) + n * np.log(v) - s_log
    g_v = n * q / v - (p * s_x_inv + q * s_inv)
    theta = np.array([p, q, v])
    grad_ll = np.array([g_p * p, g_q * q_minus_1, g_v * v])
    value = -total / n + penalizer * np.sum(theta**2)
    grad = -grad_ll / n + 2.0 * penalizer * theta * np.array([p, q_minus_1, v])
    return value, grad, total


def _gamma_gamma_issues(z, cov, converged, population_mean, m):
    """Why a Gamma-Gamma fit is not identified; empty when it is.

    ``q_near_1``: q - 1 runs to 0 (or is not pinned down), so the population mean p v / (q - 1) is unbounded.
    ``implausible_mean``: the population mean lies outside the spends observed. Otherwise as for BG/NBD
    (``boundary``, ``flat``, ``singular``, ``not_converged``).
    """
    loose, at_bound = mle.looseness(z, cov)
    q_near_1 = (z[1] < np.log(1e-3) or at_bound[1]) or (loose[1] and z[1] < 0.0)
    plausible = np.isfinite(population_mean) and m.min() <= population_mean <= m.max()
    return mle.issues(converged, cov, loose, at_bound, "q_near_1" if q_near_1 else None,
                      () if plausible else ("implausible_mean",))


def spend_shrinkage(frequency, monetary_value, monetary_var=None, issues=()):
    """Empirical-Bayes spend model for bases the Gamma-Gamma fit does not identify (Buhlmann-Straub credibility).

    Each customer's expected spend per purchase is (k mean + x m) / (k + x): the base mean ``mean`` (mean repeat
    purchase over all repeat purchases) counts as k purchases against the customer's own x. k is the ratio of the
    spread of single purchases within a customer (sigma^2, pooled from ``monetary_var``, each customer's sample
    variance of their repeat purchases; a coefficient of variation of 1 when no customer has two) to the spread
    of the customers' true means (tau^2, by moments from the spread of their observed means). The blend always
    lies between the customer's own mean and the base mean, whatever the outliers.
    """
    x, m = (arr.ravel() for arr in arrays.checked(frequency=frequency, monetary_value=monetary_value))
    keep = (x > 0) & (m > 0)
    var = None
    if monetary_var is not None:
        (var,) = arrays.checked(monetary_var=monetary_var)
        var = np.broadcast_to(var, x.shape)[keep]
    x, m = np.round(x[keep]), m[keep]
    if not len(x):
        return GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0, converged=True,
                             identified=False, method="shrinkage", issues=tuple(issues) or ("no_repeat_spend",),
                             cov=((0.0,),))
    total_x = float(x.sum())
    mean = arrays.dot(x, m) / total_x
    several = x >= 2
    dof = float((x[several] - 1.0).sum()) if var is not None else 0.0
    sigma2 = arrays.dot(x[several] - 1.0, var[several]) / dof if dof > 0 else mean**2
    spread = total_x - arrays.dot(x, x) / total_x
    tau2 = (arrays.dot(x, (m - mean) ** 2) - (len(x) - 1) * sigma2) / spread if spread > 0 else 0.0
    k = float(np.clip(sigma2 / tau2, _K_MIN, _K_MAX)) if tau2 > 0 else _K_MAX
    mean_var = (max(tau2, 0.0) * arrays.dot(x, x) + sigma2 * total_x) / total_x**2
    return GammaGammaFit(p=1.0, q=1.0 + k, v=mean * k, log_likelihood=0.0, n_customers=len(x), converged=True,
                         identified=False, method="shrinkage", issues=tuple(issues), cov=((float(mean_var),),))


def fit_gamma_gamma(frequency, monetary_value, penalizer=0.0, monetary_var=None, fallback=True):
    """Maximum-likelihood Gamma-Gamma fit on the customers with at least one repeat purchase, with its
    covariance and an identification check.

    Repeat buyers whose mean spend is 0 (e.g. fully refunded) cannot come from a gamma law and are left out of
    the fit; they still get a prediction. ``penalizer`` follows the same convention as ``fit_bgnbd``. When the
    fit is not identified (see ``_gamma_gamma_issues``) and ``fallback`` is on, the result is the
    ``spend_shrinkage`` of the same customers (``monetary_var`` feeds it), with the issues that led there.
    """
    x, m = (arr.ravel() for arr in arrays.checked(frequency=frequency, monetary_value=monetary_value))
    if np.any(np.abs(x - np.round(x)) > 1e-9):
        raise ValueError("frequency must hold whole numbers of repeat purchases")
    penalizer = arrays.penalizer(penalizer)
    keep = (x > 0) & (m > 0)
    xk, mk = np.round(x[keep]), m[keep]
    if not len(xk):
        if fallback:
            return spend_shrinkage(x, m, monetary_var)
        return GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0, converged=True,
                             identified=False, issues=("no_repeat_spend",))
    data = _gamma_gamma_data(xk, mk)
    scale = float(mk.mean())  # v has the unit of money: start it on the data's scale

    def fun(z):
        value, grad, _ = _gamma_gamma_objective(z, data, scale, penalizer)
        return value, grad

    z, converged = mle.minimize(fun, 3)
    _, _, total = _gamma_gamma_objective(z, data, scale, 0.0)
    cov = mle.covariance(mle.hessian(lambda z: fun(z)[1], z) * data.n)
    p, q_minus_1, v = np.exp(z) * np.array([1.0, 1.0, scale])
    issues = _gamma_gamma_issues(z, cov, converged, p * v / q_minus_1, mk)
    if issues and fallback:
        return spend_shrinkage(x, m, monetary_var, issues)
    return GammaGammaFit(p=float(p), q=float(1.0 + q_minus_1), v=float(v),
                         **mle.report(total, len(xk), converged, issues, cov))
