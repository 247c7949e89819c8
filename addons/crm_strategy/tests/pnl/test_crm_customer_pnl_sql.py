from datetime import date

from ...models.pnl.crm_customer_pnl_sql import REVENUE_COLUMNS, SERVE_COLUMNS, admin, base, keyed
from ..common import CrmSqlStepCase, values


class TestCrmCustomerPnlSql(CrmSqlStepCase):
    """Steps of the P&L statement run alone, on rows written by hand instead of the steps before them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].sudo().create({"name": "P&L steps"})
        cls.month = date(2026, 3, 1)

    def test_base_has_a_row_per_customer_and_month_of_any_step_zeros_filled_in(self):
        other_month = date(2026, 2, 1)
        revenue = values(["partner_id", "month", *REVENUE_COLUMNS, "product_cost_estimated"], [
            (1, self.month, *(100 + index for index in range(len(REVENUE_COLUMNS))), True)])
        serve = values(["partner_id", "month", *SERVE_COLUMNS], [
            (1, self.month, 50, *(1 for _column in SERVE_COLUMNS[1:])),
            (2, other_month, 20, *(2 for _column in SERVE_COLUMNS[1:]))])
        channel = values(["partner_id", "month", "amount"], [(3, self.month, 7)])
        rows = {(row["partner_id"], row["month"]): row for row in self._step(
            [("revenue", revenue), ("serve", serve), ("channel", channel), ("keyed", keyed()), ("base", base())],
            "base")}
        self.assertEqual(set(rows), {(1, self.month), (2, other_month), (3, self.month)})
        one, two, three = rows[1, self.month], rows[2, other_month], rows[3, self.month]
        self.assertEqual([one[column] for column in REVENUE_COLUMNS], [100, 101, 102, 103, 104, 105])
        self.assertEqual((one["product_cost_estimated"], one["cost_to_serve"], one["channel_cost"]), (True, 50, 0))
        self.assertEqual((two["net_revenue"], two["product_cost_estimated"], two["cost_to_serve"]), (0, False, 20))
        self.assertEqual([two[column] for column in SERVE_COLUMNS[1:]], [2] * (len(SERVE_COLUMNS) - 1))
        self.assertEqual((three["gross_revenue"], three["quotation_count"], three["channel_cost"]), (0, 0, 7))

    def test_admin_applies_every_active_rule_of_the_company(self):
        Rule = self.env["crm.admin.cost.rule"].sudo()
        Rule.create({"name": "Overhead", "basis": "revenue_pct", "rate": 2, "company_id": self.company.id})
        Rule.create({"name": "Order desk", "basis": "per_order", "rate": 3, "company_id": self.company.id})
        Rule.create({"name": "Account", "basis": "per_customer", "rate": 7, "company_id": self.company.id})
        Rule.create({"name": "Old", "basis": "per_customer", "rate": 50, "company_id": self.company.id,
                     "active": False})
        base = values(["partner_id", "month", "net_revenue", "order_count"], [
            (1, self.month, 1000, 2), (2, self.month, 0, 0)])
        rows = {row["partner_id"]: row["admin_cost"] for row in self._step(
            [("base", base), ("admin", admin(self.company.id))], "admin")}
        self.assertAlmostEqual(float(rows[1]), 0.02 * 1000 + 3 * 2 + 7)
        self.assertAlmostEqual(float(rows[2]), 7, msg="an active customer of the month carries the per-customer cost")
