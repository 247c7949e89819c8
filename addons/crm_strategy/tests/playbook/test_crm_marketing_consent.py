from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from ..common import CrmStrategyCase


class TestCrmMarketingConsent(CrmStrategyCase):
    def test_latest_answer_per_medium_and_company_counts(self):
        Consent = self.env["crm.marketing.consent"]
        now = fields.Datetime.now()
        Consent.create([
            {"partner_id": self.customer_big.id, "medium": "email", "granted": True, "date": now - timedelta(days=9),
             "source": "web_form"},
            {"partner_id": self.customer_small.id, "medium": "email", "granted": True,
             "date": now - timedelta(days=9), "source": "order"},
            {"partner_id": self.customer_small.id, "medium": "email", "granted": False,
             "date": now - timedelta(days=1), "source": "web_form"},
            {"partner_id": self.customer_none.id, "medium": "sms", "granted": True, "date": now, "source": "event"},
        ])
        Partner = self.env["res.partner"]
        ids = (self.customer_big | self.customer_small | self.customer_none | self.contact).ids
        self.assertEqual(Partner._crm_consenting(ids, "email", self.company),
                         {self.customer_big.id, self.contact.id},
                         "withdrawn later: no; SMS only: no; a contact follows its company")
        self.assertEqual(Partner._crm_consenting(ids, "sms", self.company), {self.customer_none.id})
        other = self.setup_other_company(name="Consent Co")["company"]
        self.assertFalse(Partner._crm_consenting(ids, "email", other), "consent is given to one company")

    def test_partner_form_and_rights(self):
        self.assertIn("crm_consent_ids", self.env["res.partner"].with_user(self.strategy_user).fields_get())
        consent = self.env["crm.marketing.consent"].with_user(self.strategy_user).create({
            "partner_id": self.customer_big.id, "medium": "post", "source": "paper"})
        self.assertEqual(self.customer_big.crm_consent_ids, consent)
        portal = new_test_user(self.env, "consent_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            consent.with_user(portal).read(["granted"])
