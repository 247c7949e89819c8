from datetime import date

from ...models.channel.crm_channel_evaluation_sql import (
    channel_total,
    customer_months,
    keyed,
    partner_total,
    per_channel,
    per_partner,
)
from ..common import CrmSqlStepCase, values


class TestCrmChannelEvaluationSql(CrmSqlStepCase):
    """Steps of the scorecard run alone, on lines and customers' revenue written by hand."""

    def test_customers_and_customer_months_from_one_grouping(self):
        # channel 1: customer 1 in January (two lines) and March, customer 2 in January; customer 2 also buys
        # without a channel
        jan, mar = date(2026, 1, 1), date(2026, 3, 1)
        steps = [
            ("lines", values(["channel_id", "partner_id", "month", "revenue", "margin"], [
                (1, 1, jan, 100, 30), (1, 1, jan, 50, 10), (1, 1, mar, 20, 5), (1, 2, jan, 70, 20),
                (None, 2, jan, 5, 1)])),
            ("keyed", keyed()),
            ("per_partner", per_partner()),
            ("customer_months", customer_months()),
        ]
        customers = {(row["channel_id"], row["partner_id"]): (row["revenue"], row["margin"])
                     for row in self._step(steps, "per_partner")}
        self.assertEqual(customers, {(1, 1): (170, 45), (1, 2): (70, 20), (None, 2): (5, 1)},
                         "a customer's months add up to its figures through the channel")
        self.assertEqual(self._step(steps, "customer_months"), [{"channel_id": 1, "customer_months": 3}],
                         "customer 1 in January and March, customer 2 in January; no channel, no row")

    def test_per_channel_dependence_concentration_and_existing_margin(self):
        # channel 1: customer 1 buys 900 (margin 300), customer 2 100 (margin 40, new through it);
        # channel 2: customer 1 buys 100 (margin 30)
        steps = [
            ("per_partner", values(["channel_id", "partner_id", "revenue", "margin"], [
                (1, 1, 900, 300), (1, 2, 100, 40), (2, 1, 100, 30)])),
            ("partner_total", partner_total()),
            ("channel_total", channel_total()),
            ("new_customer", values(["channel_id", "partner_id"], [(1, 2)])),
            ("per_channel", per_channel()),
        ]
        rows = {row.pop("channel_id"): row for row in self._step(steps, "per_channel")}
        one, two = rows[1], rows[2]
        self.assertEqual((one["customer_count"], one["revenue"], one["margin"]), (2, 1000, 340))
        self.assertEqual(one["margin_existing"], 300, "the new customer's margin is not the existing customers'")
        self.assertEqual(one["dependent_customer_count"], 2, "900 of 1000, and 100 of 100: more than half")
        self.assertAlmostEqual(float(one["hhi"]), 90 ** 2 + 10 ** 2)
        self.assertEqual((two["customer_count"], two["margin_existing"]), (1, 30))
        self.assertEqual(two["dependent_customer_count"], 0, "100 of customer 1's 1000")
        self.assertAlmostEqual(float(two["hhi"]), 100 ** 2)
