from datetime import date

from ...models.profile.crm_customer_measure_sql import merged
from ..common import CrmSqlStepCase, values


class TestCrmCustomerMeasureSql(CrmSqlStepCase):
    """The step that derives the measures, run alone on invoiced and ordered figures written by hand."""

    def test_merged_keeps_customers_with_invoices_or_orders_alone(self):
        today = date(2026, 12, 3)
        inv = values(
            ["company_id", "partner_id", "revenue_total", "revenue_12m", "margin_total", "margin_12m", "gross",
             "invoice_count"],
            [(1, 1, 900.0, 600.0, 300.0, 200.0, 1000.0, 3), (1, 2, 50.0, 50.0, 5.0, 5.0, 50.0, 1)])
        so = values(["company_id", "partner_id", "first_order_date", "last_order_date", "order_count"], [
            (1, 1, date(2025, 1, 10), date(2026, 11, 23), 4), (1, 3, date(2026, 12, 1), date(2026, 12, 1), 1)])
        rows = {row["partner_id"]: row for row in self._step(
            [("inv", inv), ("so", so), ("merged", merged(today))], "merged")}
        both, invoiced, ordered = rows[1], rows[2], rows[3]
        self.assertEqual((both["order_count"], both["days_since_last_order"]), (4, 10))
        self.assertAlmostEqual(float(both["average_order_value"]), 300.0)
        self.assertAlmostEqual(float(both["discount_share"]), 10.0, msg="100 of a gross 1000")
        self.assertEqual((invoiced["order_count"], invoiced["days_since_last_order"]), (0, None),
                         "invoiced without an order")
        self.assertEqual((ordered["revenue_total"], ordered["average_order_value"], ordered["discount_share"]),
                         (0, 0, 0), "ordered, not invoiced yet")
