"""Every public method of the suite, called through ``/web/dataset/call_kw`` as a vendor on the portal and
as a basic employee, is refused with an AccessError before it does any work, unless the method is meant
for them (ALLOWED below, with the reason). The methods are enumerated from the registry, so a method
added to the suite is called here without anyone listing it."""
from odoo import models
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import require_suite, setup_vendors

SUITE_PACKAGES = tuple(f"odoo.addons.{name}." for name in (
    "crm_strategy", "crm_analytics", "crm_partner_portal", "crm_strategy_mass_mailing"))
# (model, method) -> (who may call it: "portal", "employee" or both, why)
ALLOWED = {}


def suite_public_methods(env):
    """{(model, method): is it @api.model} of the methods the suite's code defines and JSON-RPC can reach:
    public (no underscore, not @api.private) and not one of the ORM's own, whose rights the access matrix
    checks."""
    methods = {}
    for name in env.registry:
        Model = env.registry[name]
        if Model._abstract and Model._inherit_children:
            continue  # a mixin: its methods are called on the models that inherit it
        for cls in Model.__mro__:
            if not cls.__module__.startswith(SUITE_PACKAGES):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("_") or not callable(value) or hasattr(models.BaseModel, attr):
                    continue
                method = getattr(Model, attr)
                if any(getattr(getattr(c, attr, None), "_api_private", False) for c in Model.__mro__):
                    continue
                methods[(name, attr)] = bool(getattr(method, "_api_model", False))
    return methods


@tagged("post_install", "-at_install")
class TestPublicMethodsRefused(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        own = setup_vendors(cls.env)["own"]
        cls.callers = {
            "portal": (own["user"], "iso_own_pw"),
            "employee": (new_test_user(cls.env, "rpc_employee", groups="base.group_user", password="rpc_employee_pw"),
                         "rpc_employee_pw"),
        }
        cls.methods = suite_public_methods(cls.env)

    def _target_ids(self, model, user):
        """A record the caller can read when there is one (its own order, say), else any record."""
        Model = self.env[model].with_context(active_test=False)
        if Model._abstract:
            return []
        for records in (Model.with_user(user), Model.sudo()):
            try:
                found = records.search([], limit=1, order="id")
            except AccessError:  # the caller reads none: any record will do
                continue
            if found:
                return found.ids
        return []

    def _call(self, model, method, args):
        return self.url_open("/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }).json()

    def test_enumeration_finds_the_suite_methods(self):
        """A guard on the guard: the enumeration sees methods of each addon and of Odoo models the suite extends."""
        for key in (("crm.customer.pnl", "action_refresh"), ("crm.segment", "action_refresh_members"),
                    ("crm.channel", "action_assign_channels"), ("crm.customer.measure", "action_refresh"),
                    ("crm.analytics.dashboard", "get_dashboard_data"), ("res.partner", "action_view_crm_metrics"),
                    ("crm.supplier.stock.offer", "action_approve"), ("crm.analytics.export", "action_export")):
            self.assertIn(key, self.methods)
        self.assertNotIn(("res.partner", "write"), self.methods, "ORM methods are the access matrix's")

    def test_every_public_method_refuses_portal_and_basic_employee(self):
        for who, (user, password) in self.callers.items():
            self.authenticate(user.login, password)
            for (model, method), api_model in sorted(self.methods.items()):
                if who in ALLOWED.get((model, method), ("",))[0]:
                    continue
                args = [] if api_model else [self._target_ids(model, user)]
                with self.subTest(who=who, method=f"{model}.{method}"), mute_logger("odoo.http"):
                    body = self._call(model, method, args)
                    self.assertIn("error", body, f"{who} called {model}.{method}: {str(body.get('result'))[:200]}")
                    self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.AccessError",
                                     body["error"]["data"].get("message"))
