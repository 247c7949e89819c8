from odoo.exceptions import AccessError, ValidationError

from ..common import CrmChannelCase


class TestCrmChannelEstimate(CrmChannelCase):
    """A potential channel (no sale yet) scored on its estimates beside the measured channels of
    CrmChannelCase, over this month (1 month: a year's amounts count for a twelfth)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._criteria(("Profit", "profit", 2), ("Brand fit", "brand_fit", 1), ("HHI", "hhi", 0))
        cls.market = cls.env["crm.channel"].create({
            "name": "Market", "channel_type": "marketplace", "sequence": 40, "rule_type": "origin",
            "origin_pattern": "MKT", "cost_model": "revenue_pct", "cost_rate": 15,
            "estimate_ids": [(0, 0, vals) for vals in (
                {"measure": "customer_count", "value": 50, "source": "Marketplace deck"},
                {"measure": "revenue", "value": 12000, "source": "Deck: basket x buyers"},
                {"measure": "margin", "value": 7200, "source": "Our 60 % margin"},
                {"measure": "channel_cost", "value": 2400, "source": "Fee quote"},
                {"measure": "brand_fit", "value": 4, "source": "Workshop"},
            )]})
        # a measured channel: its estimated revenue is ignored, its brand fit (never measured) is used
        cls.env["crm.channel.estimate"].create([
            {"channel_id": cls.web.id, "measure": "revenue", "value": 99999, "source": "Old plan"},
            {"channel_id": cls.web.id, "measure": "brand_fit", "value": 8, "source": "Workshop"},
        ])
        cls.evaluations = cls.env["crm.channel.evaluation"]._evaluate_period(cls.month_start, cls.today, cls.company)
        cls.by_channel = {e.channel_id: e for e in cls.evaluations}

    def test_potential_channel_figures_from_estimates(self):
        market = self.by_channel[self.market]
        # amounts a twelfth of the year's estimate, reach as estimated; profit, ROI and value follow
        self.assertFigures(market, {
            "customer_count": 50, "revenue": 1000, "margin": 600, "channel_cost": 200, "profit": 400, "roi": 200,
            "channel_value": 400, "brand_fit": 4, "new_customer_count": 0, "hhi": 0})
        self.assertTrue(market.estimated)
        self.assertIn("Expected reach (customers): 50.00 (source: Marketplace deck)", market.estimate_note)
        self.assertIn("Expected cost (a year): 2,400.00 (source: Fee quote)", market.estimate_note)
        self.assertIn("Estimated, not measured:", market.justification)

    def test_measured_channel_keeps_its_figures(self):
        web = self.by_channel[self.web]
        self.assertFigures(web, {"revenue": 1000, "margin": 400, "profit": 300, "brand_fit": 8})
        self.assertFalse(web.estimated, "measured: not a potential channel")
        self.assertEqual(web.estimate_note, "Brand fit (0 to 10): 8.00 (source: Workshop)")
        field = self.by_channel[self.field]
        self.assertFalse(field.estimated)
        self.assertFalse(field.estimate_note)

    def test_ranked_with_the_measured_channels(self):
        web, field = self.by_channel[self.web], self.by_channel[self.field]
        phone, market = self.by_channel[self.phone_channel], self.by_channel[self.market]
        # profit 300/140/60/400 -> (240, 80, 0, 340)/340, weight 2; brand fit 8/-/-/4 -> 1, 0, 0, 0, weight 1
        self.assertAlmostEqual(web.score, round(100 * (2 * 240 / 340 + 1) / 3, 2))
        self.assertAlmostEqual(market.score, round(100 * 2 / 3, 2))
        self.assertAlmostEqual(field.score, round(100 * (2 * 80 / 340) / 3, 2))
        self.assertAlmostEqual(phone.score, 0.0)
        self.assertEqual([e.channel_id for e in self.evaluations.sorted("rank")],
                         [self.web, self.market, self.field, self.phone_channel])

    def test_no_concentration_points_without_customers(self):
        """The potential channel has no customers, so no HHI: it must not score best on it."""
        self.env["crm.channel.criterion"].search(
            [("company_id", "=", self.company.id), ("measure", "!=", "hhi")]).weight = 0
        self.env["crm.channel.criterion"].search(
            [("company_id", "=", self.company.id), ("measure", "=", "hhi")]).weight = 1
        again = self.env["crm.channel.evaluation"]._evaluate_period(self.month_start, self.today, self.company)
        self.assertEqual(again.filtered(lambda e: e.channel_id == self.market).score, 0.0)

    def test_estimate_checks(self):
        Estimate = self.env["crm.channel.estimate"]
        with self.assertRaises(ValidationError):
            Estimate.create({"channel_id": self.field.id, "measure": "brand_fit", "value": 11, "source": "x"})
        with self.assertRaises(ValidationError):
            Estimate.create({"channel_id": self.field.id, "measure": "revenue", "value": -5, "source": "x"})
        with self.assertRaises(AccessError):
            Estimate.with_user(self.strategy_user).create(
                {"channel_id": self.field.id, "measure": "revenue", "value": 5, "source": "x"})
        self.assertEqual(Estimate.with_user(self.strategy_user).search([("channel_id", "=", self.market.id)]),
                         self.market.estimate_ids)
