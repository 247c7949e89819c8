import logging
import time

from odoo import Command, api, fields, models
from odoo.addons.crm_strategy.tools import demo_plan

_logger = logging.getLogger(__name__)

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
    _description = "CRM Analytics demo data"

    @api.model
    def _generate_demo_data(self):
        started = time.monotonic()
        self = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
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
        self.env["crm.customer.metrics"]._refresh(company)
        _logger.info("crm_analytics demo: %s campaign bills and the analytics refresh in %.1f s", len(moves),
                     time.monotonic() - started)

    def _campaign(self, key):
        return self.env["utm.campaign"].search([("title", "=", demo_plan.CAMPAIGN_TITLES[key])], limit=1)
