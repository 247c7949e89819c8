from datetime import timedelta

from odoo import api, fields, models

from ...const import CONSENT_MEDIA, CONSENT_SOURCES
from ...tools.limits import MAX_TEXT_LENGTH, check_text_lengths


class CrmMarketingConsent(models.Model):
    """A customer's answer about marketing on one medium: granted or withdrawn, when and where it was given.
    The latest answer per medium counts; the earlier ones stay as proof."""

    _name = "crm.marketing.consent"
    _description = "Marketing Consent"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    medium = fields.Selection(CONSENT_MEDIA, required=True, default="email")
    granted = fields.Boolean(default=True, help="Unticked: the customer refused or withdrew the consent.")
    date = fields.Datetime(required=True, default=fields.Datetime.now, help="When the customer gave this answer.")
    source = fields.Selection(CONSENT_SOURCES, required=True, default="web_form",
                              help="Where the answer was collected: the proof to show if asked.")
    note = fields.Text()
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    @api.constrains("note")
    def _check_text_lengths(self):
        check_text_lengths(self, {"note": MAX_TEXT_LENGTH})

    @api.model
    def _demo_consents(self):
        """Demo: the web form's answers of the demo customers with an email; most granted, some refused, a few
        withdrawn later (their latest answer counts). One create."""
        partners = self.env["res.partner"].search([
            ("customer_rank", ">", 0), ("email", "!=", False), ("company_id", "in", [False, self.env.company.id])])
        now = fields.Datetime.now()
        vals_list = []
        for partner in partners:
            asked = now - timedelta(days=30 + partner.id % 700)
            vals_list.append({"partner_id": partner.id, "medium": "email", "granted": partner.id % 5 != 0,
                              "date": asked, "source": "web_form" if partner.id % 3 else "order"})
            if partner.id % 11 == 0:
                vals_list.append({"partner_id": partner.id, "medium": "email", "granted": False,
                                  "date": asked + timedelta(days=20), "source": "web_form",
                                  "note": "Unsubscribed from the newsletter footer."})
        self.create(vals_list)
