"""Crons interrupted half-way and restarted: the work committed before the crash is kept, the rest is
done by the next run, nothing is done twice and nothing is lost."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo import fields
from odoo.addons.crm_analytics.const import LOCK_NAMESPACE
from odoo.addons.crm_strategy.tests.common import CrmStrategyCase
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import commit_points, crash_to_last_commit, require_suite, setup_vendors


class Killed(Exception):
    """The worker died."""


@tagged("post_install", "-at_install")
class TestCronResume(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_suite(cls.env)
        cls.companies = cls.env["res.company"].create([{"name": "Resume One"}, {"name": "Resume Two"}])

    def _fits(self, company):
        return self.env["crm.clv.model"].search_count([("company_id", "=", company.id)])

    def _queued(self):
        """{company id: full refresh?} of the analytics refreshes queued for the background job."""
        return {request.company_id.id: request.full_refresh
                for request in self.env["crm.customer.metrics.request"].sudo().search([])}

    def test_requested_analytics_refresh_resumes_after_a_crash(self):
        """Regression: the job used to empty the whole queue before working, so a crash lost the rest."""
        Metrics = self.env["crm.customer.metrics"]
        one, two = self.companies
        Metrics.with_context(allowed_company_ids=self.companies.ids).action_refresh()
        self.assertEqual(set(self._queued()), {one.id, two.id})
        refresh_company = type(Metrics)._refresh_company

        def dies_on_two(model, company, full):
            if company == two:
                raise Killed()
            return refresh_company(model, company, full)

        with commit_points(self.env):
            with patch.object(type(Metrics), "_refresh_company", dies_on_two):
                crash_to_last_commit(self.env, Metrics._cron_refresh_requested, Killed)
            self.assertEqual((self._fits(one), self._fits(two)), (1, 0), "the first company was committed")
            self.assertEqual(set(self._queued()), {two.id}, "the second one is still queued")
            Metrics._cron_refresh_requested()  # the restarted job
        self.assertEqual((self._fits(one), self._fits(two)), (1, 1), "each company refreshed exactly once")
        self.assertEqual(self._queued(), {})

    def test_nightly_analytics_refresh_resumes_where_it_stopped(self):
        Metrics = self.env["crm.customer.metrics"]
        one, two = self.companies
        refresh_company = type(Metrics)._refresh_company

        def dies_on_two(model, company, full):
            if company == two:
                raise Killed()
            return refresh_company(model, company, full)

        with commit_points(self.env), patch.object(type(Metrics), "_refresh_company", dies_on_two):
            crash_to_last_commit(self.env, Metrics._cron_refresh, Killed)
            self.assertEqual((self._fits(one), self._fits(two)), (1, 0))
            with patch.object(type(Metrics), "_refresh_company", refresh_company):
                Metrics._cron_refresh()
        self.assertEqual((self._fits(one), self._fits(two)), (1, 1), "the restart skips what was done")

    def test_requested_refresh_of_a_locked_company_stays_queued(self):
        Metrics = self.env["crm.customer.metrics"]
        one = self.companies[0]
        Metrics.with_context(allowed_company_ids=one.ids).action_refresh()
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, one.id))
            with commit_points(self.env):
                Metrics._cron_refresh_requested()
            other.rollback()
        self.assertEqual(self._queued(), {one.id: True}, "not dropped while locked")
        self.assertEqual(self._fits(one), 0)
        retry = self.env["ir.cron.trigger"].search([
            ("cron_id", "=", self.env.ref("crm_analytics.ir_cron_crm_analytics_refresh_request").id),
            ("call_at", ">", fields.Datetime.now() + timedelta(minutes=4))])
        self.assertTrue(retry, "the job is called again a few minutes later for the locked company")
        with commit_points(self.env):
            Metrics._cron_refresh_requested()
        self.assertEqual((self._queued(), self._fits(one)), ({}, 1))


class Receiver(BaseHTTPRequestHandler):
    """The vendor's endpoint: keeps the order id of every event it receives."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body)["data"]["order"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestWebhookCronResume(TransactionCase):
    def test_delivery_job_killed_half_way_resumes_without_duplicates(self):
        """Killed while sending the second of three events: the first stays delivered and is not sent again,
        the restart delivers the other two, once each."""
        require_suite(self.env)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        server.received = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        vendor = setup_vendors(self.env)["own"]["vendor"]
        Webhook, Delivery = self.env["crm.supplier.webhook"], self.env["crm.supplier.webhook.delivery"]
        # the local receiver is on loopback over http: only an allowlisted host may be
        self.env["ir.config_parameter"].set_param("crm_partner_portal.webhook_allowlist", "127.0.0.1")
        Webhook.create({"name": "Resume", "partner_id": vendor.id,
                        "url": f"http://127.0.0.1:{server.server_address[1]}/hook"})
        deliveries = Delivery.browse()
        for order in ("A", "B", "C"):
            deliveries |= Webhook._crm_enqueue(vendor, "order_sent", {"order": order})
        deliveries.next_attempt = fields.Datetime.now() - timedelta(seconds=1)
        send_one = type(Delivery)._crm_send_one

        def dies_on_b(delivery):
            if delivery.payload["order"] == "B":
                raise Killed()
            return send_one(delivery)

        job = Delivery.with_context(cron_id=self.env.ref("crm_partner_portal.ir_cron_webhook_deliver").id)
        with commit_points(self.env):
            with patch.object(type(Delivery), "_crm_send_one", dies_on_b):
                crash_to_last_commit(self.env, job._cron_deliver, Killed)
            self.assertEqual(deliveries.mapped("state"), ["done", "pending", "pending"])
            self.assertEqual(server.received, ["A"])
            job._cron_deliver()  # the restarted job
        self.assertEqual(deliveries.mapped("state"), ["done", "done", "done"])
        self.assertEqual(sorted(server.received), ["A", "B", "C"], "each event once, none lost")


