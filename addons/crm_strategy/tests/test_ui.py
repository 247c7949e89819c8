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
