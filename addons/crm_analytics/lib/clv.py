"""Customer lifetime value: BG/NBD purchase counts times Gamma-Gamma spend, discounted, on margin.

References:
    Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model",
    Marketing Science 24(2), 275-284.
    Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", http://www.brucehardie.com/notes/025/.

Conventions are those of the papers (and of the ``lifetimes`` package): ``frequency`` counts REPEAT purchases,
``recency`` is the customer's age at the last repeat purchase (0 when there is none), ``T`` the customer's age at
the end of the observation window, all in one time unit; ``monetary_value`` is the mean value of the repeat
purchases. Every function takes array-likes and broadcasts them; the result has the broadcast shape.

Small and young customer bases (few customers, many one-time buyers, a few huge orders, short history) often do
not identify the models: the likelihood is flat or keeps improving towards a boundary (BG/NBD a -> 0, b -> oo:
nobody ever drops out; Gamma-Gamma q -> 1: the population mean spend p v / (q - 1) is infinite). So every fit also
returns its covariance (the inverse of the Hessian of the negative log-likelihood, in log-parameters), whether it
is identified and, if not, why. A BG/NBD fit that is not identified is refitted with a weak prior on its
log-parameters (penalised likelihood); a Gamma-Gamma fit that is not identified gives way to an empirical-Bayes
(Buhlmann-Straub credibility) shrinkage of each customer's mean spend towards the base mean. On bases that do
identify them (CDNOW) the fits are the plain maximum-likelihood ones.
"""

import warnings
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy import integrate, optimize, special

# Log-parameters live in [-_LOG_BOUND, _LOG_BOUND]: data that carry no information (nobody repeats, one customer)
# push the likelihood towards a boundary, and the bound turns that into an extreme but finite fit.
_LOG_BOUND = 20.0
# A log-parameter whose standard error exceeds this is not pinned down by the data: its 80 % interval spans a factor
# of more than exp(2 x 1.28 x 2) ~ 170.
_SE_MAX = 2.0
# Weak prior of the regularised BG/NBD fit, on z = log(r, alpha / mean T, a, b): a purchase rate of about one per
# customer lifetime, a dropout chance per purchase of about 1 in 4 (a = 1, b = 3), each within a factor of ~e^2.
_BGNBD_PRIOR_MEAN = np.array([0.0, 0.0, 0.0, np.log(3.0)])
_BGNBD_PRIOR_SD = np.array([2.0, 2.0, 1.0, 1.0])
# Credibility weight bounds of the spend shrinkage, in pseudo-purchases at the base mean.
_K_MIN, _K_MAX = 1e-3, 1e6


# --------------------------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------------------------


def _arrays(**named):
    """Float copies of the inputs, broadcast together; bad values raise ValueError naming the argument."""
    arrays = {}
    for name, value in named.items():
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric") from exc
        if arr.size == 0:
            raise ValueError(f"{name} is empty")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if np.any(arr < 0):
            raise ValueError(f"{name} contains negative values")
        arrays[name] = arr
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError as exc:
        shapes = ", ".join(f"{name} {arr.shape}" for name, arr in arrays.items())
        raise ValueError(f"inputs have mismatched lengths/shapes: {shapes}") from exc
    return [np.array(arr, dtype=float) for arr in out]  # broadcast views are read-only


def _rfm(frequency, recency, T):
    """Checked (frequency, recency, T); recency is clipped onto T when it exceeds it only by rounding."""
    frequency, recency, T = _arrays(frequency=frequency, recency=recency, T=T)
    if np.any(np.abs(frequency - np.round(frequency)) > 1e-9):
        raise ValueError("frequency must hold whole numbers of repeat purchases")
    if np.any(recency > T + 1e-9 * np.maximum(T, 1.0)):
        raise ValueError("recency must not exceed T (the last repeat purchase lies inside the observation window)")
    return np.round(frequency), np.minimum(recency, T), T


def _penalizer(penalizer):
    try:
        value = float(penalizer)
    except (TypeError, ValueError) as exc:
        raise ValueError("penalizer must be a number") from exc
    if not np.isfinite(value) or value < 0:
        raise ValueError("penalizer must be a finite number >= 0")
    return value


