"""Sanity bounds of the CLV maths as properties, on random and adversarial customer bases.

What a real base brings (few customers, many one-time buyers, a few huge orders, short history) must never give
an infinite or absurd figure: CLV finite and inside its interval, the expected order value between the customer's
own spend and the base's, P(alive) a probability that still moves with recency. The bases are simulated as
purchase occasions and go through ``lib.summary`` like the refresh's, so the model inputs are the real ones.
Plain numpy/scipy, no database: Odoo test classes only so that Odoo's runner picks them up.
"""

from dataclasses import replace

import numpy as np

from odoo.tests import BaseCase

from ..lib import clv, clv_basis, summary
from ..lib.bgnbd import _bgnbd_data, _bgnbd_objective, fit_bgnbd
from ..lib.gamma_gamma import GammaGammaFit, fit_gamma_gamma, spend_shrinkage

END = 20_000  # day number of the end of the observation
WEEK = 7.0
MONTH = 30.4375 / WEEK  # one month in the model's unit (weeks)
MONTHLY_RATE = 1.1 ** (1.0 / 12.0) - 1.0
HORIZON = 12


def _base(rng, n, kind="random"):
    """Purchase occasions (partner, day, revenue) of n simulated customers.

    random: purchase rates, dropout chances, spend levels and histories (up to three years) vary per customer;
    one_time: everybody bought once; whale: a random base plus one customer whose orders are 10^4 times the others';
    same_day: every order of every customer on one day, 30 days before the end; today: the same, on the last day;
    short: everybody's first purchase in the last three weeks, several purchases each.
    """
    size = max(n, 1)
    if kind in ("same_day", "today"):
        day = END - (30 if kind == "same_day" else 0)
        partner = np.arange(size)
        return partner, np.full(size, day), rng.lognormal(4.0, 1.0, size).round(2)
    horizon = 21 if kind == "short" else 3 * 365
    first = END - rng.integers(0, horizon + 1, size)
    rate = rng.gamma(rng.uniform(0.3, 3.0), 1.0 / rng.uniform(10.0, 120.0), size)  # purchases per day
    if kind == "short":
        rate = rate * 20.0
    drop = rng.beta(rng.uniform(0.3, 3.0), rng.uniform(1.0, 15.0), size)
    level = rng.lognormal(4.0, 1.2, size)
    purchases = 1 if kind == "one_time" else 25
    gaps = rng.exponential(1.0, (size, purchases - 1)) / np.maximum(rate, 1e-9)[:, None]
    days = first[:, None] + np.concatenate([np.zeros((size, 1)), np.cumsum(gaps, axis=1)], axis=1).round()
    alive = np.concatenate([np.ones((size, 1), bool),
                            np.cumprod(rng.random((size, purchases - 1)) >= drop[:, None], axis=1) > 0], axis=1)
    keep = alive & (days <= END)
    partner = np.broadcast_to(np.arange(size)[:, None], days.shape)[keep]
    spend = (level[:, None] * rng.gamma(2.0, 0.5, days.shape))[keep].round(2)
    days = days[keep].astype(np.int64)
    if kind == "whale":
        whale = partner == 0
        spend[whale] *= 1e4
    return partner, days, spend


def _inputs(partner, day, revenue):
    frame = summary.customer_summary(partner, day, revenue, 0.3 * revenue, np.ones(len(day), bool), END, WEEK)
    return {name: frame[name].to_numpy(float) for name in ("frequency", "recency", "T", "monetary", "monetary_var",
                                                          "revenue", "margin", "recency_days")}


