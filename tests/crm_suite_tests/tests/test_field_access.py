"""The fields the suite adds to Odoo's models: each carries ``groups=``, and who reads it is written down
here per kind of user and asserted (a new field fails until it has a row). Then what a leak looked like:
a vendor on the portal and a basic employee reading or filtering on customer economics over JSON-RPC."""
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import require_suite, setup_vendors

SUITE = ("crm_strategy", "crm_analytics", "crm_partner_portal", "crm_strategy_mass_mailing")
MAGIC = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
USERS = {
    "internal": "base.group_user",
    "salesman": "sales_team.group_sale_salesman",
    "invoicing": "account.group_account_invoice",
    "strategy_user": "crm_strategy.group_crm_strategy_user",
    "purchase_user": "purchase.group_purchase_user",
    "portal": "base.group_portal",
}
STRATEGY = frozenset({"strategy_user"})
CHANNEL = frozenset({"strategy_user", "salesman", "invoicing"})
PURCHASE = frozenset({"purchase_user", "portal"})
# field -> who reads it; a prefix row covers every field of the suite starting with it on that model
READERS = {
    ("res.partner", "crm_distributor_"): frozenset({"strategy_user", "purchase_user"}),  # first match wins
    # customer profit on the sales screens: strategy and sales managers only (none of the kinds below)
    ("res.partner", "crm_profit_"): frozenset(),
    ("sale.order", "crm_banner_profit"): frozenset(),
    # who referred the customer: recorded by salespeople, counted by the strategy team
    ("res.partner", "crm_referred_by_id"): frozenset({"strategy_user", "salesman"}),
    ("res.partner", "crm_"): STRATEGY,
    ("sale.order", "crm_banner_"): STRATEGY,
    ("sale.order", "channel_"): CHANNEL,
    ("account.move", "channel_"): CHANNEL,
    ("account.move", "crm_supplier_"): frozenset({"purchase_user", "invoicing"}),
    ("purchase.order", "crm_"): PURCHASE,
    ("purchase.order.line", "crm_"): PURCHASE,
    ("product.supplierinfo", "crm_forecast_"): frozenset({"purchase_user"}),  # vendors' shares: buyers only
    ("res.config.settings", "crm_"): frozenset(),  # settings: administrators only
}


def suite_fields_on_odoo_models(env):
    """(model, field) of every field a suite addon declares on a model it does not define (fields that
    ``_inherits`` copies onto another model, like res.users from res.partner, follow their parent's)."""
    found = set()
    for name in env.registry:
        Model = env.registry[name]
        if Model._original_module in SUITE or Model._abstract:
            continue
        for field in Model._fields.values():
            if field._module in SUITE and not field.inherited and field.name not in MAGIC:
                found.add((name, field.name))
    return found


def readers_of(model, name):
    for (row_model, prefix), readers in READERS.items():
        if row_model == model and name.startswith(prefix):
            return readers
    return None


@tagged("post_install", "-at_install")
class TestFieldAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.users = {key: new_test_user(cls.env, f"fields_{key}", groups=group) for key, group in USERS.items()}
        cls.fields = suite_fields_on_odoo_models(cls.env)

    def test_every_added_field_has_groups_and_a_row(self):
        self.assertIn(("res.partner", "crm_margin_total"), self.fields)
        self.assertIn(("sale.order", "channel_id"), self.fields)
        for model, name in sorted(self.fields):
            with self.subTest(field=f"{model}.{name}"):
                self.assertTrue(self.env[model]._fields[name].groups, "no groups=")
                self.assertIsNotNone(readers_of(model, name), "no row in READERS")

    def test_readers_per_kind_of_user(self):
        for model, name in sorted(self.fields):
            field = self.env[model]._fields[name]
            expected = readers_of(model, name) or frozenset()
            for who, user in self.users.items():
                with self.subTest(field=f"{model}.{name}", user=who):
                    self.assertEqual(self.env[model].with_user(user)._has_field_access(field, "read"),
                                     who in expected)

    def test_computed_measures_refused_without_the_group(self):
        """Reading refuses before the compute runs (it reads as superuser), and so does a filter."""
        partner = self.env["res.partner"].create({"name": "Measured", "is_company": True})
        for who in ("internal", "portal", "salesman"):
            user = self.users[who]
            for name in ("crm_margin_total", "crm_revenue_12m", "crm_typology_id", "crm_primary_segment_id",
                         "crm_acquisition_channel_id", "crm_birth_year", "crm_clv", "crm_p_alive"):
                with self.subTest(user=who, field=name):
                    with self.assertRaises(AccessError):
                        partner.with_user(user).read([name])
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).search_count([(name, "!=", False)])
        self.assertEqual(partner.with_user(self.users["strategy_user"]).crm_order_count, 0)


@tagged("post_install", "-at_install")
class TestPartnerFieldsOverRpc(HttpCase):
    """The reproduced leak: a vendor read its own company's margin, typology and segment with call_kw."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.own = setup_vendors(cls.env)["own"]
        new_test_user(cls.env, "fields_rpc_employee", groups="base.group_user", password="fields_rpc_employee_pw")

    def _call(self, model, method, args, kwargs=None):
        return self.url_open("/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }).json()

    def test_portal_and_employee_cannot_read_nor_filter(self):
        vendor = self.own["vendor"]
        for login in ("iso_own", "fields_rpc_employee"):
            self.authenticate(login, f"{login}_pw")
            for name in ("crm_margin_total", "crm_revenue_12m", "crm_discount_share", "crm_typology_id",
                         "crm_primary_segment_id", "crm_acquisition_channel_id", "crm_birth_year",
                         "crm_income_band", "crm_education", "crm_clv"):
                with self.subTest(user=login, field=name), mute_logger("odoo.http"):
                    body = self._call("res.partner", "read", [[vendor.id], [name]])
                    self.assertEqual(body.get("error", {}).get("data", {}).get("name"),
                                     "odoo.exceptions.AccessError", body.get("result"))
                    body = self._call("res.partner", "search_count", [[(name, "!=", False)]])
                    self.assertEqual(body.get("error", {}).get("data", {}).get("name"),
                                     "odoo.exceptions.AccessError", body.get("result"))
            # the partner itself stays readable: only the suite's fields are closed
            body = self._call("res.partner", "read", [[vendor.id], ["name"]])
            self.assertEqual(body["result"][0]["name"], vendor.name)