# --------------------------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD: purchase rate lambda ~ Gamma(r, alpha), dropout probability p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int = 0
    converged: bool = True
    identified: bool = True
    regularised: bool = False  # parameters of the weak-prior refit, the maximum-likelihood fit being unidentified
    issues: tuple = ()  # why the maximum-likelihood fit is not identified (see ``_bgnbd_issues``)
    cov: tuple = ()  # covariance of log(r, alpha, a, b), 4 rows of 4; empty when unknown

    @property
    def standard_errors(self):
        """{parameter: standard error} by the delta method from the log-parameters; NaN when unknown."""
        return _standard_errors(self.cov, {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b})

    def expected_purchases(self, t):
        """E[X(t)]: purchases a brand-new customer is expected to make in their first t time units."""
        (t,) = _arrays(t=t)
        return _expected_given_alive(t, self.r, self.alpha, self.a, self.b, np.zeros_like(t), np.zeros_like(t))

    def p_alive(self, frequency, recency, T):
        """P(still active at T | history); 1 for customers who never repeated, as the model lets them drop only
        after a purchase."""
        x, t_x, T = _rfm(frequency, recency, T)
        return _p_alive(self, x, t_x, T)

    def conditional_expected_purchases(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | history] (FHL 2005, eq. 10)."""
        (t,) = _arrays(t=t)
        x, t_x, T = _rfm(frequency, recency, T)
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


def _group(*columns):
    """Distinct rows of equal-length columns, and each row's index into them: sort-and-split, which is much
    faster than np.unique(axis=0)."""
    order = np.lexsort(columns[::-1])
    ordered = [col[order] for col in columns]
    first = np.zeros(len(order), dtype=bool)
    first[:1] = True
    for col in ordered:
        first[1:] |= col[1:] != col[:-1]
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return [col[first] for col in ordered], inverse


def _bgnbd_data(x, t_x, T):
    none = x == 0
    T0, w0 = np.unique(T[none], return_counts=True)
    (x, t_x, T), inverse = _group(x[~none], t_x[~none], T[~none])
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


def _dot(u, v):
    """Inner product without BLAS: np.dot hands long vectors to a threaded BLAS, which on a busy two-core machine
    doubled the CPU time of a fit and halved its speed."""
    return float(np.sum(u * v))


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

    # Customers without a repeat purchase.
    log_a0 = np.log(alpha + data.T0)
    total = r * _dot(data.w0, log_alpha - log_a0)
    g_r = _dot(data.w0, log_alpha - log_a0)
    g_alpha = r * _dot(data.w0, 1.0 / alpha - 1.0 / (alpha + data.T0))
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
        total += _dot(w_x, per_x) + _dot(w, lse)

        # Gradient: the logaddexp splits into softmax weights wu + wv = 1.
        wu = special.expit(-d)
        wv = 1.0 - wu
        wu_x = np.bincount(idx, weights=w * wu, minlength=len(xu))
        wv_x = w_x - wu_x
        w_rep = w_x.sum()
        psi_abx = psi(a + b + xu)
        g_r += _dot(w_x, psi(r + xu)) - w_rep * (psi(r) - log_alpha) - _dot(w * wu, log_at) - _dot(w * wv, log_atx)
        g_alpha += w_rep * r / alpha - _dot(w * rx, wu / (alpha + data.T) + wv / (alpha + data.t_x))
        g_a = -w_rep * (psi(a) - psi(a + b)) + _dot(wu_x, psi(a) - psi_abx) + _dot(wv_x, psi(a + 1.0) - psi_abx)
        g_b = (
            -w_rep * (psi(b) - psi(a + b)) + _dot(wu_x, psi(b + xu) - psi_abx) + _dot(wv_x, psi(b + xu - 1.0) - psi_abx)
        )

    theta = np.array([r, alpha, a, b])
    grad_ll = np.array([g_r, g_alpha, g_a, g_b]) * theta  # chain rule through the logs
    value = -total / data.n_total + penalizer * np.sum(theta**2)
    grad = -grad_ll / data.n_total + 2.0 * penalizer * theta**2
    return value, grad, total


def _hessian(grad, z, step=1e-5):
    """Hessian from an exact gradient by forward differences: one gradient per parameter, symmetrised."""
    g0 = grad(z)
    hessian = np.empty((len(z), len(z)))
    for j in range(len(z)):
        dz = np.zeros(len(z))
        dz[j] = step
        hessian[:, j] = (grad(z + dz) - g0) / step
    return 0.5 * (hessian + hessian.T)


def _covariance(hessian):
    """Inverse of the Hessian of a total negative log-likelihood, or None when it is not positive definite: then
    the likelihood is flat (or not at a maximum) in some direction and the data do not pin the parameters down."""
    if not np.all(np.isfinite(hessian)):
        return None
    try:
        inv_chol = np.linalg.inv(np.linalg.cholesky(hessian))
    except np.linalg.LinAlgError:
        return None
    cov = inv_chol.T @ inv_chol
    return cov if np.all(np.isfinite(cov)) else None


def _as_tuple(cov):
    return tuple(tuple(float(c) for c in row) for row in cov) if cov is not None else ()


def _standard_errors(cov, params):
    """Standard errors of positive parameters from the covariance of their logs: se(theta) = theta se(log theta)."""
    diag = np.diag(np.asarray(cov, dtype=float)) if len(cov) else np.full(len(params), np.nan)
    return {name: float(value * np.sqrt(d)) if d >= 0 else float("nan")
            for (name, value), d in zip(params.items(), diag, strict=True)}


def _log_se(cov):
    """Standard errors of the log-parameters; None when the covariance is unknown."""
    return np.sqrt(np.clip(np.diag(cov), 0.0, None)) if cov is not None else None


def _minimize(fun, size):
    result = optimize.minimize(
        fun,
        np.zeros(size),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * size,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    return np.clip(result.x, -_LOG_BOUND, _LOG_BOUND), bool(result.success)


def _bgnbd_issues(z, cov, converged, a, b):
    """Why a BG/NBD fit is not identified; empty when it is.

    ``no_dropout``: a -> 0 (or b -> oo against a) without the data holding them back, the boundary where nobody
    ever drops out (every P(alive) is 1). ``boundary``: a parameter ran to its bound (e.g. a, b -> oo together:
    one dropout chance for everybody). ``flat``: a log-parameter has a standard error above ``_SE_MAX``.
    ``singular``: the Hessian is not positive definite. ``not_converged``.
    """
    issues = []
    if not converged:
        issues.append("not_converged")
    se = _log_se(cov)
    loose = np.full(4, True) if se is None else se > _SE_MAX
    at_bound = np.abs(z) > _LOG_BOUND - 1.0
    if (a < 1e-2 or a / (a + b) < 1e-3) and (loose[2] or loose[3] or at_bound[2] or at_bound[3]):
        issues.append("no_dropout")
    elif np.any(at_bound):
        issues.append("boundary")
    if cov is None:
        issues.append("singular")
    elif np.any(loose):
        issues.append("flat")
    return tuple(issues)


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

    z, converged = _minimize(fun, 4)
    cov = _covariance(_hessian(lambda z: fun(z)[1], z) * n)
    return z, converged, cov


def fit_bgnbd(frequency, recency, T, penalizer=0.0, regularise=True):
    """Maximum-likelihood BG/NBD fit (FHL 2005), with its covariance and an identification check.

    ``penalizer`` adds ``penalizer * (r^2 + alpha^2 + a^2 + b^2)`` to the mean negative log-likelihood, the
    convention of ``lifetimes``, so values tuned there carry over. ``log_likelihood`` is the unpenalised total.
    When the data do not identify the model (see ``_bgnbd_issues``) and ``regularise`` is on, the returned
    parameters are those of a refit with a weak prior on the log-parameters (``_BGNBD_PRIOR_*``): finite,
    interior, and P(alive) still falls with the time since the last purchase; ``identified`` is False and
    ``issues`` says why. Without ``regularise``, an unidentified fit gives an extreme but finite fit at the
    parameter bounds.
    """
    x, t_x, T = (arr.ravel() for arr in _rfm(frequency, recency, T))
    penalizer = _penalizer(penalizer)
    data = _bgnbd_data(x, t_x, T)
    mean_T = float(T.mean())
    scale = mean_T if mean_T > 0 else 1.0  # alpha has the unit of T: start it on the data's time scale
    theta = np.array([1.0, scale, 1.0, 1.0])

    z, converged, cov = _fit_bgnbd_z(data, scale, penalizer, None)
    r, alpha, a, b = np.exp(z) * theta
    issues = _bgnbd_issues(z, cov, converged, a, b)
    regularised = bool(issues) and regularise
    if regularised:
        z, converged, cov = _fit_bgnbd_z(data, scale, penalizer, (_BGNBD_PRIOR_MEAN, _BGNBD_PRIOR_SD))
        r, alpha, a, b = np.exp(z) * theta
    _, _, total = _bgnbd_objective(z, data, scale, 0.0)
    return BGNBDFit(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=float(total),
        n_customers=len(x),
        converged=converged,
        identified=not issues,
        regularised=regularised,
        issues=issues,
        cov=_as_tuple(cov),
    )


# --------------------------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGammaFit:
    """Spend per purchase: transaction value ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers.

    q is kept above 1 so that the population mean spend p v / (q - 1) exists. The expected value of a customer's
    next purchase is a credibility-weighted blend of that mean and the customer's own mean repeat spend, the
    weight of the customer's own mean being p x / (p x + q - 1): ``method == "shrinkage"`` (the empirical-Bayes
    fallback) uses the same blend with a base mean and weight estimated by moments, stored as p = 1,
    q = 1 + k, v = mean x k, so that a stored fit scores customers the same way whichever method made it. A fit on
    data with no usable repeat buyer has ``n_customers == 0`` and v = 0: with no spend to learn from, the
    population mean is 0, so customers without repeat spend are predicted to spend nothing rather than an
    invented amount.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int = 0
    converged: bool = True
    identified: bool = True
    method: str = "gamma_gamma"  # or "shrinkage"
    issues: tuple = ()  # why the Gamma-Gamma maximum-likelihood fit is not identified (see ``_gamma_gamma_issues``)
    cov: tuple = ()  # gamma_gamma: covariance of log(p, q - 1, v); shrinkage: ((variance of the base mean,),)

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
        return _standard_errors(self.cov, {"p": self.p, "q_minus_1": self.q - 1.0, "v": self.v})

    def conditional_expected_value(self, frequency, monetary_value):
        """E[mean transaction value | x, m_x]: a credibility-weighted blend of the population mean and the
        customer's own mean, weighted by the number of repeat purchases (Fader & Hardie 2013, eq. 5)."""
        x, m = _arrays(frequency=frequency, monetary_value=monetary_value)
        if np.any(np.abs(x - np.round(x)) > 1e-9):
            raise ValueError("frequency must hold whole numbers of repeat purchases")
        px = self.p * np.round(x)
        return (self.p * self.v + px * m) / (px + self.q - 1.0)

    def log_value_variance(self, frequency, monetary_value):
        """Variance of log E[value | x, m] from the uncertainty of the fitted parameters (delta method)."""
        x, m = _arrays(frequency=frequency, monetary_value=monetary_value)
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
        s_x_log=_dot(x, np.log(m) + np.log(x)),
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
    s_x_log = _dot(data.x, log_vxm)
    s_inv = float(inv_vxm.sum())
    s_x_inv = _dot(data.x, inv_vxm)
    total = (
        _dot(data.w_unique, special.gammaln(pxu + q) - special.gammaln(pxu))
        - n * special.gammaln(q)
        + n * q * np.log(v)
        + p * data.s_x_log
        - data.s_log_m
        - p * s_x_log
        - q * s_log
    )
    psi_pxq = special.digamma(pxu + q)
    g_p = _dot(data.w_unique * data.x_unique, psi_pxq - special.digamma(pxu)) + data.s_x_log - s_x_log
    g_q = _dot(data.w_unique, psi_pxq) - n * special.digamma(q) + n * np.log(v) - s_log
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
    issues = []
    if not converged:
        issues.append("not_converged")
    se = _log_se(cov)
    loose = np.full(3, True) if se is None else se > _SE_MAX
    at_bound = np.abs(z) > _LOG_BOUND - 1.0
    if (z[1] < np.log(1e-3) or at_bound[1]) or (loose[1] and z[1] < 0.0):
        issues.append("q_near_1")
    elif np.any(at_bound):
        issues.append("boundary")
    if not (np.isfinite(population_mean) and m.min() <= population_mean <= m.max()):
        issues.append("implausible_mean")
    if cov is None:
        issues.append("singular")
    elif np.any(loose):
        issues.append("flat")
    return tuple(issues)


