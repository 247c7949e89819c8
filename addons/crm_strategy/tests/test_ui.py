from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmStrategyUi(HttpCase):
    def test_segment_tour(self):
        """A manager creates a segment from the kanban and moves it along the continuum."""
        self.start_tour("/odoo/crm-segments", "crm_strategy_segment_tour", login="admin")
        segment = self.env["crm.segment"].search([("code", "=", "TOURW")])
        self.assertEqual(segment.name, "Tour wholesalers")
        self.assertEqual(segment.strategy_action, "attract")
        self.assertEqual(segment.continuum_stage, "marketing_segmentation")

    def test_channel_strategy_comparison_tour(self):
        """A manager opens the new channel strategy, compares it with the old one and reads the conflicts."""
        old = self.env.ref("crm_strategy.crm_channel_strategy_demo_old")
        new = self.env.ref("crm_strategy.crm_channel_strategy_demo_new")
        self.start_tour("/odoo/crm-channel-strategies", "crm_strategy_channel_tour", login="admin")
        comparison = self.env["crm.channel.strategy.comparison"].search(
            [("old_strategy_id", "=", old.id), ("new_strategy_id", "=", new.id)], order="id desc", limit=1)
        self.assertTrue(comparison, "the comparison the manager ran is saved on the wizard")
        self.assertEqual(len(comparison.line_ids), 4, "one line per segment of either strategy")
        bargain = comparison.line_ids.filtered(
            lambda line: line.segment_id == self.env.ref("crm_strategy.crm_segment_demo_bargain"))
        self.assertTrue(bargain.change_needed, "bargain hunters move from field sales to the web shop")
        self.assertEqual(comparison.change_count, len(comparison.line_ids.filtered("change_needed")))
