import secrets
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.limits import MAX_NAME_LENGTH, check_text_lengths
from odoo.exceptions import ValidationError

from ..const import MAX_CONSECUTIVE_FAILURES
from ..tools import safe_http

MAX_URL_LENGTH = 2048
ALLOWLIST_PARAM = "crm_partner_portal.webhook_allowlist"


class CrmSupplierWebhook(models.Model):
    """Where to push collaboration events for one vendor: a URL, a shared secret for the HMAC signature
    and the events it wants. Deliveries are queued and sent by a cron, never inside the user's request."""

    _name = "crm.supplier.webhook"
    _description = "Supplier webhook"
    _check_company_auto = True

    name = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", "Vendor", required=True, index=True,
                                 domain=[("is_company", "=", True)])
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    url = fields.Char("URL", required=True, help="HTTPS endpoint of the vendor on a public address. Plain http and "
                                                 "private addresses only for hosts of the system parameter "
                                                 "crm_partner_portal.webhook_allowlist (tests, staging).")
    secret = fields.Char(required=True, copy=False, groups="purchase.group_purchase_manager",
                         default=lambda self: secrets.token_hex(32),
                         help="Shared secret of the HMAC-SHA256 signature (header X-Crm-Signature).")
    active = fields.Boolean(default=True)
    event_forecast_published = fields.Boolean("Forecast published", default=True)
    event_order_sent = fields.Boolean("Order sent", default=True)
    event_order_changed = fields.Boolean("Order changed", default=True)
    event_commit_accepted = fields.Boolean("Commitment accepted", default=True)
    event_forecast_commit_accepted = fields.Boolean("Forecast commitment accepted", default=True)
    event_rfq_created_from_commit = fields.Boolean("RFQ created from a commitment", default=True)
    failure_count = fields.Integer(readonly=True, help="Consecutive failed attempts; the webhook is disabled "
                                                       "after %s." % MAX_CONSECUTIVE_FAILURES)
    disabled_reason = fields.Char(readonly=True)
    delivery_ids = fields.One2many("crm.supplier.webhook.delivery", "webhook_id", string="Deliveries")

    @api.model
    def _crm_allowlist(self):
        """Hosts and networks an administrator allows over http and on private addresses (empty by default)."""
        return safe_http.Allowlist(self.env["ir.config_parameter"].sudo().get_param(ALLOWLIST_PARAM, ""))

    @api.constrains("url")
    def _check_url(self):
        """The request leaves from the server: refuse any URL whose host resolves to an address the user
        could not reach himself (loopback, private network, cloud metadata...), so the webhook cannot probe
        them. Checked again at each delivery, since DNS answers change."""
        allowlist = self._crm_allowlist()
        for hook in self:
            url = hook.url or ""
            if not url.startswith(("https://", "http://")) or len(url) > MAX_URL_LENGTH or any(
                    char.isspace() for char in url):
                raise ValidationError(self.env._(
                    "The webhook URL must start with https:// or http://, without spaces, in at most %(max)s "
                    "characters.", max=MAX_URL_LENGTH))
            try:
                safe_http.resolve(url, allowlist)
            except safe_http.UnsafeDestination as refusal:
                raise ValidationError(hook._crm_refusal_message(refusal.reason)) from None

    def _crm_refusal_message(self, reason):
        self.ensure_one()
        if reason == "url":
            return self.env._(
                "The webhook URL “%(url)s” is not valid: it needs a host name, an optional port from 1 to 65535, "
                "and no user name or password.", url=self.url)
        if reason == "scheme":
            return self.env._(
                "The webhook URL must use https://. Plain http is only allowed for the hosts an administrator "
                "lists in the system parameter %(param)s (test servers).", param=ALLOWLIST_PARAM)
        return self.env._(
            "The webhook host “%(host)s” does not resolve to a public internet address. Loopback, private, "
            "link-local, shared (100.64.0.0/10), multicast and reserved addresses are refused; an administrator "
            "can allow a test host or network in the system parameter %(param)s.",
            host=urlsplit(self.url).hostname, param=ALLOWLIST_PARAM)

    @api.model
    def _crm_enqueue(self, partner, event, payload, company=None):
        """Queue one delivery per active webhook of the vendor that subscribed to the event."""
        company = company or self.env.company
        hooks = self.sudo().search([
            ("partner_id", "=", partner.commercial_partner_id.id), ("company_id", "=", company.id),
            (f"event_{event}", "=", True)])
        if not hooks:
            return self.env["crm.supplier.webhook.delivery"]
        deliveries = self.env["crm.supplier.webhook.delivery"].sudo().create([
            {"webhook_id": hook.id, "event": event, "payload": payload} for hook in hooks])
        self.env.ref("crm_partner_portal.ir_cron_webhook_deliver")._trigger()
        return deliveries

    def action_reactivate(self):
        """Button of purchase managers, after the vendor fixed its endpoint; pending deliveries resume."""
        self.check_access("write")
        self.write({"active": True, "failure_count": 0, "disabled_reason": False})
        return True

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})
