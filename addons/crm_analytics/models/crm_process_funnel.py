from odoo import fields, models
from odoo.tools import SQL

from ..const import FUNNEL_PHASES, FUNNEL_STAGES


class CrmProcessFunnel(models.Model):
    """The CRM process of the customer journey, awareness → conversion → retention → loyalty/referral, as one
    row per event: a lead created, an opportunity, a deal won, a customer's first order, a repeat order, a
    customer referred by another. Counted per phase and stage, customer segment, channel and month in the pivot.

    A SQL view over the leads, the confirmed sales orders and the partners' referral source, so that it is
    always in step with them. The segment is the customer's current primary segment; the channel that of the
    order, of the lead (the first channel, by priority, whose sales team or UTM rule the lead matches), or the
    referrer's acquisition channel for a referral."""

    _name = "crm.process.funnel"
    _inherit = "crm.report.view"
    _description = "CRM Process Funnel"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "stage"

    phase = fields.Selection(FUNNEL_PHASES, readonly=True)
    stage = fields.Selection(FUNNEL_STAGES, readonly=True)
    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True,
                                 help="For a referral, the customer who referred.")
    segment_id = fields.Many2one("crm.segment", string="Primary Segment", readonly=True)
    channel_id = fields.Many2one("crm.channel", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Lead / Opportunity", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    referred_partner_id = fields.Many2one("res.partner", string="Referred Customer", readonly=True)
    count = fields.Integer(readonly=True)

    def _view_sql(self):
        """Every event of the journey, numbered by stage so that ids are stable and distinct."""
        members = self.env["crm.segment.member"]._current_sql()
        return SQL(
            """
            WITH lead_event AS (
                SELECT l.id AS lead_id, COALESCE(l.company_id, team.company_id) AS company_id,
                       rp.commercial_partner_id AS partner_id, l.create_date::date AS created,
                       COALESCE(l.date_conversion, l.create_date)::date AS converted,
                       l.date_closed::date AS closed, l.type, l.active AND st.is_won AS won,
                       (SELECT c.id FROM crm_channel c
                         WHERE c.active AND c.company_id = COALESCE(l.company_id, team.company_id)
                           AND ((c.rule_type = 'team' AND c.team_id = l.team_id)
                             OR (c.rule_type = 'utm_source' AND c.source_id = l.source_id)
                             OR (c.rule_type = 'utm_medium' AND c.medium_id = l.medium_id)
                             OR (c.rule_type = 'utm_campaign' AND c.campaign_id = l.campaign_id))
                      ORDER BY c.sequence, c.id LIMIT 1) AS channel_id
                  FROM crm_lead l
             LEFT JOIN crm_team team ON team.id = l.team_id
             LEFT JOIN crm_stage st ON st.id = l.stage_id
             LEFT JOIN res_partner rp ON rp.id = l.partner_id
            ), orders AS (
                SELECT so.id AS order_id, so.company_id, rp.commercial_partner_id AS partner_id,
                       so.date_order::date AS date, ca.channel_id,
                       ROW_NUMBER() OVER (PARTITION BY so.company_id, rp.commercial_partner_id
                                          ORDER BY so.date_order, so.id) AS rank
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
             LEFT JOIN crm_channel_assignment ca ON ca.order_id = so.id
                 WHERE so.state = 'sale'
            ), first_order AS (
                SELECT DISTINCT ON (rp.commercial_partner_id) rp.commercial_partner_id AS partner_id,
                       so.company_id, ca.channel_id, so.date_order
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
             LEFT JOIN crm_channel_assignment ca ON ca.order_id = so.id
                 WHERE so.state = 'sale'
              ORDER BY rp.commercial_partner_id, so.date_order, so.id
            ), referral AS (
                -- dated when the referred customer arrived: its first order, else its creation
                SELECT rp.id AS referred_id, rp.crm_referred_by_id AS partner_id,
                       COALESCE(arrived.date_order::date, rp.create_date::date) AS date,
                       COALESCE(fo.company_id, rp.company_id, ref.company_id) AS company_id, fo.channel_id
                  FROM res_partner rp
                  JOIN res_partner ref ON ref.id = rp.crm_referred_by_id
             LEFT JOIN first_order fo ON fo.partner_id = ref.commercial_partner_id
             LEFT JOIN first_order arrived ON arrived.partner_id = rp.commercial_partner_id
                 WHERE rp.crm_referred_by_id IS NOT NULL AND rp.active
            ), events AS (
                SELECT 1 AS stage_no, '1_awareness' AS phase, '1_lead' AS stage, created AS date, company_id,
                       partner_id, channel_id, lead_id, NULL::int AS order_id, NULL::int AS referred_id, lead_id AS ref
                  FROM lead_event
                UNION ALL
                SELECT 2, '1_awareness', '2_opportunity', converted, company_id, partner_id, channel_id, lead_id,
                       NULL, NULL, lead_id
                  FROM lead_event WHERE type = 'opportunity'
                UNION ALL
                SELECT 3, '2_conversion', '3_won', COALESCE(closed, converted), company_id, partner_id, channel_id,
                       lead_id, NULL, NULL, lead_id
                  FROM lead_event WHERE won
                UNION ALL
                SELECT 4, '2_conversion', '4_first_order', date, company_id, partner_id, channel_id, NULL, order_id,
                       NULL, order_id
                  FROM orders WHERE rank = 1
                UNION ALL
                SELECT 5, '3_retention', '5_repeat_order', date, company_id, partner_id, channel_id, NULL, order_id,
                       NULL, order_id
                  FROM orders WHERE rank > 1
                UNION ALL
                SELECT 6, '4_loyalty', '6_referral', date, company_id, partner_id, channel_id, NULL, NULL,
                       referred_id, referred_id
                  FROM referral
            )
            SELECT e.ref * 10 + e.stage_no AS id, e.phase, e.stage, e.date, e.company_id, e.partner_id,
                   seg.segment_id, e.channel_id, e.lead_id, e.order_id, e.referred_id AS referred_partner_id,
                   1 AS count
              FROM events e
         LEFT JOIN (%(members)s) seg ON seg.partner_id = e.partner_id AND seg.company_id = e.company_id
                                    AND seg.is_primary
            """,
            members=members)