class ClvPropertyCase(BaseCase):
    def _check(self, data, label):
        """Fit and score a base; assert every sanity bound. Returns the fits and the scores for more checks."""
        x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary"]
        bgnbd = fit_bgnbd(x, t_x, T)
        gg = fit_gamma_gamma(x, m, monetary_var=data["monetary_var"])
        alive = bgnbd.p_alive(x, t_x, T)
        purchases = bgnbd.conditional_expected_purchases(HORIZON * MONTH, x, t_x, T)
        value = gg.conditional_expected_value(x, m)
        clv_value, low, high = clv.clv_interval(bgnbd, gg, x, t_x, T, m, 0.3, HORIZON, MONTHLY_RATE, MONTH)
        with self.subTest(base=label):
            for name, output in (("fit", [bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b, gg.p, gg.q, gg.v]),
                                 ("P(alive)", alive), ("purchases", purchases), ("value", value),
                                 ("CLV", clv_value), ("low", low), ("high", high)):
                self.assertTrue(np.all(np.isfinite(output)), f"{name} not finite: {output}")
            self.assertGreater(gg.q, 1.0, "the population mean spend must exist")
            self.assertTrue(np.all((alive >= 0.0) & (alive <= 1.0)))
            self.assertTrue(np.all(purchases >= 0.0))
            self.assertTrue(np.all((low >= 0.0) & (low <= clv_value * (1 + 1e-9)) & (clv_value <= high * (1 + 1e-9))))
            # The expected order value lies between the customer's own mean spend and the base's range of spend.
            spenders = (x > 0) & (m > 0)
            base_low, base_high = (m[spenders].min(), m[spenders].max()) if spenders.any() else (0.0, 0.0)
            own = np.where(x > 0, m, np.nan)
            lower = np.fmin(own, base_low) * (1 - 1e-9)
            upper = np.fmax(own, base_high) * (1 + 1e-9)
            self.assertTrue(np.all((value >= lower) & (value <= upper)),
                            f"value outside [{base_low}, {base_high}] and the customer's own: {value[value > upper]}")
            # Not identified: said so, with the reason.
            self.assertEqual(bgnbd.identified, not bgnbd.issues)
            self.assertEqual(gg.identified, not gg.issues)
            self.assertEqual(bgnbd.regularised, not bgnbd.identified)
            self.assertEqual(gg.method == "shrinkage", not gg.identified)
            # P(alive) moves with recency: among repeat buyers whose silence differs, and for a test pair.
            if bgnbd.n_customers and T.max() > 0:
                recent, old = bgnbd.p_alive([2, 2], [0.9 * T.max(), 0.1 * T.max()], [T.max(), T.max()])
                self.assertGreater(recent, old, "P(alive) must fall with the time since the last purchase")
            repeat = x > 0
            if len(np.unique((T - t_x)[repeat])) > 1:
                self.assertGreater(np.ptp(alive[repeat]), 0.0, "P(alive) constant although recency differs")
        return bgnbd, gg, clv_value, low, high


class TestRandomBases(ClvPropertyCase):
    def test_sizes(self):
        rng = np.random.default_rng(17)
        for n in (1, 5, 9, 30, 200, 10_000):
            for seed in range(3 if n < 10_000 else 1):
                data = _inputs(*_base(np.random.default_rng(rng.integers(1 << 30) + seed), n))
                self._check(data, f"random n={n} seed={seed}")

    def test_one_time_buyers(self):
        for n in (1, 9, 200):
            data = _inputs(*_base(np.random.default_rng(n), n, "one_time"))
            _bgnbd, gg, clv_value, _low, _high = self._check(data, f"one-time n={n}")
            self.assertFalse(gg.n_customers, "no repeat spend to fit")
            np.testing.assert_array_equal(clv_value, 0.0)  # nothing learnt about spend: no invented value

    def test_one_whale(self):
        for n in (9, 30, 200, 10_000):
            data = _inputs(*_base(np.random.default_rng(n + 1), n, "whale"))
            _bgnbd, gg, clv_value, _low, _high = self._check(data, f"whale n={n}")
            small = data["monetary"] < 1e5
            self.assertLess(gg.population_mean, data["monetary"].max())
            self.assertTrue(np.all(np.isfinite(clv_value[small])))

    def test_same_day_orders(self):
        for kind in ("same_day", "today"):
            for n in (1, 9, 200):
                data = _inputs(*_base(np.random.default_rng(n), n, kind))
                self.assertFalse(data["frequency"].any())
                _bgnbd, _gg, clv_value, _low, _high = self._check(data, f"{kind} n={n}")
                np.testing.assert_array_equal(clv_value, 0.0)

    def test_short_history(self):
        for n in (5, 30, 200):
            data = _inputs(*_base(np.random.default_rng(n + 2), n, "short"))
            self._check(data, f"short n={n}")


