import io

import openpyxl

from odoo.exceptions import AccessError, UserError

from ..common import CrmChannelCase


class TestCrmChannelStrategy(CrmChannelCase):
    """Old strategy: Field is primary everywhere. New: the Big-and-Small segment gets Web primary and Field
    secondary; the Third segment keeps Field, and Phone, through which Third buys today, gets no role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Strategy = cls.env["crm.channel.strategy"]
        cls.old = Strategy.create({"name": "Old", "line_ids": [
            (0, 0, {"segment_id": cls.segment_two.id, "channel_id": cls.field.id, "role": "primary"}),
            (0, 0, {"segment_id": cls.segment_third.id, "channel_id": cls.field.id, "role": "primary"}),
        ]})
        cls.new = Strategy.create({"name": "New", "line_ids": [
            (0, 0, {"segment_id": cls.segment_two.id, "channel_id": cls.web.id, "role": "primary"}),
            (0, 0, {"segment_id": cls.segment_two.id, "channel_id": cls.field.id, "role": "secondary"}),
            (0, 0, {"segment_id": cls.segment_third.id, "channel_id": cls.field.id, "role": "primary"}),
            (0, 0, {"segment_id": cls.segment_third.id, "channel_id": cls.phone_channel.id, "role": "none"}),
        ]})
        cls.comparison = cls.env["crm.channel.strategy.comparison"].create({
            "old_strategy_id": cls.old.id, "new_strategy_id": cls.new.id,
            "date_from": cls.month_start, "date_to": cls.today})
        cls.comparison.action_compare()
        cls.lines = {line.segment_id: line for line in cls.comparison.line_ids}

    def test_changes_and_expected_impact(self):
        two, third = self.lines[self.segment_two], self.lines[self.segment_third]
        self.assertTrue(two.change_needed)
        self.assertEqual(two.change_summary, "Web: None → Primary; Field: Primary → Secondary")
        self.assertEqual(two.old_channels, "Field (Primary)")
        self.assertEqual(two.new_channels, "Web (Primary), Field (Secondary)")
        self.assertEqual(two.customer_count, 2)
        self.assertAlmostEqual(two.current_revenue, 1660)
        # old: 2 customers x Field's 330 a customer in the segment, at Field's 100/660 cost per unit of revenue
        self.assertAlmostEqual(two.old_expected_revenue, 660)
        self.assertAlmostEqual(two.old_expected_cost, 100)
        # new: 2/3 of them at Web's 1000 (cost 10%), 1/3 at Field's 330
        self.assertAlmostEqual(two.new_expected_revenue, 2 * 2 / 3 * 1000 + 2 / 3 * 330, places=2)
        self.assertAlmostEqual(two.new_expected_cost, 2 * 2 / 3 * 100 + 2 / 3 * 330 * 100 / 660, places=2)
        self.assertAlmostEqual(two.revenue_impact, two.new_expected_revenue - 660, places=2)
        self.assertAlmostEqual(two.revenue_to_migrate, 0)
        # Third: same roles, but its 270 through Phone must move; Field does not serve it: its overall 330
        self.assertTrue(third.change_needed)
        self.assertFalse(third.change_summary)
        self.assertAlmostEqual(third.revenue_to_migrate, 270)
        self.assertAlmostEqual(third.old_expected_revenue, 330)
        self.assertAlmostEqual(third.old_expected_cost, 50)
        self.assertAlmostEqual(third.revenue_impact, 0)
        self.assertEqual(self.comparison.change_count, 2)
        self.assertAlmostEqual(self.comparison.revenue_impact, two.revenue_impact)

    def test_conflict_intensity_ranked(self):
        two, third = self.lines[self.segment_two], self.lines[self.segment_third]
        # Big buys through Web and Field: 1 of 2 customers, 1160 of 1660; the chair at 100 (Web) vs 660/7 (Field)
        self.assertEqual(two.multi_channel_customers, 1)
        self.assertAlmostEqual(two.multi_channel_pct, 50)
        self.assertAlmostEqual(two.overlap_revenue, 1160)
        self.assertAlmostEqual(two.overlap_pct, round(100 * 1160 / 1660, 2))
        gap = 100 * (100 - 660 / 7) / 100
        self.assertAlmostEqual(two.price_gap_pct, round(gap, 2))
        self.assertEqual(two.price_gap_product_id, self.chair)
        self.assertAlmostEqual(two.conflict_intensity, round((50 + 100 * 1160 / 1660 + gap) / 3, 2), places=1)
        self.assertEqual(two.conflict_rank, 1)
        self.assertEqual((third.multi_channel_customers, third.price_gap_pct, third.conflict_intensity), (0, 0, 0))
        self.assertEqual(third.conflict_rank, 2)

    def test_matrix_and_fill(self):
        self.assertIn("Primary", self.new.matrix_html)
        self.assertIn("Big and small", self.new.matrix_html)
        action = self.new.action_view_matrix_pivot()
        self.assertEqual(self.env["crm.channel.strategy.line"].search(action["domain"]), self.new.line_ids)
        self.new.action_fill_matrix()
        self.assertEqual(len(self.new.line_ids), 2 * 3 + self.env["crm.segment"].search_count(
            [("company_id", "=", self.company.id), ("id", "not in", (self.segment_two | self.segment_third).ids)]) * 3)
        self.assertEqual(self.new.line_ids.filtered(lambda c: c.channel_id == self.phone_channel
                                                    and c.segment_id == self.segment_two).role, "none")

    def test_bad_input_and_access(self):
        bad = self.env["crm.channel.strategy.comparison"].create({
            "old_strategy_id": self.new.id, "new_strategy_id": self.new.id,
            "date_from": self.month_start, "date_to": self.today})
        with self.assertRaises(UserError):
            bad.action_compare()
        with self.assertRaises(AccessError):
            self.env["crm.channel.strategy"].with_user(self.strategy_user).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.new.line_ids[0].with_user(self.strategy_user).role = "none"
        comparison = self.env["crm.channel.strategy.comparison"].with_user(self.strategy_user).create({
            "old_strategy_id": self.old.id, "new_strategy_id": self.new.id,
            "date_from": self.month_start, "date_to": self.today})
        comparison.action_compare()
        self.assertEqual(len(comparison.line_ids), 2, "a strategy user reads the comparison")
        other = self.setup_other_company(name="Other strategy Co")["company"]
        foreign = self.env["crm.channel.strategy"].sudo().create([
            {"name": "Foreign old", "company_id": other.id}, {"name": "Foreign new", "company_id": other.id}])
        prying = self.env["crm.channel.strategy.comparison"].with_user(self.strategy_user).create({
            "old_strategy_id": foreign[0].id, "new_strategy_id": foreign[1].id, "company_id": other.id,
            "date_from": self.month_start, "date_to": self.today})
        with self.assertRaises(AccessError):
            prying.action_compare()

    def test_xlsx_export(self):
        action = self.comparison.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet["A2"].value, 1)
        self.assertEqual(sheet["B2"].value, self.segment_two.display_name)

    def test_comparison_page_and_line_detail(self):
        """The comparison opens as a full page, says what it found, and names itself and its lines in words."""
        action = self.new.action_compare()
        self.assertEqual(action["target"], "current", "a page of its own, not a dialog over another screen")
        menu_action = self.env.ref("crm_strategy.crm_channel_strategy_comparison_action")
        self.assertEqual(menu_action.target, "current")
        comparison = self.env["crm.channel.strategy.comparison"].with_user(self.manager).create({
            "old_strategy_id": self.old.id, "new_strategy_id": self.new.id,
            "date_from": self.month_start, "date_to": self.today})
        self.assertIn("Old → New", comparison.display_name)
        self.assertIn(str(self.today.year), comparison.display_name, "the period shows its year")
        notification = comparison.action_compare()
        self.assertEqual(notification["tag"], "display_notification")
        self.assertEqual(notification["params"]["title"], "Strategies compared")
        self.assertIn("2 segments compared, 2 to change", notification["params"]["message"])
        self.assertEqual(notification["params"]["next"]["tag"], "soft_reload")
        line = comparison.line_ids.filtered(lambda line: line.segment_id == self.segment_two)
        self.assertTrue(line.display_name.startswith("Big and small: Old → New"))
        self.assertNotIn("crm.channel.strategy.comparison,", line.display_name)
        arch = self.env["crm.channel.strategy.comparison.line"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="segment_id"', arch)
        self.assertNotIn('name="comparison_id"', arch, "no raw reference to the comparison in the detail")

    def test_fill_matrix_notifies(self):
        action = self.new.action_fill_matrix()
        self.assertEqual(action["params"]["title"], "Matrix filled")
        self.assertIn("cells added", action["params"]["message"])
        self.assertEqual(self.new.action_fill_matrix()["params"]["message"],
                         "Every segment and channel already has a cell.")
