"""Tests of the refresh's maths in ``crm_analytics.lib`` (``clv_fit``: the fits and their back-test; ``scores``:
each customer's scores from a fit): plain numpy/pandas, no database."""

import numpy as np

from odoo.tests import BaseCase

from ..lib import clv_fit, forecast, scores, summary
from ..lib.bgnbd import BGNBDFit, fit_bgnbd
from ..lib.gamma_gamma import GammaGammaFit, fit_gamma_gamma

SETTINGS = {"rfm_bins": 5, "unit_days": 1.0, "horizon_months": 12, "buy_days": 30}


def _summary(calibration_end=None):
    """Observed until day 100. Alice buys on days 0, 50 and 90 (100, 200, 100); Bob on day 70 (200), credited
    100 on day 80; Carol on days 10 and 20 (50 each). Margins are 40 % of the amounts."""
    partner = [1, 1, 1, 2, 2, 3, 3]
    day = [0, 50, 90, 70, 80, 10, 20]
    revenue = np.array([100.0, 200.0, 100.0, 200.0, -100.0, 50.0, 50.0])
    is_purchase = [True, True, True, True, False, True, True]
    return summary.customer_summary(partner, day, revenue, 0.4 * revenue, is_purchase, 100, 1.0,
                                    calibration_end=calibration_end)


class TestContributionRates(BaseCase):
    def test_gross_margin_rate_without_pnl(self):
        nan = [np.nan] * 3
        rates = scores.contribution_rates([400.0, 0.0, 100.0], [160.0, 10.0, -300.0], nan, nan)
        # no revenue: 0; a loss beyond the revenue is clipped to -100 %
        np.testing.assert_allclose(rates, [0.4, 0.0, -1.0])

    def test_pnl_rate_where_known(self):
        rates = scores.contribution_rates([400.0, 100.0, 100.0], [160.0, 40.0, 40.0], [500.0, np.nan, 0.0],
                                          [-50.0, np.nan, 10.0])
        # a loss-making customer in its P&L has a negative rate; no P&L, or no net revenue in it: the gross rate
        np.testing.assert_allclose(rates, [-0.1, 0.4, 0.4])

    def test_monthly_rate(self):
        self.assertAlmostEqual(scores.monthly_rate(10.0), 1.1 ** (1.0 / 12.0) - 1.0)
        self.assertEqual(scores.monthly_rate(0.0), 0.0)


class TestScoreCustomers(BaseCase):
    def setUp(self):
        super().setUp()
        self.customers = _summary()
        self.bgnbd = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
        self.gg = GammaGammaFit(p=6.25, q=3.74, v=15.44, log_likelihood=0.0)
        self.rate = np.array([0.4, 0.5, 0.4])

    def test_inputs_and_predictions(self):
        frame, cuts = scores.score_customers(self.customers, self.bgnbd, self.gg, self.rate, SETTINGS)
        self.assertEqual(frame["partner_id"].tolist(), [1, 2, 3])
        self.assertEqual(frame["purchase_count"].tolist(), [3, 1, 2])
        self.assertEqual(frame["frequency"].tolist(), [2, 0, 1])
        self.assertEqual(frame["recency_days"].tolist(), [10, 30, 80])
        np.testing.assert_allclose(frame["revenue_total"], [400.0, 100.0, 100.0])
        np.testing.assert_allclose(frame["monetary_value"], [150.0, 0.0, 50.0])
        np.testing.assert_allclose(frame["margin_rate"], self.rate)
        x, t_x, T = frame["frequency"], frame["recency"], frame["age"]
        np.testing.assert_allclose(frame["p_alive"], self.bgnbd.p_alive(x, t_x, T))
        np.testing.assert_allclose(frame["expected_purchases"],
                                   self.bgnbd.conditional_expected_purchases(12 * 30.4375, x, t_x, T))
        np.testing.assert_allclose(frame["buy_probability"],
                                   forecast.probability_of_purchase(self.bgnbd, 30.0, x, t_x, T))
        value = self.gg.conditional_expected_value(x, frame["monetary_value"])
        np.testing.assert_allclose(frame["expected_order_value"], value)
        np.testing.assert_allclose(frame["expected_order_margin"], value * self.rate)
        # RFM: Alice is the most recent, most frequent and biggest customer
        self.assertEqual((frame["rfm_recency"][0], frame["rfm_frequency"][0], frame["rfm_monetary"][0]), (5, 5, 5))
        self.assertEqual(sorted(cuts), ["f", "m", "r"])

    def test_against_stored_cuts(self):
        _frame, cuts = scores.score_customers(self.customers, self.bgnbd, self.gg, self.rate, SETTINGS)
        one, same = scores.score_customers(self.customers.iloc[2:], self.bgnbd, self.gg, self.rate[2:], SETTINGS,
                                           cuts)
        self.assertEqual(same, cuts, "an incremental refresh keeps the full refresh's cut points")
        alone, _own = scores.score_customers(self.customers.iloc[2:], self.bgnbd, self.gg, self.rate[2:], SETTINGS)
        self.assertLess(one["rfm_recency"][0], alone["rfm_recency"][0], "scored against the whole base, not alone")

    def test_no_customer(self):
        frame, cuts = scores.score_customers(self.customers.iloc[:0], self.bgnbd, self.gg, self.rate[:0], SETTINGS)
        self.assertTrue(frame.empty)
        self.assertEqual(cuts, {})


class TestClvFit(BaseCase):
    def test_fits_every_customer(self):
        customers = _summary()
        bgnbd, gg = clv_fit.fit_models(customers)
        x, t_x, T, m, m_var = (customers[name].to_numpy(float)
                               for name in ("frequency", "recency", "T", "monetary", "monetary_var"))
        self.assertEqual(bgnbd, fit_bgnbd(x, t_x, T))
        self.assertEqual(gg, fit_gamma_gamma(x, m, monetary_var=m_var))
        self.assertEqual(bgnbd.n_customers, 3)

    def test_empty_base_gets_neutral_fits(self):
        bgnbd, gg = clv_fit.fit_models(_summary().iloc[:0])
        self.assertEqual((bgnbd.n_customers, gg.n_customers), (0, 0))
        self.assertEqual(gg.population_mean, 0.0, "no spend to learn from: nothing invented")

    def test_backtest(self):
        # Calibration until day 60: Alice (days 0 and 50, then 90 in the holdout) and Carol; Bob starts after it.
        customers = _summary(calibration_end=60)
        holdout = clv_fit.backtest(customers, 40.0)
        self.assertEqual(holdout["customers"], 2)
        self.assertEqual(holdout["actual"], 1.0)
        self.assertAlmostEqual(holdout["naive"], 40.0 / 60.0 + 40.0 / 50.0, msg="calibration rates carried forward")
        cal = fit_bgnbd([1, 1], [50.0, 10.0], [60.0, 50.0])
        predicted = cal.conditional_expected_purchases(40.0, [1, 1], [50.0, 10.0], [60.0, 50.0])
        self.assertAlmostEqual(holdout["predicted"], float(predicted.sum()))
        self.assertIn(holdout["grade"], ("A", "B", "C"))
        # below two calibration customers there is nothing to grade
        self.assertEqual(clv_fit.backtest(_summary(calibration_end=5), 40.0)["customers"], 0)
