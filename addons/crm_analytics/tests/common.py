"""Fixtures shared by the refresh tests: companies invoiced by the test with the analytics settings it needs,
the refresh queue as a dict, and cron bodies run inside the test's transaction."""
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.crm_strategy.tests.common import posted_invoice, strategy_users


def queued_refreshes(env):
    """{company id: full refresh?} of the refreshes queued for the background job, every company's."""
    return {request.company_id.id: request.full_refresh
            for request in env["crm.customer.metrics.request"].sudo().search([])}


@contextmanager
def without_commit(env):
    """Run a job that commits batch by batch inside the test's transaction (which may not commit): its commits
    only flush."""
    with patch.object(env.cr, "commit", env.cr.flush):
        yield


class AnalyticsInvoicingCase(AccountTestInvoicingCommon):
    """The test company's customers are invoiced by the test; ``SETTINGS`` are its analytics settings
    (system parameters crm_analytics.<key>)."""

    SETTINGS = {}

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("crm_strategy.group_crm_strategy_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        ICP = cls.env["ir.config_parameter"]
        for key, value in cls.SETTINGS.items():
            ICP.set_param(f"crm_analytics.{key}", value)
        cls.Metrics = cls.env["crm.customer.metrics"]

    @classmethod
    def _invoice(cls, partner, days_ago, quantity, price=100.0, move_type="out_invoice", product=None):
        """A posted invoice (or credit note) of ``quantity`` x ``product`` (default: the class's) without tax."""
        return posted_invoice(cls.env, partner, cls.today - timedelta(days=days_ago), product or cls.product,
                              quantity, price, move_type=move_type)


class HandCheckedCase(AnalyticsInvoicingCase):
    """A hand-checked scenario in the test company: Alice (through a campaign and a contact) and Bob (with a
    credit note), a customer who never bought, a campaign with its spend, a manager and a strategy user."""

    SETTINGS = {"source": "invoice", "time_unit": "day", "horizon_months": "12", "discount_rate": "0",
                "buy_days": "30", "holdout_months": "1", "channel_dimension": "source", "forecast_months": "6",
                "backtest_months": "12", "clv_min_repeat": "1"}

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager, cls.strategy_user = strategy_users(cls.env, cls.company, "cra")
        cls.product = cls.env["product.product"].create({
            "name": "Chair", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
        })
        cls.alice = cls.env["res.partner"].create({"name": "Alice Corp", "is_company": True})
        cls.alice_contact = cls.env["res.partner"].create({"name": "Alice Buyer", "parent_id": cls.alice.id})
        cls.bob = cls.env["res.partner"].create({"name": "Bob Ltd", "is_company": True})
        cls.nobody = cls.env["res.partner"].create({"name": "Never Bought", "is_company": True})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring launch"})
        cls.source = cls.env["utm.source"].create({"name": "Trade fair"})
        # Alice: 1 chair 100 days ago (through the campaign), 2 chairs 50 days ago (ordered by her contact),
        # 1 chair 10 days ago. Bob: 2 chairs 30 days ago, one of them credited 20 days ago.
        first = cls._invoice(cls.alice, 100, 1)
        first.write({"campaign_id": cls.campaign.id, "source_id": cls.source.id})
        cls._invoice(cls.alice_contact, 50, 2)
        cls._invoice(cls.alice, 10, 1)
        cls._invoice(cls.bob, 30, 2)
        cls._invoice(cls.bob, 20, 1, move_type="out_refund")
        cls.env["crm.marketing.spend"].create({
            "name": "Fair stand", "campaign_id": cls.campaign.id, "amount": 300.0, "company_id": cls.company.id,
        })

    def _rows(self):
        rows = self.Metrics.search([("company_id", "=", self.company.id)])
        return {row.partner_id: row for row in rows}
