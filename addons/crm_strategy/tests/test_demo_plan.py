from collections import Counter
from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged

from ..tools import demo_plan

TODAY = date(2026, 12, 3)


@tagged("at_install", "-post_install")
class TestDemoPlan(TransactionCase):
    """The demo company's plan (no database): the same at every build, and shaped so that RFM, cohorts,
    retention and CLV have something to show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = demo_plan.build_plan(TODAY)

    def test_deterministic(self):
        again = demo_plan.build_plan(TODAY)
        self.assertEqual([(c.name, c.kind) for c in again.customers], [(c.name, c.kind) for c in self.plan.customers])
        self.assertEqual([(s.customer, s.day, s.lines) for s in again.sales],
                         [(s.customer, s.day, s.lines) for s in self.plan.sales])
        self.assertEqual(demo_plan.campaign_spend(TODAY), demo_plan.campaign_spend(TODAY))

    def test_customers(self):
        customers = self.plan.customers
        self.assertEqual(len(customers), demo_plan.N_CUSTOMERS)
        self.assertEqual(len({c.name for c in customers}), len(customers), "names are unique")
        kinds = Counter(c.kind for c in customers)
        self.assertGreater(kinds["one_time"], 500)
        self.assertGreater(kinds["regular"], 250)
        self.assertGreater(kinds["lapsed"], 250)
        self.assertGreater(kinds["whale"], 10)
        self.assertTrue(all(c.industry and c.size_band for c in customers if c.is_company))
        self.assertTrue(all(c.birth_year and c.income_band for c in customers if not c.is_company))
        self.assertGreater(len({c.country for c in customers}), 5)

    def test_sales_history(self):
        sales = self.plan.sales
        self.assertTrue(all(TODAY - timedelta(days=365 * 3) <= s.day <= TODAY for s in sales))
        self.assertLess(min(s.day for s in sales), TODAY - timedelta(days=365 * 3 - 60), "three years")
        self.assertEqual({s.customer for s in sales}, {c.key for c in self.plan.customers}, "every customer buys")
        per_customer = Counter(s.customer for s in sales)
        self.assertGreater(sum(1 for n in per_customer.values() if n > 1), 300, "repeat buyers")
        self.assertGreater(per_customer[self.plan.distributor], 10, "the distributor orders often")
        self.assertEqual(set(Counter(s.channel for s in sales)), {"web", "email", "call", "field", "distributor"})
        by_month = Counter(s.day.month for s in sales if s.day.year == TODAY.year - 1)
        self.assertGreater(by_month[10], by_month[7], "autumn sells more than summer")

    def test_payments_and_returns(self):
        sales = self.plan.sales
        late = [s for s in sales if s.paid and s.paid > s.due]
        overdue = [s for s in sales if not s.paid and s.due < TODAY]
        self.assertGreater(len(late), len(sales) // 10)
        self.assertTrue(overdue)
        self.assertTrue(all(s.paid >= s.day for s in sales if s.paid))
        self.assertGreater(sum(1 for s in sales if s.refund), 50)
        self.assertTrue(all(s.refund_day >= s.day for s in sales if s.refund))
        self.assertTrue(any(s.full_flow for s in sales))

    def test_campaign_spend(self):
        bills = demo_plan.campaign_spend(TODAY)
        self.assertEqual({key for key, *_rest in bills}, {key for key, *_rest in demo_plan.CAMPAIGNS})
        self.assertTrue(all(0 < amount < 20000 and day <= TODAY for _k, _a, day, amount in bills))
