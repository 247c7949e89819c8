from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ...const import PNL_ACTION_LEVERS, PNL_ACTION_TYPES


class CrmPnlDecision(models.Model):
    """A suggested action of the customer P&L applied to one customer: what was done, when and through which
    change log, so that the customer's profit after the decision can be set against the profit before."""

    _name = "crm.pnl.decision"
    _description = "Customer P&L Decision"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    action_type = fields.Selection(PNL_ACTION_TYPES, required=True)
    rule_id = fields.Many2one("crm.pnl.action.rule", string="Suggested By", ondelete="set null")
    date = fields.Date(required=True, default=fields.Date.context_today,
                       help="The decision's month is left out of the comparison: the months before it against "
                            "the months after it.")
    user_id = fields.Many2one("res.users", string="Decided By", default=lambda self: self.env.user)
    log_id = fields.Many2one("crm.playbook.log", string="Changes", ondelete="set null",
                             help="What the decision changed on the customer; undo it there.")
    profit_at_decision = fields.Monetary(help="The customer's profit of the twelve months before the decision.")
    # the figures of the effect view (crm.pnl.decision.effect), shown on the decision
    before_from = fields.Date(compute="_compute_effect", string="Before: From")
    before_to = fields.Date(compute="_compute_effect", string="Before: To")
    after_from = fields.Date(compute="_compute_effect", string="After: From")
    after_to = fields.Date(compute="_compute_effect", string="After: To")
    profit_before = fields.Monetary(compute="_compute_effect")
    profit_after = fields.Monetary(compute="_compute_effect")
    months_observed = fields.Integer(compute="_compute_effect")
    monthly_change = fields.Monetary(compute="_compute_effect", string="Change per Month")

    EFFECT_FIELDS = ("before_from", "before_to", "after_from", "after_to", "profit_before", "profit_after",
                     "months_observed", "monthly_change")

    def _compute_effect(self):
        effects = {effect.decision_id.id: effect for effect in self.env["crm.pnl.decision.effect"].search(
            [("decision_id", "in", self.ids)])}
        for decision in self:
            effect = effects.get(decision.id)
            for name in self.EFFECT_FIELDS:
                decision[name] = effect[name] if effect else False

    def action_view_pnl(self):
        """The customer's monthly P&L around the decision."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.partner_id.display_name, "res_model": "crm.customer.pnl",
            "view_mode": "list,graph,pivot",
            "domain": [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
                       ("month", ">=", self.before_from), ("month", "<=", self.after_to)],
        }

    @api.model
    def _demo_decisions(self, months_ago=5):
        """Demo: the suggested action of the most unprofitable customers, one per action type a click can
        apply, applied and dated some months back so that the effects show months before and after."""
        then = fields.Date.context_today(self) - relativedelta(months=months_ago)
        month = then.replace(day=1)
        window = [("company_id", "=", self.env.company.id), ("month", "!=", month),
                  ("month", ">=", month - relativedelta(months=3)), ("month", "<=", month + relativedelta(months=3))]
        # customers who bought both before and after the decision month, so that the comparison has figures
        active = [partner.id for partner, months in self.env["crm.customer.pnl"]._read_group(
            window, ["partner_id"], ["month:count_distinct"]) if months >= 4]
        rows = self.env["crm.customer.profitability"].search(
            [("is_unprofitable", "=", True), ("company_id", "=", self.env.company.id), ("partner_id", "in", active)],
            order="profit")
        picked, types = rows.browse(), set()
        for row in rows:
            rule = row.suggested_rule_id
            if rule.action_type and rule.action_type not in types and rule[PNL_ACTION_LEVERS[rule.action_type][1]]:
                picked |= row
                types.add(rule.action_type)
        if not picked:
            return
        decisions = self.search(picked.action_apply_suggestion()["domain"])
        decisions.write({"date": then})
        decisions.log_id.write({"date": fields.Datetime.to_datetime(then)})
