"""Portal isolation matrix of the supplier portal: every /my/supplier route, as one vendor, with every
object id of another vendor, answers 403/404 (or the vendor's own empty page) without any of the other
vendor's data, and changes nothing; every POST route refuses a request without CSRF token."""
from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import require_suite, setup_vendors

MARKERS = ("Zulu Forge", "Zulu Contact", "ZULU-SECRET-PART")


@tagged("post_install", "-at_install")
class TestSupplierPortalIsolation(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        require_suite(env)
        vendors = setup_vendors(env)
        cls.own, cls.other = vendors["own"], vendors["other"]

    def setUp(self):
        super().setUp()
        self.authenticate("iso_own", "iso_own_pw")

    def _state(self):
        o = self.other
        o["order"].invalidate_recordset()
        return (o["order"].acknowledged, len(o["order"].crm_supplier_commit_ids), len(o["order"].invoice_ids),
                o["bucket"].qty_committed, self.env["crm.supplier.stock.offer"].search_count([]))

    def _assert_clean(self, response, label):
        for marker in MARKERS:
            self.assertNotIn(marker, response.text, f"{label} leaks {marker}")

    def test_get_routes_with_the_other_vendor_ids(self):
        o = self.other
        for url in (f"/my/supplier/orders/{o['order'].id}", f"/my/supplier/forecast/{o['forecast'].id}",
                    f"/my/supplier/forecast/{o['forecast'].id}/xlsx",
                    f"/my/supplier/forecast/{o['forecast'].id}/page/2"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self._assert_clean(response, url)
        for url in ("/my/supplier", "/my/supplier/orders", f"/my/supplier/orders?search={o['order'].name}",
                    "/my/supplier/forecast", "/my/supplier/stock", "/my"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self._assert_clean(response, url)
                self.assertNotIn(f"/my/supplier/orders/{o['order'].id}", response.text)

    def test_post_routes_with_the_other_vendor_ids(self):
        o, csrf = self.other, http.Request.csrf_token(self)
        before = self._state()
        posts = [
            (f"/my/supplier/orders/{o['order'].id}/acknowledge", {}, None),
            (f"/my/supplier/orders/{o['order'].id}/commit",
             {f"qty-{o['line'].id}-0": "5", f"date-{o['line'].id}-0": str(fields.Date.today())}, None),
            (f"/my/supplier/orders/{o['order'].id}/bill", {}, {"bill": ("b.pdf", b"%PDF-1.4\n", "application/pdf")}),
            (f"/my/supplier/forecast/{o['forecast'].id}/commit", {f"commit-{o['bucket'].id}": "3"}, None),
            # the other vendor's ids inside the vendor's own forms
            (f"/my/supplier/orders/{self.own['order'].id}/commit",
             {f"qty-{o['line'].id}-0": "5", f"date-{o['line'].id}-0": str(fields.Date.today())}, None),
            (f"/my/supplier/forecast/{self.own['forecast'].id}/commit", {f"commit-{o['bucket'].id}": "3"}, None),
            ("/my/supplier/stock", {f"qty-{o['info'].id}": "3", f"delay-{o['info'].id}": "2"}, None),
        ]
        for url, data, files in posts:
            with self.subTest(url=url, data=data):
                response = self.url_open(url, data={**data, "csrf_token": csrf}, files=files, allow_redirects=False,
                                         method="POST")
                self.assertIn(response.status_code, (400, 403, 404))
                self._assert_clean(response, url)
                with mute_logger("odoo.http"):
                    response = self.url_open(url, data=data or {"x": "1"}, files=files, allow_redirects=False,
                                             method="POST")
                self.assertEqual(response.status_code, 400, f"{url} accepted a POST without CSRF token")
        self.assertEqual(self._state(), before)

    def test_portal_text_is_escaped(self):
        payload = '<img src=x onerror="alert(1)">'
        line = self.own["line"]
        response = self.url_open(f"/my/supplier/orders/{self.own['order'].id}/commit", data={
            f"reject-{line.id}": "1", f"reason-{line.id}": payload, "csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False, method="POST")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(line.crm_supplier_commit_ids.reason, payload, "stored as typed")
        page = self.url_open(f"/my/supplier/orders/{self.own['order'].id}").text
        self.assertNotIn(payload, page)
        self.assertIn("&lt;img src=x onerror=", page)
