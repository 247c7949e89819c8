from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import format_amount

from ..lib import clv_constants, rfm_segments

RFM_LABELS = dict(rfm_segments.SEGMENTS)


def _number(value, digits=3):
    return f"{value:,.{digits}f}" if value is not None else "-"


class CrmCustomerMetrics(models.Model):
    """Why a customer's figures are what they are: inputs, fitted parameters and the formulas in words."""

    _inherit = "crm.customer.metrics"

    # Written by the refresh with the CLV (see crm_clv_model._score_clv); shown here and exported.
    clv_low = fields.Monetary(string="CLV Low (80%)", readonly=True, help="Lower end of the CLV's 80 % interval.")
    clv_high = fields.Monetary(string="CLV High (80%)", readonly=True, help="Upper end of the CLV's 80 % interval.")
    clv_model = fields.Monetary(
        string="Model CLV", readonly=True,
        help="What BG/NBD x Gamma-Gamma gives, also when the CLV shown is the historical one.")
    clv_basis = fields.Selection(related="clv_model_id.clv_basis")
    explanation_html = fields.Html(
        string="Explanation", compute="_compute_explanation_html", sanitize=False,
        help="The inputs, the fitted parameters and the formula behind the CLV, P(alive), RFM segment and "
             "typology of this customer.")

    @api.depends("clv", "clv_low", "clv_high", "clv_model", "p_alive", "rfm_segment", "clv_model_id")
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
                (self.env._("Contribution rate (after product, channel and cost-to-serve costs)"),
                 f"{100 * (self.margin_rate or 0):.1f} %"),
                (self.env._("Days since last purchase"), _number(self.recency_days, 0)),
            ], self.env._("x, t_x and T are counted in %(unit)ss since the first purchase.",
                          unit=model.time_unit or "week")),
        ]
        if model:
            sections.append(self._fit_section(model))
        sections += [
            (self.env._("P(alive) = %s", f"{100 * (self.p_alive or 0):.1f} %"), [], self._p_alive_words()),
            self._clv_section(model),
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

    def _fit_section(self, model):
        """The fitted parameters with their standard errors, what the identification checks found, the grade."""
        def with_se(values, errors):
            return ", ".join(f"{v:.4g} ± {e:.2g}" if e else f"{v:.4g}" for v, e in zip(values, errors, strict=True))

        rows = [
            ("BG/NBD r, alpha", with_se((model.r, model.alpha), (model.r_se, model.alpha_se))),
            ("BG/NBD a, b", with_se((model.a, model.b), (model.a_se, model.b_se))),
        ]
        if model.gg_method == "shrinkage":
            rows += [
                (self.env._("Mean spend per purchase of the base"),
                 self._money(model.gg_mean) + (f" ± {self._money(model.gg_mean_se)}" if model.gg_mean_se else "")),
                (self.env._("Credibility weight k (purchases)"), _number(model.gg_credibility, 3)),
            ]
        else:
            rows.append(("Gamma-Gamma p, q, v", f"{model.p:.4g}, {model.q:.4g}, {model.v:.4g}"))
            if model.p_se:
                rows.append((self.env._("Standard errors of p, q, v"),
                             f"{model.p_se:.2g}, {model.q_se:.2g}, {model.v_se:.2g}"))
        rows.append((self.env._("Back-test grade"),
                     dict(model._fields["backtest_grade"].selection).get(model.backtest_grade, "-")))
        words = self.env._(
            "Fitted on %(n)s customers (%(repeat)s repeat customers); the back-test compares predicted and actual "
            "purchases in a %(days)s-day holdout window with a naive forecast.",
            n=model.n_customers, repeat=model.n_repeat, days=model.holdout_days)
        return self.env._("Fitted model (%s)", model.display_name), rows, words + " " + model.fit_notes

    def _clv_section(self, model):
        """The CLV with its 80 % interval and period; for a historical CLV, why and how it is computed."""
        money = self._money
        months = model.horizon_months or 12
        interval = (self.env._("80 % interval"), f"{money(self.clv_low)} – {money(self.clv_high)}")
        if self.clv_basis == "historical":
            age_months = max((self.age or 0.0) * (self._unit_days(model) / clv_constants.DAYS_PER_MONTH), 1.0)
            per_month = self.margin_rate * max(self.revenue_total, 0.0) / age_months
            expected = self.clv / per_month if per_month else 0.0
            return (self.env._("Historical CLV over the next %(months)s months = %(clv)s", months=months,
                               clv=money(self.clv)), [
                (self.env._("Average contribution per month so far"), money(per_month)),
                (self.env._("Months expected over the horizon (discounted)"), _number(expected, 2)),
                (self.env._("Observed annual retention"), f"{100 * model.hist_retention:.0f} % "
                 f"({model.hist_retained} / {model.hist_eligible})"),
                interval,
                (self.env._("Model CLV (not used)"), money(self.clv_model)),
            ], self.env._(
                "%(reason)s Historical CLV = the customer's margin so far per month since the first purchase "
                "(at least one month) times the months the customer is expected to stay over %(months)s months, "
                "each survived with the observed monthly retention, discounted at %(rate)s %% a year. The interval "
                "comes from the uncertainty of the observed retention.",
                reason=model.clv_basis_reason, months=months, rate=model.discount_rate or 0))
        return (self.env._("CLV over the next %(months)s months = %(clv)s", months=months, clv=money(self.clv)), [
            (self.env._("Expected purchases over the horizon"), _number(self.expected_purchases, 2)),
            (self.env._("Expected value per order"), money(self.expected_order_value)),
            (self.env._("Expected margin per order"), money(self.expected_order_margin)),
            interval,
        ], self.env._(
            "Expected purchases (BG/NBD, given the customer's history and P(alive)) times the expected value of "
            "an order (the customer's own mean repeat purchase, weighted by the number of repeat purchases, "
            "blended with the base's mean) times the margin rate, month by month over %(months)s months, "
            "discounted at %(rate)s %% a year. The interval reflects how well the data pin the fitted parameters "
            "down (their standard errors), not the ups and downs of the customer's own purchases.",
            months=months, rate=model.discount_rate or 0))

    def _unit_days(self, model):
        return clv_constants.UNIT_DAYS.get(model.time_unit or "week", clv_constants.UNIT_DAYS["week"])

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
        bins = rfm_segments.bins_of(cuts)
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
