from datetime import date

from ...models.pnl.crm_cost_driver_sql import payment_delay, serve
from ..common import CrmSqlStepCase, values


class TestCrmCostDriverSql(CrmSqlStepCase):
    """The cost-to-serve steps of the P&L statement run alone, on rows written by hand instead of the steps
    before them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].sudo().create({"name": "Cost-to-serve steps"})
        cls.month = date(2026, 3, 1)

    def test_serve_prices_the_volumes_at_the_company_unit_costs(self):
        Driver = self.env["crm.cost.driver"].sudo()
        Driver.create({"driver": "quotation", "unit_cost": 10, "company_id": self.company.id})
        Driver.create({"driver": "payment_delay", "unit_cost": 0.001, "company_id": self.company.id})
        Driver.create({"driver": "invoice", "unit_cost": 5, "company_id": self.company.id, "active": False})
        drivers = values(["partner_id", "month", "driver", "qty"], [
            (1, self.month, "quotation", 3), (1, self.month, "payment_delay", 1000), (1, self.month, "activity", 2),
            (1, self.month, "invoice", 4), (2, self.month, "quotation", 1)])
        rows = {row["partner_id"]: row for row in self._step(
            [("drivers", drivers), ("serve", serve(self.company.id))], "serve")}
        # an activity has no unit cost here, and the invoice's driver is archived: they cost nothing
        self.assertAlmostEqual(float(rows[1]["cost_to_serve"]), 3 * 10 + 1000 * 0.001)
        self.assertEqual((rows[1]["quotation_count"], rows[1]["activity_count"], rows[1]["invoice_count"]), (3, 2, 4))
        self.assertEqual(rows[1]["payment_delay_amount_days"], 1000)
        self.assertIsNone(rows[1]["order_count"], "no driver row: the base step fills in zero")
        self.assertAlmostEqual(float(rows[2]["cost_to_serve"]), 10)

    def test_payment_delay_cuts_each_overdue_period_at_the_months(self):
        overdue = values(["partner_id", "start", "stop", "amount"], [(1, date(2026, 1, 20), date(2026, 2, 10), 100)])
        query = payment_delay(overdue, date(2026, 1, 1))
        self.assertEqual(sorted(self.env.execute_query(query)), [
            (1, date(2026, 1, 1), "payment_delay", 100 * 12), (1, date(2026, 2, 1), "payment_delay", 100 * 10)])
        query = payment_delay(overdue, date(2026, 2, 1))
        self.assertEqual(self.env.execute_query(query), [(1, date(2026, 2, 1), "payment_delay", 100 * 10)],
                         "a refresh from February counts February's days only")
