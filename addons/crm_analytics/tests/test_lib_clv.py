"""Tests of the CLV maths in ``crm_analytics.lib`` (``bgnbd``, ``gamma_gamma``, ``clv``).

The library is plain numpy/scipy, so these cases need no database; they are Odoo test classes only so that
Odoo's runner picks them up. The reference figures are the published fits on the public CDNOW sample.
"""

import os

import numpy as np

from odoo.tests import BaseCase

from ..lib import clv
from ..lib.bgnbd import BGNBDFit, _expected_given_alive, _expected_given_alive_quad, fit_bgnbd
from ..lib.gamma_gamma import GammaGammaFit, fit_gamma_gamma

DATA = os.path.join(os.path.dirname(__file__), "data", "cdnow_summary.csv")


def _cdnow():
    """CDNOW sample: 2357 customers of the first-quarter-1997 cohort, 39 weeks of calibration (see data/)."""
    data = np.genfromtxt(DATA, delimiter=",", names=True)
    return data["frequency"], data["recency"], data["T"], data["monetary_value"]


class CdnowCase(BaseCase):
    """Fits the two models once per class: the fits are the expensive part and are read-only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x, cls.t_x, cls.T, cls.m = _cdnow()
        cls.bgnbd = fit_bgnbd(cls.x, cls.t_x, cls.T)
        cls.gg = fit_gamma_gamma(cls.x, cls.m)


class TestPublishedResults(CdnowCase):
    """The fits must reproduce what the papers print for the same data."""

    def test_dataset(self):
        self.assertEqual(len(self.x), 2357)
        self.assertEqual(int(np.sum(self.x > 0)), 946)

    def test_bgnbd_parameters(self):
        # Fader, Hardie & Lee (2005), section 5: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426.
        fit = self.bgnbd
        np.testing.assert_allclose([fit.r, fit.alpha, fit.a, fit.b], [0.243, 4.414, 0.793, 2.426], rtol=5e-3)
        self.assertTrue(fit.converged)
        self.assertEqual(fit.n_customers, 2357)

    def test_bgnbd_log_likelihood(self):
        # Same paper: LL = -9582.4 at the optimum.
        self.assertAlmostEqual(self.bgnbd.log_likelihood, -9582.4, delta=0.05)

    def test_bgnbd_expected_purchases_match_hardie_sheet(self):
        # E[X(t)] for a new customer, from the spreadsheet accompanying the BG/NBD paper.
        t = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
        expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
        np.testing.assert_allclose(self.bgnbd.expected_purchases(t), expected, rtol=1e-2, atol=5e-5)

    def test_bgnbd_conditional_expectation_match_paper(self):
        # The paper's worked example: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks.
        value = self.bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86)
        self.assertAlmostEqual(float(value), 1.226, delta=1e-3)

    def test_gamma_gamma_parameters(self):
        # Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": p = 6.25, q = 3.74, gamma = 15.44.
        fit = self.gg
        np.testing.assert_allclose([fit.p, fit.q, fit.v], [6.25, 3.74, 15.44], rtol=5e-3)
        self.assertEqual(fit.n_customers, 946)
        self.assertTrue(fit.converged)

    def test_gamma_gamma_log_likelihood(self):
        # -4055.918 is the reference LL that CLVTools' test suite asserts for this fit on the full-precision
        # spends; the shipped averages are rounded to cents, which moves the LL by about 0.005.
        self.assertAlmostEqual(self.gg.log_likelihood, -4055.92, delta=0.05)

    def test_gamma_gamma_conditional_value(self):
        # Mean over all 2357 customers as printed in the lifetimes documentation for this fit (35.2530);
        # the customers' own mean is 35.0786.
        values = self.gg.conditional_expected_value(self.x, self.m)
        self.assertAlmostEqual(float(values.mean()), 35.2530, delta=5e-3)
        self.assertAlmostEqual(float(self.m[self.x > 0].mean()), 35.0786, delta=5e-4)


class TestPredictions(CdnowCase):
    """Shapes and the properties any sensible prediction has."""

    def test_vectorised_shapes(self):
        fit = self.bgnbd
        n = len(self.x)
        self.assertEqual(fit.p_alive(self.x, self.t_x, self.T).shape, (n,))
        self.assertEqual(fit.conditional_expected_purchases(10, self.x, self.t_x, self.T).shape, (n,))
        grid = fit.conditional_expected_purchases(np.array([[1.0], [10.0], [52.0]]), self.x, self.t_x, self.T)
        self.assertEqual(grid.shape, (3, n))
        self.assertEqual(fit.expected_purchases(np.arange(12.0).reshape(3, 4)).shape, (3, 4))
        self.assertEqual(self.gg.conditional_expected_value(self.x, self.m).shape, (n,))
        clv_values = clv.discounted_clv(fit, self.gg, self.x, self.t_x, self.T, self.m, 0.3, 12, 0.01)
        self.assertEqual(clv_values.shape, (n,))
        # A 2-D block of customers keeps its shape; a scalar T is broadcast.
        block = fit.p_alive(self.x[:6].reshape(2, 3), self.t_x[:6].reshape(2, 3), 38.86)
        self.assertEqual(block.shape, (2, 3))

    def test_p_alive(self):
        p = self.bgnbd.p_alive(self.x, self.t_x, self.T)
        self.assertTrue(np.all((p >= 0) & (p <= 1)))
        np.testing.assert_array_equal(p[self.x == 0], 1.0)
        # Same number of purchases but the last one long ago: more likely gone.
        recent, old = self.bgnbd.p_alive([5, 5], [35.0, 5.0], [38.86, 38.86])
        self.assertGreater(recent, old)

    def test_expected_purchases_monotonic(self):
        t = np.linspace(0, 520, 200)
        unconditional = self.bgnbd.expected_purchases(t)
        self.assertEqual(unconditional[0], 0.0)
        self.assertTrue(np.all(np.diff(unconditional) > 0))
        conditional = self.bgnbd.conditional_expected_purchases(t[:, None], self.x[:50], self.t_x[:50], self.T[:50])
        self.assertTrue(np.all(np.diff(conditional, axis=0) >= 0))
        self.assertTrue(np.all(np.isfinite(conditional)))

    def test_discounted_clv(self):
        args = (self.bgnbd, self.gg, self.x, self.t_x, self.T, self.m, 0.3, 52)
        low = clv.discounted_clv(*args, 0.001)
        high = clv.discounted_clv(*args, 0.01)
        self.assertTrue(np.all(low > 0))
        self.assertTrue(np.all(high < low))
        # Undiscounted, the periods telescope back to one conditional expectation over the whole horizon.
        flat = clv.discounted_clv(*args, 0.0)
        purchases = self.bgnbd.conditional_expected_purchases(52, self.x, self.t_x, self.T)
        value = self.gg.conditional_expected_value(self.x, self.m)
        np.testing.assert_allclose(flat, purchases * value * 0.3, rtol=1e-9)
        # On margin: linear in the margin rate, per customer if given per customer.
        margins = np.linspace(0.1, 0.9, len(self.x))
        np.testing.assert_allclose(clv.discounted_clv(*args[:6], margins, 52, 0.0), flat / 0.3 * margins, rtol=1e-12)
        # Zero horizon, zero value.
        self.assertFalse(np.any(clv.discounted_clv(*args[:7], 0, 0.01)))

    def test_discounted_clv_period_length(self):
        # Twelve 4-week periods undiscounted = one 48-week window.
        monthly = clv.discounted_clv(
            self.bgnbd, self.gg, self.x, self.t_x, self.T, self.m, 1.0, 12, 0.0, period_length=4.0
        )
        expected = self.bgnbd.conditional_expected_purchases(48, self.x, self.t_x, self.T)
        np.testing.assert_allclose(monthly, expected * self.gg.conditional_expected_value(self.x, self.m))

    def test_units_do_not_matter(self):
        # Weeks to days: alpha scales by 7, the other parameters stay put.
        days = fit_bgnbd(self.x, self.t_x * 7, self.T * 7)
        np.testing.assert_allclose(
            [days.r, days.alpha / 7, days.a, days.b],
            [self.bgnbd.r, self.bgnbd.alpha, self.bgnbd.a, self.bgnbd.b],
            rtol=1e-4,
        )


class TestNumerics(BaseCase):
    """The hypergeometric route against the direct integral it stands for, including where scipy gives up."""

    def test_closed_form_matches_integral(self):
        rng = np.random.default_rng(3)
        for _ in range(40):
            r, alpha, a, b = 10 ** rng.uniform([-1.5, -1, -1, -1], [1, 2, 1, 1])
            x = np.array([0.0, 1.0, 4.0, 25.0])
            T = 10 ** rng.uniform(0, 3, 4)
            t = 10 ** rng.uniform(-1, 3, 4)
            closed = _expected_given_alive(t, r, alpha, a, b, x, T)
            direct = _expected_given_alive_quad(t, r + x, alpha + T, a, b + x)
            np.testing.assert_allclose(closed, direct, rtol=1e-6)

    def test_scipy_overflow_falls_back(self):
        # x = 1000 repeats over a long horizon: hyp2f1 overflows here, the integral does not.
        fit = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
        value = fit.conditional_expected_purchases([52.0, 520.0, 5200.0], 1000, 38.0, 39.0)
        self.assertTrue(np.all(np.isfinite(value)))
        self.assertTrue(np.all(np.diff(value) > 0))
        self.assertTrue(np.all(value <= (fit.r + 1000) * np.array([52.0, 520.0, 5200.0]) / (fit.alpha + 39.0)))

    def test_a_equal_one(self):
        # The closed form is 0/0 at a = 1; the limit must agree with the integral.
        t, x, T = np.array([10.0, 100.0]), np.array([0.0, 5.0]), np.array([20.0, 30.0])
        closed = _expected_given_alive(t, 0.5, 3.0, 1.0, 2.0, x, T)
        direct = _expected_given_alive_quad(t, 0.5 + x, 3.0 + T, 1.0, 2.0 + x)
        np.testing.assert_allclose(closed, direct, rtol=1e-7)


class TestEdgeCases(BaseCase):
    """Degenerate data must give finite answers, never an exception or a NaN."""

    def _check(self, x, t_x, T, m):
        bgnbd = fit_bgnbd(x, t_x, T)
        gg = fit_gamma_gamma(x, m)
        outputs = [
            [bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b, bgnbd.log_likelihood, gg.p, gg.q, gg.v, gg.log_likelihood],
            bgnbd.expected_purchases([0.0, 1.0, 52.0, 1e4]),
            bgnbd.conditional_expected_purchases(52, x, t_x, T),
            bgnbd.p_alive(x, t_x, T),
            gg.conditional_expected_value(x, m),
            clv.discounted_clv(bgnbd, gg, x, t_x, T, m, 0.25, 12, 0.01),
        ]
        for output in outputs:
            self.assertTrue(np.all(np.isfinite(output)), output)
        self.assertTrue(np.all(outputs[-1] >= 0))
        return bgnbd, gg

    def test_no_repeat_buyers(self):
        bgnbd, gg = self._check([0, 0, 0, 0], [0, 0, 0, 0], [10, 20, 30, 40], [0, 0, 0, 0])
        self.assertEqual(gg.n_customers, 0)
        np.testing.assert_array_equal(bgnbd.p_alive([0, 0], [0, 0], [10, 20]), 1.0)

    def test_single_customer(self):
        self._check([3], [20.0], [30.0], [12.5])
        self._check([0], [0.0], [30.0], [0.0])

    def test_recency_equals_T(self):
        self._check([1, 2, 5, 0], [30.0, 40.0, 50.0, 0.0], [30.0, 40.0, 50.0, 60.0], [10.0, 20.0, 30.0, 0.0])

    def test_huge_T(self):
        self._check([1, 2, 50, 0, 0], [1e5, 5e4, 9e4, 0, 0], [1e5, 1e5, 1e5, 1e5, 3.0], [10.0, 20.0, 30.0, 0, 0])

    def test_zeros(self):
        self._check([0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0])
        self._check([0, 0, 1], [0, 0, 5.0], [0, 0, 5.0], [0, 0, 4.0])

    def test_repeat_buyers_without_spend(self):
        _, gg = self._check([1, 2, 0], [3.0, 4.0, 0], [5.0, 6.0, 7.0], [0, 0, 0])
        self.assertEqual(gg.n_customers, 0)

    def test_penalizer_shrinks(self):
        x, t_x, T, _ = _cdnow()
        plain = fit_bgnbd(x, t_x, T)
        shrunk = fit_bgnbd(x, t_x, T, penalizer=0.1)
        size = [np.sum(np.square([f.r, f.alpha, f.a, f.b])) for f in (plain, shrunk)]
        self.assertLess(size[1], size[0])
        self.assertLess(shrunk.log_likelihood, plain.log_likelihood)


class TestValidation(BaseCase):
    """Bad input is refused with a ValueError that says what is wrong."""

    def test_bad_rfm(self):
        cases = {
            "negative": ([1, -1], [1, 1], [2, 2]),
            "recency": ([1, 1], [3, 1], [2, 2]),
            "mismatched": ([1, 1, 0], [1, 1], [2, 2]),
            "empty": ([], [], []),
            "NaN": ([1, np.nan], [1, 1], [2, 2]),
            "whole numbers": ([1.5, 1], [1, 1], [2, 2]),
            "numeric": (["a", 1], [1, 1], [2, 2]),
        }
        fit = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
        for message, (x, t_x, T) in cases.items():
            with self.subTest(message):
                with self.assertRaisesRegex(ValueError, message):
                    fit_bgnbd(x, t_x, T)
                with self.assertRaisesRegex(ValueError, message):
                    fit.p_alive(x, t_x, T)
                with self.assertRaisesRegex(ValueError, message):
                    fit.conditional_expected_purchases(10, x, t_x, T)

    def test_bad_other_arguments(self):
        fit = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
        gg = GammaGammaFit(p=6.25, q=3.74, v=15.44, log_likelihood=0.0)
        with self.assertRaisesRegex(ValueError, "penalizer"):
            fit_bgnbd([1], [1], [2], penalizer=-1)
        with self.assertRaisesRegex(ValueError, "negative"):
            fit.expected_purchases([-1.0])
        with self.assertRaisesRegex(ValueError, "negative"):
            fit_gamma_gamma([1, 2], [10.0, -5.0])
        with self.assertRaisesRegex(ValueError, "mismatched"):
            fit_gamma_gamma([1, 2], [10.0, 5.0, 1.0])
        with self.assertRaisesRegex(ValueError, "empty"):
            fit_gamma_gamma([], [])
        args = (fit, gg, [1, 0], [5.0, 0.0], [10.0, 10.0], [20.0, 0.0])
        with self.assertRaisesRegex(ValueError, "margin_rate"):
            clv.discounted_clv(*args, 1.5, 12, 0.01)
        with self.assertRaisesRegex(ValueError, "horizon_periods"):
            clv.discounted_clv(*args, 0.3, 2.5, 0.01)
        with self.assertRaisesRegex(ValueError, "discount_rate_per_period"):
            clv.discounted_clv(*args, 0.3, 12, -0.1)
        with self.assertRaisesRegex(ValueError, "period_length"):
            clv.discounted_clv(*args, 0.3, 12, 0.01, period_length=0)
