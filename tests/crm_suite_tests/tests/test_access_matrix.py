"""The access matrix of the suite: every model of the three addons (wizards included) x every kind of
user x create/read/write/unlink, written down as the expected table and asserted. A model added to the
suite without a row here fails the test, so the table grows with the suite. The fields the suite adds to
Odoo's models have their own table in test_field_access."""
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal", "crm_strategy_mass_mailing")
GROUPS = {
    "internal": "base.group_user",
    "strategy_user": "crm_strategy.group_crm_strategy_user",
    "strategy_manager": "crm_strategy.group_crm_strategy_manager",
    "purchase_user": "purchase.group_purchase_user",
    "portal": "base.group_portal",
}
OPERATIONS = (("r", "read"), ("w", "write"), ("c", "create"), ("u", "unlink"))
NONE = "----"
READ = "r---"
FULL = "rwcu"


def row(internal=NONE, strategy_user=NONE, strategy_manager=NONE, purchase_user=None, portal=NONE, public=NONE):
    return {
        "internal": internal, "strategy_user": strategy_user, "strategy_manager": strategy_manager,
        "purchase_user": internal if purchase_user is None else purchase_user, "portal": portal, "public": public,
    }


EXPECTED = {
    # crm_strategy
    "crm.segment": row(strategy_user="rw--", strategy_manager=FULL),
    "crm.segment.member": row(strategy_user=READ, strategy_manager="r--u"),
    "crm.segment.history": row(strategy_user=READ, strategy_manager=READ),
    "crm.segment.product.abc": row(strategy_user=READ, strategy_manager=READ),
    "crm.customer.measure": row(strategy_user=READ, strategy_manager="r--u"),
    "crm.typology.rule": row(strategy_user=READ, strategy_manager=FULL),
    "crm.profile.tag": row(internal=READ, strategy_user="rwc-", strategy_manager=FULL),
    "crm.strategy": row(strategy_user=READ, strategy_manager=FULL),
    "crm.strategy.line": row(strategy_user=READ, strategy_manager=FULL),
    "crm.customer.pnl": row(strategy_user=READ, strategy_manager=READ),
    "crm.sales.fact": row(strategy_user=READ, strategy_manager=READ),
    "crm.customer.profitability": row(strategy_user=READ, strategy_manager=READ),
    "crm.channel": row(strategy_user=READ, strategy_manager=FULL),
    "crm.channel.criterion": row(strategy_user=READ, strategy_manager=FULL),
    "crm.channel.estimate": row(strategy_user=READ, strategy_manager=FULL),
    # written by the channel assignment (SQL) and by a manager's override on the order or invoice
    "crm.channel.assignment": row(strategy_user=READ, strategy_manager=READ),
    "crm.channel.evaluation": row(strategy_user=READ, strategy_manager=FULL),
    "crm.channel.strategy": row(strategy_user=READ, strategy_manager=FULL),
    "crm.channel.strategy.line": row(strategy_user=READ, strategy_manager=FULL),
    "crm.cost.driver": row(strategy_user=READ, strategy_manager=FULL),
    "crm.admin.cost.rule": row(strategy_user=READ, strategy_manager=FULL),
    "crm.cost.pool": row(strategy_user=READ, strategy_manager=FULL),
    "crm.pnl.action.rule": row(strategy_user=READ, strategy_manager=FULL),
    "crm.segment.playbook": row(strategy_user=READ, strategy_manager=FULL),
    "crm.playbook.log": row(strategy_user=READ, strategy_manager="rw--"),
    "crm.playbook.log.line": row(strategy_user=READ, strategy_manager=READ),
    "crm.marketing.consent": row(strategy_user="rwc-", strategy_manager=FULL),
    "crm.pnl.decision": row(strategy_user=READ, strategy_manager="rw-u"),
    "crm.pnl.decision.effect": row(strategy_user=READ, strategy_manager=READ),
    # crm_analytics
    "crm.customer.metrics": row(strategy_user=READ, strategy_manager=READ),
    "crm.customer.metrics.request": row(strategy_manager="rwc-"),
    "crm.clv.model": row(strategy_user=READ, strategy_manager="r--u"),
    "crm.cohort.retention": row(strategy_user=READ, strategy_manager=READ),
    "crm.revenue.forecast": row(strategy_user=READ, strategy_manager=READ),
    "crm.marketing.spend": row(strategy_user=READ, strategy_manager=FULL),
    "crm.campaign.roi": row(strategy_user=READ, strategy_manager=READ),
    "crm.retention.trigger": row(strategy_user=READ, strategy_manager="r--u"),
    "crm.retention.report": row(strategy_user=READ, strategy_manager=READ),
    "crm.process.funnel": row(strategy_user=READ, strategy_manager=READ),
    # crm_partner_portal: portal vendors read their own rows (record rules), write through the portal routes
    "crm.supplier.commit": row(purchase_user="rw--", portal=READ),
    "crm.supplier.forecast": row(purchase_user=FULL, portal=READ),
    "crm.supplier.forecast.line": row(purchase_user=READ, portal=READ),
    "crm.supplier.stock.offer": row(purchase_user="rw--", portal=READ),
    "crm.supplier.scorecard": row(purchase_user=READ),
    "crm.supplier.webhook": row(purchase_user=READ),
    "crm.supplier.webhook.delivery": row(purchase_user=READ),
    # distributors read their own sell-out (record rule) and report it through the portal routes
    "crm.distributor.sellout": row(strategy_user="rw--", strategy_manager=FULL, purchase_user=READ, portal=READ),
    # wizards (transient): each row is its creator's only (record rules, test_wizard_isolation)
    "crm.channel.strategy.comparison": row(strategy_user=FULL, strategy_manager=FULL),
    "crm.channel.strategy.comparison.line": row(strategy_user=FULL, strategy_manager=FULL),
    "crm.analytics.export": row(strategy_user="rwc-", strategy_manager="rwc-"),
    "crm.playbook.apply.wizard": row(strategy_manager=FULL),
    "crm.playbook.apply.wizard.line": row(strategy_manager=FULL),
}