# The demo database's company (Odoo's demo invoices): 9 customers, 8 of them repeat buyers, in weeks. Each row:
# x, t_x, T, mean repeat spend, variance of the repeat spends, revenue, margin.
DEMO = np.array([
    [4, 51.428571, 57.142857, 4150.625, 6.5411e6, 21102.5, 7102.5],  # Wood Corner
    [4, 42.571429, 42.857143, 21187.5, 6.8802e7, 54880.0, 34480.0],  # Acme Corporation
    [3, 18.571429, 21.428571, 660.666667, 9.5381e4, 2287.5, 927.5],  # Gemini Furniture
    [1, 64.285714, 71.428571, 3800.0, 0.0, 4182.5, 882.5],  # Ready Mat
    [3, 5.0, 5.714286, 1024.666667, 5.7944e5, 5074.0, -2361.0],  # OpenWood
    [0, 0.0, 0.0, 0.0, 0.0, 750.0, 225.0],  # LightsUp
    [3, 35.571429, 35.714286, 11770.0, 2.8822e8, 6260.0, 2260.0],  # Azure Interior
    [1, 2.857143, 4.285714, 420.0, 0.0, 514.0, 194.0],  # Anna Keller
    [1, 56.428571, 60.0, 445.0, 0.0, 477.9, 167.9],  # Tom Baker
])


class TestDemoBase(ClvPropertyCase):
    """The base of the issue: Gamma-Gamma q = 1.00 and BG/NBD a = 0, b = 28,627 made CLVs of $10^11."""

    def test_demo_base(self):
        x, t_x, T, m, var, revenue, margin = DEMO.T
        data = {"frequency": x, "recency": t_x, "T": T, "monetary": m, "monetary_var": var}
        bgnbd, gg, _clv, _low, _high = self._check(data, "demo")
        self.assertIn("no_dropout", bgnbd.issues, "a -> 0, b -> oo is detected and reported")
        self.assertFalse(bgnbd.identified)
        self.assertIn("q_near_1", gg.issues)
        self.assertEqual(gg.method, "shrinkage")
        raw = fit_bgnbd(x, t_x, T, regularise=False)
        self.assertLess(raw.a, 1e-3)
        # LightsUp (no repeat purchase) gets the base mean, not 10^11.
        self.assertAlmostEqual(float(gg.conditional_expected_value(0, 0)), float(np.dot(x, m) / x.sum()), places=6)
        # On margin, no customer is worth more than 100 times what they brought so far.
        rate = np.clip(margin / revenue, 0.0, 1.0)
        value, _low, _high = clv.clv_interval(bgnbd, gg, x, t_x, T, m, rate, HORIZON, MONTHLY_RATE, MONTH)
        positive = margin > 0
        self.assertLess((value[positive] / margin[positive]).max(), 100.0)
        np.testing.assert_array_equal(value[~positive], 0.0)
        alive = bgnbd.p_alive(x, t_x, T)
        self.assertGreater(np.ptp(alive[x > 0]), 0.01)
        self.assertEqual(alive[5], 1.0)  # no repeat purchase: BG/NBD has nobody drop before a repeat


