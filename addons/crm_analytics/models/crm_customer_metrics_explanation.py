from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import format_amount

from ..lib import rfm

RFM_LABELS = dict(rfm.SEGMENTS)


def _number(value, digits=3):
    return f"{value:,.{digits}f}" if value is not None else "-"


class CrmCustomerMetrics(models.Model):
    """Why a customer's figures are what they are: inputs, fitted parameters and the formulas in words."""

    _inherit = "crm.customer.metrics"

    explanation_html = fields.Html(
        string="Explanation", compute="_compute_explanation_html", sanitize=False,
        help="The inputs, the fitted parameters and the formula behind the CLV, P(alive), RFM segment and "
             "typology of this customer.")

    @api.depends("clv", "p_alive", "rfm_segment", "clv_model_id")
    def _compute_explanation_html(self):
        for row in self:
            row.explanation_html = row._explanation_html() if row.partner_id else False

    def _explanation_html(self):
        self.ensure_one()
        model = self.clv_model_id
        money = self._money
        sections = [
            (self.env._("Inputs"), [
                (self.env._("Repeat purchases (x)"), _number(self.frequency, 0)),
                (self.env._("Age at last purchase (t_x)"), _number(self.recency, 2)),
                (self.env._("Customer age (T)"), _number(self.age, 2)),
                (self.env._("Mean repeat purchase (m)"), money(self.monetary_value)),
                (self.env._("Margin rate"), f"{100 * (self.margin_rate or 0):.1f} %"),
                (self.env._("Days since last purchase"), _number(self.recency_days, 0)),
            ], self.env._("x, t_x and T are counted in %(unit)ss since the first purchase.",
                          unit=model.time_unit or "week")),
        ]
        if model:
            sections.append((self.env._("Fitted model (%s)", model.display_name), [
                ("BG/NBD r, alpha", f"{model.r:.4g}, {model.alpha:.4g}"),
                ("BG/NBD a, b", f"{model.a:.4g}, {model.b:.4g}"),
                ("Gamma-Gamma p, q, v", f"{model.p:.4g}, {model.q:.4g}, {model.v:.4g}"),
                (self.env._("Back-test grade"), dict(model._fields["backtest_grade"].selection).get(
                    model.backtest_grade, "-")),
            ], self.env._("Fitted on %(n)s customers; the back-test compares predicted and actual purchases in "
                          "a %(days)s-day holdout window with a naive forecast.", n=model.n_customers,
                          days=model.holdout_days)))
        sections += [
            (self.env._("P(alive) = %s", f"{100 * (self.p_alive or 0):.1f} %"), [], self._p_alive_words()),
            (self.env._("CLV = %s", money(self.clv)), [
                (self.env._("Expected purchases over the horizon"), _number(self.expected_purchases, 2)),
                (self.env._("Expected value per order"), money(self.expected_order_value)),
                (self.env._("Expected margin per order"), money(self.expected_order_margin)),
            ], self.env._(
                "Expected purchases (BG/NBD, given the customer's history and P(alive)) times the expected value of "
                "an order (Gamma-Gamma: the customer's own mean repeat purchase, weighted by the number of repeat "
                "purchases, blended with the population mean) times the margin rate, month by month over "
                "%(months)s months, discounted at %(rate)s %% a year.",
                months=model.horizon_months or 12, rate=model.discount_rate or 0)),
            (self.env._("RFM segment: %s", RFM_LABELS.get(self.rfm_segment, "-")), [
                ("R, F, M", self.rfm_score or "-"),
            ], self._rfm_words()),
            (self.env._("Typology: %s", self.partner_id.crm_typology_id.name or "-"), [], self._typology_words()),
        ]
        parts = []
        for title, rows, words in sections:
            parts.append(Markup("<h5 class='mt-3'>%s</h5>") % title)
            if rows:
                parts.append(Markup("<table class='table table-sm w-auto'>%s</table>") % Markup("").join(
                    Markup("<tr><td class='pe-3'>%s</td><td class='text-end'>%s</td></tr>") % (label, value)
                    for label, value in rows))
            if words:
                parts.append(Markup("<p class='text-muted'>%s</p>") % words)
        return Markup("<div class='o_crm_metrics_explanation'>%s</div>") % Markup("").join(parts)

    def _money(self, amount):
        return format_amount(self.env, amount or 0.0, self.currency_id or self.env.company.currency_id)

    def _p_alive_words(self):
        if not self.frequency:
            return self.env._("No repeat purchase yet: the model lets a customer drop out only after a purchase, "
                              "so P(alive) is 100 %.")
        return self.env._(
            "1 / (1 + a / (b + x - 1) x ((alpha + T) / (alpha + t_x))^(r + x)): the longer the silence since the "
            "last purchase (T - t_x = %(gap)s) compared with the customer's usual pace (x = %(x)s repeat purchases "
            "in t_x = %(tx)s), the lower the chance the customer is still active.",
            gap=_number((self.age or 0) - (self.recency or 0), 2), x=self.frequency, tx=_number(self.recency, 2))

    def _rfm_words(self):
        cuts = self.clv_model_id.rfm_breakpoints or {}
        described = []
        for key, label, value in (("r", self.env._("days since last purchase"), self.recency_days),
                                  ("f", self.env._("purchases"), self.purchase_count),
                                  ("m", self.env._("revenue"), self.revenue_total)):
            if cuts.get(key):
                described.append(self.env._("%(label)s %(value)s against the cut points %(cuts)s",
                                            label=label, value=_number(value, 2),
                                            cuts=", ".join(_number(c, 2) for c in cuts[key])))
        bins = rfm.bins_of(cuts)
        words = self.env._("Each score is the %(bin)s (1 to %(bins)s, %(bins)s best) of the customer among all "
                           "customers; the segment is named from R and F.",
                           bin=self.env._("quintile") if bins == 5 else self.env._("quantile bin"), bins=bins)
        return words + (" " + "; ".join(escape(d) for d in described) + "." if described else "")

    def _typology_words(self):
        typology = self.partner_id.crm_typology_id
        if not typology:
            return self.env._("No typology rule matches this customer's measures.")
        return self.env._("The first rule, in sequence order, whose conditions the customer's measures meet: "
                          "%(rule)s. %(description)s", rule=typology.rule_domain or "",
                          description=typology.description or "")
