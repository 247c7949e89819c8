"""Tests of the plain maths in ``crm_analytics.lib`` (rfm, cohorts, forecast, summary): no database."""

import numpy as np

from odoo.tests import BaseCase

from ..lib import cohorts, forecast, rfm, rfm_segments, summary
from ..lib.bgnbd import BGNBDFit


class TestRfm(BaseCase):
    def test_scores_hand_checked(self):
        # Recency cut points of [1, 5, 10, 50, 100] are 4.2, 8, 26, 60: lower is better.
        r, f, m, cuts = rfm.rfm_scores([1, 10, 100, 5, 50], [1, 1, 1, 3, 8], [10, 20, 30, 40, 50])
        np.testing.assert_array_equal(r, [5, 3, 1, 4, 2])
        np.testing.assert_array_equal(m, [1, 2, 3, 4, 5])
        # Three customers tied at one purchase share the lowest score.
        np.testing.assert_array_equal(f, [1, 1, 1, 4, 5])
        np.testing.assert_allclose(cuts["m"], [18, 26, 34, 42])
        np.testing.assert_array_equal(rfm.segment(r, f), ["new", "about_to_sleep", "hibernating", "loyal",
                                                          "cannot_lose"])

    def test_scores_against_stored_cuts(self):
        _, _, _, cuts = rfm.rfm_scores([1, 10, 100, 5, 50], [1, 1, 1, 3, 8], [10, 20, 30, 40, 50])
        r, f, m, same = rfm.rfm_scores([0, 1000], [100, 1], [1e6, 0], cuts=cuts)
        self.assertEqual(same, cuts)
        np.testing.assert_array_equal(r, [5, 1])
        np.testing.assert_array_equal(f, [5, 1])
        np.testing.assert_array_equal(m, [5, 1])

    def test_edge_cases(self):
        r, f, m, _ = rfm.rfm_scores([3], [1], [10])
        self.assertEqual((int(r[0]), int(f[0]), int(m[0])), (5, 1, 1))
        r, f, m, _ = rfm.rfm_scores([], [], [])
        self.assertEqual(len(r), 0)
        self.assertEqual(len(rfm.segment([], [])), 0)
        # Every key of the grid is a declared segment.
        keys = {key for key, _label in rfm_segments.SEGMENTS}
        self.assertEqual(set(rfm._GRID.ravel()), keys)
        # Other bin counts are mapped onto the 5-bin grid.
        self.assertEqual(rfm.segment([10], [10], bins=10)[0], "champions")

    def test_validation(self):
        with self.assertRaisesRegex(ValueError, "NaN"):
            rfm.rfm_scores([np.nan], [1], [1])
        with self.assertRaisesRegex(ValueError, "mismatched"):
            rfm.rfm_scores([1, 2], [1], [1])
        with self.assertRaisesRegex(ValueError, "between 1 and 5"):
            rfm.segment([0], [1])
        with self.assertRaisesRegex(ValueError, "bins"):
            rfm.breakpoints([1, 2], bins=1)
        # Cut points of a 5-bin fit cannot score 3 bins (an incremental refresh after the setting changed).
        _r, _f, _m, cuts = rfm.rfm_scores([1, 2, 3], [1, 2, 3], [1, 2, 3])
        self.assertTrue(rfm_segments.cuts_fit(cuts, 5))
        self.assertFalse(rfm_segments.cuts_fit(cuts, 3))
        self.assertFalse(rfm_segments.cuts_fit({}, 5))
        with self.assertRaisesRegex(ValueError, "3 bins"):
            rfm.rfm_scores([1], [1], [1], bins=3, cuts=cuts)
        self.assertEqual(rfm_segments.bins_of(cuts), 5)
        self.assertEqual(rfm_segments.bins_of({"r": [1.0, 2.0], "f": [1.0, 2.0], "m": [1.0, 2.0]}), 3)
        self.assertEqual(rfm_segments.bins_of({}), rfm_segments.BINS, "no fit yet: the default grid")


