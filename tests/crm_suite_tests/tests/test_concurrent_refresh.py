"""Two refreshes of the same data never both run: while one transaction refreshes a company's segments,
customer P&L or analytics, or publishes a vendor's forecast, a second transaction is refused with a
readable message (button) or skips that company (cron), and writes nothing."""
from odoo import api
from odoo.addons.crm_strategy.tools.locks import lock_namespace
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import require_suite


@tagged("post_install", "-at_install")
class TestConcurrentRefresh(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.company = cls.env.ref("base.main_company")

    def _second_transaction(self):
        """Another worker: its own connection, which must never wait for ours (it would hang the test)."""
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET lock_timeout = '3s'")
        return api.Environment(cr, api.SUPERUSER_ID, {})

    def _count(self, env, table):
        env.cr.execute(SQL("SELECT COUNT(*), MAX(id) FROM %s", SQL.identifier(table)))
        return env.cr.fetchone()

    def test_segment_refresh(self):
        segment = self.env["crm.segment"].create({"name": "Concurrent", "code": "CONCURRENT",
                                                  "company_id": self.company.id,
                                                  "rule_domain": "[('customer_rank', '>', 0)]"})
        segment.action_refresh_members()  # ours holds the company until the end of the transaction
        other = self._second_transaction()
        demo = other["crm.segment"].search([("company_id", "=", self.company.id)])
        self.assertTrue(demo, "demo segments of the main company are committed")
        before = self._count(other, "crm_segment_member"), self._count(other, "crm_segment_history")
        with self.assertRaisesRegex(UserError, "already running"):
            demo.action_refresh_members()
        other["crm.segment"]._cron_refresh_members()  # the cron skips the busy company
        self.assertEqual((self._count(other, "crm_segment_member"), self._count(other, "crm_segment_history")),
                         before)

    def test_customer_pnl_refresh(self):
        self.env["crm.customer.pnl"]._refresh_pnl(self.company)
        other = self._second_transaction()
        before = self._count(other, "crm_customer_pnl")
        with self.assertRaisesRegex(UserError, "already running"):
            other["crm.customer.pnl"]._refresh_pnl(self.company)
        other["crm.customer.pnl"]._refresh_pnl(self.company, raise_if_locked=False)
        self.assertEqual(self._count(other, "crm_customer_pnl"), before)

    def test_analytics_refresh(self):
        self.env["crm.customer.metrics"]._refresh(self.company)
        other = self._second_transaction()
        before = self._count(other, "crm_customer_metrics"), self._count(other, "crm_clv_model")
        with self.assertRaisesRegex(UserError, "already running"):
            other["crm.customer.metrics"]._refresh(self.company)
        self.assertEqual(other["crm.customer.metrics"]._refresh(self.company, raise_if_locked=False), {})
        self.assertEqual((self._count(other, "crm_customer_metrics"), self._count(other, "crm_clv_model")), before)

    def test_forecast_publish(self):
        vendor = self.env["res.partner"].create({"name": "Concurrent vendor", "is_company": True})
        draft = self.env["crm.supplier.forecast"].create({"partner_id": vendor.id})
        other = self._second_transaction()  # another worker publishing this vendor's forecast
        other.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)",
                             lock_namespace("crm_partner_portal.forecast_publish"), vendor.id))
        with self.assertRaisesRegex(UserError, "already being published"):
            draft.action_publish()
        self.assertEqual((draft.state, draft.version, draft.line_count), ("draft", 0, 0))
        other.cr.rollback()
        draft.action_publish()
        self.assertEqual((draft.state, draft.version), ("published", 1))
