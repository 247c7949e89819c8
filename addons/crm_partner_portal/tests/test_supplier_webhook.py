import hashlib
import hmac
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from odoo import fields
from odoo.addons.crm_partner_portal.models import crm_supplier_webhook_delivery as delivery_module
from odoo.addons.crm_partner_portal.tools import safe_http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon

ALLOWLIST = "crm_partner_portal.webhook_allowlist"
PUBLIC_IP = "93.184.216.34"
# What the reproduced requests reached; each must be refused as a literal and as a DNS answer.
NON_PUBLIC = ["127.0.0.1", "10.0.0.1", "169.254.169.254", "0.0.0.0", "::1", "::ffff:127.0.0.1", "100.64.0.1",
              "172.16.0.1", "192.168.1.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "198.18.0.1",
              "fe80::1", "fc00::1", "ff02::1", "2002:7f00:1::", "::"]
NON_PUBLIC_URLS = ["http://127.0.0.1:8069/", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
                   "http://10.0.0.1/", "http://[::1]/", "http://0.0.0.0/", "https://127.0.0.1:8069/",
                   "https://localhost/hook", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/",
                   "https://[::1]/", "https://0.0.0.0/", "https://[::ffff:127.0.0.1]/", "https://100.64.0.1/",
                   "https://127.1/", "https://2130706433/", "https://0x7f.1/", "https://[fd00::1]:8443/x"]
HUGE_BYTES = 32 * 1024 * 1024


class Receiver(BaseHTTPRequestHandler):
    """A vendor's endpoint: records every request and answers as the server's mode says (a scripted
    status, a slow body, an endless body or a redirect)."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.paths.append(self.path)
        self.server.received.append((dict(self.headers), body))
        try:
            with suppress(OSError):  # the client hung up: its deadline or its size limit
                getattr(self, f"_answer_{self.server.mode}")()
        finally:
            self.server.answered.set()

    def _answer_status(self):
        status = self.server.statuses.pop(0) if self.server.statuses else self.server.default_status
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def _answer_slow(self):
        """The status line at once, then a header byte every quarter second: each read is well within a
        socket timeout, the whole answer is not."""
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        for _byte in range(20):
            self.wfile.write(b"x")
            time.sleep(0.25)
        self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")

    def _answer_huge(self):
        self.send_response(200)
        self.end_headers()
        chunk = b"<script>alert(1)</script>\x1b[31m\n" * 2048
        while self.server.sent < HUGE_BYTES:
            self.wfile.write(chunk)
            self.server.sent += len(chunk)

    def _answer_redirect(self):
        self.send_response(307)
        self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/internal")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def fake_dns(answers):
    """Resolve the names of ``answers`` (name -> list of addresses, read at each lookup) without a DNS
    server; other names resolve as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0)) if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
                for ip in answers[host]]

    with patch("socket.getaddrinfo", side_effect=getaddrinfo) as mock:
        yield mock


def make_certificates(directory, hostname):
    """A throw-away CA and a server certificate for ``hostname`` signed by it: (ca, cert, key) file paths."""
    now = datetime.now(timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CRM test CA")])

    def builder(subject, public_key):
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(public_key)
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
                .not_valid_after(now + timedelta(days=1))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))

    ca = (builder(ca_name, ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]), key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, name) for name in ("ca.pem", "cert.pem", "key.pem")]
    for path, data in zip(paths, (ca.public_bytes(serialization.Encoding.PEM),
                                  cert.public_bytes(serialization.Encoding.PEM),
                                  key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))):
        with open(path, "wb") as file:
            file.write(data)
    return paths