class TestFitDiagnostics(BaseCase):
    """Standard errors, identification and the shrinkage, against independent computations."""

    def test_cdnow_identified_and_untouched(self):
        data = np.genfromtxt(__file__.replace("test_lib_clv_properties.py", "data/cdnow_summary.csv"),
                             delimiter=",", names=True)
        x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
        fit = fit_bgnbd(x, t_x, T)
        self.assertTrue(fit.identified)
        self.assertFalse(fit.regularised)
        self.assertEqual(fit, fit_bgnbd(x, t_x, T, regularise=False))
        gg = fit_gamma_gamma(x, m)
        self.assertTrue(gg.identified)
        self.assertEqual(gg.method, "gamma_gamma")
        # Published parameters to three significant figures (FHL 2005; Fader & Hardie 2013).
        for value, published in ((fit.r, 0.243), (fit.alpha, 4.41), (fit.a, 0.793), (fit.b, 2.43), (gg.p, 6.25),
                                 (gg.q, 3.74), (gg.v, 15.4)):
            self.assertEqual(float(f"{value:.3g}"), published)
        # Standard errors from the Hessian of the exact gradient, against second differences of the likelihood.
        z0 = np.log([fit.r, fit.alpha, fit.a, fit.b])
        h = 1e-3

        def ll(z):
            r, alpha, a, b = np.exp(z)
            return _bgnbd_objective(np.log([r, alpha / T.mean(), a, b]), _bgnbd_data(x, t_x, T),
                                        T.mean(), 0.0)[2]

        hessian = np.empty((4, 4))
        for i in range(4):
            for j in range(4):
                ei, ej = np.eye(4)[i] * h, np.eye(4)[j] * h
                second = ll(z0 + ei + ej) - ll(z0 + ei - ej) - ll(z0 - ei + ej) + ll(z0 - ei - ej)
                hessian[i, j] = -second / (4 * h * h)
        np.testing.assert_allclose(np.asarray(fit.cov), np.linalg.inv(hessian), rtol=2e-3)
        se = fit.standard_errors
        np.testing.assert_allclose([se["r"], se["alpha"], se["a"], se["b"]], [0.0126, 0.378, 0.186, 0.705], rtol=1e-2)

    def test_shrinkage_hand_checked(self):
        # Three repeat buyers: means 10 (x = 1), 20 (x = 2, variance 8), 40 (x = 3, variance 12).
        fit = spend_shrinkage([1, 2, 3, 0], [10.0, 20.0, 40.0, 0.0], [0.0, 8.0, 12.0, 0.0])
        mean = (10 + 40 + 120) / 6
        sigma2 = (1 * 8 + 2 * 12) / 3
        tau2 = ((10 - mean) ** 2 + 2 * (20 - mean) ** 2 + 3 * (40 - mean) ** 2 - 2 * sigma2) / (6 - 14 / 6)
        k = sigma2 / tau2
        self.assertAlmostEqual(fit.population_mean, mean)
        self.assertAlmostEqual(fit.credibility, k)
        np.testing.assert_allclose(fit.conditional_expected_value([1, 2, 3, 0], [10.0, 20.0, 40.0, 0.0]),
                                   [(k * mean + 10) / (k + 1), (k * mean + 40) / (k + 2),
                                    (k * mean + 120) / (k + 3), mean])
        self.assertAlmostEqual(fit.standard_errors["mean"] ** 2, (tau2 * 14 + sigma2 * 6) / 36)
        # One repeat buyer: everybody gets that buyer's mean; nobody: nothing.
        np.testing.assert_allclose(spend_shrinkage([2, 0], [50.0, 0.0]).conditional_expected_value([2, 0], [50, 0]),
                                   [50.0, 50.0])
        self.assertEqual(spend_shrinkage([0, 0], [0.0, 0.0]).population_mean, 0.0)

    def test_interval_narrows_with_data_and_tracks_the_exact_sensitivity(self):
        widths = []
        for n in (300, 10_000):
            data = _inputs(*_base(np.random.default_rng(5), n))
            x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary"]
            bgnbd = fit_bgnbd(x, t_x, T)
            gg = fit_gamma_gamma(x, m, monetary_var=data["monetary_var"])
            value, low, high = clv.clv_interval(bgnbd, gg, x, t_x, T, m, 0.3, HORIZON, MONTHLY_RATE, MONTH)
            positive = value > 0
            widths.append(np.median(np.log(high[positive] / low[positive])))
        self.assertLess(widths[1], widths[0] / 3, "40 times more customers, a much narrower interval")
        # The purchases' sensitivity is taken on the undiscounted horizon: close to the discounted one's.
        data = _inputs(*_base(np.random.default_rng(6), 2000))
        x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary"]
        bgnbd = fit_bgnbd(x, t_x, T)
        approx = clv.log_purchases_variance(bgnbd, HORIZON * MONTH, x, t_x, T)
        step = 1e-4
        base = clv.discounted_clv(bgnbd, GammaGammaFit(1.0, 2.0, 1.0, 0.0), x, t_x, T, 1.0, 1.0, HORIZON,
                                  MONTHLY_RATE, MONTH)
        grads = []
        for name in ("r", "alpha", "a", "b"):
            moved = replace(bgnbd, **{name: getattr(bgnbd, name) * np.exp(step)})
            shifted = clv.discounted_clv(moved, GammaGammaFit(1.0, 2.0, 1.0, 0.0), x, t_x, T, 1.0, 1.0, HORIZON,
                                         MONTHLY_RATE, MONTH)
            grads.append((shifted - base) / base / step)
        grads = np.stack(grads, axis=-1)
        exact = np.einsum("ni,ij,nj->n", grads, np.asarray(bgnbd.cov), grads)
        np.testing.assert_allclose(np.sqrt(approx), np.sqrt(exact), rtol=0.1, atol=1e-3)