def spend_shrinkage(frequency, monetary_value, monetary_var=None, issues=()):
    """Empirical-Bayes spend model for bases the Gamma-Gamma fit does not identify (Buhlmann-Straub credibility).

    Each customer's expected spend per purchase is (k mean + x m) / (k + x): the base mean ``mean`` (mean repeat
    purchase over all repeat purchases) counts as k purchases against the customer's own x. k is the ratio of the
    spread of single purchases within a customer (sigma^2, pooled from ``monetary_var``, each customer's sample
    variance of their repeat purchases; a coefficient of variation of 1 when no customer has two) to the spread
    of the customers' true means (tau^2, by moments from the spread of their observed means). The blend always
    lies between the customer's own mean and the base mean, whatever the outliers.
    """
    x, m = (arr.ravel() for arr in _arrays(frequency=frequency, monetary_value=monetary_value))
    keep = (x > 0) & (m > 0)
    var = None
    if monetary_var is not None:
        (var,) = _arrays(monetary_var=monetary_var)
        var = np.broadcast_to(var, x.shape)[keep]
    x, m = np.round(x[keep]), m[keep]
    if not len(x):
        return GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0, converged=True,
                             identified=False, method="shrinkage", issues=tuple(issues) or ("no_repeat_spend",),
                             cov=((0.0,),))
    total_x = float(x.sum())
    mean = _dot(x, m) / total_x
    several = x >= 2
    dof = float((x[several] - 1.0).sum()) if var is not None else 0.0
    sigma2 = _dot(x[several] - 1.0, var[several]) / dof if dof > 0 else mean**2
    spread = total_x - _dot(x, x) / total_x
    tau2 = (_dot(x, (m - mean) ** 2) - (len(x) - 1) * sigma2) / spread if spread > 0 else 0.0
    k = float(np.clip(sigma2 / tau2, _K_MIN, _K_MAX)) if tau2 > 0 else _K_MAX
    mean_var = (max(tau2, 0.0) * _dot(x, x) + sigma2 * total_x) / total_x**2
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
    x, m = (arr.ravel() for arr in _arrays(frequency=frequency, monetary_value=monetary_value))
    if np.any(np.abs(x - np.round(x)) > 1e-9):
        raise ValueError("frequency must hold whole numbers of repeat purchases")
    penalizer = _penalizer(penalizer)
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

    z, converged = _minimize(fun, 3)
    _, _, total = _gamma_gamma_objective(z, data, scale, 0.0)
    cov = _covariance(_hessian(lambda z: fun(z)[1], z) * data.n)
    p, q_minus_1, v = np.exp(z) * np.array([1.0, 1.0, scale])
    issues = _gamma_gamma_issues(z, cov, converged, p * v / q_minus_1, mk)
    if issues and fallback:
        return spend_shrinkage(x, m, monetary_var, issues)
    return GammaGammaFit(
        p=float(p),
        q=float(1.0 + q_minus_1),
        v=float(v),
        log_likelihood=float(total),
        n_customers=len(xk),
        converged=converged,
        identified=not issues,
        issues=issues,
        cov=_as_tuple(cov),
    )


