from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from ..const import AT_RISK_SEGMENTS, RETENTION_ACTIVITY_TYPE, RETENTION_REASONS, SETTINGS
from ..lib import rfm_segments

RFM_LABELS = dict(rfm_segments.SEGMENTS)


class CrmRetentionTrigger(models.Model):
    """A customer the last metrics refresh found slipping away: its P(alive) fell under the threshold or its RFM
    segment moved to At Risk / Can't Lose Them. The refresh records it and gives the customer's owner an activity
    with the figures; the retention report then follows who was contacted and who bought again."""

    _name = "crm.retention.trigger"
    _description = "Retention Trigger"
    _order = "trigger_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Owner", index="btree_not_null", ondelete="set null",
                              help="The customer's salesperson, else the owner set in the settings.")
    trigger_date = fields.Date(string="Triggered On", required=True, index=True)
    reason = fields.Selection(RETENTION_REASONS, required=True)
    segment_id = fields.Many2one("crm.segment", string="Primary Segment", ondelete="set null")
    previous_rfm_segment = fields.Selection(rfm_segments.SEGMENTS, string="RFM Segment Before")
    rfm_segment = fields.Selection(rfm_segments.SEGMENTS, string="RFM Segment")
    previous_p_alive = fields.Float(string="P(alive) Before", digits=(16, 4), aggregator="avg")
    p_alive = fields.Float(string="P(alive)", digits=(16, 4), aggregator="avg")
    threshold = fields.Float(digits=(16, 4), aggregator=None,
                             help="The P(alive) threshold in force at the refresh.")
    clv = fields.Monetary(string="CLV", help="The customer's CLV at the refresh.")
    metrics_id = fields.Many2one("crm.customer.metrics", string="Why These Figures", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null", index="btree_not_null")
    contacted_date = fields.Date(related="activity_id.date_done", store=True, string="Contacted On",
                                 help="When the owner marked the activity done.")
    bought_again_date = fields.Date(
        compute="_compute_bought_again", string="Bought Again On",
        help="The first invoice of the customer after the trigger (customer sales, the one source of revenue).")
    bought_again_revenue = fields.Monetary(compute="_compute_bought_again", string="Revenue Since")

    def _compute_bought_again(self):
        """From the retention report, the one place that reads the customers' sales after their triggers."""
        self.flush_model()
        rows = self.env["crm.retention.report"].sudo().search_fetch(
            [("trigger_id", "in", self.filtered("id").ids)], ["bought_again_date", "revenue_since"])
        by_trigger = {row.id: row for row in rows}
        for trigger in self:
            row = by_trigger.get(trigger.id)
            trigger.bought_again_date = row.bought_again_date if row else False
            trigger.bought_again_revenue = row.revenue_since if row else 0.0

    # ----------------------------------------------------------------------------------------------------------
    # Detection, called by the metrics refresh
    # ----------------------------------------------------------------------------------------------------------

    @api.model
    def _retention_settings(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        try:
            threshold = float(get("crm_analytics.retention_threshold", SETTINGS["retention_threshold"])) / 100.0
        except (TypeError, ValueError):
            threshold = SETTINGS["retention_threshold"] / 100.0
        activity_type = self.env["mail.activity.type"].sudo().browse(
            int(get("crm_analytics.retention_activity_type_id") or 0)).exists() \
            or self.env.ref(RETENTION_ACTIVITY_TYPE, raise_if_not_found=False)
        fallback = self.env["res.users"].sudo().browse(int(get("crm_analytics.retention_user_id") or 0)).exists()
        return {"threshold": min(max(threshold, 0.0), 1.0), "activity_type": activity_type, "user": fallback}

    @api.model
    def _detect(self, company, previous_table):
        """Compare the company's metrics after a refresh with the rows saved before it (``previous_table``: a
        temporary table of partner_id, rfm_segment, p_alive), record the customers that crossed into risk and
        give their owners an activity. A customer whose earlier retention activity is still open gets nothing
        new. Set-based: one statement finds them, one create writes them."""
        settings = self._retention_settings()
        threshold = settings["threshold"]
        self.env.flush_all()
        rows = self.env.execute_query_dict(SQL(
            """
            WITH crossed AS (
                SELECT m.id AS metrics_id, m.partner_id, m.company_id, m.segment_id, m.rfm_segment, m.p_alive, m.clv,
                       p.rfm_segment AS previous_rfm_segment, p.p_alive AS previous_p_alive,
                       COALESCE(m.p_alive < %(threshold)s AND p.p_alive >= %(threshold)s, FALSE) AS by_p_alive,
                       COALESCE(m.rfm_segment IN %(risk)s AND COALESCE(p.rfm_segment, '') NOT IN %(risk)s, FALSE)
                           AS by_rfm
                  FROM crm_customer_metrics m
                  JOIN %(previous)s p ON p.partner_id = m.partner_id
                 WHERE m.company_id = %(company)s
            )
            SELECT c.*, owner.id AS owner_id
              FROM crossed c
              JOIN res_partner rp ON rp.id = c.partner_id
         LEFT JOIN res_users owner ON owner.id = rp.user_id AND owner.active
             WHERE (c.by_p_alive OR c.by_rfm)
               AND NOT EXISTS (
                    SELECT 1 FROM crm_retention_trigger t JOIN mail_activity a ON a.id = t.activity_id
                     WHERE t.partner_id = c.partner_id AND t.company_id = c.company_id AND a.active)
          ORDER BY c.partner_id
            """,
            threshold=threshold, risk=AT_RISK_SEGMENTS, previous=SQL.identifier(previous_table), company=company.id))
        if not rows:
            return self.browse()
        self.env["crm.customer.metrics"].invalidate_model()  # the refresh wrote them in SQL
        today = fields.Date.context_today(self.with_company(company))
        triggers = self.sudo().create([{
            "partner_id": row["partner_id"], "company_id": company.id, "trigger_date": today,
            "user_id": row["owner_id"] or settings["user"].id or False,
            "reason": "both" if row["by_p_alive"] and row["by_rfm"] else "p_alive" if row["by_p_alive"] else "rfm",
            "segment_id": row["segment_id"], "rfm_segment": row["rfm_segment"], "p_alive": row["p_alive"],
            "previous_rfm_segment": row["previous_rfm_segment"], "previous_p_alive": row["previous_p_alive"],
            "threshold": threshold, "clv": row["clv"], "metrics_id": row["metrics_id"],
        } for row in rows])
        triggers._create_activities(settings["activity_type"])
        return triggers

    def _create_activities(self, activity_type):
        """One activity per trigger with an owner, on the customer, created in one batch."""
        with_owner = self.filtered("user_id")
        if not with_owner or not activity_type:
            return
        model_id = self.env["ir.model"]._get_id("res.partner")
        delay = activity_type.delay_count or 3
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id, "res_id": trigger.partner_id.id, "activity_type_id": activity_type.id,
            "user_id": trigger.user_id.id,
            "date_deadline": fields.Date.add(trigger.trigger_date, days=delay),
            "summary": self.env._("Retention: %s", dict(RETENTION_REASONS)[trigger.reason]),
            "note": trigger._note(),
        } for trigger in with_owner])
        for trigger, activity in zip(with_owner, activities, strict=True):
            trigger.activity_id = activity

    def _note(self):
        """The reason with the figures and the words of "Why these figures"."""
        self.ensure_one()
        metrics = self.metrics_id
        money = format_amount(self.env, self.clv or 0.0, self.currency_id)
        lines = [
            self.env._("P(alive) %(before)s → %(after)s (threshold %(threshold)s)",
                       before=f"{100 * (self.previous_p_alive or 0):.0f} %", after=f"{100 * (self.p_alive or 0):.0f} %",
                       threshold=f"{100 * self.threshold:.0f} %"),
            self.env._("RFM segment %(before)s → %(after)s", before=RFM_LABELS.get(self.previous_rfm_segment, "-"),
                       after=RFM_LABELS.get(self.rfm_segment, "-")),
            self.env._("CLV %s", money),
        ]
        if metrics:
            lines += [metrics._p_alive_words(), metrics._rfm_words()]
        return Markup("<ul>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % line for line in lines)

    def action_open_explanation(self):
        """The customer's metrics row with "Why these figures"."""
        self.check_access("read")
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_view_crm_metrics()
