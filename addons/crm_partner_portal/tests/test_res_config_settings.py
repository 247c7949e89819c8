from odoo.tests import TransactionCase, new_test_user, tagged

from ..const import FALLBACK_USER_PARAM
from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierPortalSettings(SupplierPortalCommon, TransactionCase):
    """Who gets the portal's to-dos when no buyer is known: a setting, the administrator by default."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.admin = cls.env.ref("base.user_admin")
        cls.follower = new_test_user(cls.env, "crm_pp_follower", groups="purchase.group_purchase_user")
        info_vals = {"partner_id": cls.vendor_a.id, "product_tmpl_id": cls.product_bolt.product_tmpl_id.id}
        cls.info = cls.env["product.supplierinfo"].create(info_vals)
        # an order whose buyer is a portal user: no internal buyer to follow the vendor's answers up
        cls.po_a.user_id = cls.portal_b

    def _save(self, user):
        self.env["res.config.settings"].create({"crm_supplier_fallback_user_id": user.id}).execute()

    def _offer_assignee(self):
        offer = self.env["crm.supplier.stock.offer"]._crm_supplier_propose(
            {self.info: {"qty_available": 5, "delay": 3, "min_qty": 0, "price": 0}})
        return offer.activity_ids.user_id

    def test_default_is_the_administrator(self):
        self.env["ir.config_parameter"].set_param(FALLBACK_USER_PARAM, False)
        self.assertEqual(self.env["res.config.settings"].create({}).crm_supplier_fallback_user_id, self.admin)
        self.assertEqual(self.env["res.users"]._crm_supplier_fallback_user(), self.admin)
        self.assertEqual(self.po_a._crm_buyer(), self.admin)
        self.assertEqual(self._offer_assignee(), self.admin)

    def test_the_setting_gets_the_todos(self):
        self._save(self.follower)
        self.assertEqual(self.env["ir.config_parameter"].get_param(FALLBACK_USER_PARAM), str(self.follower.id))
        self.assertEqual(self.env["res.config.settings"].create({}).crm_supplier_fallback_user_id, self.follower)
        self.assertEqual(self._offer_assignee(), self.follower)
        commit = self.po_a._crm_register_supplier_commits({self.po_a.order_line[0]: [
            {"kind": "commit", "quantity": 100, "date_commit": self.date_planned.date()}]}, self.contact_a)
        self.assertEqual(commit.order_id.activity_ids.user_id, self.follower)
        # the vendor's own buyer, and the order's internal buyer, still come first
        self.vendor_a.buyer_id = self.buyer
        self.assertEqual(self._offer_assignee(), self.buyer)
        self.assertEqual(self.po_a_confirmed._crm_buyer(), self.buyer)

    def test_a_user_who_can_no_longer_follow_falls_back_to_the_administrator(self):
        self._save(self.follower)
        self.follower.active = False
        self.assertEqual(self.env["res.users"]._crm_supplier_fallback_user(), self.admin)
        self.env["ir.config_parameter"].set_param(FALLBACK_USER_PARAM, str(self.portal_a.id))
        self.assertEqual(self.env["res.users"]._crm_supplier_fallback_user(), self.admin, "not an internal user")
        for typed in ("abc", "99999999999999999999", "-3"):
            with self.subTest(value=typed):
                self.env["ir.config_parameter"].set_param(FALLBACK_USER_PARAM, typed)
                self.assertEqual(self.env["res.users"]._crm_supplier_fallback_user(), self.admin)

    def test_only_administrators_read_the_setting(self):
        field = self.env["res.config.settings"]._fields["crm_supplier_fallback_user_id"]
        self.assertEqual(field.groups, "base.group_system")
        view = self.env.ref("crm_partner_portal.res_config_settings_view_form")
        self.assertIn("crm_supplier_fallback_user_id", view.arch_db)