class TestClvBasis(BaseCase):
    def test_basis(self):
        self.assertEqual(clv_basis.clv_basis(30, 30, "B"), ("model", ()))
        self.assertEqual(clv_basis.clv_basis(8, 30, "A"), ("historical", ("few_repeat",)))
        self.assertEqual(clv_basis.clv_basis(500, 30, "C"), ("historical", ("grade_c",)))
        self.assertEqual(clv_basis.clv_basis(0, 0, False), ("historical", ("few_repeat",)), "never on no repeat")

    def test_retention(self):
        retention = clv_basis.observed_retention([400, 500, 800, 100], [10, 400, 200, 5])
        self.assertEqual((retention.retained, retention.eligible), (2, 3))
        self.assertAlmostEqual(retention.annual, 3 / 5)
        self.assertAlmostEqual(retention.lifetime_years, 2.5)
        self.assertLess(retention.quantile(0.1), retention.annual)
        self.assertGreater(retention.quantile(0.9), retention.annual)
        self.assertAlmostEqual(clv_basis.Retention(0, 0).annual, 0.5, msg="nobody a year old: the prior")

    def test_historical_clv(self):
        retention = clv_basis.Retention(retained=3, eligible=3)  # 80 % a year with the uniform prior
        # 12 months undiscounted at s = 0.8^(1/12): sum of s^k.
        s = 0.8 ** (1 / 12)
        months = sum(s**k for k in range(1, 13))
        self.assertAlmostEqual(clv_basis.months_retained(0.8, 12, 0.0), months)
        self.assertAlmostEqual(clv_basis.months_retained(1.0, 12, 0.0), 12.0)
        value, low, high = clv_basis.historical_clv([600.0, 600.0, -50.0], [6 * 30.4375, 3.0, 90.0], retention,
                                                    12, 0.0)
        np.testing.assert_allclose(value, [100 * months, 600 * months, 0.0])  # per month; at least one month
        self.assertTrue(np.all(low <= value) and np.all(value <= high))
        self.assertLess(low[0], value[0])
        # Never more than the horizon's months of the customer's monthly margin.
        self.assertTrue(np.all(high <= np.array([100.0, 600.0, 0.0]) * 12 + 1e-9))
