from datetime import timedelta

from odoo import Command, fields
from odoo.addons.crm_strategy.tests.common import CrmStrategyCase
from odoo.exceptions import AccessError
from odoo.tests import new_test_user


class TestMailingListLever(CrmStrategyCase):
    """Four members: Big (email, consent granted), Small (email, consent withdrawn), Never Bought (email, no
    answer), Quiet (consent granted, no email)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_big.email = "big@example.com"
        cls.customer_small.email = "small@example.com"
        cls.customer_none.email = "none@example.com"
        cls.quiet = cls.env["res.partner"].create({"name": "Quiet", "is_company": True})
        members = cls.customer_big | cls.customer_small | cls.customer_none | cls.quiet
        now = fields.Datetime.now()
        cls.env["crm.marketing.consent"].create([
            {"partner_id": cls.customer_big.id, "medium": "email", "granted": True, "date": now},
            {"partner_id": cls.customer_small.id, "medium": "email", "granted": True, "date": now - timedelta(days=5)},
            {"partner_id": cls.customer_small.id, "medium": "email", "granted": False, "date": now},
            {"partner_id": cls.quiet.id, "medium": "email", "granted": True, "date": now},
        ])
        cls.segment = cls.env["crm.segment"].create({
            "name": "Newsletter", "code": "NEWS", "rule_domain": f"[('id', 'in', {members.ids})]"})
        cls.segment.action_refresh_members()
        cls.newsletter = cls.env["mailing.list"].sudo().create({"name": "Playbook newsletter"})
        cls.playbook = cls.env["crm.segment.playbook"].sudo().create({
            "name": "Newsletter", "segment_id": cls.segment.id, "mailing_list_id": cls.newsletter.id,
            "auto_apply": True})

    def _subscribed(self):
        subs = self.env["mailing.subscription"].sudo().search(
            [("list_id", "=", self.newsletter.id), ("opt_out", "=", False)])
        return set(subs.contact_id.mapped("email_normalized"))

    def test_only_consenting_members_are_subscribed(self):
        action = self.playbook.with_user(self.manager).action_preview()
        wizard = self.env["crm.playbook.apply.wizard"].with_user(self.manager).browse(action["res_id"])
        notes = {line.partner_id: (line.state, line.note) for line in wizard.line_ids}
        self.assertEqual(notes[self.customer_big], ("applied", False))
        self.assertEqual(notes[self.customer_small], ("skipped", "No email consent."), "withdrawn since")
        self.assertEqual(notes[self.customer_none], ("skipped", "No email consent."), "never asked")
        self.assertEqual(notes[self.quiet], ("skipped", "No email address."))
        self.assertFalse(self._subscribed(), "the preview subscribes nobody")
        log = self.env["crm.playbook.log"].browse(wizard.action_apply()["res_id"])
        self.assertEqual(self._subscribed(), {"big@example.com"})
        self.assertEqual((log.change_count, log.skipped_count), (1, 3))
        self.assertFalse([c for c in self.playbook._plan() if c["state"] == "applied"],
                         "applied again: nothing new")
        log.with_user(self.manager).action_undo()
        self.assertFalse(self._subscribed(), "undo removes the subscription")

    def test_opt_out_respected_and_newcomers_at_refresh(self):
        contact = self.env["mailing.contact"].sudo().create({"name": "Big", "email": "big@example.com"})
        self.env["mailing.subscription"].sudo().create({"contact_id": contact.id, "list_id": self.newsletter.id,
                                                 "opt_out": True})
        changes = self.playbook._plan()
        big = [c for c in changes if c["partner_id"] == self.customer_big.id]
        self.assertEqual((big[0]["state"], big[0]["note"]), ("skipped", "Opted out of this list."))
        # Never Bought grants its consent: the next refresh subscribes it
        self.env["crm.marketing.consent"].create({"partner_id": self.customer_none.id, "medium": "email"})
        self.segment.action_refresh_members()
        self.assertEqual(self._subscribed(), {"none@example.com"})
        self.assertEqual(self.playbook.log_ids.trigger, "refresh")

    def test_field_needs_email_marketing_rights(self):
        self.assertFalse(self.playbook.with_user(self.manager).env.user.has_group(
            "mass_mailing.group_mass_mailing_user"))
        with self.assertRaises(AccessError):
            self.playbook.with_user(self.manager).read(["mailing_list_id"])
        marketer = new_test_user(self.env, "pb_marketer", groups="crm_strategy.group_crm_strategy_manager,"
                                 "mass_mailing.group_mass_mailing_user", company_id=self.company.id,
                                 company_ids=[Command.set(self.company.ids)])
        self.assertEqual(self.playbook.with_user(marketer).mailing_list_id, self.newsletter)
