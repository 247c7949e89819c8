from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

from ...tools.limits import FIRST_DATE, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths

MAX_YEARS_AHEAD = 20


class CrmStrategy(models.Model):
    """The CRM strategy of a period: which customers to attract, grow, keep or let go, and the
    targets that prove it worked. One tab per process of the strategic framework."""

    _name = "crm.strategy"
    _description = "CRM Strategy"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft", required=True, tracking=True,
    )
    business_strategy = fields.Html(help="What the company is good at, in its competitive context.")
    line_ids = fields.One2many("crm.strategy.line", "strategy_id", string="Customer Strategy", copy=True)
    amber_threshold = fields.Float(
        default=90.0, string="Amber from (%)",
        help="A KPI reaching this share of its target (but not all of it) is amber; below, red.",
    )
    status = fields.Selection(
        [("green", "On target"), ("amber", "Close"), ("red", "Off target")],
        compute="_compute_status",
        help="The worst status among the customer strategy lines.",
    )
    value_creation_html = fields.Html(compute="_compute_process_html", sanitize=False)
    multichannel_html = fields.Html(compute="_compute_process_html", sanitize=False)
    information_html = fields.Html(compute="_compute_process_html", sanitize=False)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for strategy in self:
            if strategy.date_to < strategy.date_from:
                raise ValidationError(self.env._("The strategy period of %s ends before it starts.", strategy.name))
            # a period typed with the wrong century would make every KPI of the strategy meaningless
            latest = fields.Date.context_today(strategy) + relativedelta(years=MAX_YEARS_AHEAD)
            if strategy.date_from < FIRST_DATE or strategy.date_to > latest:
                raise ValidationError(self.env._(
                    "The strategy period of %(name)s must lie between %(first)s and %(years)s years from now.",
                    name=strategy.name, first=FIRST_DATE, years=MAX_YEARS_AHEAD))

    @api.constrains("amber_threshold")
    def _check_amber_threshold(self):
        for strategy in self:
            if not 0 <= strategy.amber_threshold <= 100:
                raise ValidationError(self.env._("The amber threshold is a percentage between 0 and 100."))

    @api.depends("line_ids.status")
    def _compute_status(self):
        rank = {"red": 0, "amber": 1, "green": 2}
        for strategy in self:
            statuses = strategy.line_ids.mapped("status")
            strategy.status = min(statuses, key=rank.get) if statuses else False

    def action_activate(self):
        self.check_access("write")
        self.write({"state": "active"})

    def action_close(self):
        self.check_access("write")
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.check_access("write")
        self.write({"state": "draft"})

    # --- the processes of the framework -------------------------------------
    def _compute_process_html(self):
        for strategy in self:
            strategy.value_creation_html = strategy._render_value_creation()
            strategy.multichannel_html = strategy._render_multichannel()
            strategy.information_html = strategy._render_information()

    def _html_table(self, headers, rows):
        head = Markup("").join(Markup("<th>%s</th>") % h for h in headers)
        body = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % cell for cell in row) for row in rows
        )
        return Markup('<table class="table table-sm o_crm_strategy_table"><thead><tr>%s</tr></thead>'
                      '<tbody>%s</tbody></table>') % (head, body)

    def _money(self, amount):
        return format_amount(self.env, amount or 0.0, self.currency_id)

    def _render_value_creation(self):
        """Value given (the proposition) and value received (revenue and margin per customer)."""
        rows = []
        for line in self.line_ids:
            per_customer = line.actual_revenue / line.actual_customers if line.actual_customers else 0.0
            margin_per_customer = line.actual_margin / line.actual_customers if line.actual_customers else 0.0
            rows.append((
                line.segment_id.display_name,
                dict(line._fields["action"].selection).get(line.action),
                self._money(per_customer),
                self._money(margin_per_customer),
                Markup(line.segment_id.value_proposition or "") or escape(self.env._("No value proposition yet")),
            ))
        return self._html_table(
            [self.env._("Segment"), self.env._("Action"), self.env._("Revenue per customer"),
             self.env._("Margin per customer"), self.env._("Value proposition")], rows)

    def _render_multichannel(self):
        """How each segment's revenue of the period reaches it: by sales team."""
        if not self.line_ids:
            return Markup("")
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            SELECT s.id, COALESCE(t.name->>'en_US', %(none)s), SUM(f.revenue)
              FROM (%(members)s) m
              JOIN crm_segment s ON s.id = m.segment_id
              JOIN (%(lines)s) f ON f.partner_id = m.partner_id AND f.company_id = m.company_id
         LEFT JOIN crm_team t ON t.id = f.team_id
             WHERE m.segment_id IN %(segments)s
          GROUP BY s.id, t.name
          ORDER BY s.id, 3 DESC
            """,
            none=self.env._("No sales team"), segments=tuple(self.line_ids.segment_id.ids),
            members=self.env["crm.segment.member"]._current_sql(),
            lines=self.env["crm.sales.fact"]._lines_sql(self.company_id.ids, self.date_from, self.date_to),
        ))
        names = {s.id: s.display_name for s in self.line_ids.segment_id}
        return self._html_table(
            [self.env._("Segment"), self.env._("Channel (sales team)"), self.env._("Revenue")],
            [(names[seg], team, self._money(amount)) for seg, team, amount in rows],
        )

    def _render_information(self):
        """How complete the customer data behind the strategy is."""
        Partner = self.env["res.partner"].with_company(self.company_id)
        customers = Partner.search_count([("crm_order_count", ">", 0)])
        profiled = Partner.search_count([
            ("crm_order_count", ">", 0),
            "|", "|", ("crm_age_band", "!=", False), ("crm_size_band", "!=", False), ("industry_id", "!=", False),
        ])
        unsegmented = Partner.search_count([("crm_order_count", ">", 0), ("crm_primary_segment_id", "=", False)])
        last_refresh = self.env["crm.customer.measure"].search(
            [("company_id", "=", self.company_id.id)], order="refresh_date desc", limit=1).refresh_date
        rows = [
            (self.env._("Customers with orders"), customers),
            (self.env._("… with a demographic profile"), profiled),
            (self.env._("… in no segment"), unsegmented),
            (self.env._("Measures refreshed"), last_refresh or self.env._("never")),
        ]
        return self._html_table([self.env._("Data repository"), self.env._("Value")], rows)

    @api.constrains("name", "business_strategy")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "business_strategy": MAX_TEXT_LENGTH})
