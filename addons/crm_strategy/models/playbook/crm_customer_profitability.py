from odoo import fields, models

from ...const import PNL_ACTION_LEVERS
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.notify import refresh_notification


class CrmCustomerProfitability(models.Model):
    """The suggested action of an unprofitable customer, applied with one click through the playbook
    mechanism (previewable in the log, undoable) and recorded as a P&L decision whose effect is tracked."""

    _inherit = "crm.customer.profitability"

    can_apply_suggestion = fields.Boolean(compute="_compute_can_apply_suggestion")

    def _compute_can_apply_suggestion(self):
        for record in self:
            record.can_apply_suggestion = bool(record.suggested_rule_id.action_type)

    def _suggestion_problem(self):
        """Why a click cannot apply this customer's suggestion, or False."""
        self.ensure_one()
        rule = self.suggested_rule_id
        if not rule:
            return self.env._("%s: no rule suggests an action.", self.partner_id.display_name)
        if not rule.action_type:
            return self.env._("%(customer)s: “%(rule)s” has no action type (Configuration > Profitability Action "
                              "Rules).", customer=self.partner_id.display_name, rule=rule.name)
        if not rule[PNL_ACTION_LEVERS[rule.action_type][1]]:
            return self.env._("%(customer)s: “%(rule)s” does not say which %(what)s to set.",
                              customer=self.partner_id.display_name, rule=rule.name,
                              what=rule._fields[PNL_ACTION_LEVERS[rule.action_type][1]].string)
        return False

    def action_apply_suggestion(self):
        """Apply the suggested action of these customers: one log per rule, one decision per customer. Customers
        without an applicable suggestion are left out, and the answer says which and why."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("read")
        Log = self.env["crm.playbook.log"]
        todo, problems = {}, []
        for record in self:
            problem = record._suggestion_problem()
            if problem:
                problems.append(problem)
            else:
                todo.setdefault((record.company_id, record.suggested_rule_id), []).append(record)
        if not todo:
            return refresh_notification(self.env._("Nothing applied"), " ".join(problems[:5]), "warning",
                                        reload=False)
        decisions = self.env["crm.pnl.decision"]
        for (company, rule), records in todo.items():
            lever, own = PNL_ACTION_LEVERS[rule.action_type]
            partners = self.env["res.partner"].browse([record.partner_id.id for record in records])
            changes = Log._plan_field_changes(partners, company, lever, Log._raw(rule._fields[own], rule[own]))
            log = Log._apply_changes(changes, company, rule.name, trigger="pnl")
            decisions |= decisions.sudo().create([{
                "partner_id": partner.id, "company_id": company.id, "action_type": rule.action_type,
                "rule_id": rule.id, "log_id": log.id, "profit_at_decision": record.profit,
            } for partner, record in zip(partners, records, strict=True)])
        name = self.env._("P&L decisions")
        if problems:
            name = self.env._("P&L decisions (%(count)s customers left out: no applicable suggestion)",
                              count=len(problems))
        return {
            "type": "ir.actions.act_window", "name": name, "res_model": "crm.pnl.decision",
            "view_mode": "list,form", "domain": [("id", "in", decisions.ids)], "context": {"create": False},
        }
