from datetime import timedelta

from odoo import Command, fields, models
from odoo.addons.crm_strategy.tools import demo_plan
from odoo.tools import SQL

from ..const import AT_RISK_SEGMENTS, RETENTION_ACTIVITY_TYPE

SPEND_CHANNELS = {  # campaign -> (utm source, utm medium) of its spend
    "spring": ("utm.utm_source_newsletter", "utm.utm_medium_email"),
    "back_to_office": (None, "utm.utm_medium_phone"),
    "black_friday": ("utm.utm_source_search_engine", "utm.utm_medium_website"),
    "trade_fair": (None, "utm.utm_medium_direct"),
    "reseller": ("utm.utm_source_referral", None),
}


class CrmAnalyticsDemoData(models.AbstractModel):
    """The demo company's marketing spend: the agencies' vendor bills, each recorded as the spend of its
    campaign, so that acquisition cost and campaign ROI are real; then a full analytics refresh, so that the
    dashboard has figures on first open. Called once by demo/crm_analytics_demo.xml."""

    _name = "crm.analytics.demo.data"
    _inherit = "crm.demo.writer"
    _description = "CRM Analytics demo data"

    def _demo_write(self):
        company = self.env.company
        bills = demo_plan.campaign_spend(fields.Date.context_today(self))
        agencies = self.env["res.partner"].create([
            {"name": name, "is_company": True, "supplier_rank": 1, "email": f"billing@{key}.example"}
            for key, name in demo_plan.AGENCIES.items()])
        agency_of = dict(zip(demo_plan.AGENCIES, agencies))
        account = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", company.ids)], limit=1)
        moves = self.env["account.move"].create([{
            "move_type": "in_invoice", "partner_id": agency_of[agency].id, "invoice_date": day, "date": day,
            "ref": f"{agency.upper().replace('_', '-')}/{day:%Y%m}/{index:03d}",
            "invoice_line_ids": [Command.create({
                "name": self.env._("Campaign: %s", self._campaign(key).title), "quantity": 1, "price_unit": amount,
                "account_id": account.id, "tax_ids": [Command.clear()]})],
        } for index, (key, agency, day, amount) in enumerate(bills)])
        moves.action_post()
        spend_vals = []
        for move, (key, _agency, day, amount) in zip(moves, bills):
            source, medium = SPEND_CHANNELS[key]
            spend_vals.append({
                "name": self.env._("%(bill)s (%(vendor)s)", bill=move.name, vendor=move.partner_id.name),
                "date": day, "company_id": company.id, "campaign_id": self._campaign(key).id, "amount": amount,
                "source_id": source and self.env.ref(source).id, "medium_id": medium and self.env.ref(medium).id})
        self.env["crm.marketing.spend"].create(spend_vals)
        self._demo_pipeline_dates(company)
        self._demo_referrals(company)
        self.env["crm.customer.metrics"]._refresh(company)
        self._demo_retention(company)
        return f"{len(moves)} campaign bills and the analytics refresh"

    def _campaign(self, key):
        return self.env["utm.campaign"].search([("title", "=", demo_plan.CAMPAIGN_TITLES[key])], limit=1)

    def _demo_pipeline_dates(self, company):
        """The pipeline's opportunities were created by the demo in one go: date them from the plan (opened 45
        days before their deadline, won three weeks later), so that the CRM process funnel spreads over months."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            UPDATE crm_lead l
               SET create_date = LEAST(l.date_deadline - 45, CURRENT_DATE) + TIME '09:00',
                   date_open = LEAST(l.date_deadline - 45, CURRENT_DATE) + TIME '09:00',
                   date_conversion = LEAST(l.date_deadline - 45, CURRENT_DATE) + TIME '09:00',
                   date_closed = CASE WHEN st.is_won THEN LEAST(l.date_deadline - 24, CURRENT_DATE) + TIME '16:00'
                                      ELSE l.date_closed END
              FROM crm_stage st
             WHERE st.id = l.stage_id AND l.company_id = %s AND l.type = 'opportunity' AND l.date_deadline IS NOT NULL
            """, company.id))
        self.env["crm.lead"].invalidate_model()

    def _demo_referrals(self, company):
        """Loyalty: some customers came on the word of an earlier one (the referral source of the partner): the
        ten earliest regular customers each referred two or three who arrived after them."""
        first = dict(self.env.execute_query(SQL(
            """
            SELECT rp.commercial_partner_id, MIN(so.date_order)::date FROM sale_order so
              JOIN res_partner rp ON rp.id = so.partner_id
             WHERE so.company_id = %s AND so.state = 'sale' GROUP BY 1
            """, company.id)))
        regulars = self.env.execute_query(SQL(
            """
            SELECT rp.commercial_partner_id FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
             WHERE so.company_id = %s AND so.state = 'sale' GROUP BY 1 HAVING COUNT(*) >= 6 ORDER BY MIN(so.date_order)
             LIMIT 10
            """, company.id))
        referrers = [row[0] for row in regulars]
        newcomers = sorted((day, partner) for partner, day in first.items() if partner not in referrers)
        referred = {referrer: [] for referrer in referrers}
        for index, (day, partner) in enumerate(newcomers[len(newcomers) // 3::23]):
            referrer = referrers[index % len(referrers)] if referrers else None
            if referrer and first[referrer] < day and len(referred[referrer]) < 3:
                referred[referrer].append(partner)
        Partner = self.env["res.partner"]
        for referrer, partners in referred.items():
            if partners:
                Partner.browse(partners).write({"crm_referred_by_id": referrer})

    def _demo_retention(self, company):
        """The retention history of the last months, so that the retention report has figures: customers that
        slipped away then (most still at risk today; some contacted; a few bought again since), each with the
        retention activity its owner got, the strategist when the customer has no salesperson."""
        owner = self.env.ref("crm_strategy.crm_demo_user_strategy", raise_if_not_found=False)
        if owner:
            self.env["ir.config_parameter"].set_param("crm_analytics.retention_user_id", str(owner.id))
        Metrics = self.env["crm.customer.metrics"]
        today = fields.Date.context_today(self)
        # the demo company's own customers (Odoo's demo contacts are shared by every company)
        rows = Metrics.search([("company_id", "=", company.id), ("purchase_count", ">=", 3),
                               ("partner_id.company_id", "=", company.id)], order="partner_id")
        lost = rows.filtered(lambda r: r.rfm_segment in AT_RISK_SEGMENTS)[:24]
        back = rows.filtered(lambda r: r.rfm_segment in ("champions", "loyal") and r.recency_days < 60)[:16]
        vals_list = []
        for index, row in enumerate(lost):
            # one a week over the last months, after the customer's last purchase
            day = max(today - timedelta(days=5 + 7 * index), row.last_purchase_date + timedelta(days=14))
            day = min(day, today - timedelta(days=3))
            vals_list.append(self._demo_trigger_vals(company, row, day, row.rfm_segment, row.p_alive,
                                                     "need_attention", min(1.0, row.p_alive + 0.35)))
        for index, row in enumerate(back):
            day = row.last_purchase_date - timedelta(days=15 + 2 * index)
            vals_list.append(self._demo_trigger_vals(company, row, day, "at_risk", 0.25, "loyal", 0.62))
        triggers = self.env["crm.retention.trigger"].create(vals_list)
        triggers._create_activities(self.env.ref(RETENTION_ACTIVITY_TYPE))
        # the older half of the lost ones was contacted already, the recent ones not yet
        done = triggers.filtered(lambda t: t.partner_id in back.partner_id) | triggers[len(lost) // 2: len(lost)]
        done.activity_id.action_done()
        self.env.flush_all()
        # contacted a few days after the trigger, not on the day the demo was written
        self.env.cr.execute(SQL(
            """
            UPDATE mail_activity a SET date_done = t.trigger_date + 2 + t.id %% 5
              FROM crm_retention_trigger t WHERE t.activity_id = a.id AND t.id IN %(ids)s;
            UPDATE crm_retention_trigger t SET contacted_date = a.date_done
              FROM mail_activity a WHERE t.activity_id = a.id AND t.id IN %(ids)s;
            UPDATE mail_message m SET date = t.contacted_date + TIME '10:00'
              FROM crm_retention_trigger t
             WHERE t.id IN %(ids)s AND m.model = 'res.partner' AND m.res_id = t.partner_id
               AND m.mail_activity_type_id = %(type)s
            """, ids=tuple(done.ids), type=self.env.ref(RETENTION_ACTIVITY_TYPE).id))
        triggers.invalidate_recordset()

    def _demo_trigger_vals(self, company, row, day, segment, p_alive, previous_segment, previous_p_alive):
        return {
            "partner_id": row.partner_id.id, "company_id": company.id, "trigger_date": day,
            "user_id": row.partner_id.user_id.id or self.env.ref("crm_strategy.crm_demo_user_strategy").id,
            "reason": "both" if p_alive < 0.3 else "rfm", "segment_id": row.segment_id.id,
            "rfm_segment": segment, "p_alive": p_alive, "previous_rfm_segment": previous_segment,
            "previous_p_alive": previous_p_alive, "threshold": 0.3, "clv": row.clv, "metrics_id": row.id,
        }
