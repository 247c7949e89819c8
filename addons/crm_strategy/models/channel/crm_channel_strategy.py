from markupsafe import Markup

from odoo import api, fields, models

from ...const import CHANNEL_ROLES
from ...tools.limits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, check_text_lengths
from ...tools.notify import refresh_notification


class CrmChannelStrategy(models.Model):
    """A channel scenario: which channel plays which role for which segment. Two scenarios (the old and the
    new) are compared at current channel economics to see what changes and where conflict will be intense."""

    _name = "crm.channel.strategy"
    _description = "Channel Strategy"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    description = fields.Html(help="The reasoning behind the scenario.")
    line_ids = fields.One2many("crm.channel.strategy.line", "strategy_id", string="Matrix", copy=True)
    matrix_html = fields.Html(compute="_compute_matrix_html", sanitize=False, string="Segment x Channel")

    @api.depends("line_ids.role", "line_ids.segment_id", "line_ids.channel_id")
    def _compute_matrix_html(self):
        labels = dict(CHANNEL_ROLES)
        badge = {"primary": "text-bg-success", "secondary": "text-bg-info", "none": "text-bg-light"}
        for strategy in self:
            lines = strategy.line_ids
            segments = lines.segment_id.sorted(lambda s: (-s.priority, s.sequence, s.name))
            channels = lines.channel_id.sorted(lambda c: (c.sequence, c.id))
            if not lines:
                strategy.matrix_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No role yet: add lines or fill the matrix.")
                continue
            roles = {(line.segment_id.id, line.channel_id.id): line.role for line in lines}
            head = Markup("").join(Markup("<th class='text-center'>%s</th>") % c.name for c in channels)
            body = Markup("")
            for segment in segments:
                cells = Markup("")
                for channel in channels:
                    role = roles.get((segment.id, channel.id), "none")
                    cells += Markup("<td class='text-center'><span class='badge %s'>%s</span></td>") % (
                        badge[role], labels[role])
                body += Markup("<tr><th>%s</th>%s</tr>") % (segment.display_name, cells)
            strategy.matrix_html = Markup(
                "<table class='table table-sm table-bordered o_crm_channel_matrix'><thead><tr><th>%s</th>%s</tr>"
                "</thead><tbody>%s</tbody></table>") % (self.env._("Segment"), head, body)

    def action_fill_matrix(self):
        """Add a 'none' cell for every active segment x channel of the company not in the matrix yet."""
        self.check_access("write")
        Line = self.env["crm.channel.strategy.line"]
        vals_list = []
        for strategy in self:
            segments = self.env["crm.segment"].search([("company_id", "=", strategy.company_id.id)])
            channels = self.env["crm.channel"].search([("company_id", "=", strategy.company_id.id)])
            existing = {(line.segment_id.id, line.channel_id.id) for line in strategy.line_ids}
            vals_list += [
                {"strategy_id": strategy.id, "segment_id": s.id, "channel_id": c.id, "role": "none"}
                for s in segments for c in channels if (s.id, c.id) not in existing
            ]
        Line.create(vals_list)
        return refresh_notification(
            self.env._("Matrix filled"),
            self.env._("%s cells added with the role “none”: set the role of each segment and channel.",
                       len(vals_list)) if vals_list else self.env._("Every segment and channel already has a cell."),
            kind="success" if vals_list else "info")

    def action_view_matrix_pivot(self):
        """The cells as a pivot: segments in rows, channels and roles in columns."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Matrix of %s", self.name),
            "res_model": "crm.channel.strategy.line", "view_mode": "pivot,list",
            "domain": [("strategy_id", "=", self.id)], "context": {"default_strategy_id": self.id},
        }

    def action_compare(self):
        """Open the comparison with this scenario as the new one."""
        self.check_access("read")
        self.ensure_one()
        old = self.search([("company_id", "=", self.company_id.id), ("id", "!=", self.id)], limit=1)
        return {
            "type": "ir.actions.act_window", "name": self.env._("Compare channel strategies"),
            "res_model": "crm.channel.strategy.comparison", "views": [(False, "form")], "target": "current",
            "context": {"default_new_strategy_id": self.id, "default_old_strategy_id": old.id,
                        "default_company_id": self.company_id.id},
        }

    @api.constrains("name", "description")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH, "description": MAX_TEXT_LENGTH})
