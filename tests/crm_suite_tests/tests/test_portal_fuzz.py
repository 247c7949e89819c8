"""Issue 15, item 6: every parameter of every supplier portal route, fuzzed as the logged-in vendor (path
arguments, query string, form fields and form field names: wrong types, huge and negative numbers, ids out of
PostgreSQL's int4 range, another vendor's ids, unicode, NUL, empty, missing, 10k characters). No answer is a
500; a refusal is a 4xx with a readable page and changes nothing; a number field never takes garbage.

Routes, path arguments and parameters come from Odoo's routing map and the endpoints' signatures, so a new
route or parameter is fuzzed without touching this file; a new write route fails until its form is in
``FORMS`` and a new path argument until it is in ``_args``."""
import inspect
import re
from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged

from .common import setup_vendors
from .portal_fixtures import PDF, db_state, suite_routes

INT4_MAX = 2**31 - 1
VALUES = {
    "empty": "", "blank": "   ", "text": "abc", "decimal": "1.5", "zero": "0", "negative": "-1", "padded": " 2 ",
    "int4+1": str(INT4_MAX + 1), "int8": "99999999999", "huge": "9" * 20, "exponent": "1e308", "nan": "nan",
    "infinite": "-inf", "unicode": "é日本\u202e١٢", "superscript": "²", "nul": "1\x00", "10k": "7" * 10_000,
    "list": "[1, 2]", "markup": "<b>1</b>", "sql": "1; DROP TABLE res_users --",
}
MAYBE_NUMBERS = {"empty", "blank", "zero", "decimal", "padded"}  # valid or not depending on the field
NUMBER_FIELDS = ("qty", "date", "commit", "delay", "minqty", "price")
BAD_IDS = ("0", "-1", str(INT4_MAX + 1), "9" * 20)
READABLE = ("o_crm_supplier_error", "Error 404", ": Bad Request", ": Forbidden", "Too Large")
ALLOWED = {200, 301, 303, 400, 403, 404, 413}  # 301: the former order pages, moved to /my/purchase


