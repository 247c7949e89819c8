from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ...const import CONTINUUM_STAGES, STRATEGY_ACTIONS
from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths


def _group_label(field, value, env):
    if field.type == "selection":
        return dict(field._description_selection(env)).get(value) or env._("Unknown")
    if field.type in ("many2one", "many2many"):
        return value.display_name if value else env._("Unknown")
    return value if value not in (False, None) else env._("Unknown")


class CrmSegment(models.Model):
    """A group of customers managed as one along the segment-management continuum."""

    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.domain.rule.mixin"]
    _rule_model = "res.partner"
    _order = "priority desc, sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short unique code, used in exports and reports.")
    description = fields.Text()
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    priority = fields.Integer(
        default=10,
        tracking=True,
        help="When a customer belongs to several segments, the one with the highest priority is its primary segment.",
    )
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    continuum_stage = fields.Selection(
        CONTINUUM_STAGES,
        required=True,
        default="product_centric",
        tracking=True,
        group_expand="_read_group_continuum_stage",
        help="How far the company manages this segment as a business of its own, from product-centric "
        "analysis to a customer-centric profit and loss.",
    )
    strategy_action = fields.Selection(
        STRATEGY_ACTIONS,
        string="Strategy",
        required=True,
        default="grow",
        tracking=True,
        help="What the customer strategy says to do with these customers.",
    )
    advisor_id = fields.Many2one(
        "res.users", string="Segment Advisor", tracking=True, domain="[('share', '=', False)]"
    )
    owner_id = fields.Many2one(
        "res.users", string="Segment Owner", tracking=True, domain="[('share', '=', False)]",
        help="The owner may edit the segment and answers for its results.",
    )
    value_proposition = fields.Html(help="What the company offers this segment, and why they should care.")
    rule_domain = fields.Char(
        tracking=True,
        help="Customers matching this rule are the members. Conditions may use the partner's profile and "
        "its customer measures (revenue, margin, orders, days since last order, typology...).",
    )
    member_ids = fields.One2many("crm.segment.member", "segment_id", string="Memberships")
    partner_ids = fields.Many2many(
        "res.partner", string="Members", compute="_compute_partner_ids", search="_search_partner_ids"
    )
    member_count = fields.Integer(compute="_compute_member_count", string="Members Count")
    history_ids = fields.One2many("crm.segment.history", "segment_id", string="Membership History")
    product_abc_ids = fields.One2many("crm.segment.product.abc", "segment_id", string="Product ABC")
    profile_distribution_html = fields.Html(
        compute="_compute_profile_distribution_html", sanitize=False, string="Profile of the Members",
        help="How the members spread over every demographic, psychographic and behavioural attribute.",
    )
    last_refresh = fields.Datetime(readonly=True, copy=False)

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A segment code must be unique per company."
    )

    def _compute_partner_ids(self):
        members = self.env["crm.segment.member"].search([("segment_id", "in", self._origin.ids), ("active", "=", True)])
        by_segment = {}
        for member in members:
            by_segment.setdefault(member.segment_id.id, []).append(member.partner_id.id)
        for segment in self:
            segment.partner_ids = [fields.Command.set(by_segment.get(segment._origin.id, []))]

    def _search_partner_ids(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        members = self.env["crm.segment.member"]._search([("partner_id", "in", value), ("active", "=", True)])
        return Domain("id", operator, members.subselect("segment_id"))

    def _compute_member_count(self):
        counts = dict(self.env["crm.segment.member"]._read_group(
            [("segment_id", "in", self._origin.ids), ("active", "=", True)], ["segment_id"], ["__count"]))
        for segment in self:
            segment.member_count = counts.get(segment._origin, 0)

    PROFILE_ATTRIBUTES = (
        "crm_age_band", "crm_income_band", "crm_education", "industry_id", "crm_size_band",
        "crm_revenue_band", "crm_profile_tag_ids",
    )

    @api.depends("member_ids")
    def _compute_profile_distribution_html(self):
        Partner = self.env["res.partner"]
        for segment in self:
            total = segment.member_count
            if not segment._origin.id or not total:
                segment.profile_distribution_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No member yet: refresh the segment.")
                continue
            blocks = []
            members = self.env["crm.segment.member"]._search(
                [("segment_id", "=", segment._origin.id), ("active", "=", True)]).subselect("partner_id")
            Measure = self.env["crm.customer.measure"]
            typologies = dict(Measure._read_group(
                [("company_id", "=", segment.company_id.id),
                 ("partner_id", "in", members)],
                ["typology_id"], ["__count"]))
            no_typology = self.env["crm.typology.rule"]
            # members without a measure row have no typology either
            typologies[no_typology] = typologies.get(no_typology, 0) + total - sum(typologies.values())
            distributions = [(Partner._fields[attribute], Partner._read_group(
                [("id", "in", members)], [attribute], ["__count"])) for attribute in self.PROFILE_ATTRIBUTES]
            distributions.append((Measure._fields["typology_id"], [(k, v) for k, v in typologies.items() if v]))
            for field, groups in distributions:
                rows = Markup("").join(
                    Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s%%</td></tr>") % (
                        _group_label(field, value, self.env), count, round(100.0 * count / total, 1))
                    for value, count in sorted(groups, key=lambda g: -g[1])
                )
                blocks.append(Markup(
                    "<div class='col-lg-3 col-md-6'><h6>%s</h6><table class='table table-sm'>%s</table></div>"
                ) % (field._description_string(self.env), rows))
            segment.profile_distribution_html = Markup("<div class='row'>%s</div>") % Markup("").join(blocks)

    def _membership_action(self, name, model):
        """The memberships (or their history) of the segment, read-only."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,pivot,graph",
            "domain": [("segment_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_members(self):
        self.check_access("read")
        self.ensure_one()
        return self._membership_action(self.env._("Members of %s", self.name), "crm.segment.member")

    def action_view_history(self):
        self.check_access("read")
        self.ensure_one()
        return self._membership_action(self.env._("Membership history of %s", self.name), "crm.segment.history")

    def _has_customer_pnl(self):
        """A segment is run on its own P&L only once its members have customer P&L rows."""
        self.ensure_one()
        members = self.env["crm.segment.member"].sudo()._search(
            [("segment_id", "=", self.id), ("active", "=", True)])
        return bool(self.env["crm.customer.pnl"].sudo().search_count([
            ("company_id", "=", self.company_id.id), ("partner_id", "in", members.subselect("partner_id"))], limit=1))

    @api.model
    def _read_group_continuum_stage(self, values, domain):
        return [key for key, _label in CONTINUUM_STAGES]

    @api.constrains("continuum_stage", "advisor_id", "owner_id")
    def _check_continuum_stage(self):
        order = [key for key, _label in CONTINUUM_STAGES]
        for segment in self:
            rank = order.index(segment.continuum_stage)
            if rank >= order.index("segment_advisor") and not segment.advisor_id:
                raise ValidationError(
                    self.env._("Segment %(name)s needs a segment advisor to reach the stage '%(stage)s'.",
                               name=segment.name, stage=dict(CONTINUUM_STAGES)[segment.continuum_stage])
                )
            if segment.continuum_stage == "customer_pnl" and not segment._has_customer_pnl():
                raise ValidationError(
                    self.env._("Segment %s needs customer P&L figures before it can be run on its own P&L.",
                               segment.name)
                )
            if rank >= order.index("segment_owner") and not segment.owner_id:
                raise ValidationError(
                    self.env._("Segment %(name)s needs a segment owner to reach the stage '%(stage)s'.",
                               name=segment.name, stage=dict(CONTINUUM_STAGES)[segment.continuum_stage])
                )

    @api.constrains("name", "code", "description", "value_proposition")
    def _check_text_lengths(self):
        check_text_lengths(self, {
            "name": MAX_NAME_LENGTH, "code": MAX_NAME_LENGTH,
            "description": MAX_TEXT_LENGTH, "value_proposition": MAX_TEXT_LENGTH,
        })