class TestCohorts(BaseCase):
    def test_retention_matrix_hand_checked(self):
        # Customer 1 buys in periods 0, 1, 3; customer 2 in 1, 2; customer 3 in 2.
        sizes, active, retention = cohorts.retention_matrix([1, 1, 1, 2, 2, 3, 1], [0, 1, 3, 1, 2, 2, 0])
        self.assertEqual(sizes.to_dict(), {0: 1, 1: 1, 2: 1})
        np.testing.assert_array_equal(retention.loc[0].to_numpy(), [1.0, 1.0, 0.0, 1.0])
        # Cohort 1 is observed up to age 2, cohort 2 up to age 1: later cells are missing, not zero.
        np.testing.assert_array_equal(retention.loc[1].to_numpy()[:3], [1.0, 1.0, 0.0])
        self.assertTrue(np.isnan(retention.loc[1, 3]))
        np.testing.assert_array_equal(retention.loc[2].to_numpy()[:2], [1.0, 0.0])
        self.assertTrue(np.isnan(active.loc[2, 2]))
        curve = cohorts.retention_curve(sizes, active)
        # Age 1: cohorts 0 and 1 active, cohort 2 not -> 2/3; age 3: only cohort 0 observable -> 1.
        np.testing.assert_allclose(curve.to_numpy(), [1.0, 2 / 3, 0.0, 1.0])
        np.testing.assert_array_equal(cohorts.observed_sizes(sizes, active).to_numpy(), [3, 3, 2, 1])

    def test_retention_by_group(self):
        curves, observed = cohorts.retention_by_group([1, 1, 2, 2, 3], [0, 1, 1, 2, 2], ["a", "a", "b", "b", "a"])
        np.testing.assert_allclose(curves.loc["a"].to_numpy(), [1.0, 1.0, 0.0])
        self.assertEqual(observed.loc["a"].tolist(), [2, 1, 1])
        self.assertEqual(curves.loc["b"].tolist()[:2], [1.0, 1.0])

    def test_empty_and_months(self):
        sizes, active, retention = cohorts.retention_matrix([], [])
        self.assertTrue(active.empty and retention.empty and sizes.empty)
        self.assertTrue(cohorts.retention_curve(sizes, active).empty)
        np.testing.assert_array_equal(cohorts.month_index(np.array([0, 31, 365])), [0, 1, 12])
        np.testing.assert_array_equal(cohorts.month_index(np.array(["2024-03-31"], dtype="datetime64[D]")),
                                      [(2024 - 1970) * 12 + 2])


class TestForecast(BaseCase):
    def test_grade_and_wape(self):
        self.assertEqual(forecast.grade(0.5, 1.0), "A")
        self.assertEqual(forecast.grade(0.9, 1.0), "B")
        self.assertEqual(forecast.grade(1.1, 1.0), "C")
        self.assertEqual(forecast.grade(0.0, 0.0), "A")
        self.assertEqual(forecast.grade(float("nan"), 1.0), "C")
        self.assertAlmostEqual(forecast.wape([10, 0, 30], [12, 1, 27]), 6 / 40)
        self.assertEqual(forecast.wape([0, 0], [0, 0]), 0.0)
        self.assertEqual(forecast.wape([0], [1]), float("inf"))

    def test_pipeline_by_month(self):
        out = forecast.pipeline_by_month([5, 5, 6], [1000, 500, 200], [50, 100, 150])
        self.assertEqual(out.loc[5, "opportunities"], 2)
        self.assertAlmostEqual(out.loc[5, "weighted"], 1000)
        self.assertAlmostEqual(out.loc[5, "expected_wins"], 1.5)
        self.assertAlmostEqual(out.loc[6, "weighted"], 200)  # probability capped at 100 %

    def test_run_rate(self):
        np.testing.assert_allclose(forecast.run_rate_forecast([1, 2, 3, 6, 9], 2, window=2, seasonal=False),
                                   [7.5, 7.5])
        self.assertEqual(len(forecast.run_rate_forecast([], 3)), 3)
        # A December twice the run-rate last year doubles next December's forecast.
        history = np.array([10.0] * 11 + [20.0] + [10.0] * 11)
        ahead = forecast.run_rate_forecast(history, 2, window=3)
        np.testing.assert_allclose(ahead, [20.0, 10.0])
        with self.assertRaises(ValueError):
            forecast.run_rate_forecast([1.0], -1)

    def test_backtest(self):
        # A flat series: perfect run-rate, perfect naive.
        frame, result = forecast.backtest([5.0] * 10, window=3, seasonal=False)
        self.assertEqual(result["periods"], 7)
        self.assertEqual(result["wape"], 0.0)
        self.assertEqual(result["grade"], "A")
        # Noise around a level: the mean of three beats "same as last month".
        rng = np.random.default_rng(0)
        series = 100 + rng.normal(0, 20, 48)
        frame, result = forecast.backtest(series, window=3, seasonal=False)
        self.assertLess(result["wape"], result["naive_wape"])
        # Each forecast uses only the past.
        self.assertAlmostEqual(frame.loc[3, "forecast"], series[:3].mean())
        self.assertAlmostEqual(frame.loc[3, "naive"], series[2])
        _, empty = forecast.backtest([1.0, 2.0], window=3)
        self.assertEqual(empty["periods"], 0)

    def test_probability_of_purchase(self):
        fit = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
        p = forecast.probability_of_purchase(fit, [0.0, 1.0, 10.0, 1000.0], 2, 30.43, 38.86)
        self.assertEqual(p[0], 0.0)
        self.assertTrue(np.all(np.diff(p) > 0))
        # Bounded by P(alive), reached over an endless window.
        alive = fit.p_alive(2, 30.43, 38.86)
        self.assertLess(p[-1], alive)
        self.assertAlmostEqual(float(forecast.probability_of_purchase(fit, 1e9, 2, 30.43, 38.86)), float(alive),
                               places=3)
        # Consistent with the expected count: P(N >= 1) <= E[N].
        expected = fit.conditional_expected_purchases([1.0, 10.0], 2, 30.43, 38.86)
        self.assertTrue(np.all(p[1:3] <= expected))
        # Hand-checked: a new customer (x = 0, T = 0) buys within t with 1 - (alpha / (alpha + t))^r.
        self.assertAlmostEqual(float(forecast.probability_of_purchase(fit, 10.0, 0, 0, 0)),
                               1 - (4.414 / 14.414) ** 0.243, places=12)

    def test_holdout_errors(self):
        result = forecast.holdout_errors([1.0, 2.0], [1.0, 3.0], [0.0, 0.0])
        self.assertAlmostEqual(result["mae"], 0.5)
        self.assertAlmostEqual(result["naive_mae"], 2.0)
        self.assertEqual(result["grade"], "A")
        self.assertEqual(forecast.holdout_errors([], [], [])["customers"], 0)