# --------------------------------------------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------------------------------------------


def discounted_clv(
    bgnbd,
    gg,
    frequency,
    recency,
    T,
    monetary_value,
    margin_rate,
    horizon_periods,
    discount_rate_per_period,
    period_length=1.0,
):
    """Present value of the MARGIN a customer is expected to bring over the next ``horizon_periods`` periods.

    Period k (k = 1..H) contributes E[purchases in period k] x E[value per purchase] x margin_rate / (1 + d)^k,
    where the purchases come from differences of ``conditional_expected_purchases`` at k and k-1 periods. Margin,
    not revenue, because revenue overstates what a customer is worth. ``period_length`` is the length of one
    period in the unit of ``T`` (e.g. 4.345 for months when T is in weeks). ``margin_rate`` may be a scalar or one
    value per customer.
    """
    x, t_x, T = _rfm(frequency, recency, T)
    x, t_x, T, m, margin = _arrays(
        frequency=x, recency=t_x, T=T, monetary_value=monetary_value, margin_rate=margin_rate
    )
    if np.any(margin > 1.0):
        raise ValueError("margin_rate must lie between 0 and 1")
    (horizon,) = _arrays(horizon_periods=horizon_periods)
    if isinstance(horizon_periods, bool) or horizon.ndim or not float(horizon).is_integer():
        raise ValueError("horizon_periods must be a whole number >= 0")
    horizon = int(horizon)
    (d,) = _arrays(discount_rate_per_period=discount_rate_per_period)
    if d.ndim:
        raise ValueError("discount_rate_per_period must be a single number")
    (length,) = _arrays(period_length=period_length)
    if length.ndim or length <= 0:
        raise ValueError("period_length must be a single number > 0")

    value = gg.conditional_expected_value(x, m)
    if horizon == 0:
        return np.zeros_like(value)
    # Customers with the same history get the same purchase forecast: compute it once per distinct history
    # (recency is irrelevant without repeats), which on day-granular data removes most of the work.
    (ux, ut_x, uT), inverse = _group(x.ravel(), np.where(x > 0, t_x, 0.0).ravel(), T.ravel())
    times = np.arange(horizon + 1) * float(length)
    cumulative = bgnbd.conditional_expected_purchases(times, ux[:, None], ut_x[:, None], uT[:, None])
    per_period = np.clip(np.diff(cumulative, axis=-1), 0.0, None)
    discount = (1.0 + float(d)) ** -np.arange(1, horizon + 1)
    purchases = (per_period @ discount)[inverse].reshape(x.shape)
    return purchases * value * margin


