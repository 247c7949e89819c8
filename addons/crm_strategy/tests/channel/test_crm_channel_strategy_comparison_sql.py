from ...wizards.crm_channel_strategy_comparison_sql import (
    by_channel_statement,
    multi_channel_statement,
    price_gap_statement,
)
from ..common import CrmSqlStepCase, values


class TestCrmChannelStrategyComparisonSql(CrmSqlStepCase):
    """What the comparison reads of a segment's sales, each query run alone on lines written by hand:
    customer 1 buys product 10 through channels 1 (10 at 100) and 2 (5 at 80, one returned); customer 2
    buys product 11 through channel 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        columns = ["segment_id", "channel_id", "partner_id", "is_refund", "product_id", "quantity", "revenue"]
        cls.lines = values(columns, [
            (1, 1, 1, False, 10, 10.0, 1000.0), (1, 2, 1, False, 10, 5.0, 400.0),
            (1, 1, 2, False, 11, 1.0, 50.0), (1, 2, 1, True, 10, -1.0, -80.0)])

    def test_by_channel(self):
        self.assertEqual(sorted(self.env.execute_query(by_channel_statement(self.lines))),
                         [(1, 1, 2, 1050.0), (1, 2, 1, 320.0)])

    def test_multi_channel_customers_and_their_revenue(self):
        self.assertEqual(self.env.execute_query(multi_channel_statement(self.lines)), [(1, 2, 1370.0, 1, 1320.0)])

    def test_widest_price_gap_ignores_returns_and_single_channel_products(self):
        [(segment, product, gap)] = self.env.execute_query(price_gap_statement(self.lines))
        self.assertEqual((segment, product), (1, 10))
        self.assertAlmostEqual(gap, 20.0, msg="80 against 100")
