import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon


class Receiver(BaseHTTPRequestHandler):
    """A vendor's endpoint: records every request and answers with the next scripted status."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else self.server.default_status
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestSupplierWebhook(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_suppliers()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        cls.server.received, cls.server.statuses, cls.server.default_status = [], [], 200
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.hook = cls.env["crm.supplier.webhook"].create({
            "name": "Alpha ERP", "partner_id": cls.vendor_a.id, "secret": "s3cret",
            "url": f"http://127.0.0.1:{cls.server.server_address[1]}/hook"})

    def setUp(self):
        super().setUp()
        self.server.received.clear()
        self.server.statuses.clear()
        self.server.default_status = 200

    def _deliveries(self):
        return self.env["crm.supplier.webhook.delivery"].search([("webhook_id", "=", self.hook.id)])

    def _run_cron(self, deliveries=None):
        (deliveries or self._deliveries()).filtered(lambda d: d.state == "pending").next_attempt = \
            fields.Datetime.now() - timedelta(seconds=1)
        self.env["crm.supplier.webhook.delivery"]._cron_deliver()

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
        data = json.loads(body)
        self.assertEqual((data["event"], data["data"]["order"]), ("order_changed", self.po_a.name))
        self.assertEqual(data["data"]["lines"][0]["quantity"], 120)
        self.assertNotIn("s3cret", body.decode())

    def test_retry_on_500_with_backoff(self):
        self.server.statuses.extend([500, 502])
        delivery = self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": "X"})
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
        first = self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": "A"})
        second = self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": "B"})
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
        delivery = self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": "Z"})
        self._run_cron(delivery)
        self.assertEqual((delivery.state, delivery.last_status), ("pending", 0))
        self.assertIn("error ConnectionError", delivery.log)

    def test_gives_up_after_max_attempts_but_keeps_the_row(self):
        self.server.default_status = 500
        self.hook.failure_count = -100  # keep the webhook active to reach the attempt limit
        delivery = self.env["crm.supplier.webhook"]._crm_enqueue(self.vendor_a, "order_sent", {"order": "Q"})
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
