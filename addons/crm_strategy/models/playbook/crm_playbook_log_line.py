from collections import defaultdict

from odoo import fields, models

from ...const import PLAYBOOK_LINE_STATES, PLAYBOOK_SINCE_FIELDS


class CrmPlaybookLogLine(models.Model):
    """One change a playbook (or a P&L decision) made to one customer: the field, the value before and the
    value set, or the record it created (an activity, a subscription), so that an undo can restore it."""

    _name = "crm.playbook.log.line"
    _description = "Playbook Change"
    _order = "log_id desc, partner_id, id"
    _rec_name = "partner_id"

    log_id = fields.Many2one("crm.playbook.log", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="log_id.company_id", store=True)
    date = fields.Datetime(related="log_id.date", store=True)
    playbook_id = fields.Many2one(related="log_id.playbook_id", store=True, index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    lever = fields.Selection(selection="_selection_lever", required=True)
    field_name = fields.Char(help="Technical name of the customer's field the lever writes.")
    old_value = fields.Char(help="The value before, as stored (an id or a selection key).")
    new_value = fields.Char(help="The value set, as stored (an id or a selection key).")
    old_since = fields.Datetime(
        string="Old Value Since", help="When the value before had taken effect (the serving channel): the undo "
                                       "restores it too, so that no past order changes channel.")
    old_display = fields.Char(string="From")
    new_display = fields.Char(string="To")
    res_model = fields.Char(string="Created Model", help="The kind of record the lever created, for the undo.")
    res_id = fields.Integer(string="Created Record")
    state = fields.Selection(PLAYBOOK_LINE_STATES, required=True, default="applied", index=True)
    note = fields.Char(help="Why the change was not applied, or not undone.")

    def _selection_lever(self):
        return self.env["crm.segment.playbook"]._lever_selection()

    def _undo(self, reason=None):
        """Restore the old values of these applied lines where the customer still has the value set, remove
        the records they created where they still exist; the others are kept, with the reason. Writes grouped
        by restored value. Returns (restored, kept)."""
        Log = self.env["crm.playbook.log"]
        restored, kept = self.browse(), defaultdict(lambda: self.browse())
        for company in self.company_id:
            lines = self.filtered(lambda line, c=company: line.company_id == c)
            Partner = self.env["res.partner"].sudo().with_company(company)
            groups = defaultdict(lambda: self.browse())
            for line in lines.filtered(lambda line: not line.res_model):
                field = Partner._fields[line.field_name]
                current = Log._raw(field, Partner.browse(line.partner_id.id)[line.field_name])
                if current == line.new_value:
                    groups[line.field_name, line.old_value, line.old_since] |= line
                else:
                    kept[self.env._("Changed since to “%s”.", Log._display(field, current) or "-")] |= line
            for (name, raw, since), group in groups.items():
                vals = {name: Log._to_write(Partner._fields[name], raw)}
                if name in PLAYBOOK_SINCE_FIELDS:
                    vals[PLAYBOOK_SINCE_FIELDS[name]] = since
                Partner.browse(group.partner_id.ids).write(vals)
                restored |= group
            for model in set(lines.filtered("res_model").mapped("res_model")):
                group = lines.filtered(lambda line, m=model: line.res_model == m)
                existing = self.env[model].sudo().browse(group.mapped("res_id")).exists()
                if "active" in existing._fields:  # an activity marked done is archived: done, not to remove
                    existing = existing.filtered("active")
                existing.unlink()
                restored |= group.filtered(lambda line, e=set(existing.ids): line.res_id in e)
                kept[self.env._("Done or deleted since.")] |= group.filtered(
                    lambda line, e=set(existing.ids): line.res_id not in e)
        restored.sudo().write({"state": "undone", "note": reason or False})
        for note, group in kept.items():
            group.sudo().write({"state": "kept", "note": note})
        return len(restored), sum(len(group) for group in kept.values())
