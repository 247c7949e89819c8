"""Issue 15, item 3: writes on the supplier portal are the vendor's own. An internal user who may read a
purchase order (Inventory/User, Purchase/User, even one whose contact belongs to the vendor) and another
vendor holding an access token are refused with a readable 403/404 on every POST route, and nothing changes;
the vendor's portal users (any contact of its commercial partner) still write. Bills are capped per order
and a file already uploaded for the order is refused."""
import hashlib

from odoo import http
from odoo.addons.crm_partner_portal.const import MAX_BILLS_PER_ORDER
from odoo.tests import HttpCase, tagged

from .portal_fixtures import PDF, db_state, post_rules, setup_portal_writers, write_forms


@tagged("post_install", "-at_install")
class TestSupplierPortalWriteRights(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendors, cls.users = setup_portal_writers(cls.env)
        cls.own, cls.other = cls.vendors["own"], cls.vendors["other"]

    def _post(self, url, form, files=None, token=None):
        data = {**form, "csrf_token": http.Request.csrf_token(self)}
        if token:
            data["access_token"] = token
        return self.url_open(url, data=data, files=files, allow_redirects=False, method="POST")

    def test_every_write_route_is_covered(self):
        """A new POST route fails here until it is in ``write_forms`` (and so in the checks below)."""
        self.assertEqual(post_rules(self.env), set(write_forms(self.own)))

    def test_internal_users_cannot_write_as_the_vendor(self):
        """The reproduced hole: an Inventory/User acknowledged, committed and billed P000xx as the vendor."""
        self.own["forecast"]._portal_ensure_token()
        tokens = {"order": self.own["order"].access_token, "forecast": self.own["forecast"].access_token}
        before = db_state(self.env, self.vendors)
        for key in ("stock", "buyer", "insider"):
            self.authenticate(f"wr_{key}", f"wr_{key}_pw")
            for rule, (url, form, files) in write_forms(self.own).items():
                token = tokens["forecast" if "forecast" in rule else "order"]
                for with_token in (False, True):
                    with self.subTest(user=key, rule=rule, token=with_token):
                        response = self._post(url, form, files, token if with_token else None)
                        self.assertIn(response.status_code, (403, 404), response.text[:300])
                        if response.status_code == 403:
                            self.assertIn("portal users can answer on the supplier portal", response.text)
        self.assertEqual(db_state(self.env, self.vendors), before)
        # the order is readable by the Inventory/User, the refusal says why
        self.authenticate("wr_stock", "wr_stock_pw")
        url, form, files = write_forms(self.own)["/my/supplier/orders/<int:order_id>/acknowledge"]
        response = self._post(url, form, files)
        self.assertEqual(response.status_code, 403)
        self.assertIn("Nothing was changed", response.text)
        page = self.url_open(f"/my/supplier/orders/{self.own['order'].id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_crm_supplier_send_commits", page.text, "no write form for whom may not write")
        self.assertNotIn("o_crm_supplier_bill_form", page.text)

    def test_internal_users_read_the_home_page(self):
        """An employee who reads purchase orders opens /my/supplier without an error page (the forecast count,
        the commitments of the waiting orders are not theirs to read), and sees no other vendor's order."""
        for key in ("stock", "buyer"):
            self.authenticate(f"wr_{key}", f"wr_{key}_pw")
            with self.subTest(user=key):
                page = self.url_open("/my/supplier")
                self.assertEqual(page.status_code, 200)
                self.assertNotIn(self.own["order"].name, page.text)

    def test_a_token_alone_never_writes(self):
        """Another vendor's portal user holding the order's (or forecast's) link reads it, writes nothing."""
        self.own["forecast"]._portal_ensure_token()
        order, forecast = self.own["order"], self.own["forecast"]
        self.authenticate("iso_other", "iso_other_pw")
        page = self.url_open(f"/my/supplier/orders/{order.id}?access_token={order.access_token}")
        self.assertEqual(page.status_code, 200, "the token still opens the page")
        self.assertNotIn("o_crm_supplier_send_commits", page.text)
        self.assertNotIn("o_crm_supplier_acknowledge", page.text)
        self.assertNotIn("name=\"access_token\"", page.text, "no form carries the token to a write")
        before = db_state(self.env, self.vendors)
        for rule, (url, form, files) in write_forms(self.own).items():
            token = forecast.access_token if "forecast" in rule else order.access_token
            with self.subTest(rule=rule):
                response = self._post(url, form, files, token)
                self.assertIn(response.status_code, (400, 403, 404))
                self.assertNotIn("Traceback", response.text)
        self.assertEqual(db_state(self.env, self.vendors), before)

    def test_the_vendors_portal_users_still_write(self):
        """Any contact of the vendor's commercial partner answers, through every write route."""
        self.authenticate("wr_colleague", "wr_colleague_pw")
        for rule, (url, form, files) in write_forms(self.own).items():
            with self.subTest(rule=rule):
                response = self._post(url, form, files)
                self.assertEqual(response.status_code, 303, response.text[:300])
        self.env.invalidate_all()
        self.assertTrue(self.own["order"].acknowledged)
        self.assertEqual(len(self.own["order"].invoice_ids), 1)

    def test_bills_capped_and_duplicates_refused(self):
        order, cap = self.own["order"], MAX_BILLS_PER_ORDER
        url = f"/my/supplier/orders/{order.id}/bill"
        self.authenticate("iso_own", "iso_own_pw")
        self.assertEqual(self._post(url, {}, {"bill": ("a.pdf", PDF, "application/pdf")}).status_code, 303)
        before = db_state(self.env, self.vendors)
        response = self._post(url, {}, {"bill": ("renamed.pdf", PDF, "application/pdf")})
        self.assertEqual(response.status_code, 400)
        self.assertIn("already uploaded", response.text)
        self.assertEqual(db_state(self.env, self.vendors), before)
        self.assertEqual(order.invoice_ids.crm_supplier_bill_sha256, hashlib.sha256(PDF).hexdigest())
        for n in range(1, cap):
            pdf = PDF + b"%% bill %d\n" % n
            self.assertEqual(self._post(url, {}, {"bill": (f"{n}.pdf", pdf, "application/pdf")}).status_code, 303)
        self.assertEqual(len(order.invoice_ids), cap)
        before = db_state(self.env, self.vendors)
        response = self._post(url, {}, {"bill": ("one-more.pdf", PDF + b"% more\n", "application/pdf")})
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"{cap} bills", response.text)
        self.assertEqual(db_state(self.env, self.vendors), before)
