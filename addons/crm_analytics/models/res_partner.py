from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import USER_GROUP, check_group
from odoo.exceptions import ValidationError

from ..lib import rfm_segments


class ResPartner(models.Model):
    """The customer's analytics on the partner form: smart buttons that open the explained metrics row."""

    _inherit = "res.partner"

    # The strategy team's figures: not for portal users nor for every employee.
    crm_metrics_id = fields.Many2one("crm.customer.metrics", compute="_compute_crm_metrics", string="Analytics",
                                     groups=USER_GROUP)
    crm_clv = fields.Monetary(compute="_compute_crm_metrics", string="CLV", currency_field="crm_metrics_currency_id",
                              groups=USER_GROUP)
    crm_clv_historical = fields.Boolean(
        compute="_compute_crm_metrics", string="Historical CLV", groups=USER_GROUP,
        help="The CLV is the historical one: the fit's base is too small or its back-test grade is C.")
    crm_metrics_currency_id = fields.Many2one("res.currency", compute="_compute_crm_metrics", groups=USER_GROUP)
    crm_p_alive = fields.Float(compute="_compute_crm_metrics", string="P(alive)", groups=USER_GROUP)
    crm_rfm_segment = fields.Selection(rfm_segments.SEGMENTS, compute="_compute_crm_metrics", string="RFM Segment",
                                       groups=USER_GROUP)

    # the loyalty stage of the CRM process: who brought this customer (salespeople record it)
    crm_referred_by_id = fields.Many2one(
        "res.partner", string="Referred By", index="btree_not_null", ondelete="set null", copy=False,
        groups="sales_team.group_sale_salesman,crm_strategy.group_crm_strategy_user",
        help="The customer who referred this one: counted as a referral of the referrer in the CRM process funnel.")

    @api.constrains("crm_referred_by_id")
    def _check_crm_referred_by(self):
        for partner in self:
            if partner.crm_referred_by_id and partner.crm_referred_by_id.commercial_partner_id \
                    == partner.commercial_partner_id:
                raise ValidationError(self.env._("%s cannot be referred by itself.", partner.display_name))

    @api.depends_context("company")
    def _compute_crm_metrics(self):
        partners = self.commercial_partner_id
        metrics = self.env["crm.customer.metrics"].search([
            ("partner_id", "in", partners.ids), ("company_id", "=", self.env.company.id)])
        by_partner = {row.partner_id.id: row for row in metrics}
        for partner in self:
            row = by_partner.get(partner.commercial_partner_id.id, self.env["crm.customer.metrics"])
            partner.crm_metrics_id = row
            partner.crm_clv = row.clv
            partner.crm_clv_historical = row.clv_basis == "historical"
            partner.crm_metrics_currency_id = row.currency_id or self.env.company.currency_id
            partner.crm_p_alive = row.p_alive
            partner.crm_rfm_segment = row.rfm_segment

    def action_view_crm_metrics(self):
        """The metrics row of the customer in the current company, with its explanation."""
        check_group(self.env, USER_GROUP)
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_analytics.crm_customer_metrics_action")
        if self.crm_metrics_id:
            action.update({"res_id": self.crm_metrics_id.id, "view_mode": "form", "views": [(False, "form")]})
        else:
            action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
