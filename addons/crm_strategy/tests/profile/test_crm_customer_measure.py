from odoo.tests import Form

from ..common import CrmStrategyCase


class TestCrmCustomerMeasure(CrmStrategyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Big buyer: 2 invoices in the last year, one older, a credit note, 3 orders
        cls._invoice(cls.customer_big, 30, 10)             # 1000, cost 600
        cls._invoice(cls.customer_big, 100, 5, discount=20)  # gross 500, net 400, cost 300
        cls._invoice(cls.customer_big, 500, 2)             # 200, older than 12 months, cost 120
        cls._invoice(cls.customer_big, 20, 1, move_type="out_refund")  # -100, cost back 60
        cls._order(cls.customer_big, 500)
        cls._order(cls.customer_big, 100)
        cls._order(cls.contact, 30)  # a contact's order counts for its company
        cls.env["crm.customer.measure"]._refresh_measures(cls.company)

    def _measure(self, partner):
        return self.env["crm.customer.measure"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])

    def test_measures_from_invoices_and_orders(self):
        m = self._measure(self.customer_big)
        self.assertEqual(len(m), 1)
        self.assertAlmostEqual(m.revenue_total, 1000 + 400 + 200 - 100)
        self.assertAlmostEqual(m.revenue_12m, 1000 + 400 - 100)
        self.assertAlmostEqual(m.margin_total, (1000 - 600) + (400 - 300) + (200 - 120) - (100 - 60))
        self.assertAlmostEqual(m.margin_12m, 400 + 100 - 40)
        self.assertEqual(m.order_count, 3)
        self.assertEqual(m.days_since_last_order, 30)
        self.assertEqual(m.last_order_date, self.today - __import__("datetime").timedelta(days=30))
        # discount: 100 of a gross 1000+500+200-100 = 1600
        self.assertAlmostEqual(m.discount_share, round(100 * 100 / 1600, 2))
        # lifetime net revenue per invoice (the credit note lowers the revenue, not the count)
        self.assertAlmostEqual(m.average_order_value, (1000 + 400 + 200 - 100) / 3)

    def test_contacts_and_non_buyers_have_no_row(self):
        self.assertFalse(self._measure(self.contact))
        self.assertFalse(self._measure(self.customer_none))

    def test_partner_fields_and_search(self):
        self.assertAlmostEqual(self.customer_big.crm_revenue_12m, 1300)
        self.assertAlmostEqual(self.contact.crm_revenue_12m, 1300, msg="a contact shows its company's measures")
        self.assertEqual(self.customer_none.crm_order_count, 0)
        Partner = self.env["res.partner"]
        self.assertIn(self.customer_big, Partner.search([("crm_revenue_12m", ">", 1000)]))
        self.assertNotIn(self.customer_none, Partner.search([("crm_revenue_12m", ">", 1000)]))
        # a partner without measures counts as zero orders
        self.assertIn(self.customer_none, Partner.search([("crm_order_count", "=", 0)]))
        self.assertNotIn(self.customer_big, Partner.search([("crm_order_count", "=", 0)]))

    def test_refresh_is_idempotent_and_updates(self):
        before = self._measure(self.customer_big)
        self.env["crm.customer.measure"]._refresh_measures(self.company)
        after = self._measure(self.customer_big)
        self.assertEqual(before, after, "a refresh keeps the row (upsert), it does not recreate it")
        self._invoice(self.customer_big, 1, 1)
        self.env["crm.customer.measure"]._refresh_measures(self.company)
        self.assertAlmostEqual(after.revenue_12m, 1400)

    def test_typology_first_matching_rule_wins(self):
        Rule = self.env["crm.typology.rule"]
        Rule.search([]).action_archive()
        whale = Rule.create({"name": "Whale", "sequence": 1, "rule_domain": "[('revenue_12m', '>=', 1000)]"})
        buyer = Rule.create({"name": "Buyer", "sequence": 2, "rule_domain": "[('order_count', '>=', 1)]"})
        small = self.env["res.partner"].create({"name": "One order", "is_company": True})
        self._order(small, 5)
        self.env["crm.customer.measure"]._refresh_measures(self.company)
        self.assertEqual(self._measure(self.customer_big).typology_id, whale)
        self.assertEqual(self._measure(small).typology_id, buyer)
        self.assertEqual(small.crm_typology_id, buyer)
        # reorder: the buyer rule now comes first
        buyer.sequence = 0
        self.env["crm.customer.measure"]._refresh_measures(self.company)
        self.assertEqual(self._measure(self.customer_big).typology_id, buyer)

    def test_typology_rule_refuses_bad_domain(self):
        Rule = self.env["crm.typology.rule"]
        with self.assertRaisesRegex(Exception, "not a valid domain"):
            Rule.create({"name": "Broken", "rule_domain": "[('order_count', '>', "})
        with self.assertRaisesRegex(Exception, "cannot be applied"):
            Rule.create({"name": "Unknown field", "rule_domain": "[('no_such_field', '=', 1)]"})

    def test_age_band_from_birth_year(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Young person"
            form.crm_birth_year = self.today.year - 30
            self.assertEqual(form.crm_age_band, "25_34")
