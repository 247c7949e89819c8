from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from ..common import CrmStrategyCase


class TestCrmCostPool(CrmStrategyCase):
    """Rates from the ledger, by hand: 1,200 of shipping expenses over a period with 30 deliveries in the
    customer P&L is 40 a delivery; 500 of overhead on 10,000 of net revenue is 5 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env, company = cls.env, cls.company
        cls.date_from = cls.today.replace(day=1) - relativedelta(months=3)
        cls.date_to = cls.today.replace(day=1) - relativedelta(days=1)
        Account = env["account.account"]
        cls.shipping = Account.create({"name": "Shipping (pool test)", "code": "619901", "account_type": "expense",
                                       "company_ids": [Command.link(company.id)]})
        cls.overhead = Account.create({"name": "Overhead (pool test)", "code": "619902", "account_type": "expense",
                                       "company_ids": [Command.link(company.id)]})
        cash = Account.search([("account_type", "=", "asset_current"), ("company_ids", "in", company.id)], limit=1)
        journal = env["account.journal"].search([("type", "=", "general"), ("company_id", "=", company.id)], limit=1)
        for account, amount, months_ago in ((cls.shipping, 700.0, 2), (cls.shipping, 500.0, 1),
                                            (cls.overhead, 500.0, 1), (cls.shipping, 9999.0, 5)):
            env["account.move"].create({
                "move_type": "entry", "journal_id": journal.id,
                "date": cls.today.replace(day=1) - relativedelta(months=months_ago),
                "line_ids": [Command.create({"account_id": account.id, "debit": amount, "name": "cost"}),
                             Command.create({"account_id": cash.id, "credit": amount, "name": "paid"})],
            }).action_post()
        Pnl = env["crm.customer.pnl"].sudo()
        for partner, months_ago, deliveries, revenue, orders in ((cls.customer_big, 2, 10, 4000.0, 2),
                                                                 (cls.customer_small, 1, 20, 6000.0, 3)):
            Pnl.create({"partner_id": partner.id, "company_id": company.id, "delivery_count": deliveries,
                        "net_revenue": revenue, "order_count": orders,
                        "month": cls.today.replace(day=1) - relativedelta(months=months_ago)})
        cls.delivery = env["crm.cost.driver"].create({"driver": "delivery", "unit_cost": 30.0,
                                                      "company_id": company.id})
        cls.rule = env["crm.admin.cost.rule"].create({"name": "Overhead", "basis": "revenue_pct", "rate": 2.0,
                                                      "company_id": company.id})
        Pool = env["crm.cost.pool"]
        cls.shipping_pool = Pool.create({"name": "Shipping", "account_ids": [Command.set(cls.shipping.ids)],
                                         "target": "driver", "driver_id": cls.delivery.id,
                                         "date_from": cls.date_from, "date_to": cls.date_to})
        cls.overhead_pool = Pool.create({"name": "Overhead", "account_ids": [Command.set(cls.overhead.ids)],
                                         "target": "admin", "admin_rule_id": cls.rule.id,
                                         "date_from": cls.date_from, "date_to": cls.date_to})

    def test_rate_from_the_ledger_and_reconciliation(self):
        pool = self.shipping_pool
        self.assertAlmostEqual(pool.pool_amount, 1200.0, msg="the 9,999 of five months ago is outside the period")
        self.assertAlmostEqual(pool.volume, 30.0)
        self.assertAlmostEqual(pool.rate, 40.0)
        self.assertAlmostEqual(pool.allocated_amount, 30 * 30.0, msg="30 deliveries at the typed 30")
        self.assertAlmostEqual(pool.unallocated_amount, 1200.0 - 900.0)
        pool.with_user(self.manager).action_apply()
        self.assertAlmostEqual(self.delivery.unit_cost, 40.0)
        pool.invalidate_recordset()
        self.assertAlmostEqual(pool.unallocated_amount, 0.0, msg="at the ledger's rate the P&L reconciles")

    def test_overhead_as_a_share_of_revenue(self):
        pool = self.overhead_pool
        self.assertAlmostEqual(pool.pool_amount, 500.0)
        self.assertAlmostEqual(pool.volume, 10000.0)
        self.assertAlmostEqual(pool.rate, 5.0, msg="a percentage of net revenue")
        self.assertAlmostEqual(pool.unallocated_amount, 500.0 - 200.0)
        pool.with_user(self.manager).action_apply()
        self.assertAlmostEqual(self.rule.rate, 5.0)

    def test_analytic_accounts_take_their_share(self):
        """A pool on an analytic account counts the share of each journal item distributed to it: 400 of
        which half goes to Logistics, inside the period, is 200."""
        plan = self.env["account.analytic.plan"].create({"name": "Pool test plan"})
        logistics = self.env["account.analytic.account"].create({"name": "Logistics", "plan_id": plan.id})
        other = self.env["account.analytic.account"].create({"name": "Other", "plan_id": plan.id})
        cash = self.env["account.account"].search(
            [("account_type", "=", "asset_current"), ("company_ids", "in", self.company.id)], limit=1)
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1)
        self.env["account.move"].create({
            "move_type": "entry", "journal_id": journal.id, "date": self.date_to,
            "line_ids": [Command.create({"account_id": self.overhead.id, "debit": 400.0, "name": "rent",
                                         "analytic_distribution": {str(logistics.id): 50, str(other.id): 50}}),
                         Command.create({"account_id": cash.id, "credit": 400.0, "name": "paid"})],
        }).action_post()
        pool = self.env["crm.cost.pool"].create({
            "name": "Logistics", "analytic_account_ids": [Command.set(logistics.ids)], "target": "driver",
            "driver_id": self.delivery.id, "date_from": self.date_from, "date_to": self.date_to})
        self.assertAlmostEqual(pool.pool_amount, 200.0)
        self.assertAlmostEqual(pool.rate, 200.0 / 30, places=5)  # the rate is kept to 6 decimals

    def test_bad_input_and_rights(self):
        with self.assertRaises(ValidationError):
            self.env["crm.cost.pool"].create({"name": "No accounts", "target": "driver",
                                              "driver_id": self.delivery.id})
        with self.assertRaises(ValidationError):
            self.shipping_pool.date_to = self.date_from - relativedelta(days=1)
        with self.assertRaises(AccessError):
            self.shipping_pool.with_user(self.strategy_user).action_apply()
        self.assertAlmostEqual(self.delivery.unit_cost, 30.0, msg="refused: nothing written")
