"""The whole attack surface of the supplier portal, enumerated rather than sampled: the inventory of
its routes (a new route fails the test until it is listed and checked here), login and CSRF required
on every route, JSON-RPC as a vendor on the models the portal reads, and every text a vendor can type
(stored or echoed back) rendered escaped."""
from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import require_suite, setup_vendors

POST = frozenset({"POST"})
ANY = frozenset({"*"})
# rule -> methods it accepts; every one is auth="user", type http, CSRF on
ROUTES = {
    ("/my/supplier", ANY),
    ("/my/supplier/orders", ANY),
    ("/my/supplier/orders/page/<int:page>", ANY),
    ("/my/supplier/orders/<int:order_id>", ANY),
    ("/my/supplier/orders/<int:order_id>/acknowledge", POST),
    ("/my/supplier/orders/<int:order_id>/commit", POST),
    ("/my/supplier/orders/<int:order_id>/bill", POST),
    ("/my/supplier/orders/<int:order_id>/bills/<int:bill_id>", ANY),
    ("/my/supplier/forecast", ANY),
    ("/my/supplier/forecast/<int:forecast_id>", ANY),
    ("/my/supplier/forecast/<int:forecast_id>/page/<int:page>", ANY),
    ("/my/supplier/forecast/<int:forecast_id>/commit", POST),
    ("/my/supplier/forecast/<int:forecast_id>/xlsx", ANY),
    ("/my/supplier/stock", frozenset({"GET"})),
    ("/my/supplier/stock", POST),
    ("/my/supplier/scorecard", ANY),
    ("/my/distributor", ANY),
    ("/my/distributor/page/<int:page>", ANY),
    ("/my/distributor/report", POST),
    ("/my/distributor/upload", POST),
    ("/my/distributor/forecast", ANY),
}
SUITE_MODULES = ("odoo.addons.crm_strategy", "odoo.addons.crm_analytics", "odoo.addons.crm_partner_portal")
PAYLOAD = '<img src=x onerror="alert(1)">'
FILENAME = "<img src=x onerror=alert(1)>.pdf"  # a multipart file name cannot carry the quotes
RAW = "<img src=x onerror"


