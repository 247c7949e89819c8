"""The refreshes that rewrite whole tables, called by someone who may not: each is refused before its
work starts (the worker is never called) and the rows are the same afterwards. Reproduced as a vendor on
the portal: the P&L deleted and rebuilt, a segment refreshed, every document's channel rewritten."""
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import require_suite


@tagged("post_install", "-at_install")
class TestRefreshRights(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.portal = new_test_user(cls.env, "refresh_portal", groups="base.group_portal")
        cls.employee = new_test_user(cls.env, "refresh_employee", groups="base.group_user")
        cls.strategy_user = new_test_user(cls.env, "refresh_strategy_user",
                                          groups="crm_strategy.group_crm_strategy_user")
        cls.manager = new_test_user(cls.env, "refresh_manager", groups="crm_strategy.group_crm_strategy_manager")
        cls.segment = cls.env["crm.segment"].create({
            "name": "Rights", "code": "RIGHTS", "rule_domain": "[('is_company', '=', True)]"})
        cls.segment.action_refresh_members()
        cls.env["crm.customer.pnl"].action_refresh()

    def _refused(self, users, model, method, worker, ids=()):
        """``method`` raises AccessError for each user, without calling ``worker``."""
        Model = self.env[model]
        with patch.object(type(Model), worker, autospec=True) as work:
            for user in users:
                with self.subTest(user=user.login, method=f"{model}.{method}"), self.assertRaises(AccessError):
                    getattr(Model.with_user(user).browse(list(ids)), method)()
            self.assertFalse(work.called, f"{model}.{worker} ran before the refusal")

    def _snapshot(self, table):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT array_agg(id ORDER BY id) FROM {table}")  # noqa: S608 - a constant table name
        return self.env.cr.fetchone()[0]

    def test_customer_pnl_refresh(self):
        before = self._snapshot("crm_customer_pnl")
        self._refused([self.portal, self.employee, self.strategy_user], "crm.customer.pnl", "action_refresh",
                      "_refresh_pnl")
        self.assertEqual(self._snapshot("crm_customer_pnl"), before)
        self.env["crm.customer.pnl"].with_user(self.manager).action_refresh()

    def test_segment_refresh(self):
        before = self._snapshot("crm_segment_member")
        self._refused([self.portal, self.employee, self.strategy_user], "crm.segment", "action_refresh_members",
                      "_refresh_members", ids=self.segment.ids)
        self.assertEqual(self._snapshot("crm_segment_member"), before)
        self.segment.with_user(self.manager).action_refresh_members()
        self.segment.owner_id = self.strategy_user
        self.segment.with_user(self.strategy_user).action_refresh_members()

    def test_channel_assignment(self):
        self._refused([self.portal, self.employee, self.strategy_user], "crm.channel", "action_assign_channels",
                      "_assign_channels")
        self.env["crm.channel"].with_user(self.manager).action_assign_channels()

    def test_measure_refresh_refused_before_its_sql(self):
        self._refused([self.portal, self.employee, self.strategy_user], "crm.customer.measure", "action_refresh",
                      "_refresh_measures")
        self.env["crm.customer.measure"].with_user(self.manager).action_refresh()

    def test_analytics_refresh(self):
        self._refused([self.portal, self.employee, self.strategy_user], "crm.customer.metrics", "action_refresh",
                      "_request_refresh")
        self._refused([self.portal, self.employee, self.strategy_user], "crm.customer.metrics",
                      "action_refresh_incremental", "_request_refresh")


@tagged("post_install", "-at_install")
class TestListHeaderButtons(HttpCase):
    """A list header button sends the selected ids (none selected: an empty list): these refreshes crashed
    with "takes 1 positional argument but 2 were given" when they were @api.model methods."""

    def test_refresh_buttons_accept_the_selected_ids(self):
        require_suite(self.env)
        new_test_user(self.env, "header_manager", groups="crm_strategy.group_crm_strategy_manager,base.group_user",
                      password="header_manager_pw")
        self.authenticate("header_manager", "header_manager_pw")
        self.env["crm.customer.pnl"].action_refresh()
        for model, method in (("crm.customer.pnl", "action_refresh"), ("crm.customer.measure", "action_refresh"),
                              ("crm.channel.evaluation", "action_evaluate"), ("crm.channel", "action_assign_channels")):
            for selected in (False, True):
                ids = self.env[model].search([], limit=2).ids if selected else []
                with self.subTest(method=f"{model}.{method}", ids=ids):
                    body = self.url_open("/web/dataset/call_kw", json={
                        "jsonrpc": "2.0", "method": "call", "id": 1,
                        "params": {"model": model, "method": method, "args": [ids], "kwargs": {}},
                    }).json()
                    self.assertNotIn("error", body, body.get("error", {}).get("data", {}).get("message"))
                    self.assertEqual(body["result"]["type"], "ir.actions.client")
