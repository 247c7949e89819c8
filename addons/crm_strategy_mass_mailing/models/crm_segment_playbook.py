from odoo import fields, models
from odoo.tools import email_normalize


class CrmSegmentPlaybook(models.Model):
    """The mailing-list lever: the playbook subscribes its members to an Email Marketing list, only those
    whose latest email consent is granted, never those who opted out of the list."""

    _inherit = "crm.segment.playbook"

    mailing_list_id = fields.Many2one(
        "mailing.list", tracking=True, groups="mass_mailing.group_mass_mailing_user",
        help="Members with an email address and a granted email consent are subscribed (Email Marketing).")

    def _lever_selection(self):
        return [*super()._lever_selection(), ("mailing_list", "Mailing list")]

    def _lever_values(self):
        values = super()._lever_values()
        mailing_list = self.sudo().mailing_list_id
        if mailing_list:
            values["mailing_list"] = str(mailing_list.id)
        return values

    def _plan_mailing_list(self, partners, raw):
        """Subscribe the consenting members not yet on the list; the others are listed, with why not."""
        mailing_list = self.env["mailing.list"].sudo().browse(int(raw))
        consenting = self.env["res.partner"]._crm_consenting(partners.ids, "email", self.company_id)
        emails = {partner.id: email_normalize(partner.email) for partner in partners}
        subscriptions = self.env["mailing.subscription"].sudo().search([
            ("list_id", "=", mailing_list.id),
            ("contact_id.email_normalized", "in", [email for email in emails.values() if email])])
        on_list = {sub.contact_id.email_normalized: sub.opt_out for sub in subscriptions}
        changes = []
        for partner in partners:
            email = emails[partner.id]
            why = False
            if not email:
                why = self.env._("No email address.")
            elif partner.id not in consenting:
                why = self.env._("No email consent.")
            elif on_list.get(email):
                why = self.env._("Opted out of this list.")
            if why:
                changes.append(self._record_change(partner, "mailing_list", raw, mailing_list.name, "skipped", why))
            elif email not in on_list:
                changes.append(self._record_change(partner, "mailing_list", raw, mailing_list.name))
        return changes
