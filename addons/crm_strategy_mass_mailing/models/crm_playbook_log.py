from odoo import api, models
from odoo.tools import email_normalize


class CrmPlaybookLog(models.Model):
    _inherit = "crm.playbook.log"

    @api.model
    def _create_mailing_list_records(self, changes, company, playbook):
        """One mailing contact per email (the existing one, else a new one, created together), then the
        subscriptions in one create; the undo deletes the subscriptions."""
        mailing_list = self.env["mailing.list"].sudo().browse(int(changes[0]["new_value"]))
        partners = self.env["res.partner"].sudo().browse([change["partner_id"] for change in changes])
        emails = [email_normalize(partner.email) for partner in partners]
        Contact = self.env["mailing.contact"].sudo()
        contacts = {contact.email_normalized: contact
                    for contact in Contact.search([("email_normalized", "in", list(set(emails)))])}
        missing = {email: partner for email, partner in zip(emails, partners, strict=True) if email not in contacts}
        new = Contact.create([{"name": partner.name, "email": partner.email, "company_name":
                               partner.commercial_partner_id.name if partner.parent_id else False,
                               "country_id": partner.country_id.id} for partner in missing.values()])
        contacts.update(zip(missing, new, strict=True))
        by_email = {}
        for change, email in zip(changes, emails, strict=True):
            by_email.setdefault(email, change)  # two customers sharing an email: one subscription
        subscriptions = self.env["mailing.subscription"].sudo().create(
            [{"contact_id": contacts[email].id, "list_id": mailing_list.id} for email in by_email])
        return [{**change, "res_model": "mailing.subscription", "res_id": subscription.id}
                for change, subscription in zip(by_email.values(), subscriptions, strict=True)]
