from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.access import MANAGER_GROUP, check_group


class CrmPlaybookApplyWizard(models.TransientModel):
    """The preview of a playbook: every customer that would change, from what to what, before anything is
    written; Apply writes exactly the levers of the playbook on the customers listed."""

    _name = "crm.playbook.apply.wizard"
    _description = "Playbook Preview"

    playbook_id = fields.Many2one("crm.segment.playbook", required=True, ondelete="cascade")
    segment_id = fields.Many2one(related="playbook_id.segment_id")
    line_ids = fields.One2many("crm.playbook.apply.wizard.line", "wizard_id", string="Changes", readonly=True)
    change_count = fields.Integer(string="Changes to Apply", readonly=True)
    skipped_count = fields.Integer(string="Not Applied", readonly=True)
    partner_count = fields.Integer(string="Customers", readonly=True)

    def _fill(self):
        """The playbook's plan, as preview lines (one create)."""
        self.ensure_one()
        changes = self.playbook_id._plan()
        keep = ("partner_id", "lever", "old_display", "new_display", "state", "note")
        self.env["crm.playbook.apply.wizard.line"].create(
            [{"wizard_id": self.id, **{key: change.get(key) for key in keep}} for change in changes])
        self.write({
            "change_count": sum(change["state"] == "applied" for change in changes),
            "skipped_count": sum(change["state"] == "skipped" for change in changes),
            "partner_count": len({change["partner_id"] for change in changes if change["state"] == "applied"}),
        })

    def action_apply(self):
        """Apply the playbook to the customers of the preview, and open the log."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("write")
        self.ensure_one()
        if not self.change_count:
            raise UserError(self.env._("Nothing to change: every member already has the playbook's values."))
        partners = self.line_ids.partner_id
        log = self.playbook_id._apply(partners)
        return {
            "type": "ir.actions.act_window", "name": log.name, "res_model": "crm.playbook.log", "res_id": log.id,
            "view_mode": "form", "target": "current",
        }
