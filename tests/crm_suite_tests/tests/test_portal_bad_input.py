"""Bad input on the supplier portal, every form field and route: 10 MB values, malformed bodies, too many
fields, ids out of range and pages past the end are answered with a 4xx and a readable page (never a 500,
never the input echoed back), and nothing changes."""
from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import require_suite, setup_vendors

TEN_MB = "9" * (10 * 1024 * 1024)
HUGE_ID = 99999999999


@tagged("post_install", "-at_install")
class TestSupplierPortalBadInput(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.own = setup_vendors(cls.env)["own"]

    def setUp(self):
        super().setUp()
        self.authenticate("iso_own", "iso_own_pw")

    def _state(self):
        self.env.invalidate_all()
        own = self.own
        return (own["order"].acknowledged, own["order"].crm_supplier_commit_ids.ids, own["order"].invoice_ids.ids,
                own["forecast"].line_ids.mapped("qty_committed"), self.env["crm.supplier.stock.offer"].search([]).ids,
                own["order"].message_ids.ids)

    def _assert_refused(self, response, label):
        self.assertIn(response.status_code, (400, 404, 413), f"{label}: {response.status_code}")
        self.assertLess(len(response.content), 200_000, f"{label} echoes the input")
        if response.status_code == 400:
            self.assertIn("Nothing was changed", response.text, label)
        elif response.status_code == 413:
            self.assertIn("Too Large", response.text, label)

    def test_ten_megabytes_in_every_field(self):
        line, bucket, info, order = self.own["line"], self.own["bucket"], self.own["info"], self.own["order"]
        today = str(fields.Date.today())
        csrf = http.Request.csrf_token(self)
        forms = {
            f"/my/supplier/orders/{order.id}/commit": [
                {f"qty-{line.id}-0": TEN_MB, f"date-{line.id}-0": today},
                {f"qty-{line.id}-0": "1", f"date-{line.id}-0": TEN_MB},
                {f"reject-{line.id}": "1", f"reason-{line.id}": TEN_MB}],
            f"/my/supplier/forecast/{self.own['forecast'].id}/commit": [{f"commit-{bucket.id}": TEN_MB}],
            "/my/supplier/stock": [{f"qty-{info.id}": TEN_MB, f"delay-{info.id}": "1"},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": TEN_MB},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": "1", f"price-{info.id}": TEN_MB},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": "1", f"minqty-{info.id}": TEN_MB}],
        }
        before = self._state()
        for url, cases in forms.items():
            for n, form in enumerate(cases):
                with self.subTest(url=url, case=n), mute_logger("odoo.http", "werkzeug"):
                    response = self.url_open(url, data={**form, "csrf_token": csrf}, method="POST")
                    self._assert_refused(response, url)
        self.assertEqual(self._state(), before)

    def test_malformed_bodies(self):
        order, line = self.own["order"], self.own["line"]
        csrf = http.Request.csrf_token(self)
        url = f"/my/supplier/orders/{order.id}/commit?csrf_token={csrf}"
        before = self._state()
        cases = {
            "json body": {"json": {f"qty-{line.id}-0": "1"}},
            "garbage multipart": {"data": b"--xyz\r\ngarbage", "headers": {
                "Content-Type": "multipart/form-data; boundary=xyz"}},
            "empty body": {"data": b"", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            "binary body": {"data": bytes(range(256)) * 64, "headers": {
                "Content-Type": "application/x-www-form-urlencoded"}},
            "too many fields": {"data": {f"qty-{line.id}-{n}": "1" for n in range(5000)}},
            "key without line": {"data": {"qty-": "1", "date-": "2030-01-01"}},
            "key with brackets": {"data": {f"qty-{line.id}-0[]": "1", f"date-{line.id}-0[]": "2030-01-01"}},
        }
        for name, kwargs in cases.items():
            with self.subTest(case=name), mute_logger("odoo.http", "werkzeug"):
                response = self.url_open(url, method="POST", **kwargs)
                self._assert_refused(response, name)
        bill = f"/my/supplier/orders/{order.id}/bill"
        for name, kwargs in {
            "bill as text": {"data": {"bill": "not a file", "csrf_token": csrf}},
            "no bill": {"data": {"csrf_token": csrf}},
            "empty bill": {"data": {"csrf_token": csrf}, "files": {"bill": ("b.pdf", b"", "application/pdf")}},
            "not a pdf": {"data": {"csrf_token": csrf}, "files": {"bill": ("b.pdf", b"MZ\x90\x00", "application/pdf")}},
            "pdf renamed": {"data": {"csrf_token": csrf},
                            "files": {"bill": ("b.exe", b"%PDF-1.4\n", "application/pdf")}},
        }.items():
            with self.subTest(case=name), mute_logger("odoo.http", "werkzeug"):
                self._assert_refused(self.url_open(bill, method="POST", **kwargs), name)
        self.assertEqual(self._state(), before)

    def test_ids_and_pages_out_of_range(self):
        csrf = http.Request.csrf_token(self)
        before = self._state()
        for url in (f"/my/supplier/orders/{HUGE_ID}", f"/my/supplier/forecast/{HUGE_ID}",
                    f"/my/supplier/forecast/{HUGE_ID}/xlsx", f"/my/supplier/forecast/{HUGE_ID}/page/1",
                    "/my/supplier/orders/0", "/my/supplier/orders/-1", "/my/supplier/orders/abc"):
            with self.subTest(url=url), mute_logger("odoo.http", "werkzeug"):
                self.assertEqual(self.url_open(url).status_code, 404)
        for url in (f"/my/supplier/orders/{HUGE_ID}/acknowledge", f"/my/supplier/orders/{HUGE_ID}/commit",
                    f"/my/supplier/forecast/{HUGE_ID}/commit"):
            with self.subTest(url=url), mute_logger("odoo.http", "werkzeug"):
                response = self.url_open(url, data={"csrf_token": csrf}, method="POST")
                self.assertEqual(response.status_code, 404)
        for url in (f"/my/supplier/orders/page/{HUGE_ID}", "/my/supplier/orders/page/0",
                    f"/my/supplier/forecast/{self.own['forecast'].id}/page/{HUGE_ID}",
                    "/my/supplier/orders?sortby=nonsense&filterby=nonsense&search_in=nonsense",
                    "/my/supplier/orders?search=" + "%" * 2000, f"/my/supplier/forecast?search={'x' * 5000}",
                    f"/my/purchase/page/{HUGE_ID}", "/my/purchase?sortby=nonsense&filterby=nonsense"):
            with self.subTest(url=url[:80]), mute_logger("odoo.http", "werkzeug"):
                response = self.url_open(url)
                self.assertIn(response.status_code, (200, 303, 400, 404), url[:80])
                self.assertNotIn("x" * 5000, response.text)
        self.assertEqual(self._state(), before)