def suite_models(env, transient=False):
    """Concrete models the suite defines (not the Odoo models it extends); wizards too when ``transient``."""
    IMD = env["ir.model.data"].sudo()
    names = set()
    for data in IMD.search([("module", "in", SUITE), ("model", "=", "ir.model")]):
        model = env["ir.model"].sudo().browse(data.res_id)
        shared = IMD.search_count([("model", "=", "ir.model"), ("res_id", "=", model.id),
                                   ("module", "not in", SUITE)])
        if shared or model.model not in env:
            continue
        Model = env[model.model]
        if Model._abstract or (Model._transient and not transient):
            continue
        names.add(model.model)
    return names


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {key: new_test_user(cls.env, f"matrix_{key}", groups=group) for key, group in GROUPS.items()}
        cls.users["public"] = cls.env.ref("base.public_user")

    def test_every_suite_model_is_in_the_matrix(self):
        models = suite_models(self.env, transient=True)
        self.assertIn("crm.segment", models)
        self.assertIn("crm.analytics.export", models)
        self.assertEqual(sorted(models - set(EXPECTED)), [], "models without an expected access row")
        self.assertEqual(sorted(set(EXPECTED) - models), [], "rows for models that no longer exist")

    def test_access_matrix(self):
        for model, expected in EXPECTED.items():
            for who, user in self.users.items():
                actual = "".join(
                    letter if self.env[model].with_user(user).has_access(operation) else "-"
                    for letter, operation in OPERATIONS
                )
                with self.subTest(model=model, user=who):
                    self.assertEqual(actual, expected[who])


@tagged("post_install", "-at_install")
class TestPortalRpcRefused(HttpCase):
    def test_portal_user_cannot_reach_suite_models_over_json_rpc(self):
        portal = new_test_user(self.env, "matrix_rpc_portal", groups="base.group_portal", password="portal-pw-123")
        self.authenticate(portal.login, "portal-pw-123")
        for model, expected in EXPECTED.items():
            if "r" in expected["portal"]:
                continue
            with self.subTest(model=model), mute_logger("odoo.http"):
                result = self.url_open(
                    "/web/dataset/call_kw",
                    json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                        "model": model, "method": "search_read", "args": [[]], "kwargs": {"limit": 1}}},
                )
                body = result.json()
                self.assertIn("error", body, f"{model} answered a portal user: {body.get('result')}")
                self.assertIn("AccessError", body["error"]["data"]["name"])