def start_server(test, tls_files=None):
    """A Receiver on 127.0.0.1 (over TLS with ``tls_files``), stopped at the end of the test or class."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.paths, server.statuses, server.server_names = [], [], [], []
    server.answered, server.mode, server.default_status, server.sent = threading.Event(), "status", 200, 0
    if tls_files:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_files[1], tls_files[2])
        context.sni_callback = lambda _sock, name, _context: server.server_names.append(name)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cleanup = test.addClassCleanup if isinstance(test, type) else test.addCleanup
    cleanup(server.server_close)
    cleanup(server.shutdown)
    return server


@tagged("post_install", "-at_install")
class TestSupplierWebhook(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.server = start_server(cls)
        # the test server is on loopback over http: only the allowlist lets it through
        cls.env["ir.config_parameter"].set_param(ALLOWLIST, "127.0.0.1")
        cls.port = cls.server.server_address[1]
        cls.hook = cls.env["crm.supplier.webhook"].create({
            "name": "Alpha ERP", "partner_id": cls.vendor_a.id, "secret": "s3cret",
            "url": f"http://127.0.0.1:{cls.port}/hook"})

    def setUp(self):
        super().setUp()
        self.server.received.clear()
        self.server.paths.clear()
        self.server.statuses.clear()
        self.server.answered.clear()
        self.server.default_status = 200
        self.server.mode = "status"
        self.server.sent = 0

    def _deliveries(self):
        return self.env["crm.supplier.webhook.delivery"].search([("webhook_id", "=", self.hook.id)])

    def _run_cron(self, deliveries=None):
        (deliveries or self._deliveries()).filtered(lambda d: d.state == "pending").next_attempt = \
            fields.Datetime.now() - timedelta(seconds=1)
        self.env["crm.supplier.webhook.delivery"]._cron_deliver()

    def _enqueue(self, order="X"):
        return self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": order})

    def test_signature_is_verifiable(self):
        self.po_a.write({"order_line": [(1, self.po_a.order_line[0].id, {"product_qty": 120})]})
        delivery = self._deliveries()
        self.assertEqual(delivery.event, "order_changed")
        self._run_cron()
        self.assertEqual(delivery.state, "done")
        headers, body = self.server.received[0]
        expected = hmac.new(b"s3cret", headers["X-Crm-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
        self.assertEqual(headers["X-Crm-Signature"], "sha256=" + expected)
        self.assertTrue(hmac.compare_digest(headers["X-Crm-Signature"], "sha256=" + expected))
        self.assertEqual(headers["Host"], f"127.0.0.1:{self.port}")
        self.assertEqual(self.server.paths, ["/hook"])
        data = json.loads(body)
        self.assertEqual((data["event"], data["data"]["order"]), ("order_changed", self.po_a.name))
        self.assertEqual(data["data"]["lines"][0]["quantity"], 120)
        self.assertNotIn("s3cret", body.decode())

    def test_retry_on_500_with_backoff(self):
        self.server.statuses.extend([500, 502])
        delivery = self._enqueue()
        self.env["crm.supplier.webhook.delivery"]._cron_deliver()
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.last_status), ("pending", 1, 500))
        self.assertGreater(delivery.next_attempt, fields.Datetime.now() + timedelta(seconds=30))
        # not due yet: the cron leaves it alone
        self.env["crm.supplier.webhook.delivery"]._cron_deliver()
        self.assertEqual(delivery.attempt_count, 1)
        self._run_cron(delivery)
        self._run_cron(delivery)
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.last_status), ("done", 3, 200))
        self.assertEqual(len(delivery.log.strip().splitlines()), 3)
        self.assertEqual(len(self.server.received), 3)
        self.assertEqual(self.hook.failure_count, 0)

    def test_disable_after_repeated_failures_nothing_lost(self):
        self.server.default_status = 500
        first = self._enqueue("A")
        second = self._enqueue("B")
        for _attempt in range(3):
            self._run_cron(first | second)
        self.assertFalse(self.hook.active)
        self.assertIn("consecutive failures", self.hook.disabled_reason)
        self.assertEqual(set((first | second).mapped("state")), {"pending"})
        count = len(self.server.received)
        self._run_cron(first | second)
        self.assertEqual(len(self.server.received), count, "a disabled webhook is not called")
        # the vendor fixes its endpoint; the buyer reactivates: both events arrive
        self.server.default_status = 200
        self.hook.action_reactivate()
        self._run_cron(first | second)
        self.assertEqual(set((first | second).mapped("state")), {"done"})
        orders = [json.loads(body)["data"]["order"] for _headers, body in self.server.received[-2:]]
        self.assertEqual(sorted(orders), ["A", "B"])

    def test_endpoint_down_is_logged_and_kept(self):
        self.hook.url = "http://127.0.0.1:9/closed"
        delivery = self._enqueue("Z")
        self._run_cron(delivery)
        self.assertEqual((delivery.state, delivery.last_status), ("pending", 0))
        self.assertIn("error: connection failed", delivery.log)

    def test_gives_up_after_max_attempts_but_keeps_the_row(self):
        self.server.default_status = 500
        self.hook.failure_count = -100  # keep the webhook active to reach the attempt limit
        delivery = self._enqueue("Q")
        for _attempt in range(6):
            self._run_cron(delivery)
        self.assertEqual((delivery.state, delivery.attempt_count), ("failed", 6))
        delivery.action_retry()
        self.assertEqual(delivery.state, "pending")

    def test_events_are_queued(self):
        self.po_a.write({"state": "draft"})
        self.po_a.write({"state": "sent"})
        self.assertIn("order_sent", self._deliveries().mapped("event"))
        commit = self.po_a._crm_register_supplier_commits(
            {self.po_a.order_line[0]: [{"kind": "commit", "quantity": 100, "date_commit": self.date_planned.date()}]},
            self.contact_a)
        commit.action_accept()
        self.assertIn("commit_accepted", self._deliveries().mapped("event"))
        self.env["product.supplierinfo"].create({
            "partner_id": self.vendor_a.id, "product_tmpl_id": self.product_bolt.product_tmpl_id.id})
        forecast = self.env["crm.supplier.forecast"].create({"partner_id": self.vendor_a.id})
        forecast.action_publish()
        published = self._deliveries().filtered(lambda d: d.event == "forecast_published")
        self.assertEqual(published.payload["version"], 1)
        # Bravo has no webhook: nothing queued for its orders
        self.po_b.write({"order_line": [(1, self.po_b.order_line.id, {"product_qty": 8})]})
        self.assertFalse(self.env["crm.supplier.webhook.delivery"].search([("partner_id", "=", self.vendor_b.id)]))

    # Server-side request forgery: where a webhook may point, checked on save and again at delivery.

    def _create_hook(self, url):
        return self.env["crm.supplier.webhook"].create({"name": "Probe", "partner_id": self.vendor_b.id, "url": url})

    def test_non_public_urls_are_refused_on_save(self):
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "")
        for url in NON_PUBLIC_URLS:
            with self.subTest(url=url):
                with self.assertRaises(ValidationError) as caught:
                    self._create_hook(url)
                self.assertIn("public", str(caught.exception))
        self.assertFalse(self.env["crm.supplier.webhook"].search([("name", "=", "Probe")]))

    def test_names_resolving_to_non_public_addresses_are_refused_on_save(self):
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "")
        answers = {"hooks.vendor.example": [PUBLIC_IP]}
        with fake_dns(answers):
            self._create_hook("https://hooks.vendor.example/crm")  # a public address is fine
            for address in NON_PUBLIC:
                answers["hooks.vendor.example"] = [address]
                with self.subTest(address=address):
                    with self.assertRaises(ValidationError) as caught:
                        self._create_hook("https://hooks.vendor.example/crm")
                    self.assertIn("hooks.vendor.example", str(caught.exception))
                    self.assertNotIn(address, str(caught.exception))
            # one private answer among public ones is enough to refuse
            answers["hooks.vendor.example"] = [PUBLIC_IP, "10.0.0.1"]
            with self.assertRaises(ValidationError):
                self._create_hook("https://hooks.vendor.example/crm")
            answers["hooks.vendor.example"] = []
            with self.assertRaises(ValidationError):
                self._create_hook("https://hooks.vendor.example/crm")
        self.assertEqual(self.env["crm.supplier.webhook"].search_count([("name", "=", "Probe")]), 1)

    def test_refused_url_changes_nothing(self):
        with self.assertRaises(ValidationError):
            self.hook.write({"name": "Renamed", "url": "https://169.254.169.254/latest/meta-data/"})
        self.hook.invalidate_recordset()
        self.assertEqual((self.hook.name, self.hook.url), ("Alpha ERP", f"http://127.0.0.1:{self.port}/hook"))

    def test_malformed_urls_are_refused(self):
        for url in ("https://", "https://user:pass@hooks.vendor.example/", "https://hooks.vendor.example:0/",
                    "https://hooks.vendor.example:99999/", "ftp://hooks.vendor.example/", "https://a b/"):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self._create_hook(url)

    def test_http_needs_the_allowlist(self):
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "")
        with fake_dns({"hooks.vendor.example": [PUBLIC_IP]}):
            with self.assertRaises(ValidationError) as caught:
                self._create_hook("http://hooks.vendor.example/crm")
            self.assertIn("https", str(caught.exception))
            self._create_hook("https://hooks.vendor.example/crm")
        # allowlisting a host name lets it use http (a vendor's staging endpoint, a test server)
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "staging.vendor.example, 127.0.0.1")
        with fake_dns({"staging.vendor.example": ["10.1.2.3"]}):
            self._create_hook("http://staging.vendor.example/crm")

    def test_delivery_refused_once_the_allowlist_is_emptied(self):
        delivery = self._enqueue()
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "")
        self._run_cron(delivery)
        self.assertFalse(self.server.received, "nothing may reach the loopback server")
        self.assertEqual((delivery.state, delivery.last_status, delivery.attempt_count), ("pending", 0, 1))
        self.assertIn("refused", delivery.log)
        self.assertNotIn("127.0.0.1", delivery.log)

    def test_delivery_re_resolves_and_refuses_a_private_address(self):
        answers = {"hooks.vendor.example": [PUBLIC_IP]}
        with fake_dns(answers):
            self.hook.url = "https://hooks.vendor.example/crm"
            delivery = self._enqueue()
            answers["hooks.vendor.example"] = ["10.0.0.1"]  # DNS changed since the URL was saved
            with patch("socket.create_connection", side_effect=AssertionError("no connection may be opened")):
                self._run_cron(delivery)
        self.assertEqual((delivery.state, delivery.last_status, delivery.attempt_count), ("pending", 0, 1))
        self.assertIn("refused", delivery.log)
        self.assertNotIn("10.0.0.1", delivery.log)
        self.assertNotIn("AssertionError", delivery.log)
        self.assertEqual(self.hook.failure_count, 1)

    def test_slow_server_hits_the_total_deadline(self):
        self.server.mode = "slow"
        delivery = self._enqueue()
        start = time.monotonic()
        with patch.object(delivery_module, "TIMEOUT", 1):
            self._run_cron(delivery)
        self.assertLess(time.monotonic() - start, 3, "20 bytes at 4 a second: the 1 s deadline cuts the read")
        self.assertEqual((delivery.state, delivery.last_status), ("pending", 0))
        self.assertIn("error: timed out", delivery.log)

    def test_huge_response_is_cut_at_the_limit(self):
        self.server.mode = "huge"
        delivery = self._enqueue()
        self._run_cron(delivery)
        self.assertTrue(self.server.answered.wait(10))
        self.assertLess(self.server.sent, HUGE_BYTES, "the client stops reading and hangs up")
        self.assertEqual((delivery.state, delivery.last_status), ("done", 200))
        self.assertIn("response cut at 64 KB", delivery.log)
        snippet = delivery.response_snippet
        self.assertLessEqual(len(snippet), 520)
        self.assertTrue(snippet.startswith("<script>alert(1)</script>\\x1b[31m\\n"), "control characters escaped")
        self.assertNotIn("\x1b", snippet)
        self.assertNotIn("\n", snippet)

    def test_redirect_is_not_followed(self):
        self.server.mode = "redirect"
        delivery = self._enqueue()
        self._run_cron(delivery)
        self.assertEqual(self.server.paths, ["/hook"], "the Location was not requested")
        self.assertEqual((delivery.state, delivery.last_status), ("pending", 307))
        self.assertIn("HTTP 307, redirect not followed", delivery.log)

    def test_buttons_need_the_purchase_manager(self):
        delivery = self._enqueue()
        delivery.state = "failed"
        self.hook.active = False
        for user in (self.buyer, self.portal_a):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.hook.with_user(user).action_reactivate()
                with self.assertRaises(AccessError):
                    delivery.with_user(user).action_retry()
        self.assertEqual((self.hook.active, delivery.state), (False, "failed"))

    # safe_http itself: the address a request really goes to.

    def test_connects_to_the_address_it_checked(self):
        """DNS rebinding: the name answers a public address when checked, then 127.0.0.1; the connection
        still goes to the checked address, and the name is resolved once."""
        answers = {"hooks.vendor.example": [PUBLIC_IP]}

        def connect(address, *args, **kwargs):
            answers["hooks.vendor.example"] = ["127.0.0.1"]
            raise ConnectionRefusedError

        with fake_dns(answers) as lookup, patch("socket.create_connection", side_effect=connect) as opened:
            with self.assertRaises(safe_http.DeliveryError) as caught:
                safe_http.post("https://hooks.vendor.example/crm", b"{}", {}, allowlist=safe_http.Allowlist())
        self.assertEqual(caught.exception.kind, "connection")
        self.assertEqual([call.args[0] for call in opened.call_args_list], [(PUBLIC_IP, 443)])
        self.assertEqual(lookup.call_count, 1)

    def test_https_keeps_the_host_name_for_sni_and_the_certificate(self):
        """Connected to the pinned IP, TLS still names the URL's host (SNI) and checks the certificate against
        it; the Host header is the URL's too."""
        with tempfile.TemporaryDirectory() as directory:
            tls_files = make_certificates(directory, "hooks.vendor.test")
            server = start_server(self, tls_files)
            port = server.server_address[1]
            allowlist = safe_http.Allowlist("hooks.vendor.test other.vendor.test")
            with fake_dns({"hooks.vendor.test": ["127.0.0.1"], "other.vendor.test": ["127.0.0.1"]}):
                response = safe_http.post(f"https://hooks.vendor.test:{port}/hook?x=1", b"{}", {},
                                          allowlist=allowlist, cafile=tls_files[0])
                self.assertEqual((response.status, response.body, response.truncated), (200, b"ok", False))
                self.assertEqual(server.server_names, ["hooks.vendor.test"])
                self.assertEqual(server.paths, ["/hook?x=1"])
                self.assertEqual(server.received[0][0]["Host"], f"hooks.vendor.test:{port}")
                # a name the certificate does not cover, or a CA nobody trusts: no request is sent
                for url, cafile in ((f"https://other.vendor.test:{port}/hook", tls_files[0]),
                                    (f"https://hooks.vendor.test:{port}/hook", None)):
                    with self.subTest(url=url, cafile=cafile):
                        with self.assertRaises(safe_http.DeliveryError) as caught:
                            safe_http.post(url, b"{}", {}, allowlist=allowlist, cafile=cafile)
                        self.assertEqual(caught.exception.kind, "tls")
                self.assertEqual(len(server.received), 1)

    def test_huge_response_body_is_cut_exactly(self):
        self.server.mode = "huge"
        response = safe_http.post(f"http://127.0.0.1:{self.port}/hook", b"{}", {},
                                  allowlist=safe_http.Allowlist("127.0.0.1"), max_bytes=1000)
        self.assertEqual((response.status, len(response.body), response.truncated), (200, 1000, True))

    def test_address_classification(self):
        for address in [*NON_PUBLIC, "64:ff9b::7f00:1", "2001:db8::1", "203.0.113.9", "192.0.0.8"]:
            self.assertFalse(safe_http.is_public_address(ipaddress.ip_address(address)), address)
        for address in (PUBLIC_IP, "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"):
            self.assertTrue(safe_http.is_public_address(ipaddress.ip_address(address)), address)
        allowlist = safe_http.Allowlist(" 127.0.0.1,10.20.0.0/16;[::1]  Staging.Vendor.example. ")
        self.assertTrue(allowlist.has_host("staging.vendor.example"))
        self.assertFalse(allowlist.has_host("vendor.example"))
        self.assertTrue(all(allowlist.has_address(ipaddress.ip_address(a)) for a in ("127.0.0.1", "10.20.3.4", "::1")))
        self.assertFalse(allowlist.has_address(ipaddress.ip_address("127.0.0.2")))
        self.assertFalse(safe_http.Allowlist("").hosts or safe_http.Allowlist("").networks)
