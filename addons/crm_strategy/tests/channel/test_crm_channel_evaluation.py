import io

import openpyxl

from odoo.exceptions import AccessError, UserError

from ..common import CrmChannelCase


class TestCrmChannelEvaluation(CrmChannelCase):
    """The scorecard of this month, every figure computed by hand from the table of CrmChannelCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._criteria(("Profit", "profit", 2), ("HHI", "hhi", 1), ("CPA", "cost_per_acquisition", 1))
        cls.evaluations = cls.env["crm.channel.evaluation"]._evaluate_period(cls.month_start, cls.today, cls.company)
        cls.by_channel = {e.channel_id: e for e in cls.evaluations}

    def test_figures_by_hand(self):
        self.assertEqual(len(self.evaluations), 3)
        web, field, phone = self.by_channel[self.web], self.by_channel[self.field], self.by_channel[self.phone_channel]
        # Web: Big's first order, 10 at 100; 10% of revenue
        self.assertFigures(web, {
            "customer_count": 1, "new_customer_count": 1, "segment_count": 1, "order_count": 1,
            "revenue": 1000, "margin": 400, "channel_cost": 100, "profit": 300, "roi": 300,
            "cost_per_acquisition": 100,
            "acquired_value": 440,  # Big's margin to date, through every channel
            "channel_value": 0 + 440 - 100, "dependent_customer_count": 1, "hhi": 10000,
        })
        self.assertFigures(web, {"revenue_share": 100 * 1000 / 1930, "customer_share": 100 / 3}, places=2)
        # Field: Small's first order (500) and Big's second (160); 100 for the month
        self.assertFigures(field, {
            "customer_count": 2, "new_customer_count": 1, "segment_count": 1, "order_count": 2,
            "revenue": 660, "margin": 240, "channel_cost": 100, "profit": 140, "roi": 140, "acquired_value": 200,
            "channel_value": 40 + 200 - 100,  # Big's 40 counts, Small by its value
            "dependent_customer_count": 1,  # Big buys 160 of 1160 here: not dependent
        })
        self.assertFigures(field, {"hhi": (100 * 500 / 660) ** 2 + (100 * 160 / 660) ** 2}, places=2)
        # Phone: Third, invoiced without order (the invoice counts as one: revenue means orders); 30 a
        # customer-month
        self.assertFigures(phone, {
            "customer_count": 1, "new_customer_count": 0, "segment_count": 1, "order_count": 1,
            "revenue": 270, "channel_cost": 30, "profit": 60, "roi": 200, "cost_per_acquisition": 0,
            "channel_value": 90 - 30,
        })

    def test_score_and_rank(self):
        web, field, phone = self.by_channel[self.web], self.by_channel[self.field], self.by_channel[self.phone_channel]
        # profit 300/140/60 -> 1, 1/3, 0 (weight 2); HHI lower is better: 0, 1, 0; CPA 100/100/none: 1, 1, 0
        self.assertAlmostEqual(web.score, 75.0)
        self.assertAlmostEqual(field.score, round(100 * (2 / 3 + 1 + 1) / 4, 2))
        self.assertAlmostEqual(phone.score, 0.0)
        self.assertEqual((web.rank, field.rank, phone.rank), (1, 2, 3))
        self.assertIn("Ranked 1 of 3 with a score of 75.0/100.", web.justification)
        self.assertIn("Strongest on: Profit, CPA.", web.justification)
        self.assertIn("Weakest on: HHI.", web.justification)
        self.assertIn("highly concentrated", web.justification)

    def test_reevaluation_replaces_and_weights_change_ranks(self):
        self.env["crm.channel.criterion"].search([("measure", "=", "hhi")]).weight = 10
        again = self.env["crm.channel.evaluation"]._evaluate_period(self.month_start, self.today, self.company)
        self.assertFalse(self.evaluations.exists(), "one evaluation per channel and period")
        self.assertEqual(again.filtered(lambda e: e.rank == 1).channel_id, self.field)
        with self.assertRaises(UserError):
            self.env["crm.channel.evaluation"]._evaluate_period(self.today, self.month_start.replace(year=2000))

    def test_default_criteria_without_configuration(self):
        self.env["crm.channel.criterion"].search([("company_id", "=", self.company.id)]).unlink()
        again = self.env["crm.channel.evaluation"]._evaluate_period(self.month_start, self.today, self.company)
        self.assertEqual(sorted(again.mapped("rank")), [1, 2, 3])
        self.assertTrue(all(0 <= score <= 100 for score in again.mapped("score")))

    def test_access(self):
        Evaluation = self.env["crm.channel.evaluation"]
        self.assertEqual(Evaluation.with_user(self.strategy_user).search([]), self.evaluations)
        with self.assertRaises(AccessError):
            self.evaluations[0].with_user(self.strategy_user).score = 100
        with self.assertRaises(AccessError):
            self.evaluations.with_user(self.strategy_user).unlink()
        with self.assertRaises(AccessError):
            Evaluation.with_user(self.strategy_user).action_evaluate()

    def test_xlsx_export_is_formula_safe(self):
        self.web.name = "=1+1"
        action = self.evaluations.sorted("rank").action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet["D2"].value, "'=1+1")
        self.assertEqual(sheet["C2"].value, 1)
        self.assertAlmostEqual(sheet["F2"].value, 75.0)