@tagged("post_install", "-at_install")
class TestPnlCronResume(CrmStrategyCase):
    def _net(self, company):
        self.env.invalidate_all()
        rows = self.env["crm.customer.pnl"].search([("company_id", "=", company.id), ("month", "=", self.month)])
        return sum(rows.mapped("net_revenue")), len(rows)

    def test_pnl_job_killed_half_way_resumes(self):
        """The incremental P&L job commits company by company: killed on the second one, the first keeps its new
        figures, the second its previous ones, and the restart brings both up to date (no duplicate row)."""
        self.month = self.today.replace(day=1)
        other = self.setup_other_company(name="Resume P&L other")["company"]
        one = self.company
        self._invoice(self.customer_big, 0, 1)
        self.env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.customer_small.id, "invoice_date": self.today,
            "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 100.0,
                                         "tax_ids": [(5, 0, 0)]})]}).action_post()
        Pnl = self.env["crm.customer.pnl"]
        Pnl._refresh_pnl(one | other)
        self.assertEqual((self._net(one), self._net(other)), ((100.0, 1), (100.0, 1)))
        self._invoice(self.customer_big, 0, 2)
        self.env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.customer_small.id, "invoice_date": self.today,
            "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 2, "price_unit": 100.0,
                                         "tax_ids": [(5, 0, 0)]})]}).action_post()
        companies = list(self.env["res.company"].search([("active", "=", True)]))
        first, second = sorted((one, other), key=companies.index)  # the order the job walks them
        refresh = type(Pnl)._refresh_pnl

        def dies_on_second(model, companies, date_from=None, raise_if_locked=True):
            if second in companies:
                raise Killed()
            return refresh(model, companies, date_from, raise_if_locked)

        with commit_points(self.env):
            with patch.object(type(Pnl), "_refresh_pnl", dies_on_second):
                crash_to_last_commit(self.env, Pnl._cron_refresh, Killed)
            self.assertEqual(self._net(first), (300.0, 1), "committed before the crash")
            self.assertEqual(self._net(second), (100.0, 1), "the previous figures, whole")
            Pnl._cron_refresh()  # the restarted job
        self.assertEqual((self._net(one), self._net(other)), ((300.0, 1), (300.0, 1)))
