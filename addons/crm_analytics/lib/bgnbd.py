"""BG/NBD (Fader, Hardie & Lee 2005): how many purchases a customer makes and whether they are still active.

Reference: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD
Model", Marketing Science 24(2), 275-284. Conventions are those of ``lib.arrays``. A fit the data do not identify
(see ``lib.mle``) is refitted with a weak prior on its log-parameters (penalised likelihood); on bases that do
identify it (CDNOW) the fit is the plain maximum-likelihood one.
"""

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import integrate, special

from . import arrays, mle

# Weak prior of the regularised BG/NBD fit, on z = log(r, alpha / mean T, a, b): a purchase rate of about one per
# customer lifetime, a dropout chance per purchase of about 1 in 4 (a = 1, b = 3), each within a factor of ~e^2.
_PRIOR_MEAN = np.array([0.0, 0.0, 0.0, np.log(3.0)])
_PRIOR_SD = np.array([2.0, 2.0, 1.0, 1.0])


@dataclass(frozen=True)
class BGNBDFit(mle.Fit):
    """Fitted BG/NBD: purchase rate lambda ~ Gamma(r, alpha), dropout probability p ~ Beta(a, b).

    ``issues``: why the maximum-likelihood fit is not identified (see ``_bgnbd_issues``); ``cov``: covariance of
    log(r, alpha, a, b), 4 rows of 4.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    regularised: bool = False  # parameters of the weak-prior refit, the maximum-likelihood fit being unidentified

    @property
    def standard_errors(self):
        """{parameter: standard error} by the delta method from the log-parameters; NaN when unknown."""
        return mle.standard_errors(self.cov, {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b})

    def expected_purchases(self, t):
        """E[X(t)]: purchases a brand-new customer is expected to make in their first t time units."""
        (t,) = arrays.checked(t=t)
        return _expected_given_alive(t, self.r, self.alpha, self.a, self.b, np.zeros_like(t), np.zeros_like(t))

    def p_alive(self, frequency, recency, T):
        """P(still active at T | history); 1 for customers who never repeated, as the model lets them drop only
        after a purchase."""
        x, t_x, T = arrays.history(frequency, recency, T)
        return _p_alive(self, x, t_x, T)

    def conditional_expected_purchases(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | history] (FHL 2005, eq. 10)."""
        (t,) = arrays.checked(t=t)
        x, t_x, T = arrays.history(frequency, recency, T)
        t, x, t_x, T = np.broadcast_arrays(t, x, t_x, T)
        alive = _p_alive(self, x, t_x, T)
        return alive * _expected_given_alive(t, self.r, self.alpha, self.a, self.b, x, T)


def _p_alive(fit, x, t_x, T):
    """Logistic of minus the log-odds of having dropped: exact for any T, no overflow."""
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)
    log_odds_dead = (
        np.log(fit.a)
        - np.log(fit.b + safe_x - 1.0)
        + (fit.r + safe_x) * (np.log(fit.alpha + T) - np.log(fit.alpha + t_x))
    )
    return np.where(repeat, special.expit(-log_odds_dead), 1.0)