@tagged("post_install", "-at_install")
class TestSupplierPortalFuzz(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendors = setup_vendors(cls.env)
        cls.own, cls.other = cls.vendors["own"], cls.vendors["other"]
        for key, vendor in cls.vendors.items():  # a bill each, for the download route
            vendor["bill"] = vendor["order"]._crm_supplier_upload_bill(
                f"{key}.pdf", PDF + f"% {key}\n".encode(), vendor["user"].partner_id)

    def setUp(self):
        super().setUp()
        self.authenticate("iso_own", "iso_own_pw")

    # ------------------------------------------------------------------ the routes
    def _args(self, vendor):
        return {"order_id": vendor["order"].id, "forecast_id": vendor["forecast"].id, "page": 1,
                "bill_id": vendor["bill"].id}

    def _forms(self):
        """Complete forms of the write routes with the vendor's ids: rule -> [(form, files)]."""
        line, bucket, info = self.own["line"].id, self.own["bucket"].id, self.own["info"].id
        day = str(fields.Date.today() + timedelta(days=7))  # in the future in every time zone
        past, code = str(fields.Date.today() - timedelta(days=8)), self.own["product"].default_code
        return {
            "/my/supplier/orders/<int:order_id>/acknowledge": [({}, None)],
            "/my/supplier/orders/<int:order_id>/commit": [
                ({f"qty-{line}-0": "2", f"date-{line}-0": day, f"qty-{line}-1": "3", f"date-{line}-1": day}, None),
                ({f"reject-{line}": "1", f"reason-{line}": "No steel"}, None)],
            "/my/supplier/orders/<int:order_id>/bill": [({}, {"bill": ("bill.pdf", PDF, "application/pdf")})],
            "/my/supplier/forecast/<int:forecast_id>/commit": [({f"commit-{bucket}": "3"}, None)],
            "/my/supplier/stock": [({f"qty-{info}": "7", f"delay-{info}": "4", f"minqty-{info}": "1",
                                     f"price-{info}": "2"}, None)],
            "/my/distributor/report": [({"week": past, "product-0": code, "sold-0": "3", "stock-0": "4"}, None)],
            "/my/distributor/upload": [({}, {"report": (
                "sellout.csv", f"product,week,sold,stock\n{code},{past},2,5\n".encode(), "text/csv")})],
        }

    def _routes(self):
        """(rule, url with the vendor's ids, method, parameters the endpoint names) of every route."""
        args = self._args(self.own)
        for rule, endpoint in suite_routes(self.env):
            methods = set(endpoint.routing["methods"] or ["GET", "POST"]) - {"OPTIONS", "HEAD"}
            method = "GET" if "GET" in methods else "POST"
            missing = rule.arguments - set(args)
            self.assertFalse(missing, f"{rule.rule}: add the path arguments {missing} to _args")
            if method == "POST":
                self.assertIn(rule.rule, self._forms(), f"{rule.rule}: a write route without a form in FORMS")
            params = [name for name, param in inspect.signature(endpoint.original_endpoint).parameters.items()
                      if name != "self" and name not in rule.arguments and param.kind != param.VAR_KEYWORD]
            yield rule, self._url(rule, args), method, params

    @staticmethod
    def _url(rule, values):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)

    # ------------------------------------------------------------------ one request, checked
    def _request(self, method, url, params=None, form=None, files=None):
        if method == "GET":
            return self.url_open(url, params=params, allow_redirects=False)
        data = {**(form or {}), **(params or {}), "csrf_token": http.Request.csrf_token(self)}
        return self.url_open(url, data=data, files=files, allow_redirects=False, method="POST")

    def _check(self, label, method, url, refuse=False, expect=None, **kwargs):
        """Send one request; never a 500, a readable page for a refusal, nothing changed by a refusal."""
        before = db_state(self.env, self.vendors)
        with self.subTest(case=label[:120]):
            response = self._request(method, url, **kwargs)
            status = response.status_code
            self.assertIn(status, ALLOWED, f"{label[:120]}: {status}")
            if expect:
                self.assertEqual(status, expect, f"{label[:120]}")
            if refuse:
                self.assertGreaterEqual(status, 400, f"{label[:120]} was accepted")
            if status >= 400:
                self.assertTrue(any(marker in response.text for marker in READABLE), f"{label[:120]}: unreadable")
                self.assertLess(len(response.content), 300_000, f"{label[:120]} echoes the input")
            if status >= 400 or method == "GET":
                self.assertEqual(db_state(self.env, self.vendors), before, f"{label[:120]} changed the database")

    # ------------------------------------------------------------------ the fuzz
    def test_reported_cases(self):
        """The 500s of the issue: a forecast id that is no int4 and a lead time beyond int4."""
        for value in ("abc", "1.5", "9" * 20):
            self._check(f"forecast_id={value}", "GET", "/my/supplier/forecast", params={"forecast_id": value},
                        expect=404)
        info = self.own["info"].id
        form = {f"qty-{info}": "1", f"delay-{info}": "99999999999"}
        self._check("delay 99999999999", "POST", "/my/supplier/stock", form=form, expect=400)
        response = self._request("POST", "/my/supplier/stock", form=form)
        self.assertIn("The lead time must be between 0 and 365 days.", response.text)

    def test_path_arguments(self):
        """Ids out of range or of another vendor: 404; page numbers out of range: the nearest page."""
        other = self._args(self.other)
        for rule, _url, method, _params in self._routes():
            form, files = self._forms().get(rule.rule, [({}, None)])[0]
            for arg in rule.arguments:
                for value in (*BAD_IDS, other[arg]) if arg != "page" else BAD_IDS:
                    bad_url = self._url(rule, {**self._args(self.own), arg: value})
                    # a page of the former order list: moved to /my/purchase (301), which shows the nearest page
                    expect = (301 if rule.rule.startswith("/my/supplier/orders") else 200) if arg == "page" else 404
                    self._check(f"{method} {bad_url}", method, bad_url, form=form, files=files, expect=expect)
                    if arg != "page" and method == "GET" and value == other[arg]:
                        for label, token in VALUES.items():  # another vendor's document with a wrong token
                            self._check(f"{bad_url} token {label}", method, bad_url, params={"access_token": token},
                                        expect=404)

    def test_query_parameters(self):
        """Every parameter an endpoint names, with every value (and another vendor's ids)."""
        other = self._args(self.other)
        for _rule, url, method, params in self._routes():
            if method != "GET":
                continue
            for param in [*params, "unknown"]:
                values = {**VALUES, **({"other vendor": str(other[param])} if param in other else {})}
                for label, value in values.items():
                    self._check(f"GET {url} {param}={label}", method, url, params={param: value})

    def test_form_fields(self):
        """Every field of every write form: every value, missing, and field names naming other ids."""
        own_to_other = {self.own[key].id: self.other[key].id for key in ("line", "bucket", "info")}
        for rule, url, _method, params in self._routes():
            for form, files in self._forms().get(rule.rule, []):
                for key in [*form, *(p for p in params if p not in (files or {})), "unknown"]:
                    numeric = key.split("-")[0] in NUMBER_FIELDS
                    for label, value in VALUES.items():
                        self._check(f"POST {url} {key}={label}", "POST", url, form={**form, key: value}, files=files,
                                    refuse=numeric and label not in MAYBE_NUMBERS)
                    rest = {k: v for k, v in form.items() if k != key}
                    self._check(f"POST {url} without {key}", "POST", url, form=rest, files=files)
                    _prefix, _sep, tail = key.partition("-")
                    own_id = int(tail.split("-")[0]) if tail else None
                    for bad in (*BAD_IDS, "abc", "١٢", own_to_other.get(own_id, 0)) if own_id else ():
                        bad_key = key.replace(f"-{own_id}", f"-{bad}", 1)
                        self._check(f"POST {url} {bad_key}", "POST", url, form={**rest, bad_key: form[key]},
                                    files=files, refuse=True)

    def test_bill_file(self):
        """The bill as text, as garbage, under odd names."""
        url = f"/my/supplier/orders/{self.own['order'].id}/bill"
        for label, value in VALUES.items():
            self._check(f"bill as text {label}", "POST", url, form={"bill": value}, refuse=True)
            self._check(f"bill content {label}", "POST", url, files={"bill": ("b.pdf", value.encode(), "text/plain")},
                        refuse=True)
        for n, name in enumerate(("", "x" * 10_000 + ".pdf", "é日本.pdf", "a\x00.pdf", "../../etc/passwd.pdf")):
            self._check(f"bill named {name[:20]!r}", "POST", url,
                        files={"bill": (name, PDF + b"%% %d\n" % n, "application/pdf")})
