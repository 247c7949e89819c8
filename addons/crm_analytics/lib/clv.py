"""Customer lifetime value: BG/NBD purchase counts times Gamma-Gamma spend, discounted, on margin.

References:
    Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model",
    Marketing Science 24(2), 275-284.
    Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", http://www.brucehardie.com/notes/025/.

Conventions are those of the papers (and of the ``lifetimes`` package): ``frequency`` counts REPEAT purchases,
``recency`` is the customer's age at the last repeat purchase (0 when there is none), ``T`` the customer's age at
the end of the observation window, all in one time unit; ``monetary_value`` is the mean value of the repeat
purchases. Every function takes array-likes and broadcasts them; the result has the broadcast shape.
"""

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import integrate, optimize, special

# Log-parameters live in [-_LOG_BOUND, _LOG_BOUND]: data that carry no information (nobody repeats, one customer)
# push the likelihood towards a boundary, and the bound turns that into an extreme but finite fit.
_LOG_BOUND = 20.0


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


def fit_bgnbd(frequency, recency, T, penalizer=0.0):
    """Maximum-likelihood BG/NBD fit (FHL 2005).

    ``penalizer`` adds ``penalizer * (r^2 + alpha^2 + a^2 + b^2)`` to the mean negative log-likelihood, the
    convention of ``lifetimes``, so values tuned there carry over. ``log_likelihood`` is the unpenalised total.
    Data that cannot identify the model (nobody repeats, a single customer) give an extreme but finite fit at
    the parameter bounds; data with no observation time at all (every T = 0) give back the starting point.
    """
    x, t_x, T = (arr.ravel() for arr in _rfm(frequency, recency, T))
    penalizer = _penalizer(penalizer)
    data = _bgnbd_data(x, t_x, T)
    mean_T = float(T.mean())
    scale = mean_T if mean_T > 0 else 1.0  # alpha has the unit of T: start it on the data's time scale

    def fun(z):
        value, grad, _ = _bgnbd_objective(z, data, scale, penalizer)
        return value, grad

    result = optimize.minimize(
        fun,
        np.zeros(4),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    z = np.clip(result.x, -_LOG_BOUND, _LOG_BOUND)
    _, _, total = _bgnbd_objective(z, data, scale, 0.0)
    r, alpha, a, b = np.exp(z) * np.array([1.0, scale, 1.0, 1.0])
    return BGNBDFit(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=float(total),
        n_customers=len(x),
        converged=bool(result.success),
    )


# --------------------------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma spend model: transaction value ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers.

    q is kept above 1 so that the population mean spend p v / (q - 1) exists. A fit on data with no usable
    repeat buyer has ``n_customers == 0`` and v = 0: with no spend to learn from, the population mean is 0, so
    customers without repeat spend are predicted to spend nothing rather than an invented amount.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int = 0
    converged: bool = True

    def conditional_expected_value(self, frequency, monetary_value):
        """E[mean transaction value | x, m_x]: a credibility-weighted blend of the population mean and the
        customer's own mean, weighted by the number of repeat purchases (Fader & Hardie 2013, eq. 5)."""
        x, m = _arrays(frequency=frequency, monetary_value=monetary_value)
        if np.any(np.abs(x - np.round(x)) > 1e-9):
            raise ValueError("frequency must hold whole numbers of repeat purchases")
        px = self.p * np.round(x)
        return (self.p * self.v + px * m) / (px + self.q - 1.0)


def _gamma_gamma_objective(z, x, m, scale, penalizer):
    """Penalised mean negative log-likelihood and exact gradient in z = log(p, q - 1, v / scale).

    Density of a customer's mean spend m over x repeat purchases (Fader & Hardie 2013, eq. 3), in logs:
        lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + x m)
    """
    p, q_minus_1, v = np.exp(z) * np.array([1.0, 1.0, scale])
    q = 1.0 + q_minus_1
    px = p * x
    log_vxm = np.log(v + x * m)
    log_m = np.log(m)
    log_x = np.log(x)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * log_m
        + px * log_x
        - (px + q) * log_vxm
    )
    total = ll.sum()
    psi_pxq = special.digamma(px + q)
    g_p = _dot(x, psi_pxq - special.digamma(px) + log_m + log_x - log_vxm)
    g_q = np.sum(psi_pxq - special.digamma(q) + np.log(v) - log_vxm)
    g_v = np.sum(q / v - (px + q) / (v + x * m))
    n_total = float(len(x))
    theta = np.array([p, q, v])
    grad_ll = np.array([g_p * p, g_q * q_minus_1, g_v * v])
    value = -total / n_total + penalizer * np.sum(theta**2)
    grad = -grad_ll / n_total + 2.0 * penalizer * theta * np.array([p, q_minus_1, v])
    return value, grad, total


def fit_gamma_gamma(frequency, monetary_value, penalizer=0.0):
    """Maximum-likelihood Gamma-Gamma fit on the customers with at least one repeat purchase.

    Repeat buyers whose mean spend is 0 (e.g. fully refunded) cannot come from a gamma law and are left out of
    the fit; they still get a prediction. ``penalizer`` follows the same convention as ``fit_bgnbd``.
    """
    x, m = (arr.ravel() for arr in _arrays(frequency=frequency, monetary_value=monetary_value))
    if np.any(np.abs(x - np.round(x)) > 1e-9):
        raise ValueError("frequency must hold whole numbers of repeat purchases")
    penalizer = _penalizer(penalizer)
    keep = (x > 0) & (m > 0)
    x, m = np.round(x[keep]), m[keep]
    if not len(x):
        return GammaGammaFit(p=1.0, q=2.0, v=0.0, log_likelihood=0.0, n_customers=0, converged=True)
    scale = float(m.mean())  # v has the unit of money: start it on the data's scale

    def fun(z):
        value, grad, _ = _gamma_gamma_objective(z, x, m, scale, penalizer)
        return value, grad

    result = optimize.minimize(
        fun,
        np.zeros(3),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    z = np.clip(result.x, -_LOG_BOUND, _LOG_BOUND)
    _, _, total = _gamma_gamma_objective(z, x, m, scale, 0.0)
    p, q_minus_1, v = np.exp(z) * np.array([1.0, 1.0, scale])
    return GammaGammaFit(
        p=float(p),
        q=float(1.0 + q_minus_1),
        v=float(v),
        log_likelihood=float(total),
        n_customers=len(x),
        converged=bool(result.success),
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
