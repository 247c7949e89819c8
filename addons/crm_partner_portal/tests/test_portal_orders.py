from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SupplierPortalCommon, SupplierPortalHttpCommon
from .portal_html import DAY, dates_shown, field_error, has_class, input_of, texts, tree


@tagged("post_install", "-at_install")
class TestSupplierPortal(SupplierPortalHttpCommon, SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.po_a_draft = cls._make_order(cls.vendor_a, [(cls.product_bolt, 3)], state="draft")
        cls.line_bolt, cls.line_nut = cls.po_a.order_line

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
        """One order list: Odoo's /my/purchase, with the suite's filters, search and the vendor's answers."""
        self.po_a._crm_register_supplier_commits({self.line_bolt: [
            {"kind": "commit", "quantity": 100, "date_commit": self.date_planned.date()}]}, self.contact_a)
        response = self.url_open("/my/purchase?filterby=crm_all")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.po_a.name, response.text)
        self.assertIn("o_portal_submenu", response.text)
        self._assert_no_foreign_data(response.text)
        answers = {row.get("data-order-id"): " ".join(row.text_content().split())
                   for row in tree(response).xpath(f"//td[{has_class('o_crm_supplier_order_answer')}]")}
        self.assertEqual(answers[str(self.po_a.id)], "To acknowledge 1 committed")
        self.assertNotIn(str(self.po_a_draft.id), answers, "drafts are the buyer's business")
        # an order still requested (no confirmation date) says so where the confirmation date would be
        confirmations = {row.xpath(".//td[@id='order_name']//a")[0].text: " ".join(
            row.xpath(".//td[@id='order_confirmation']")[0].text_content().split())
            for row in tree(response).xpath("//tr[td[@id='order_confirmation']]")}
        self.assertEqual(confirmations[self.po_a.name], "Requested")
        self.assertNotIn("Requested", confirmations[self.po_a_confirmed.name])
        response = self.url_open(f"/my/purchase?sortby=name&filterby=crm_rfq&search={self.po_a.name}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.po_a.name, response.text)
        self.assertNotIn(self.po_a_confirmed.name, response.text)
        # an unknown sort or filter falls back to the defaults; another vendor's order is never found
        response = self.url_open(f"/my/purchase?sortby=x;drop&filterby=zzz&search={self.po_b.name}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_crm_supplier_order_answer", response.text)
        self.assertNotIn(f"/my/purchase/{self.po_b.id}", response.text)
        self.assertNotIn(self.vendor_b.name, response.text)
        self.assertEqual(self.url_open("/my/purchase/page/2?filterby=crm_open").status_code, 200)

    def test_old_order_links_redirect(self):
        """The suite's former list and order pages answer 301 to /my/purchase, filters kept; another vendor's
        order is still not found."""
        response = self.url_open(f"/my/supplier/orders?sortby=planned&filterby=rfq&search={self.po_a.name}",
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response.headers["Location"].split("/my/purchase?", 1)[1],
                         f"filterby=crm_rfq&sortby=crm_planned&search={self.po_a.name}")
        response = self.url_open("/my/supplier/orders/page/3?filterby=open", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].endswith("/my/purchase/page/3?filterby=crm_open&sortby=date"))
        response = self.url_open(f"/my/supplier/orders/{self.po_a.id}?message=committed", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].endswith(f"/my/purchase/{self.po_a.id}?message=committed"))
        followed = self.url_open(f"/my/supplier/orders/{self.po_a.id}")
        self.assertIn(f'name="qty-{self.line_bolt.id}-0"', followed.text)
        self.assertEqual(self.url_open(f"/my/supplier/orders/{self.po_b.id}", allow_redirects=False).status_code,
                         404)

    def test_order_page_own_and_foreign(self):
        response = self.url_open(f"/my/purchase/{self.po_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'name="qty-{self.line_bolt.id}-0"', response.text)
        self.assertIn("csrf_token", response.text)
        for order in (self.po_b, self.po_a_draft):
            with self.subTest(order=order.name):
                response = self.url_open(f"/my/supplier/orders/{order.id}")
                self.assertEqual(response.status_code, 404)
                self._assert_no_foreign_data(response.text)
        # Odoo's own page: another vendor's order sends back to /my; a draft has no answer section
        response = self.url_open(f"/my/purchase/{self.po_b.id}", allow_redirects=False)
        self.assertEqual((response.status_code, response.headers["Location"].rsplit("/", 1)[-1]), (303, "my"))
        self._assert_no_foreign_data(self.url_open(f"/my/purchase/{self.po_b.id}").text)
        self.assertNotIn("o_crm_supplier_order_section", self.url_open(f"/my/purchase/{self.po_a_draft.id}").text)
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
        page = self.url_open(f"/my/purchase/{self.po_a.id}").text
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

    def test_refused_form_keeps_the_typed_values(self):
        """One bad field: HTTP 400, the order page again with every typed value, the error next to the field,
        and nothing written."""
        bolt, nut = self.line_bolt.id, self.line_nut.id
        later = (self.date_planned.date() + timedelta(days=7)).isoformat()
        form = {f"qty-{bolt}-0": "ten", f"date-{bolt}-0": later, f"qty-{bolt}-1": "40", f"date-{bolt}-1": later,
                f"reject-{nut}": "1", f"reason-{nut}": "Out of <b>stock</b>"}
        messages = len(self.po_a.message_ids)
        response = self._post(f"/my/supplier/orders/{self.po_a.id}/commit", form)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Nothing was changed", response.text)
        for name, value in form.items():
            with self.subTest(field=name):
                node = input_of(response, name)
                if name.startswith("reject"):
                    self.assertEqual(node.get("checked"), "checked")
                else:
                    self.assertEqual(node.get("value"), value, "typed value lost")
        self.assertIn("is-invalid", input_of(response, f"qty-{bolt}-0").get("class"))
        self.assertNotIn("is-invalid", input_of(response, f"qty-{bolt}-1").get("class"))
        self.assertEqual(field_error(response, f"qty-{bolt}-0"), "“ten” is not a number.")
        self.assertIsNone(field_error(response, f"date-{bolt}-0"))
        self.assertNotIn("<b>stock</b>", response.text)
        self.assertFalse(self.po_a.crm_supplier_commit_ids)
        self.assertEqual(len(self.po_a.message_ids), messages)
        # every bad field at once, each with its own message; a past date next to its date
        form = {f"qty-{bolt}-0": "-2", f"date-{bolt}-0": "2001-01-01", f"qty-{bolt}-1": "3",
                f"date-{bolt}-1": "31/12/2030", f"reject-{nut}": "1", f"reason-{nut}": " "}
        response = self._post(f"/my/supplier/orders/{self.po_a.id}/commit", form)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(field_error(response, f"qty-{bolt}-0"), "A committed quantity must be a positive number.")
        self.assertEqual(field_error(response, f"date-{bolt}-1"), "“31/12/2030” is not a date (expected YYYY-MM-DD).")
        self.assertIn("Give a reason", field_error(response, f"reason-{nut}"))
        self.assertEqual(input_of(response, f"date-{bolt}-1").get("value"), "31/12/2030")
        self.assertFalse(self.po_a.crm_supplier_commit_ids)

    def test_proposed_date_is_never_past(self):
        """The first delivery is proposed on the requested date, today when that date is past (sending the
        proposal as it is must not be refused)."""
        past = fields.Datetime.now() - timedelta(days=10)
        self.line_nut.date_planned = past
        page = self.url_open(f"/my/purchase/{self.po_a.id}")
        proposed = input_of(page, f"date-{self.line_nut.id}-0").get("value")
        self.assertGreaterEqual(proposed, str(fields.Date.today() - timedelta(days=1)))
        self.assertEqual(input_of(page, f"date-{self.line_bolt.id}-0").get("value"),
                         self.line_bolt.date_planned.date().isoformat())
        form = {name: node.get("value") for name, node in (
            (f"{kind}-{line.id}-0", input_of(page, f"{kind}-{line.id}-0"))
            for line in (self.line_bolt, self.line_nut) for kind in ("qty", "date"))}
        self.assertEqual(self._post(f"/my/supplier/orders/{self.po_a.id}/commit", form).status_code, 303)
        self.assertEqual(len(self.po_a.crm_supplier_commit_ids), 2)

    def test_dates_show_their_year(self):
        """Every date of the order pages in the user's language format, with the year: order, arrival,
        requested and committed dates."""
        day = self.date_planned.date() + timedelta(days=3)
        self._post(f"/my/supplier/orders/{self.po_a.id}/commit", {
            f"qty-{self.line_bolt.id}-0": "100", f"date-{self.line_bolt.id}-0": day.isoformat()})
        expected = day.strftime("%m/%d/%Y")
        for url in ("/my/supplier", f"/my/purchase/{self.po_a.id}"):
            with self.subTest(url=url):
                shown = dates_shown(self.url_open(url))
                self.assertTrue(shown)
                for text in shown:
                    self.assertRegex(text, DAY)
        # the list is Odoo's: its confirmation date, with the year
        self.po_a_confirmed.date_approve = self.date_planned
        listed = texts(self.url_open("/my/purchase"), "//td[@id='order_confirmation']")
        self.assertIn(self.date_planned.strftime("%m/%d/%Y"), listed[0])
        commits = texts(self.url_open(f"/my/purchase/{self.po_a.id}"), "//ul[contains(@class, 'commits')]/li")
        self.assertIn(expected, commits[0])
        self.assertNotIn(day.isoformat(), commits[0])

    def test_commit_on_foreign_order_is_not_found(self):
        response = self._post(f"/my/supplier/orders/{self.po_b.id}/commit", {
            f"qty-{self.po_b.order_line.id}-0": "7", f"date-{self.po_b.order_line.id}-0": "2030-01-01"})
        self.assertEqual(response.status_code, 404)
        self._assert_no_foreign_data(response.text)
        self.assertFalse(self.po_b.crm_supplier_commit_ids)

    def test_locked_order_is_read_only(self):
        self.po_a_confirmed.button_lock()
        page = self.url_open(f"/my/purchase/{self.po_a_confirmed.id}")
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
        for url in ("/my/supplier", "/my/purchase?filterby=crm_all", f"/my/supplier/orders/{self.po_a.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (200, 404))
                for text in (self.po_a.name, self.po_a_confirmed.name, self.vendor_a.name, self.contact_a.name):
                    self.assertNotIn(text, response.text)
        self.assertEqual(self.url_open(f"/my/supplier/orders/{self.po_a.id}").status_code, 404)
        self.assertNotIn(self.po_a.name, self.url_open(f"/my/purchase/{self.po_a.id}").text)


@tagged("post_install", "-at_install")
class TestSupplierPortalBill(SupplierPortalHttpCommon, SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.po_b_confirmed = cls._make_order(cls.vendor_b, [(cls.product_bolt, 4)], state="purchase")

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

    def test_uploaded_bill_listed_and_downloadable(self):
        page = self.url_open(f"/my/purchase/{self.po_a_confirmed.id}")
        self.assertIn("o_crm_supplier_no_bill", page.text)
        content = b"%PDF-1.4\n% listed bill\n"
        response = self._upload(self.po_a_confirmed, "INV-042.pdf", content)
        self.assertEqual(response.status_code, 303)
        bill = self.po_a_confirmed.invoice_ids
        self.assertIn(f"message=billed&bill={bill.id}", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self.assertIn("o_crm_supplier_billed", page.text)
        rows = texts(page, "//tr[contains(@class, 'o_crm_supplier_bill_row')]")
        self.assertEqual(len(rows), 1)
        self.assertIn("INV-042.pdf", rows[0])
        self.assertRegex(rows[0], r"\b\d{2}/\d{2}/%d\b" % bill.create_date.year, "upload date with its year")
        self.assertIn("Received", rows[0])
        self.assertTrue(bill.amount_total)
        self.assertIn(f"{bill.amount_total:,.2f}", rows[0], "the amount of the draft bill")
        self.assertIn("table-success", page.text, "the new bill is highlighted")
        download = self.url_open(f"/my/supplier/orders/{self.po_a_confirmed.id}/bills/{bill.id}")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, content)
        self.assertEqual(download.headers["Content-Type"], "application/pdf")
        self.assertIn("INV-042.pdf", download.headers["Content-Disposition"])

    def test_second_bill_is_never_negative(self):
        """Two bills on an order where nothing was received: the first for what is ordered, the second for what is
        left (nothing), never minus the first; both listed with their amounts."""
        self.assertEqual(self._upload(self.po_a_confirmed, "first.pdf", b"%PDF-1.4\n% first\n").status_code, 303)
        self.assertEqual(self._upload(self.po_a_confirmed, "second.pdf", b"%PDF-1.4\n% second\n").status_code, 303)
        first, second = self.po_a_confirmed.invoice_ids.sorted("id")
        self.assertGreater(first.amount_total, 0)
        self.assertEqual(second.move_type, "in_invoice")
        self.assertEqual(second.amount_total, 0)
        self.assertTrue(all(qty >= 0 for qty in second.invoice_line_ids.mapped("quantity")))
        page = self.url_open(f"/my/purchase/{self.po_a_confirmed.id}")
        rows = texts(page, "//tr[contains(@class, 'o_crm_supplier_bill_row')]")
        self.assertEqual([("second.pdf" in rows[0]), ("first.pdf" in rows[1])], [True, True], "newest first")
        amounts = texts(page, "//tr[contains(@class, 'o_crm_supplier_bill_row')]/td[3]")
        self.assertIn("0.00", amounts[0])
        self.assertNotIn("-", amounts[0], "no negative amount")

    def test_bill_download_is_the_vendors_own(self):
        """Another vendor, an employee who reads the order, another order's path: 404/403, no file."""
        content = b"%PDF-1.4\n% alpha's bill\n"
        self._upload(self.po_a_confirmed, "alpha.pdf", content)
        bill = self.po_a_confirmed.invoice_ids
        url = f"/my/supplier/orders/{self.po_a_confirmed.id}/bills/{bill.id}"
        self.po_a_confirmed._portal_ensure_token()
        self.authenticate("crm_pp_bob", "crm_pp_bob")
        for attempt in (url, f"{url}?access_token={self.po_a_confirmed.access_token}",
                        f"/my/supplier/orders/{self.po_b_confirmed.id}/bills/{bill.id}"):
            with self.subTest(url=attempt):
                response = self.url_open(attempt)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(content, response.content)
                self.assertNotIn("alpha.pdf", response.text)
        page = self.url_open(f"/my/purchase/{self.po_a_confirmed.id}?access_token="
                             f"{self.po_a_confirmed.access_token}")
        self.assertEqual(page.status_code, 200, "the token opens the order")
        self.assertNotIn("alpha.pdf", page.text, "but not the vendor's bills")
        new_test_user(self.env, "crm_pp_stock", groups="base.group_user,stock.group_stock_user",
                      password="crm_pp_stock")
        self.authenticate("crm_pp_stock", "crm_pp_stock")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(content, response.content)
        self.authenticate("crm_pp_alice", "crm_pp_alice")
        self.assertEqual(self.url_open(f"/my/supplier/orders/{self.po_a.id}/bills/{bill.id}").status_code, 404,
                         "the bill through another order of the vendor")
        self.assertEqual(self.url_open(url).content, content)
        # the buyer's own files on the bill are never offered, and a file whose content changed is not served
        vendor_file = bill.message_main_attachment_id
        self.env["ir.attachment"].with_user(self.buyer).sudo().create({
            "name": "internal-check.pdf", "raw": b"%PDF-1.4\n% buyer notes\n", "res_model": "account.move",
            "res_id": bill.id})
        vendor_file.unlink()
        page = self.url_open(f"/my/purchase/{self.po_a_confirmed.id}")
        self.assertNotIn("internal-check.pdf", page.text)
        self.assertNotIn("o_crm_supplier_bill_download", page.text)
        self.assertEqual(self.url_open(url).status_code, 404)

    def test_refused_upload_says_why_next_to_the_file(self):
        response = self._upload(self.po_a_confirmed, "bill.exe", b"%PDF-1.4\n")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(field_error(response, "bill"), "Only PDF files are accepted.")
        self.assertIn("Nothing was changed", response.text)
        self.assertFalse(self.po_a_confirmed.invoice_ids)

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