class TestSummary(BaseCase):
    def test_hand_checked(self):
        # Customer 7: purchases on days 100, 150, 190 (revenue 100, 200, 100) and a credit note on day 195;
        # customer 8: one purchase on day 170 after the end of the calibration (day 160).
        out = summary.customer_summary(
            partner=[7, 7, 7, 7, 8, 9], day=[100, 150, 190, 195, 170, 300], revenue=[100, 200, 100, -50, 80, 5],
            margin=[40, 80, 40, -20, 30, 1], is_purchase=[1, 1, 1, 0, 1, 1], end_day=200, unit_days=7.0,
            calibration_end=160)
        self.assertEqual(out.index.tolist(), [7, 8])  # day 300 is after the end
        row = out.loc[7]
        self.assertEqual((row["purchases"], row["frequency"]), (3, 2))
        self.assertAlmostEqual(row["recency"], 90 / 7)
        self.assertAlmostEqual(row["T"], 100 / 7)
        self.assertAlmostEqual(row["monetary"], 150.0)  # (200 + 100) / 2 repeat purchases
        self.assertAlmostEqual(row["revenue"], 350.0)
        self.assertAlmostEqual(row["margin"], 140.0)
        self.assertEqual(row["recency_days"], 10)
        self.assertTrue(row["in_calibration"])
        self.assertEqual((row["cal_frequency"], row["holdout_purchases"]), (1, 1))
        self.assertAlmostEqual(row["cal_recency"], 50 / 7)
        self.assertAlmostEqual(row["cal_T"], 60 / 7)
        self.assertFalse(out.loc[8, "in_calibration"])
        self.assertEqual(out.loc[8, "monetary"], 0.0)

    def test_empty(self):
        out = summary.customer_summary([], [], [], [], [], 10, 1.0)
        self.assertTrue(out.empty)
        with self.assertRaises(ValueError):
            summary.customer_summary([1], [1], [1], [1], [1], 10, 0)


class TestClvScalarInputs(BaseCase):
    def test_scalar_history_with_quadrature_fallback(self):
        # Extreme parameters (a fit on two customers) send a scalar history down the quadrature fallback, which
        # must accept 0-d inputs like arrays.
        fit = BGNBDFit(r=4.35e6, alpha=2.83e8, a=7.7e-7, b=2.77e6, log_likelihood=0.0)
        scalar = fit.conditional_expected_purchases(365.25, 2, 90, 100)
        vector = fit.conditional_expected_purchases([365.25], [2], [90], [100])
        self.assertEqual(np.shape(scalar), ())
        self.assertAlmostEqual(float(scalar), float(vector[0]))
        self.assertTrue(np.isfinite(scalar))