def log_purchases_variance(bgnbd, t, frequency, recency, T, step=1e-4):
    """Variance of log E[purchases in (T, T + t] | history] from the uncertainty of the BG/NBD parameters (delta
    method): the gradient in the log-parameters by forward differences, once per distinct history, against the
    fit's covariance. Zero when the fit carries no covariance."""
    x, t_x, T = _rfm(frequency, recency, T)
    if not bgnbd.cov:
        return np.zeros(x.shape)
    (ux, ut_x, uT), inverse = _group(x.ravel(), np.where(x > 0, t_x, 0.0).ravel(), T.ravel())
    base = bgnbd.conditional_expected_purchases(t, ux, ut_x, uT)
    names = ("r", "alpha", "a", "b")
    grads = np.empty((len(ux), 4))
    for j, name in enumerate(names):
        moved = replace(bgnbd, **{name: getattr(bgnbd, name) * np.exp(step)})
        shifted = moved.conditional_expected_purchases(t, ux, ut_x, uT)
        with np.errstate(divide="ignore", invalid="ignore"):
            grads[:, j] = np.where(base > 0, (shifted - base) / base / step, 0.0)
    variance = np.einsum("ni,ij,nj->n", grads, np.asarray(bgnbd.cov, dtype=float), grads)
    return np.clip(variance, 0.0, None)[inverse].reshape(x.shape)


