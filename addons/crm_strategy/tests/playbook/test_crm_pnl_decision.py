from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from ..common import CrmStrategyCase, posted_invoice


class TestCrmPnlDecision(CrmStrategyCase):
    """A customer's profit month by month (no cost driver nor admin rule in the test company: profit = 40 per desk
    sold at 100 with a standard cost of 60), and a decision taken five months ago (month M):

    ======  ===  ====  ===  ===  ===  ===  ===  ===  =====
    month   M-4  M-3   M-2  M-1  M    M+1  M+2  M+3  M+4
    desks   10   0     3    1    5    2    0    4    7
    profit  400  0     120  40   200  80   0    160  280
    ======  ===  ====  ===  ===  ===  ===  ===  ===  =====

    Four complete months follow M, three are compared: before = M-3..M-1 = 160, after = M+1..M+3 = 240."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.decision_month = cls.today.replace(day=1) - relativedelta(months=5)
        for offset, desks in ((-4, 10), (-2, 3), (-1, 1), (0, 5), (1, 2), (3, 4), (4, 7)):
            day = cls.decision_month + relativedelta(months=offset) + timedelta(days=14)
            posted_invoice(cls.env, cls.customer_big, day, cls.product, desks, price=100.0)
        # a loss maker buying at half the list price: "Review discounts" suggests cutting them
        cls._invoice(cls.customer_small, 3, 2, price=50.0)
        cls.env["crm.customer.pnl"]._refresh_pnl(cls.company)
        cls.list_prices = cls.env["product.pricelist"].create({"name": "List prices", "company_id": cls.company.id})
        cls.rule = cls.env.ref("crm_strategy.pnl_action_discounts")
        cls.rule.pricelist_id = cls.list_prices

    def _row(self, partner):
        return self.env["crm.customer.profitability"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])

    def test_apply_suggestion_records_a_decision(self):
        row = self._row(self.customer_small)
        self.assertTrue(row.is_unprofitable)
        self.assertEqual(row.suggested_rule_id, self.rule)
        self.assertTrue(row.can_apply_suggestion)
        action = row.with_user(self.manager).action_apply_suggestion()
        decision = self.env["crm.pnl.decision"].search(action["domain"])
        self.assertEqual((decision.partner_id, decision.action_type, decision.date),
                         (self.customer_small, "cut_discount", self.today))
        self.assertAlmostEqual(decision.profit_at_decision, row.profit)
        partner = self.customer_small.with_company(self.company)
        self.assertEqual(partner.specific_property_product_pricelist, self.list_prices, "the click set the pricelist")
        self.assertEqual((decision.log_id.trigger, decision.log_id.change_count), ("pnl", 1))
        decision.log_id.with_user(self.manager).action_undo()
        self.assertFalse(partner.specific_property_product_pricelist, "undone through the same log")

    def test_apply_refused_without_target_or_rights(self):
        row = self._row(self.customer_small)
        Decision = self.env["crm.pnl.decision"]
        self.rule.pricelist_id = False
        answer = row.with_user(self.manager).action_apply_suggestion()
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("does not say which Pricelist to Set", answer["params"]["message"])
        self.rule.pricelist_id = self.list_prices
        both = row | self._row(self.customer_big)  # Big is profitable: nothing suggested, left out
        answer = both.with_user(self.manager).action_apply_suggestion()
        self.assertIn("1 customers left out", answer["name"])
        self.assertEqual(Decision.search(answer["domain"]).partner_id, self.customer_small)
        seller = new_test_user(self.env, "dec_seller", groups="sales_team.group_sale_salesman")
        portal = new_test_user(self.env, "dec_portal", groups="base.group_portal")
        for user in (self.strategy_user, seller, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                row.with_user(user).action_apply_suggestion()
        self.assertEqual(len(Decision.search([("partner_id", "=", self.customer_small.id)])), 1)

    def test_effect_before_and_after_by_hand(self):
        decision = self.env["crm.pnl.decision"].sudo().create({
            "partner_id": self.customer_big.id, "company_id": self.company.id, "action_type": "reprice",
            "date": self.decision_month + timedelta(days=9)})
        effect = self.env["crm.pnl.decision.effect"].search([("decision_id", "=", decision.id)])
        self.assertFigures(effect, {
            "months_observed": 3, "profit_before": 160.0, "profit_after": 240.0, "profit_change": 80.0,
            "monthly_change": 80.0 / 3, "before_from": self.decision_month - relativedelta(months=3),
            "before_to": self.decision_month - timedelta(days=1),
            "after_from": self.decision_month + relativedelta(months=1),
            "after_to": self.decision_month + relativedelta(months=4) - timedelta(days=1),
        })
        # the same figures as the customer P&L's own rows of those months: one definition of profit
        Pnl = self.env["crm.customer.pnl"]
        rows = Pnl.search([("partner_id", "=", self.customer_big.id), ("company_id", "=", self.company.id)])
        before = sum(r.profit for r in rows if effect.before_from <= r.month <= effect.before_to)
        after = sum(r.profit for r in rows if effect.after_from <= r.month <= effect.after_to)
        self.assertEqual((before, after), (160.0, 240.0))
        self.assertAlmostEqual(decision.profit_after, 240.0)
        grouped = self.env["crm.pnl.decision.effect"]._read_group(
            [("decision_id", "=", decision.id)], ["action_type"], ["profit_change:sum"])
        self.assertEqual(grouped, [("reprice", 80.0)], "per action type")
        # a decision of this month has nothing to compare yet
        fresh = decision.copy({"date": self.today})
        self.assertFigures(fresh, {"months_observed": 0, "profit_before": 0.0, "profit_after": 0.0})