@tagged("post_install", "-at_install")
class TestSupplierPortalSurface(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        vendors = setup_vendors(cls.env)
        cls.own, cls.other = vendors["own"], vendors["other"]
        for vendor in vendors.values():
            order = vendor["order"]
            vendor["commit"] = order._crm_register_supplier_commits({order.order_line: [{
                "kind": "commit", "quantity": 5, "date_commit": fields.Date.today()}]}, vendor["user"].partner_id)
            vendor["offer"] = cls.env["crm.supplier.stock.offer"].create({
                "supplierinfo_id": vendor["info"].id, "partner_id": vendor["vendor"].id, "qty_available": 3,
                "delay": 2})

    def _urls(self):
        """Every route with the vendor's own ids."""
        order, forecast = self.own["order"].id, self.own["forecast"].id
        return {
            "/my/supplier": "/my/supplier", "/my/supplier/orders": "/my/supplier/orders",
            "/my/supplier/orders/page/<int:page>": "/my/supplier/orders/page/1",
            "/my/supplier/orders/<int:order_id>": f"/my/supplier/orders/{order}",
            "/my/supplier/orders/<int:order_id>/acknowledge": f"/my/supplier/orders/{order}/acknowledge",
            "/my/supplier/orders/<int:order_id>/commit": f"/my/supplier/orders/{order}/commit",
            "/my/supplier/orders/<int:order_id>/bill": f"/my/supplier/orders/{order}/bill",
            "/my/supplier/orders/<int:order_id>/bills/<int:bill_id>": f"/my/supplier/orders/{order}/bills/1",
            "/my/supplier/forecast": "/my/supplier/forecast",
            "/my/supplier/forecast/<int:forecast_id>": f"/my/supplier/forecast/{forecast}",
            "/my/supplier/forecast/<int:forecast_id>/page/<int:page>": f"/my/supplier/forecast/{forecast}/page/1",
            "/my/supplier/forecast/<int:forecast_id>/commit": f"/my/supplier/forecast/{forecast}/commit",
            "/my/supplier/forecast/<int:forecast_id>/xlsx": f"/my/supplier/forecast/{forecast}/xlsx",
            "/my/supplier/stock": "/my/supplier/stock",
            "/my/supplier/scorecard": "/my/supplier/scorecard",
            "/my/distributor": "/my/distributor", "/my/distributor/page/<int:page>": "/my/distributor/page/1",
            "/my/distributor/report": "/my/distributor/report",
            "/my/distributor/upload": "/my/distributor/upload", "/my/distributor/forecast": "/my/distributor/forecast",
        }

    def _state(self):
        self.env.invalidate_all()
        own = self.own
        return (own["order"].acknowledged, own["order"].crm_supplier_commit_ids.ids, own["order"].invoice_ids.ids,
                own["forecast"].line_ids.mapped("qty_committed"),
                self.env["crm.supplier.stock.offer"].search([]).ids, own["offer"].qty_available,
                self.env["crm.distributor.sellout"].search([]).ids)

    def test_route_inventory(self):
        found = set()
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if not rule.endpoint.__module__.startswith(SUITE_MODULES):
                continue
            routing = rule.endpoint.routing
            methods = routing["methods"]
            found.add((rule.rule, frozenset(set(methods) - {"OPTIONS", "HEAD"}) if methods else ANY))
            with self.subTest(rule=rule.rule):
                self.assertEqual((routing["type"], routing["auth"]), ("http", "user"))
                self.assertIsNot(routing.get("csrf", True), False, "a route of the suite disables CSRF")
        self.assertEqual(found, ROUTES, "routes of the suite not in the inventory (or gone)")
        self.assertEqual({rule for rule, _methods in ROUTES}, set(self._urls()))

    def test_every_route_needs_a_login(self):
        before = self._state()
        for rule, url in self._urls().items():
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                if (rule, POST) in ROUTES and (rule, frozenset({"GET"})) not in ROUTES:
                    self.assertIn(response.status_code, (303, 400, 405))
                else:
                    self.assertEqual(response.status_code, 303)
                    self.assertIn("/web/login", response.headers["Location"])
                self.assertNotIn("Yankee", response.text)
                with mute_logger("odoo.http"):
                    response = self.url_open(url, data={"x": "1"}, allow_redirects=False, method="POST")
                self.assertIn(response.status_code, (303, 400))
        self.assertEqual(self._state(), before)

    def test_every_route_refuses_a_post_without_csrf(self):
        self.authenticate("iso_own", "iso_own_pw")
        line, bucket, info = self.own["line"], self.own["bucket"], self.own["info"]
        data = {f"qty-{line.id}-0": "1", f"date-{line.id}-0": str(fields.Date.today()),
                f"commit-{bucket.id}": "2", f"qty-{info.id}": "7", f"delay-{info.id}": "1"}
        before = self._state()
        for url in self._urls().values():
            for token in (None, "forged-token"):
                with self.subTest(url=url, token=token), mute_logger("odoo.http"):
                    form = dict(data, csrf_token=token) if token else data
                    response = self.url_open(url, data=form, files={
                        "bill": ("b.pdf", b"%PDF-1.4\n", "application/pdf")}, allow_redirects=False, method="POST")
                    self.assertEqual(response.status_code, 400, f"{url} took a POST without a valid CSRF token")
        self.assertEqual(self._state(), before)

    def _call_kw(self, model, method, args, kwargs=None):
        return self.url_open("/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}}).json()

    def test_json_rpc_on_the_models_a_vendor_reads(self):
        """The portal reads its own rows through record rules; over JSON-RPC it writes nothing and sees
        nothing of another vendor."""
        self.authenticate("iso_own", "iso_own_pw")
        own, other = self.own, self.other
        cases = {  # model: (own record, other's record, a writable field and value, a business method)
            "crm.supplier.commit": (own["commit"], other["commit"], {"quantity": 1}, "action_accept"),
            "crm.supplier.forecast": (own["forecast"], other["forecast"], {"state": "draft"}, "action_publish"),
            "crm.supplier.forecast.line": (own["forecast"].line_ids, other["bucket"], {"qty_committed": 1}, None),
            "crm.supplier.stock.offer": (own["offer"], other["offer"], {"qty_available": 9}, "action_approve"),
        }
        before = self._state()
        for model, (mine, theirs, vals, action) in cases.items():
            with self.subTest(model=model), mute_logger("odoo.http"):
                rows = self._call_kw(model, "search_read", [[]], {"fields": ["id"]})["result"]
                self.assertEqual({row["id"] for row in rows}, set(mine.ids), "only the vendor's own rows")
                body = self._call_kw(model, "read", [theirs.ids, ["id"]])
                self.assertIn("error", body, f"read another vendor's {model}")
                calls = [("write", [mine.ids, vals]), ("create", [{"partner_id": own["vendor"].id}]),
                         ("unlink", [mine.ids])]
                for method, args in calls:
                    body = self._call_kw(model, method, args)
                    self.assertIn("error", body, f"{method} on {model} answered {body.get('result')}")
                    self.assertIn("AccessError", body["error"]["data"]["name"], f"{method} on {model}")
                if action:  # refused, by the access rights or first by the record's state
                    body = self._call_kw(model, action, [mine[:1].ids])
                    self.assertIn("error", body, f"{action} on {model} answered {body.get('result')}")
                    self.assertRegex(body["error"]["data"]["name"], "AccessError|UserError")
        self.assertEqual(self._state(), before)
        self.assertEqual((own["commit"].state, own["offer"].state), ("proposed", "proposed"))

    def test_json_rpc_without_a_session(self):
        with mute_logger("odoo.http"):
            body = self._call_kw("crm.supplier.commit", "search_read", [[]], {"fields": ["id"]})
        self.assertIn("error", body)
        self.assertIn("SessionExpired", body["error"]["data"]["name"])

    def _assert_escaped(self, response, label):
        self.assertNotIn(RAW, response.text, f"{label} renders the payload unescaped")

    def test_every_text_a_vendor_types_is_escaped(self):
        self.authenticate("iso_own", "iso_own_pw")
        csrf = http.Request.csrf_token(self)
        order, line, forecast = self.own["order"], self.own["line"], self.own["forecast"]
        bucket, info = self.own["bucket"], self.own["info"]
        today = str(fields.Date.today())
        # echoed back in the error page: every field a vendor types
        echoed = {
            f"/my/supplier/orders/{order.id}/commit": [
                {f"qty-{line.id}-0": PAYLOAD, f"date-{line.id}-0": today},
                {f"qty-{line.id}-0": "1", f"date-{line.id}-0": PAYLOAD}],
            f"/my/supplier/forecast/{forecast.id}/commit": [{f"commit-{bucket.id}": PAYLOAD}],
            "/my/supplier/stock": [{f"qty-{info.id}": PAYLOAD, f"delay-{info.id}": "1"},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": PAYLOAD},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": "1", f"minqty-{info.id}": PAYLOAD},
                                   {f"qty-{info.id}": "1", f"delay-{info.id}": "1", f"price-{info.id}": PAYLOAD}],
            "/my/distributor/report": [{"week": PAYLOAD, "product-0": PAYLOAD, "sold-0": PAYLOAD, "stock-0": "1"}],
        }
        before = self._state()
        for url, forms in echoed.items():
            for form in forms:
                with self.subTest(url=url, form=form):
                    response = self.url_open(url, data={**form, "csrf_token": csrf}, method="POST")
                    self.assertEqual(response.status_code, 400)
                    self._assert_escaped(response, url)
                    self.assertIn("Nothing was changed", response.text)
        response = self.url_open("/my/distributor/upload", data={"csrf_token": csrf}, files={"report": (
            "s.csv", f"product,week,sold,stock\n{PAYLOAD},{PAYLOAD},{PAYLOAD},1\n".encode(), "text/csv")})
        self.assertEqual(response.status_code, 400)
        self._assert_escaped(response, "/my/distributor/upload")
        self.assertEqual(self._state(), before)
        # searches, reflected in the page
        for url in (f"/my/supplier/orders?search={PAYLOAD}", f"/my/supplier/forecast/{forecast.id}?search={PAYLOAD}",
                    f"/my/supplier/forecast?search={PAYLOAD}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self._assert_escaped(response, url)
        # stored: the reason of a rejected line, the name of an uploaded bill
        response = self.url_open(f"/my/supplier/orders/{order.id}/commit", data={
            f"reject-{line.id}": "1", f"reason-{line.id}": PAYLOAD, "csrf_token": csrf}, method="POST")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/my/supplier/orders/{order.id}/bill", data={"csrf_token": csrf}, files={
            "bill": (FILENAME, b"%PDF-1.4\n", "application/pdf")}, method="POST")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(line.crm_commit_status, "rejected")
        self.assertEqual(line.crm_supplier_commit_ids.filtered(lambda c: c.kind == "reject").reason, PAYLOAD,
                         "stored as typed")
        bill = order.invoice_ids
        self.assertEqual(bill.message_main_attachment_id.name, FILENAME, "stored as typed")
        for url in (f"/my/supplier/orders/{order.id}", "/my/supplier/orders", "/my/supplier"):
            with self.subTest(url=url):
                self._assert_escaped(self.url_open(url), url)
        self.assertIn("&lt;img src=x onerror=", self.url_open(f"/my/supplier/orders/{order.id}").text)
        # and in the buyer's chatter (rendered by the web client from the stored HTML)
        for message in (order.message_ids | bill.message_ids):
            self.assertNotIn(RAW, str(message.body))
