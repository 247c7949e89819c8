from odoo import fields, models
from odoo.exceptions import UserError

from ...const import PNL_ACTION_LEVERS
from ...tools.access import MANAGER_GROUP, check_group


class CrmCustomerProfitability(models.Model):
    """The suggested action of an unprofitable customer, applied with one click through the playbook
    mechanism (previewable in the log, undoable) and recorded as a P&L decision whose effect is tracked."""

    _inherit = "crm.customer.profitability"

    can_apply_suggestion = fields.Boolean(compute="_compute_can_apply_suggestion")

    def _compute_can_apply_suggestion(self):
        for record in self:
            record.can_apply_suggestion = bool(record.suggested_rule_id.action_type)

    def action_apply_suggestion(self):
        """Apply the suggested action of these customers: one log per action type, one decision per customer."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("read")
        Log = self.env["crm.playbook.log"]
        todo = {}
        for record in self:
            rule = record.suggested_rule_id
            if not rule.action_type:
                raise UserError(self.env._(
                    "No action to apply to %(customer)s: %(why)s", customer=record.partner_id.display_name,
                    why=self.env._("its suggestion “%s” has no action type (Configuration > Profitability Action "
                                   "Rules).", rule.name) if rule else self.env._("no rule suggests one.")))
            lever, own = PNL_ACTION_LEVERS[rule.action_type]
            if not rule[own]:
                raise UserError(self.env._("Rule “%(rule)s” does not say which %(what)s to set.",
                                           rule=rule.name, what=rule._fields[own].string))
            todo.setdefault((record.company_id, rule), []).append(record)
        decisions = self.env["crm.pnl.decision"]
        for (company, rule), records in todo.items():
            lever, own = PNL_ACTION_LEVERS[rule.action_type]
            partners = self.env["res.partner"].browse([record.partner_id.id for record in records])
            raw = Log._raw(rule._fields[own], rule[own])
            changes = Log._plan_field_changes(partners, company, lever, raw)
            log = Log._apply_changes(changes, company, rule.name, trigger="pnl")
            decisions |= decisions.sudo().create([{
                "partner_id": partner.id, "company_id": company.id, "action_type": rule.action_type,
                "rule_id": rule.id, "log_id": log.id, "profit_at_decision": record.profit,
            } for partner, record in zip(partners, records, strict=True)])
        return {
            "type": "ir.actions.act_window", "name": self.env._("P&L decisions"), "res_model": "crm.pnl.decision",
            "view_mode": "list,form", "domain": [("id", "in", decisions.ids)], "context": {"create": False},
        }
