from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from ..common import CrmStrategyCase


class TestCrmStrategy(CrmStrategyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lost = cls.env["res.partner"].create({"name": "Lost Buyer", "is_company": True})
        # the period is the last 90 days; the previous period the 90 days before
        cls._invoice(cls.customer_big, 10, 30)     # 3000 in the period
        cls._invoice(cls.customer_big, 120, 5)     # 500 in the previous period
        cls._invoice(cls.customer_small, 10, 2)    # 200 in the period, first ever: new
        cls._invoice(cls.lost, 150, 1)             # 100 in the previous period only: not retained
        cls.env["crm.customer.measure"]._refresh_measures(cls.company)
        cls.segment = cls.env["crm.segment"].create({
            "name": "Buyers", "code": "BUY", "rule_domain": "[('crm_revenue_total', '>', 0)]",
            "value_proposition": "<p>Fast delivery</p>",
        })
        cls.segment.action_refresh_members()
        cls.strategy = cls.env["crm.strategy"].create({
            "name": "Test strategy",
            "date_from": cls.today - timedelta(days=89),
            "date_to": cls.today,
            "amber_threshold": 80,
            "line_ids": [Command.create({
                "segment_id": cls.segment.id,
                "target_revenue": 3000, "target_customers": 2, "target_retention_rate": 60,
                "target_new_customers": 1,
            })],
        })
        cls.line = cls.strategy.line_ids

    def test_kpi_actuals_from_invoices(self):
        self.assertEqual(self.segment.partner_ids, self.customer_big | self.customer_small | self.lost)
        self.assertAlmostEqual(self.line.actual_revenue, 3200)
        self.assertAlmostEqual(self.line.actual_margin, 3200 - 0.6 * 3200)
        self.assertEqual(self.line.actual_customers, 2)
        self.assertAlmostEqual(self.line.actual_retention_rate, 50.0)
        self.assertEqual(self.line.actual_new_customers, 1)

    def test_status_green_amber_red(self):
        # worst KPI: retention 50 of 60 = 83%
        self.assertEqual(self.line.status, "amber")
        self.assertEqual(self.strategy.status, "amber")
        self.strategy.amber_threshold = 90
        self.assertEqual(self.line.status, "red")
        self.line.target_retention_rate = 50
        self.assertEqual(self.line.status, "green")

    def test_divest_targets_are_ceilings(self):
        self.line.write({"action": "divest", "target_customers": 0, "target_retention_rate": 0,
                         "target_new_customers": 0, "target_revenue": 3200})
        self.assertEqual(self.line.status, "green")
        self.line.target_revenue = 3000  # 3000 / 3200 = 93.75 %
        self.assertEqual(self.line.status, "amber")

    def test_action_defaults_from_segment(self):
        self.segment.strategy_action = "retain"
        other = self.env["crm.strategy"].create({
            "name": "Other", "date_from": self.today, "date_to": self.today})
        line = self.env["crm.strategy.line"].create({"strategy_id": other.id, "segment_id": self.segment.id})
        self.assertEqual(line.action, "retain")

    def test_process_tabs_show_figures(self):
        self.assertIn("Buyers", self.strategy.value_creation_html)
        self.assertIn("Fast delivery", self.strategy.value_creation_html)
        self.assertIn("Buyers", self.strategy.multichannel_html)
        self.assertIn("Customers with orders", self.strategy.information_html)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.strategy.date_to = self.strategy.date_from - timedelta(days=1)
        with self.assertRaises(ValidationError):
            self.line.target_revenue = -5
        with self.assertRaises(ValidationError):
            self.line.target_retention_rate = 150
        with self.assertRaises(ValidationError):
            self.strategy.amber_threshold = 120

    def test_access(self):
        self.assertEqual(self.strategy.with_user(self.strategy_user).line_ids.actual_customers, 2)
        with self.assertRaises(AccessError):
            self.strategy.with_user(self.strategy_user).write({"name": "Not allowed"})
        with self.assertRaises(AccessError):
            self.env["crm.strategy"].with_user(self.strategy_user).create({
                "name": "x", "date_from": self.today, "date_to": self.today})
        created = self.env["crm.strategy"].with_user(self.manager).create({
            "name": "By manager", "date_from": self.today, "date_to": self.today})
        self.assertTrue(created)
