from unittest.mock import patch

from odoo.exceptions import ValidationError

from ...tools.pg import local_settings
from ..common import CrmStrategyCase


class TestCrmSegmentRefresh(CrmStrategyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoice(cls.customer_big, 10, 30)    # 3000
        cls._invoice(cls.customer_small, 10, 2)   # 200
        cls._order(cls.customer_big, 10)
        cls._order(cls.customer_small, 10)
        cls.env["crm.customer.measure"]._refresh_measures(cls.company)
        Segment = cls.env["crm.segment"]
        cls.buyers = Segment.create({
            "name": "Buyers", "code": "BUY", "priority": 1, "rule_domain": "[('crm_order_count', '>', 0)]",
        })
        cls.big = Segment.create({
            "name": "Big", "code": "BIG", "priority": 10, "rule_domain": "[('crm_revenue_12m', '>=', 1000)]",
        })

    def _history(self, segment, partner):
        return self.env["crm.segment.history"].search(
            [("segment_id", "=", segment.id), ("partner_id", "=", partner.id)], order="id").mapped("event")

    def _periods(self, segment, partner):
        return self.env["crm.segment.member"].with_context(active_test=False).search(
            [("segment_id", "=", segment.id), ("partner_id", "=", partner.id)], order="id")

    def test_refresh_members_and_primary_segment(self):
        (self.buyers | self.big).action_refresh_members()
        self.assertEqual(self.buyers.partner_ids, self.customer_big | self.customer_small)
        self.assertEqual(self.buyers.member_count, 2)
        self.assertEqual(self.big.partner_ids, self.customer_big)
        self.assertNotIn(self.contact, self.buyers.partner_ids, "contacts of a company are never members")
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.big, "highest priority wins")
        self.assertEqual(self.customer_small.crm_primary_segment_id, self.buyers)
        # priorities change: the primary segment follows without a refresh
        self.buyers.priority = 50
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.buyers)

    def test_primary_segment_follows_refreshes_and_deletions(self):
        (self.buyers | self.big).action_refresh_members()
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.big)
        # refreshing the lower segment alone keeps the higher one primary
        self.buyers.action_refresh_members()
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.big)
        # the big customer leaves the higher segment: the lower one becomes primary
        self.big.rule_domain = "[('crm_revenue_12m', '>=', 100000)]"
        self.big.action_refresh_members()
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.buyers)
        self.big.rule_domain = "[('crm_revenue_12m', '>=', 1000)]"
        self.big.action_refresh_members()
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.big)
        # deleting the primary segment hands the flag on at once
        self.big.unlink()
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.buyers)
        self.assertEqual(self.env["res.partner"].search([("crm_primary_segment_id", "=", self.buyers.id),
                                                         ("id", "in", (self.customer_big | self.customer_small).ids)]),
                         self.customer_big | self.customer_small)

    def test_refresh_statement_runs_in_memory_and_puts_the_settings_back(self):
        cr = self.env.cr
        cr.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        before = cr.fetchone()
        seen = []
        write = type(self.buyers)._write_memberships

        def spy(segments, *args):
            cr.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            seen.append(cr.fetchone())
            return write(segments, *args)

        with patch.object(type(self.buyers), "_write_memberships", spy):
            self.buyers.action_refresh_members()
        self.assertEqual(seen, [("64MB", "off")])
        cr.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        self.assertEqual(cr.fetchone(), before, "the rest of the transaction keeps its settings")
        self.assertEqual(self.buyers.member_count, 2)
        with local_settings(cr, work_mem="8MB"):
            cr.execute("SELECT current_setting('work_mem')")
            self.assertEqual(cr.fetchone()[0], "8MB")
        cr.execute("SELECT current_setting('work_mem')")
        self.assertEqual(cr.fetchone()[0], before[0])

    def test_moving_a_segment_to_another_company_moves_the_primary_flag(self):
        (self.buyers | self.big).action_refresh_members()
        buyers_membership = self.buyers.member_ids.filtered(lambda m: m.partner_id == self.customer_big)
        self.assertFalse(buyers_membership.is_primary)
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.big.company_id = other
        self.assertTrue(buyers_membership.is_primary, "the segment left for another company: Buyers is primary here")
        self.assertEqual(self.big.member_ids.company_id, other, "a membership's company is its segment's")

    def test_history_records_entries_and_exits(self):
        self.big.action_refresh_members()
        self.assertEqual(self._history(self.big, self.customer_big), ["enter"])
        self.big.action_refresh_members()
        self.assertEqual(self._history(self.big, self.customer_big), ["enter"], "a stable member logs nothing")
        self.big.rule_domain = "[('crm_revenue_12m', '>=', 100000)]"
        self.big.action_refresh_members()
        self.assertFalse(self.big.partner_ids)
        self.assertEqual(self._history(self.big, self.customer_big), ["enter", "leave"])
        # coming back opens a new period; the one that ended stays, archived
        self.big.rule_domain = "[('crm_revenue_12m', '>=', 1000)]"
        self.big.action_refresh_members()
        self.assertEqual(self.big.partner_ids, self.customer_big)
        self.assertEqual(self._history(self.big, self.customer_big), ["enter", "leave", "enter"])
        periods = self._periods(self.big, self.customer_big)
        self.assertEqual(periods.mapped("active"), [False, True])
        self.assertTrue(periods[0].date_left)
        self.assertFalse(periods[1].date_left)
        self.assertTrue(periods[1].is_primary, "the current period carries the primary flag")
        self.assertFalse(periods[0].is_primary)
        self.assertEqual(self.big.member_count, 1, "past periods are not members")
        self.assertEqual(self.customer_big.crm_primary_segment_id, self.big)

    def test_archived_partners_are_never_members(self):
        self.buyers.action_refresh_members()
        self.customer_small.action_archive()
        self.assertNotIn(self.customer_small, self.buyers.partner_ids)
        self.assertEqual(self._history(self.buyers, self.customer_small), ["enter", "leave"])
        period = self._periods(self.buyers, self.customer_small)
        self.assertFalse(period.active)
        self.assertTrue(period.date_left)
        self.assertFalse(period.is_primary)
        self.buyers.action_refresh_members()
        self.assertNotIn(self.customer_small.with_context(active_test=False), self.buyers.partner_ids)

    def test_segment_matching_nobody_is_fine(self):
        nobody = self.env["crm.segment"].create({
            "name": "Nobody", "code": "NONE", "rule_domain": "[('crm_revenue_12m', '>', 10 ** 12)]"})
        nobody.action_refresh_members()
        self.assertEqual(nobody.member_count, 0)
        self.assertIn("No member yet", nobody.profile_distribution_html)

    def test_invalid_or_unsafe_domain_refused(self):
        for bad in (
            "[('name', '=', ",                                   # syntax
            "[('no_such_field', '=', 1)]",                       # unknown field
            "__import__('os').system('true')",                  # unsafe
            "[('name', 'like like', 'x')]",                      # bad operator
            "42",                                                # not a list
        ):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                self.env["crm.segment"].create({"name": "Bad", "code": f"BAD{len(bad)}", "rule_domain": bad})
        with self.assertRaises(ValidationError):
            self.big.rule_domain = "[('id', 'in', [1); DROP TABLE res_partner; --])]"
        self.assertEqual(self.big.rule_domain, "[('crm_revenue_12m', '>=', 1000)]")

    def test_profile_distribution_per_attribute(self):
        self.customer_big.crm_size_band = "large"
        self.customer_small.crm_size_band = "small"
        self.buyers.action_refresh_members()
        html = str(self.buyers.profile_distribution_html)
        self.assertIn("Company Size", html)
        self.assertIn("Large (250+)", html)
        self.assertIn("50.0%", html)

    def test_product_abc(self):
        other = self.env["product.product"].create({"name": "Lamp", "list_price": 10.0, "standard_price": 9.0})
        self._invoice(self.customer_small, 5, 3, price=10.0, product=other)
        self.buyers.action_refresh_members()
        abc = {r.product_id: r for r in self.buyers.product_abc_ids}
        self.assertEqual(abc[self.product].revenue_class, "A")
        self.assertAlmostEqual(abc[self.product].revenue, 3200)
        self.assertEqual(abc[other].revenue_class, "C")
        self.big.action_refresh_members()
        self.assertEqual({r.product_id: r.revenue for r in self.big.product_abc_ids}, {self.product: 3000},
                         "a segment's ABC reads its members' invoices only")