def clv_interval(bgnbd, gg, frequency, recency, T, monetary_value, margin_rate, horizon_periods,
                 discount_rate_per_period, period_length=1.0, level=0.8):
    """``discounted_clv`` with an interval: (clv, low, high), per customer.

    The interval reflects how well the data pin the parameters down (their covariance from the Hessian), by the
    delta method on log CLV = log purchases + log value + log margin: the two fits are independent, so the
    variances add, and the interval is clv x exp(+-z sd), never negative. The purchases' sensitivity is taken on
    the whole horizon undiscounted (discounting reweights the months, not their sensitivity to the parameters),
    which costs five purchase forecasts per distinct history instead of five times the discounted sum.
    """
    value = discounted_clv(bgnbd, gg, frequency, recency, T, monetary_value, margin_rate, horizon_periods,
                           discount_rate_per_period, period_length)
    if not 0.0 < level < 1.0:
        raise ValueError("level must lie between 0 and 1")
    z = float(special.ndtri(0.5 + level / 2.0))
    horizon = float(horizon_periods) * float(period_length)
    x, t_x, T = _rfm(frequency, recency, T)
    variance = gg.log_value_variance(x, monetary_value)
    if horizon > 0:
        variance = variance + log_purchases_variance(bgnbd, horizon, x, t_x, T)
    spread = np.exp(z * np.sqrt(variance))
    return value, value / spread, value * spread