def _expected_given_alive(t, r, alpha, a, b, x, T):
    """E[purchases in (T, T + t] | alive at T, x repeats]: posterior lambda ~ Gamma(r + x, alpha + T),
    p ~ Beta(a, b + x).

    FHL's closed form is (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] with
    z = t/(alpha+T+t). Checked against 50-digit mpmath on random parameters, scipy's real hyp2f1 is accurate to
    ~1e-9 in two complementary ways: after Pfaff's transformation, 2F1(r+x, a-1; a+b+x-1; -t/(alpha+T)) (no power
    to overflow) while a+b+x-1 <= 15 or t <= alpha+T, and in the original form beyond that, where the Pfaff
    route can be finite yet wrong by orders of magnitude. What is still not finite, or breaks the bounds the
    answer must satisfy (0 <= E <= (r+x) t/(alpha+T)), is recomputed by direct integration over p.
    """
    if abs(a - 1.0) < 1e-6:
        # The closed form is 0/0 at a = 1; the answer is smooth in a, so average two close neighbours (error h^2).
        h = 1e-4
        return 0.5 * (
            _expected_given_alive(t, r, alpha, 1.0 + h, b, x, T) + _expected_given_alive(t, r, alpha, 1.0 - h, b, x, T)
        )
    t, x, T = (np.array(arr, dtype=float) for arr in np.broadcast_arrays(t, x, T))
    n = r + x
    c = alpha + T
    bx = b + x
    cc = a + bx - 1.0
    upper = n * t / c
    hyp = np.empty(t.shape)
    pfaff = (cc <= 15.0) | (t <= c)
    direct = ~pfaff
    with np.errstate(all="ignore"):
        hyp[pfaff] = special.hyp2f1(n[pfaff], a - 1.0, cc[pfaff], -t[pfaff] / c[pfaff])
        z = t[direct] / (c[direct] + t[direct])
        hyp[direct] = np.exp(n[direct] * np.log1p(-z)) * special.hyp2f1(n[direct], bx[direct], cc[direct], z)
        value = np.asarray(cc / (a - 1.0) * (1.0 - hyp), dtype=float)  # 0-d inputs: keep an array
    bad = ~np.isfinite(value) | (value < -1e-9 * upper) | (value > upper * (1.0 + 1e-6))
    if np.any(bad):
        value[bad] = _expected_given_alive_quad(t[bad], n[bad], c[bad], a, bx[bad])
    return np.clip(value, 0.0, upper)


