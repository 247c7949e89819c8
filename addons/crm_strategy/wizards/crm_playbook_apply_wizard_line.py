from odoo import fields, models

from ..const import PLAYBOOK_PREVIEW_STATES


class CrmPlaybookApplyWizardLine(models.TransientModel):
    """One customer and one lever in the preview of a playbook."""

    _name = "crm.playbook.apply.wizard.line"
    _description = "Playbook Preview Line"
    _order = "partner_id, id"

    wizard_id = fields.Many2one("crm.playbook.apply.wizard", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    lever = fields.Selection(selection="_selection_lever", readonly=True)
    old_display = fields.Char(string="From", readonly=True)
    new_display = fields.Char(string="To", readonly=True)
    state = fields.Selection(PLAYBOOK_PREVIEW_STATES, readonly=True)
    note = fields.Char(readonly=True)

    def _selection_lever(self):
        return self.env["crm.segment.playbook"]._lever_selection()
