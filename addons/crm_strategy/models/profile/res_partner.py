from odoo import api, fields, models
from odoo.fields import Domain

from ...const import MEASURE_FIELDS
from ...tools.access import USER_GROUP, check_field_read

AGE_BANDS = [
    ("under_25", "Under 25"), ("25_34", "25-34"), ("35_44", "35-44"),
    ("45_54", "45-54"), ("55_64", "55-64"), ("65_plus", "65 and over"),
]
INCOME_BANDS = [("low", "Low"), ("lower_middle", "Lower middle"), ("upper_middle", "Upper middle"), ("high", "High")]
EDUCATION_LEVELS = [
    ("primary", "Primary"), ("secondary", "Secondary"), ("vocational", "Vocational"),
    ("bachelor", "Bachelor"), ("master", "Master"), ("doctorate", "Doctorate"),
]
SIZE_BANDS = [("micro", "Micro (< 10)"), ("small", "Small (10-49)"), ("medium", "Medium (50-249)"),
              ("large", "Large (250+)")]
REVENUE_BANDS = [("under_1m", "Under 1 M"), ("1m_10m", "1-10 M"), ("10m_50m", "10-50 M"), ("over_50m", "Over 50 M")]


def _empty_value_matches(field, operator, value):
    """Whether a missing measure (0 for numbers, empty otherwise) satisfies the condition."""
    empty = 0 if field.type in ("integer", "float", "monetary") else False
    if operator == "in":
        return empty in value or (empty == 0 and False in value)
    if operator == "not in":
        return empty not in value and not (empty == 0 and False in value)
    if empty is False or operator not in ("<", "<=", ">", ">="):
        return False
    return {"<": empty < value, "<=": empty <= value, ">": empty > value, ">=": empty >= value}[operator]


def _measure_search(field_name):
    def search(self, operator, value):
        check_field_read(self, field_name)
        return self._search_crm_measure_field(MEASURE_FIELDS[field_name], operator, value)
    return search


def _measure(name):
    """A measure of the current company on the partner (see MEASURE_FIELDS): read from its measure row, and
    searchable, so that segment rules written on res.partner can use it."""
    return {"compute": "_compute_crm_measures", "search": f"_search_{name}", "groups": USER_GROUP}