def _expected_given_alive_quad(t, n, c, a, bx):
    """Same expectation as ``_expected_given_alive``, as E_p[(1 - (c / (c + p t))^n) / p] with p ~ Beta(a, bx).

    Slow (one adaptive quadrature per distinct case) but valid wherever the hypergeometric route is not. For
    a < 1 the substitution u = p^a removes the p^(a-1) endpoint singularity; break points spread over the bulk of
    the Beta law keep the adaptive rule from stepping over a narrow bump.
    """
    keys = np.stack([t, n, c, bx], axis=-1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    results = np.empty(len(uniq))
    for k, (tk, nk, ck, bk) in enumerate(uniq):
        log_norm = special.betaln(a, bk)
        mean = a / (a + bk)
        sd = np.sqrt(mean * (1.0 - mean) / (a + bk + 1.0))
        spread = mean + sd * np.array([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 8.0])
        points = np.concatenate([spread, mean * np.logspace(-6, -1, 6)])
        points = np.unique(points[(points > 0.0) & (points < 1.0)])

        def gain(p, tk=tk, nk=nk, ck=ck):
            """(1 - (c / (c + p t))^n) / p, with its limit n t / c at p = 0."""
            if p < 1e-280:
                return nk * tk / ck
            return -np.expm1(-nk * np.log1p(p * tk / ck)) / p

        if a < 1.0:

            def integrand(u, bk=bk, log_norm=log_norm, gain=gain):
                p = u ** (1.0 / a)
                with np.errstate(all="ignore"):
                    return gain(p) * np.exp((bk - 1.0) * np.log1p(-p) - log_norm - np.log(a))

            points = points**a
        else:

            def integrand(p, bk=bk, log_norm=log_norm, gain=gain):
                with np.errstate(all="ignore"):
                    return gain(p) * np.exp((a - 1.0) * np.log(p) + (bk - 1.0) * np.log1p(-p) - log_norm)

        with warnings.catch_warnings():
            # Asking for near machine precision, quad warns when it stops a little short; that is still far
            # better than the hypergeometric value it replaces.
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            results[k], _ = integrate.quad(integrand, 0.0, 1.0, points=points, limit=500, epsabs=0.0, epsrel=1e-11)
    return results[inverse.reshape(-1)]


class _BGNBDData(NamedTuple):
    """Customers grouped for the likelihood: identical histories are counted once, with a weight."""

    T0: np.ndarray  # distinct T of customers without a repeat purchase
    w0: np.ndarray
    x: np.ndarray  # distinct (x, t_x, T) of repeat buyers
    t_x: np.ndarray
    T: np.ndarray
    w: np.ndarray
    x_unique: np.ndarray  # distinct x among repeat buyers, and each row's index into it
    x_index: np.ndarray
    n_total: float




def _bgnbd_data(x, t_x, T):
    none = x == 0
    T0, w0 = np.unique(T[none], return_counts=True)
    (x, t_x, T), inverse = arrays.group(x[~none], t_x[~none], T[~none])
    w = np.bincount(inverse, minlength=len(x))
    x_unique, x_index = np.unique(x, return_inverse=True)
    return _BGNBDData(
        T0=T0,
        w0=w0.astype(float),
        x=x,
        t_x=t_x,
        T=T,
        w=w.astype(float),
        x_unique=x_unique,
        x_index=x_index.reshape(-1),
        n_total=float(len(none)),
    )




def _bgnbd_objective(z, data, scale, penalizer):
    """Penalised mean negative log-likelihood and its exact gradient in z = log(r, alpha/scale, a, b).

    Per customer (FHL 2005, eq. 6), in logs:
        ll = lnG(r+x) - lnG(r) + r ln(alpha) - lnB(a, b)
             + logaddexp(lnB(a, b+x) - (r+x) ln(alpha+T),  [x>0] lnB(a+1, b+x-1) - (r+x) ln(alpha+t_x))
    which for x = 0 collapses to r (ln(alpha) - ln(alpha+T)). For repeat buyers, everything that depends on x
    only (gamma, beta and digamma terms) is computed once per distinct x and gathered, so a fit on 100k customers
    costs a handful of logs and exps per customer and iteration.
    """
    r, alpha, a, b = np.exp(z) * np.array([1.0, scale, 1.0, 1.0])
    log_alpha = np.log(alpha)
    psi = special.digamma
    dot = arrays.dot

    # Customers without a repeat purchase.
    log_a0 = np.log(alpha + data.T0)
    total = r * dot(data.w0, log_alpha - log_a0)
    g_r = dot(data.w0, log_alpha - log_a0)
    g_alpha = r * dot(data.w0, 1.0 / alpha - 1.0 / (alpha + data.T0))
    g_a = g_b = 0.0

    if len(data.x):
        xu, idx, w = data.x_unique, data.x_index, data.w
        per_x = special.gammaln(r + xu) - special.gammaln(r) + r * log_alpha - special.betaln(a, b)
        b1 = special.betaln(a, b + xu)
        b2 = special.betaln(a + 1.0, b + xu - 1.0)
        rx = r + data.x
        log_at = np.log(alpha + data.T)
        log_atx = np.log(alpha + data.t_x)
        u = b1[idx] - rx * log_at
        v = b2[idx] - rx * log_atx
        d = v - u
        lse = u + np.maximum(d, 0.0) + np.log1p(np.exp(-np.abs(d)))  # logaddexp(u, v), but faster
        w_x = np.bincount(idx, weights=w, minlength=len(xu))
        total += dot(w_x, per_x) + dot(w, lse)

        # Gradient: the logaddexp splits into softmax weights wu + wv = 1.
        wu = special.expit(-d)
        wv = 1.0 - wu
        wu_x = np.bincount(idx, weights=w * wu, minlength=len(xu))
        wv_x = w_x - wu_x
        w_rep = w_x.sum()
        psi_abx = psi(a + b + xu)
        g_r += dot(w_x, psi(r + xu)) - w_rep * (psi(r) - log_alpha) - dot(w * wu, log_at) - dot(w * wv, log_atx)
        g_alpha += w_rep * r / alpha - dot(w * rx, wu / (alpha + data.T) + wv / (alpha + data.t_x))
        g_a = -w_rep * (psi(a) - psi(a + b)) + dot(wu_x, psi(a) - psi_abx) + dot(wv_x, psi(a + 1.0) - psi_abx)
        g_b = (
            -w_rep * (psi(b) - psi(a + b)) + dot(wu_x, psi(b + xu) - psi_abx) + dot(wv_x, psi(b + xu - 1.0) - psi_abx)
        )

    theta = np.array([r, alpha, a, b])
    grad_ll = np.array([g_r, g_alpha, g_a, g_b]) * theta  # chain rule through the logs
    value = -total / data.n_total + penalizer * np.sum(theta**2)
    grad = -grad_ll / data.n_total + 2.0 * penalizer * theta**2
    return value, grad, total




def _bgnbd_issues(z, cov, converged, a, b):
    """Why a BG/NBD fit is not identified; empty when it is.

    ``no_dropout``: a -> 0 (or b -> oo against a) without the data holding them back, the boundary where nobody
    ever drops out (every P(alive) is 1). ``boundary``: a parameter ran to its bound (e.g. a, b -> oo together:
    one dropout chance for everybody). ``flat``: a log-parameter has a standard error above ``mle.SE_MAX``.
    ``singular``: the Hessian is not positive definite. ``not_converged``.
    """
    loose, at_bound = mle.looseness(z, cov)
    no_dropout = (a < 1e-2 or a / (a + b) < 1e-3) and (loose[2] or loose[3] or at_bound[2] or at_bound[3])
    return mle.issues(converged, cov, loose, at_bound, "no_dropout" if no_dropout else None)


def _fit_bgnbd_z(data, scale, penalizer, prior):
    """Minimise the penalised mean negative log-likelihood (plus an optional normal prior on the log-parameters,
    counted once for the whole base, not per customer); return the log-parameters, convergence and the covariance
    of the objective's total."""
    n = max(data.n_total, 1.0)

    def fun(z):
        value, grad, _ = _bgnbd_objective(z, data, scale, penalizer)
        if prior is not None:
            mean, sd = prior
            value += float(np.sum((z - mean) ** 2 / (2.0 * sd**2))) / n
            grad = grad + (z - mean) / sd**2 / n
        return value, grad

    z, converged = mle.minimize(fun, 4)
    cov = mle.covariance(mle.hessian(lambda z: fun(z)[1], z) * n)
    return z, converged, cov


def fit_bgnbd(frequency, recency, T, penalizer=0.0, regularise=True):
    """Maximum-likelihood BG/NBD fit (FHL 2005), with its covariance and an identification check.

    ``penalizer`` adds ``penalizer * (r^2 + alpha^2 + a^2 + b^2)`` to the mean negative log-likelihood, the
    convention of ``lifetimes``, so values tuned there carry over. ``log_likelihood`` is the unpenalised total.
    When the data do not identify the model (see ``_bgnbd_issues``) and ``regularise`` is on, the returned
    parameters are those of a refit with a weak prior on the log-parameters (``_PRIOR_*``): finite,
    interior, and P(alive) still falls with the time since the last purchase; ``identified`` is False and
    ``issues`` says why. Without ``regularise``, an unidentified fit gives an extreme but finite fit at the
    parameter bounds.
    """
    x, t_x, T = (arr.ravel() for arr in arrays.history(frequency, recency, T))
    penalizer = arrays.penalizer(penalizer)
    data = _bgnbd_data(x, t_x, T)
    mean_T = float(T.mean())
    scale = mean_T if mean_T > 0 else 1.0  # alpha has the unit of T: start it on the data's time scale
    theta = np.array([1.0, scale, 1.0, 1.0])

    z, converged, cov = _fit_bgnbd_z(data, scale, penalizer, None)
    r, alpha, a, b = np.exp(z) * theta
    issues = _bgnbd_issues(z, cov, converged, a, b)
    regularised = bool(issues) and regularise
    if regularised:
        z, converged, cov = _fit_bgnbd_z(data, scale, penalizer, (_PRIOR_MEAN, _PRIOR_SD))
        r, alpha, a, b = np.exp(z) * theta
    _, _, total = _bgnbd_objective(z, data, scale, 0.0)
    return BGNBDFit(r=float(r), alpha=float(alpha), a=float(a), b=float(b), regularised=regularised,
                    **mle.report(total, len(x), converged, issues, cov))
