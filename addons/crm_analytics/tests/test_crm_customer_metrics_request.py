from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import queued_refreshes


@tagged("post_install", "-at_install")
class TestCustomerMetricsRequest(TransactionCase):
    """The queue of the background refresh: one row per company, a full refresh never downgraded, and only
    managers queue, for their own companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.other = cls.env["res.company"].create([{"name": "Queue Co"}, {"name": "Queue Other"}])
        company_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.manager = new_test_user(cls.env, "queue_manager", groups="crm_strategy.group_crm_strategy_manager",
                                    **company_vals)
        cls.user = new_test_user(cls.env, "queue_user", groups="crm_strategy.group_crm_strategy_user",
                                 **company_vals)
        cls.env["crm.customer.metrics.request"].sudo().search([]).unlink()

    def test_one_row_per_company_never_downgraded(self):
        Request = self.env["crm.customer.metrics.request"].with_user(self.manager)
        Request._queue(self.company, False)
        self.assertEqual(queued_refreshes(self.env), {self.company.id: False})
        Request._queue(self.company, True)
        Request._queue(self.company, False)
        self.assertEqual(queued_refreshes(self.env), {self.company.id: True})
        self.assertEqual(Request.search_count([]), 1)

    def test_rights(self):
        with self.assertRaises(AccessError):
            self.env["crm.customer.metrics.request"].with_user(self.manager)._queue(self.other, True)
        with self.assertRaises(AccessError):
            self.env["crm.customer.metrics.request"].with_user(self.user)._queue(self.company, True)
        self.assertEqual(queued_refreshes(self.env), {})
