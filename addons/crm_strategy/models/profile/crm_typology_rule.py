from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths


class CrmTypologyRule(models.Model):
    """Behavioural typology: the first rule (by sequence) a customer's measures match names it."""

    _name = "crm.typology.rule"
    _description = "Customer Typology Rule"
    _inherit = ["crm.domain.rule.mixin"]
    _order = "sequence, id"
    _rule_model = "crm.customer.measure"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Rules are tried in this order; the first match wins.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(help="What this behaviour means and what to do about it.")
    company_id = fields.Many2one("res.company", help="Leave empty to use the rule in every company.")
    measure_count = fields.Integer(compute="_compute_measure_count", string="Customers")

    def _compute_measure_count(self):
        counts = dict(self.env["crm.customer.measure"]._read_group(
            [("typology_id", "in", self.ids)], ["typology_id"], ["__count"]))
        for rule in self:
            rule.measure_count = counts.get(rule, 0)

    @api.model
    def _apply_rules(self, companies):
        """Assign each measure row the first matching rule: one UPDATE per rule."""
        Measure = self.env["crm.customer.measure"].sudo()
        self.env.cr.execute(SQL(
            "UPDATE crm_customer_measure SET typology_id = NULL WHERE company_id IN %s", tuple(companies.ids)))
        for rule in self.search([("active", "=", True)]):
            scope = Domain("company_id", "in", companies.ids) & Domain("typology_id", "=", False)
            if rule.company_id:
                scope &= Domain("company_id", "=", rule.company_id.id)
            query = Measure._search(scope & rule._get_rule_domain())
            self.env.cr.execute(SQL(
                "UPDATE crm_customer_measure SET typology_id = %s WHERE id IN %s", rule.id, query.subselect()))
        Measure.invalidate_model(["typology_id"])

    def action_view_customers(self):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "crm.customer.measure",
            "view_mode": "list,pivot,graph",
            "domain": [("typology_id", "=", self.id)],
        }

    @api.constrains("name", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH})
