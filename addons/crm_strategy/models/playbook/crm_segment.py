from odoo import fields, models


class CrmSegment(models.Model):
    """The playbooks of a segment: the levers its strategy pulls on the members."""

    # each concern extends the segment in its own folder (pnl, playbook), to be read alone
    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    playbook_ids = fields.One2many("crm.segment.playbook", "segment_id", string="Playbooks")
    playbook_count = fields.Integer(compute="_compute_playbook_count", string="Playbooks Count")

    def _compute_playbook_count(self):
        counts = dict(self.env["crm.segment.playbook"]._read_group(
            [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]))
        for segment in self:
            segment.playbook_count = counts.get(segment, 0)

    def action_view_playbooks(self):
        """The segment's playbooks; the only one opens directly."""
        self.check_access("read")
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window", "name": self.env._("Playbooks of %s", self.name),
            "res_model": "crm.segment.playbook", "view_mode": "list,form",
            "domain": [("segment_id", "=", self.id)], "context": {"default_segment_id": self.id},
        }
        if len(self.playbook_ids) == 1:
            action.update(view_mode="form", res_id=self.playbook_ids.id)
        return action
