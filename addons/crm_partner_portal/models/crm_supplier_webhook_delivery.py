import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from odoo import fields, models

from ..const import MAX_CONSECUTIVE_FAILURES, WEBHOOK_EVENTS
from ..tools import safe_http

_logger = logging.getLogger(__name__)
TIMEOUT = 10  # seconds for the whole request: resolve, connect, TLS, send, read
MAX_RESPONSE_BYTES = 64 * 1024  # read no further: the answer is only logged
SNIPPET_CHARS = 500
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 15, 60, 240)


def sign(secret, timestamp, body):
    """HMAC-SHA256 of "<timestamp>.<body>": the receiver recomputes it with the shared secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def snippet(body, limit=SNIPPET_CHARS):
    """The start of a response as one line of printable text (control characters and newlines escaped), so
    that an endpoint cannot forge log lines or terminal sequences in what we store."""
    text = body[:limit * 4].decode("utf-8", "replace")  # a character takes at most 4 bytes
    escaped = "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                      for char in text[:limit])
    cut = len(escaped) > limit or len(text) > limit or len(body) > limit * 4
    return escaped[:limit] + ("…" if cut else "")


# What the delivery log may say about a failure: a category, never an address or an exception text.
FAILURES = {
    "refused": "refused: destination not allowed",
    "timeout": "error: timed out",
    "connection": "error: connection failed",
    "tls": "error: TLS handshake or certificate failed",
    "protocol": "error: invalid HTTP response",
}


class CrmSupplierWebhookDelivery(models.Model):
    """One event for one webhook: the queue row and its delivery log. Nothing is deleted on failure,
    so no event is lost; a failed delivery can be retried by hand."""

    _name = "crm.supplier.webhook.delivery"
    _description = "Supplier webhook delivery"
    _order = "id desc"

    webhook_id = fields.Many2one("crm.supplier.webhook", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="webhook_id.partner_id", store=True)
    company_id = fields.Many2one(related="webhook_id.company_id", store=True)
    event = fields.Selection(WEBHOOK_EVENTS, required=True)
    payload = fields.Json(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Delivered"), ("failed", "Failed")],
        default="pending", required=True, index=True)
    attempt_count = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    last_status = fields.Integer("Last HTTP Status", readonly=True)
    log = fields.Text(readonly=True, help="One line per attempt: time, status or error.")
    response_snippet = fields.Text(readonly=True, help="Start of the endpoint's last answer, escaped and cut.")
    date_done = fields.Datetime(readonly=True)

    def _crm_body(self):
        return json.dumps({"id": self.id, "event": self.event, "data": self.payload},
                          sort_keys=True, separators=(",", ":")).encode()

    def _crm_send_one(self):
        """One attempt. Returns True when the endpoint answered 2xx."""
        self.ensure_one()
        hook = self.webhook_id.sudo()
        body = self._crm_body()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "odoo-crm-partner-portal",
            "X-Crm-Event": self.event,
            "X-Crm-Delivery": str(self.id),
            "X-Crm-Timestamp": timestamp,
            "X-Crm-Signature": "sha256=" + sign(hook.secret, timestamp, body),
        }
        now = fields.Datetime.now()
        status, snip, outcome = 0, False, None
        try:
            response = safe_http.post(hook.url, body, headers, allowlist=hook._crm_allowlist(), timeout=TIMEOUT,
                                      max_bytes=MAX_RESPONSE_BYTES)
        except safe_http.UnsafeDestination as refusal:
            # DNS or the allowlist changed since the URL was saved: nothing was sent
            _logger.info("Webhook %s: delivery %s refused (%s)", hook.id, self.id, refusal.reason)
            outcome = FAILURES["refused"]
        except safe_http.DeliveryError as error:
            outcome = FAILURES[error.kind]
        else:
            status, snip = response.status, snippet(response.body)
            outcome = f"HTTP {status}"
            if 300 <= status < 400:
                outcome += ", redirect not followed"
            if response.truncated:
                outcome += f", response cut at {MAX_RESPONSE_BYTES // 1024} KB"
        ok = 200 <= status < 300
        attempts = self.attempt_count + 1
        line = f"{now} attempt {attempts}: {outcome}"
        vals = {"attempt_count": attempts, "last_status": status, "response_snippet": snip,
                "log": ((self.log or "") + line + "\n")[-4000:]}
        if ok:
            vals.update(state="done", date_done=now)
            hook.failure_count = 0
        else:
            hook.failure_count += 1
            if attempts >= MAX_ATTEMPTS:
                vals["state"] = "failed"
            else:
                vals["next_attempt"] = now + timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
            if hook.failure_count >= MAX_CONSECUTIVE_FAILURES and hook.active:
                hook.write({"active": False, "disabled_reason": self.env._(
                    "Disabled after %(count)s consecutive failures (last: %(line)s).",
                    count=hook.failure_count, line=line)})
        self.write(vals)
        return ok

    def _cron_deliver(self, limit=200):
        """Send the due deliveries of active webhooks, oldest first; commit after each one in a cron so a
        crash never sends an event twice without logging it."""
        due = self.search([("state", "=", "pending"), ("next_attempt", "<=", fields.Datetime.now()),
                           ("webhook_id.active", "=", True)], order="next_attempt, id", limit=limit)
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(due))
        for delivery in due:
            if not delivery.webhook_id.active:
                continue
            delivery._crm_send_one()
            if in_cron and not self.env["ir.cron"]._commit_progress(1):
                break
        return True

    def action_retry(self):
        """Button of purchase managers: send a failed delivery again at the next cron run."""
        self.check_access("write")
        self.write({"state": "pending", "next_attempt": fields.Datetime.now()})
        return True
