from ...models.channel.crm_channel_evaluation_sql import channel_total, partner_total, per_channel
from ..common import CrmSqlStepCase, values


class TestCrmChannelEvaluationSql(CrmSqlStepCase):
    """The market-power step of the scorecard run alone, on customers' revenue written by hand."""

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