class ResPartner(models.Model):
    # each concern extends the partner in its own folder (profile, segment, channel), to be read alone
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Every field below is the strategy team's: customer economics and personal profile are not for portal
    # users nor for every employee (groups also keep the computes from running for them).
    # --- demographic profile ------------------------------------------------
    crm_birth_year = fields.Integer(string="Birth Year", groups=USER_GROUP, copy=False)
    crm_age_band = fields.Selection(
        AGE_BANDS, string="Age Band", compute="_compute_crm_age_band", store=True, readonly=False,
        groups=USER_GROUP, copy=False, help="Computed from the birth year when known.")
    crm_income_band = fields.Selection(INCOME_BANDS, string="Income Band", groups=USER_GROUP, copy=False)
    crm_education = fields.Selection(EDUCATION_LEVELS, string="Education", groups=USER_GROUP, copy=False)
    crm_size_band = fields.Selection(SIZE_BANDS, string="Company Size", groups=USER_GROUP, copy=False)
    crm_revenue_band = fields.Selection(REVENUE_BANDS, string="Company Revenue", groups=USER_GROUP, copy=False)
    # --- psychographic profile ----------------------------------------------
    crm_profile_tag_ids = fields.Many2many(
        "crm.profile.tag", "crm_profile_tag_res_partner_rel", "partner_id", "tag_id",
        string="Interests, Values and Lifestyle", groups=USER_GROUP, copy=False,
    )

    # --- behavioural measures (current company) -----------------------------
    crm_measure_ids = fields.One2many("crm.customer.measure", "partner_id", string="Customer Measures",
                                      groups=USER_GROUP)
    crm_first_order_date = fields.Date("First Order", **_measure("crm_first_order_date"))
    crm_last_order_date = fields.Date("Last Order", **_measure("crm_last_order_date"))
    crm_order_count = fields.Integer("Confirmed Orders", **_measure("crm_order_count"))
    crm_revenue_12m = fields.Monetary("Revenue (12 months)", currency_field="crm_currency_id",
                                      **_measure("crm_revenue_12m"))
    crm_revenue_total = fields.Monetary("Revenue (lifetime)", currency_field="crm_currency_id",
                                        **_measure("crm_revenue_total"))
    crm_margin_12m = fields.Monetary("Margin (12 months)", currency_field="crm_currency_id",
                                     **_measure("crm_margin_12m"))
    crm_margin_total = fields.Monetary("Margin (lifetime)", currency_field="crm_currency_id",
                                       **_measure("crm_margin_total"))
    crm_average_order_value = fields.Monetary("Average Invoice", currency_field="crm_currency_id",
                                              **_measure("crm_average_order_value"))
    crm_discount_share = fields.Float("Discount Share (%)", **_measure("crm_discount_share"))
    crm_days_since_last_order = fields.Integer("Days Since Last Order", **_measure("crm_days_since_last_order"))
    crm_currency_id = fields.Many2one("res.currency", string="Measures Currency", compute="_compute_crm_measures",
                                      groups=USER_GROUP, help="The current company's currency.")
    crm_typology_id = fields.Many2one("crm.typology.rule", string="Typology", **_measure("crm_typology_id"))

    @api.depends("crm_birth_year")
    def _compute_crm_age_band(self):
        year = fields.Date.context_today(self).year
        for partner in self:
            if not partner.crm_birth_year:
                continue
            age = year - partner.crm_birth_year
            partner.crm_age_band = (
                "under_25" if age < 25 else "25_34" if age < 35 else "35_44" if age < 45
                else "45_54" if age < 55 else "55_64" if age < 65 else "65_plus"
            )

    @api.depends_context("company")
    def _compute_crm_measures(self):
        measures = self.env["crm.customer.measure"].sudo().search([
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
        ])
        by_partner = {m.partner_id.id: m for m in measures}
        for partner in self:
            partner.crm_currency_id = self.env.company.currency_id
            measure = by_partner.get(partner.commercial_partner_id.id)
            for field, source in MEASURE_FIELDS.items():
                value = measure[source] if measure else False
                partner[field] = value if value is not False else self._fields[field].convert_to_cache(False, partner)

    def _search_crm_measure_field(self, source, operator, value):
        """Partners whose measure row of the current company satisfies the condition.

        A partner without a row counts as zero/empty, so `orders = 0` finds customers
        who never ordered.
        """
        Measure = self.env["crm.customer.measure"].sudo()
        company = Domain("company_id", "=", self.env.company.id)
        matching = Measure._search(company & Domain(source, operator, value))
        domain = Domain("commercial_partner_id", "in", matching.subselect("partner_id"))
        if _empty_value_matches(Measure._fields[source], operator, value):
            with_row = Measure._search(company)
            domain |= Domain("commercial_partner_id", "not in", with_row.subselect("partner_id"))
        return domain

    _search_crm_first_order_date = _measure_search("crm_first_order_date")
    _search_crm_last_order_date = _measure_search("crm_last_order_date")
    _search_crm_order_count = _measure_search("crm_order_count")
    _search_crm_revenue_12m = _measure_search("crm_revenue_12m")
    _search_crm_revenue_total = _measure_search("crm_revenue_total")
    _search_crm_margin_12m = _measure_search("crm_margin_12m")
    _search_crm_margin_total = _measure_search("crm_margin_total")
    _search_crm_average_order_value = _measure_search("crm_average_order_value")
    _search_crm_discount_share = _measure_search("crm_discount_share")
    _search_crm_days_since_last_order = _measure_search("crm_days_since_last_order")
    _search_crm_typology_id = _measure_search("crm_typology_id")
