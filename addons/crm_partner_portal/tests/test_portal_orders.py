from datetime import timedelta

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierPortal(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.po_a_draft = cls._make_order(cls.vendor_a, [(cls.product_bolt, 3)], state="draft")
        cls.line_bolt, cls.line_nut = cls.po_a.order_line

    def setUp(self):
        super().setUp()
        self.authenticate("crm_pp_alice", "crm_pp_alice")

    def _post(self, url, data, csrf=True):
        if csrf:
            data = {**data, "csrf_token": http.Request.csrf_token(self)}
        return self.url_open(url, data=data, allow_redirects=False, method="POST")

    def _assert_no_foreign_data(self, body):
        for text in (self.po_b.name, self.vendor_b.name, self.contact_b.name):
            self.assertNotIn(text, body)

    def test_home_counts_and_attention(self):
        response = self.url_open("/my/supplier")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.po_a.name, response.text)
        self.assertIn(self.po_a_confirmed.name, response.text)
        self.assertNotIn(self.po_a_draft.name, response.text)
        self._assert_no_foreign_data(response.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["crm_supplier_attention_count"]})
        self.assertEqual(counters["crm_supplier_attention_count"], 2)
        self.assertIn("/my/supplier", self.url_open("/my").text)

    def test_orders_list_search_sort_page(self):
        response = self.url_open("/my/supplier/orders")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.po_a.name, response.text)
        self.assertIn("o_portal_submenu", response.text)
        self._assert_no_foreign_data(response.text)
        response = self.url_open(f"/my/supplier/orders?sortby=name&filterby=rfq&search={self.po_a.name}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.po_a.name, response.text)
        self.assertNotIn(self.po_a_confirmed.name, response.text)
        # Unknown sort keys and filters fall back to the defaults; searching the other vendor's reference
        # finds nothing.
        response = self.url_open(f"/my/supplier/orders?sortby=x;drop&filterby=zzz&search={self.po_b.name}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_crm_supplier_order_row", response.text)
        self.assertNotIn(f"/my/supplier/orders/{self.po_b.id}", response.text)
        self.assertNotIn(self.vendor_b.name, response.text)
        self.assertEqual(self.url_open("/my/supplier/orders/page/2").status_code, 200)

    def test_order_page_own_and_foreign(self):
        response = self.url_open(f"/my/supplier/orders/{self.po_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'name="qty-{self.line_bolt.id}-0"', response.text)
        self.assertIn("csrf_token", response.text)
        for order in (self.po_b, self.po_a_draft):
            with self.subTest(order=order.name):
                response = self.url_open(f"/my/supplier/orders/{order.id}")
                self.assertEqual(response.status_code, 404)
                self._assert_no_foreign_data(response.text)
        self.assertEqual(self.url_open("/my/supplier/orders/999999999").status_code, 404)

    def test_acknowledge_own_and_foreign(self):
        response = self._post(f"/my/supplier/orders/{self.po_a.id}/acknowledge", {})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self.po_a.acknowledged)
        response = self._post(f"/my/supplier/orders/{self.po_b.id}/acknowledge", {})
        self.assertEqual(response.status_code, 404)
        self._assert_no_foreign_data(response.text)
        self.assertFalse(self.po_b.acknowledged)

    def test_post_without_csrf_is_refused(self):
        with mute_logger("odoo.http"):
            response = self._post(f"/my/supplier/orders/{self.po_a.id}/acknowledge", {}, csrf=False)
            self.assertEqual(response.status_code, 400)
            response = self._post(f"/my/supplier/orders/{self.po_a.id}/commit",
                                  {f"qty-{self.line_bolt.id}-0": "5", f"date-{self.line_bolt.id}-0": "2030-01-01"},
                                  csrf=False)
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self.po_a.acknowledged)
        self.assertFalse(self.po_a.crm_supplier_commit_ids)

    def test_commit_split_and_reject(self):
        day = self.date_planned.date()
        response = self._post(f"/my/supplier/orders/{self.po_a.id}/commit", {
            f"qty-{self.line_bolt.id}-0": "60", f"date-{self.line_bolt.id}-0": day.isoformat(),
            f"qty-{self.line_bolt.id}-1": "40", f"date-{self.line_bolt.id}-1": (day + timedelta(days=7)).isoformat(),
            f"qty-{self.line_bolt.id}-2": "", f"date-{self.line_bolt.id}-2": "",
            f"reject-{self.line_nut.id}": "1", f"reason-{self.line_nut.id}": "<script>alert('x')</script>",
        })
        self.assertEqual(response.status_code, 303)
        self.assertEqual(sorted(self.line_bolt.crm_supplier_commit_ids.mapped("quantity")), [40, 60])
        self.assertEqual(self.line_nut.crm_commit_status, "rejected")
        page = self.url_open(f"/my/supplier/orders/{self.po_a.id}").text
        self.assertIn("&lt;script&gt;alert(", page)
        self.assertNotIn("<script>alert(", page)
        self.assertTrue(self.po_a.activity_ids)

    def test_bad_input_is_refused_and_nothing_changes(self):
        day = self.date_planned.date().isoformat()
        bolt = self.line_bolt.id
        cases = {
            "negative": {f"qty-{bolt}-0": "-3", f"date-{bolt}-0": day},
            "zero": {f"qty-{bolt}-0": "0", f"date-{bolt}-0": day},
            "absurd": {f"qty-{bolt}-0": "1e12", f"date-{bolt}-0": day},
            "nan": {f"qty-{bolt}-0": "nan", f"date-{bolt}-0": day},
            "text": {f"qty-{bolt}-0": "ten", f"date-{bolt}-0": day},
            "bad date": {f"qty-{bolt}-0": "5", f"date-{bolt}-0": "31/12/2030"},
            "far date": {f"qty-{bolt}-0": "5", f"date-{bolt}-0": "2999-01-01"},
            "past date": {f"qty-{bolt}-0": "5", f"date-{bolt}-0": "2001-01-01"},
            "half row": {f"qty-{bolt}-0": "5"},
            "foreign line": {f"qty-{self.po_b.order_line.id}-0": "5", f"date-{self.po_b.order_line.id}-0": day},
            "bad split": {f"qty-{bolt}-9": "5", f"date-{bolt}-9": day},
            "reject without reason": {f"reject-{bolt}": "1", f"reason-{bolt}": "  "},
            "long reason": {f"reject-{bolt}": "1", f"reason-{bolt}": "x" * (10 * 1024 * 1024)},
            "empty": {},
        }
        for name, data in cases.items():
            with self.subTest(case=name):
                response = self._post(f"/my/supplier/orders/{self.po_a.id}/commit", data)
                self.assertIn(response.status_code, (400, 413))
                if response.status_code == 400:
                    self.assertIn("Nothing was changed", response.text)
                self._assert_no_foreign_data(response.text)
        self.assertFalse(self.po_a.crm_supplier_commit_ids)
        self.assertFalse(self.po_a.activity_ids)

    def test_commit_on_foreign_order_is_not_found(self):
        response = self._post(f"/my/supplier/orders/{self.po_b.id}/commit", {
            f"qty-{self.po_b.order_line.id}-0": "7", f"date-{self.po_b.order_line.id}-0": "2030-01-01"})
        self.assertEqual(response.status_code, 404)
        self._assert_no_foreign_data(response.text)
        self.assertFalse(self.po_b.crm_supplier_commit_ids)

    def test_locked_order_is_read_only(self):
        self.po_a_confirmed.button_lock()
        page = self.url_open(f"/my/supplier/orders/{self.po_a_confirmed.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_crm_supplier_readonly", page.text)
        self.assertNotIn("o_crm_supplier_send_commits", page.text)
        line = self.po_a_confirmed.order_line
        response = self._post(f"/my/supplier/orders/{self.po_a_confirmed.id}/commit", {
            f"qty-{line.id}-0": "10", f"date-{line.id}-0": self.date_planned.date().isoformat()})
        self.assertEqual(response.status_code, 400)
        response = self._post(f"/my/supplier/orders/{self.po_a_confirmed.id}/acknowledge", {})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(line.crm_supplier_commit_ids)
        self.assertFalse(self.po_a_confirmed.acknowledged)

    def test_other_vendor_sees_nothing_of_alpha(self):
        self.authenticate("crm_pp_bob", "crm_pp_bob")
        for url in ("/my/supplier", "/my/supplier/orders", f"/my/supplier/orders/{self.po_a.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (200, 404))
                for text in (self.po_a.name, self.po_a_confirmed.name, self.vendor_a.name, self.contact_a.name):
                    self.assertNotIn(text, response.text)
        self.assertEqual(self.url_open(f"/my/supplier/orders/{self.po_a.id}").status_code, 404)


@tagged("post_install", "-at_install")
class TestSupplierPortalBill(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.po_b_confirmed = cls._make_order(cls.vendor_b, [(cls.product_bolt, 4)], state="purchase")

    def setUp(self):
        super().setUp()
        self.authenticate("crm_pp_alice", "crm_pp_alice")

    def _upload(self, order, name, content, mimetype="application/pdf"):
        return self.url_open(f"/my/supplier/orders/{order.id}/bill",
                             data={"csrf_token": http.Request.csrf_token(self)},
                             files={"bill": (name, content, mimetype)}, allow_redirects=False)

    def test_upload_creates_a_draft_bill(self):
        response = self._upload(self.po_a_confirmed, "INV-001.pdf", b"%PDF-1.4\n% test bill\n")
        self.assertEqual(response.status_code, 303)
        bill = self.po_a_confirmed.invoice_ids
        self.assertEqual(len(bill), 1)
        self.assertEqual((bill.state, bill.move_type, bill.partner_id.commercial_partner_id),
                         ("draft", "in_invoice", self.vendor_a))
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, self.po_a_confirmed.order_line)
        self.assertEqual(bill.message_main_attachment_id.name, "INV-001.pdf")
        self.assertEqual(bill.activity_ids.user_id, self.buyer)

    def test_upload_refused(self):
        cases = {
            "not a pdf": ("bill.pdf", b"MZ\\x90 not a pdf"),
            "wrong extension": ("bill.exe", b"%PDF-1.4\\n"),
            "too big": ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            "empty": ("empty.pdf", b""),
        }
        for name, (filename, content) in cases.items():
            with self.subTest(case=name):
                response = self._upload(self.po_a_confirmed, filename, content)
                self.assertIn(response.status_code, (400, 413))
        response = self._upload(self.po_a, "rfq.pdf", b"%PDF-1.4\\n")
        self.assertEqual(response.status_code, 400)
        self.assertFalse((self.po_a_confirmed | self.po_a).invoice_ids)
        response = self._upload(self.po_b_confirmed, "bill.pdf", b"%PDF-1.4\\n")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.po_b_confirmed.name, response.text)
        self.assertFalse(self.po_b_confirmed.invoice_ids)
