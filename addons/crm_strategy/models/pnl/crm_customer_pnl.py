from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ...const import WATERFALL
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.locks import try_lock
from ...tools.notify import done_at, refresh_notification
from ...tools.xlsx import Workbook, download_action, period_label


class CrmCustomerPnl(models.Model):
    """The customer P&L: one row per commercial partner, company and month.

    Refreshed set-based (one SQL statement per company, swapped in the same
    transaction), so the rows of a refresh that dies half-way stay as they were.
    """

    _name = "crm.customer.pnl"
    _description = "Customer P&L"
    _order = "month desc, profit"
    _rec_name = "partner_id"
    _log_access = False  # computed table written by SQL

    # no index of their own: the unique (partner, company, month) index serves partner look-ups, a company
    # index would not be selective, and every index costs at each refresh
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, index=True, help="First day of the month.")
    segment_id = fields.Many2one("crm.segment", string="Primary Segment", index=True, ondelete="set null",
                                 help="The customer's primary segment at the time of the refresh.")
    gross_revenue = fields.Monetary(help="Invoiced quantities at list price (or at the invoiced price when higher).")
    pricelist_reduction = fields.Monetary(string="Pricelist Reductions")
    line_discount = fields.Monetary(string="Line Discounts")
    allowance_amount = fields.Monetary(string="Allowances and Credits", help="Credit notes and refunds.")
    net_revenue = fields.Monetary()
    product_cost = fields.Monetary(help="Cost of goods sold from the COGS journal items, else standard cost.")
    product_cost_estimated = fields.Boolean(
        string="Standard Cost Used",
        help="Some lines had no COGS journal item: their standard cost was used (zero when the product has none).")
    channel_cost = fields.Monetary()
    channel_cost_missing = fields.Boolean(
        string="No Channel Cost Rule", help="No channel cost rule applies yet: the channel cost is zero.")
    cost_to_serve = fields.Monetary(string="Cost-to-Serve")
    admin_cost = fields.Monetary(string="Administrative Costs")
    profit = fields.Monetary(string="Customer Profit")
    profit_pct = fields.Float(string="Profit (%)", aggregator="avg")
    quotation_count = fields.Integer(string="Quotations")
    order_count = fields.Integer(string="Sales Orders")
    order_line_count = fields.Integer(string="Order Lines")
    delivery_count = fields.Integer(string="Deliveries")
    return_count = fields.Integer(string="Returns")
    invoice_count = fields.Integer(string="Invoices")
    credit_note_count = fields.Integer(string="Credit Notes")
    payment_reminder_count = fields.Integer(string="Payment Reminders")
    payment_delay_amount_days = fields.Float(
        string="Overdue Amount x Days",
        help="Each amount owed past its due date times the days it stayed unpaid in the month: open invoices and "
             "invoices paid late alike.")
    activity_count = fields.Integer(string="Activities")

    _partner_company_month_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id, month)", "One P&L row per customer, company and month."
    )

    # --- refresh ------------------------------------------------------------
    def action_refresh(self):
        """List header button (called with the selected ids, which it ignores): every month is rebuilt."""
        check_group(self.env, MANAGER_GROUP)
        companies = self.env.companies
        self._refresh_pnl(companies)
        [(rows, customers, first, last)] = self.sudo()._read_group(
            [("company_id", "in", companies.ids)], [],
            ["__count", "partner_id:count_distinct", "month:min", "month:max"])
        if rows:
            span = self.env._("%(first)s to %(last)s", first=format_date(self.env, first, date_format="MMM yyyy"),
                                last=format_date(self.env, last, date_format="MMM yyyy"))
            what = self.env._("%(rows)s customer-months of %(customers)s customers, %(span)s",
                              rows=rows, customers=customers, span=span)
        else:
            what = self.env._("No invoiced customer yet")
        return refresh_notification(
            self.env._("Customer P&L rebuilt"),
            self.env._("%(what)s (%(companies)s), at %(when)s.", what=what,
                       companies=", ".join(companies.mapped("name")), when=done_at(self.env)))

    @api.model
    def _cron_refresh(self, months_back=2):
        """Incremental: recompute the last months of every company, one committed batch per company."""
        companies = self.env["res.company"].search([("active", "=", True)])
        date_from = fields.Date.context_today(self).replace(day=1) - relativedelta(months=months_back - 1)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        for company in companies:
            self._refresh_pnl(company, date_from, raise_if_locked=False)
            if not cron._commit_progress(1):
                break

    @api.model
    def _refresh_pnl(self, companies, date_from=None, raise_if_locked=True):
        """Replace the rows of these companies from date_from's month on (all months when empty). One
        refresh per company at a time: a company another transaction is refreshing is refused, or skipped
        by the cron."""
        date_from = (date_from or date(1900, 1, 1)).replace(day=1)
        today = fields.Date.context_today(self)
        if date_from > today:
            raise UserError(self.env._("The P&L cannot be refreshed from a future month."))
        busy = companies.filtered(lambda company: not try_lock(self.env.cr, "crm_strategy.pnl_refresh", company.id))
        if busy and raise_if_locked:
            raise UserError(self.env._("A refresh of the customer P&L of %(companies)s is already running.",
                                       companies=", ".join(busy.mapped("name"))))
        companies -= busy
        self.env.flush_all()
        # one aggregate over every invoice line: let it hash in memory rather than spill to disk
        self.env.cr.execute("SET LOCAL work_mem = '256MB'")
        for company in companies:
            self.env.cr.execute(SQL(
                "DELETE FROM crm_customer_pnl WHERE company_id = %s AND month >= %s", company.id, date_from))
            # a statement of its own, so PostgreSQL may scan and aggregate the invoice lines in parallel
            # (an INSERT ... SELECT never runs in parallel)
            self.env.cr.execute(SQL("CREATE TEMP TABLE crm_pnl_revenue ON COMMIT DROP AS %s",
                                    self._pnl_revenue_sql(company, date_from)))
            self.env.cr.execute(self._pnl_insert_sql(company, date_from, today))
            self.env.cr.execute("DROP TABLE crm_pnl_revenue")
        self.env.cr.execute("SET LOCAL work_mem TO DEFAULT")
        self.invalidate_model()

    @api.model
    def _channel_cost_sql(self, company, date_from):
        """Rows (partner_id, month, amount) of channel costs from each channel's cost model, or None when the
        company has no channel yet. A fixed monthly cost is spread over the channel's customers of the month
        by their revenue; a month without customers carries none of it. Reads the revenue per channel from
        the staged aggregate (crm_pnl_revenue), so the invoice lines are scanned once."""
        if not self.env["crm.channel"].sudo().with_context(active_test=False).search_count(
                [("company_id", "=", company.id)], limit=1):
            return None
        return SQL(
            """
            WITH ch_inv AS (
                -- the revenue of each customer, month and channel, staged by the revenue aggregate
                SELECT channel_id, partner_id, month, SUM(net_revenue) AS revenue
                  FROM crm_pnl_revenue WHERE channel_id IS NOT NULL
              GROUP BY 1, 2, 3
            ), ch_month AS (
                SELECT channel_id, month, SUM(GREATEST(revenue, 0)) AS positive, COUNT(*) AS customers
                  FROM ch_inv GROUP BY channel_id, month
            )
            SELECT i.partner_id, i.month,
                   (CASE c.cost_model
                        WHEN 'revenue_pct' THEN i.revenue * c.cost_rate::numeric / 100
                        WHEN 'per_contact' THEN c.cost_rate::numeric
                        WHEN 'fixed' THEN c.cost_rate::numeric * CASE WHEN m.positive > 0
                            THEN GREATEST(i.revenue, 0) / m.positive ELSE 1.0 / m.customers END
                        ELSE 0 END)::numeric AS amount
              FROM ch_inv i
              JOIN crm_channel c ON c.id = i.channel_id
              JOIN ch_month m ON m.channel_id = i.channel_id AND m.month = i.month
             UNION ALL
            SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date,
                   (COUNT(*) * MAX(c.cost_rate))::numeric
              FROM sale_order so
              JOIN res_partner rp ON rp.id = so.partner_id
              JOIN crm_channel c ON c.id = so.channel_id AND c.cost_model = 'per_order'
             WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.date_order >= %(date_from)s
          GROUP BY 1, 2, so.channel_id
            """,
            company=company.id, date_from=date_from,
        )

    @api.model
    def _pnl_revenue_sql(self, company, date_from):
        """Per customer, month and channel: the revenue side of the P&L and the product cost, summed from the
        sales fact (crm.sales.fact), the one definition every figure of the suite reads.

        Five sums per group rather than one per column: the reductions and discounts are differences
        of them (gross - at invoiced price - net)."""
        return SQL(
            """
            SELECT partner_id, month, channel_id,
                   SUM(list_revenue) FILTER (WHERE NOT is_refund) AS gross_revenue,
                   SUM(undiscounted_revenue) FILTER (WHERE NOT is_refund) AS at_invoiced_price,
                   SUM(revenue) FILTER (WHERE NOT is_refund) AS invoiced_net,
                   SUM(revenue) AS net_revenue,
                   SUM(cost) AS product_cost,
                   BOOL_OR(cost_estimated) AS product_cost_estimated
              FROM (%(lines)s) f
          GROUP BY partner_id, month, channel_id
            """,
            lines=self.env["crm.sales.fact"]._lines_sql(company.ids, date_from),
        )

    @api.model
    def _pnl_insert_sql(self, company, date_from, today):
        channel_sql = self._channel_cost_sql(company, date_from)
        channel_cte = channel_sql or SQL("SELECT NULL::int AS partner_id, NULL::date AS month, 0::numeric AS amount "
                                         "WHERE FALSE")
        return SQL(
            """
            WITH staged AS (
                SELECT partner_id, month, COALESCE(SUM(gross_revenue), 0) AS gross, COALESCE(SUM(at_invoiced_price), 0)
                       AS at_price, COALESCE(SUM(invoiced_net), 0) AS invoiced_net, SUM(net_revenue) AS net,
                       SUM(product_cost) AS product_cost, BOOL_OR(product_cost_estimated) AS product_cost_estimated
                  FROM crm_pnl_revenue
              GROUP BY partner_id, month
            ), revenue AS (
                SELECT partner_id, month, gross::numeric AS gross_revenue,
                       (gross - at_price)::numeric AS pricelist_reduction,
                       (at_price - invoiced_net)::numeric AS line_discount,
                       (invoiced_net - net)::numeric AS allowance_amount,
                       net::numeric AS net_revenue, product_cost::numeric AS product_cost, product_cost_estimated
                  FROM staged
            ), drivers AS (
                SELECT rp.commercial_partner_id AS partner_id, date_trunc('month', so.create_date)::date AS month,
                       'quotation' AS driver, COUNT(*)::numeric AS qty
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %(company)s AND so.create_date >= %(date_from)s
              GROUP BY 1, 2
                UNION ALL
                SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date, 'sale_order', COUNT(*)
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.date_order >= %(date_from)s
              GROUP BY 1, 2
                UNION ALL
                SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date, 'order_line', COUNT(*)
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %(company)s AND so.state = 'sale' AND sol.display_type IS NULL
                   AND so.date_order >= %(date_from)s
              GROUP BY 1, 2
                UNION ALL
                SELECT rp.commercial_partner_id, date_trunc('month', sp.date_done)::date,
                       CASE WHEN spt.code = 'outgoing' THEN 'delivery' ELSE 'return' END, COUNT(*)
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                  JOIN res_partner rp ON rp.id = sp.partner_id
                 WHERE sp.company_id = %(company)s AND sp.state = 'done' AND sp.date_done >= %(date_from)s
                   AND ((spt.code = 'outgoing' AND sp.return_id IS NULL)
                        OR (spt.code = 'incoming' AND sp.return_id IS NOT NULL))
              GROUP BY 1, 2, 3
                UNION ALL
                SELECT am.commercial_partner_id, date_trunc('month', am.invoice_date::timestamp)::date,
                       CASE WHEN am.move_type = 'out_invoice' THEN 'invoice' ELSE 'credit_note' END, COUNT(*)
                  FROM account_move am
                 WHERE am.company_id = %(company)s AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund') AND am.invoice_date >= %(date_from)s
              GROUP BY 1, 2, 3
                UNION ALL
                SELECT am.commercial_partner_id, date_trunc('month', mm.date)::date, 'payment_reminder', COUNT(*)
                  FROM mail_message mm
                  JOIN account_move am ON mm.model = 'account.move' AND am.id = mm.res_id
                 WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND mm.message_type IN ('email', 'comment') AND mm.date::date > am.invoice_date_due
                   AND mm.date >= %(date_from)s
              GROUP BY 1, 2
                UNION ALL
                SELECT od.partner_id, gs.month::date, 'payment_delay',
                       SUM(od.amount * (LEAST((gs.month + INTERVAL '1 month' - INTERVAL '1 day')::date, od.stop)
                                        - GREATEST(gs.month::date, od.start) + 1))
                  FROM (%(overdue)s) od
                 CROSS JOIN LATERAL generate_series(
                       date_trunc('month', GREATEST(od.start, %(date_from)s)), date_trunc('month', od.stop),
                       INTERVAL '1 month') AS gs(month)
                 WHERE od.stop >= od.start
              GROUP BY 1, 2
                UNION ALL
                SELECT COALESCE(rp.commercial_partner_id, sorp.commercial_partner_id),
                       date_trunc('month', mm.date)::date, 'activity', COUNT(*)
                  FROM mail_message mm
             LEFT JOIN res_partner rp ON mm.model = 'res.partner' AND rp.id = mm.res_id
             LEFT JOIN sale_order so ON mm.model = 'sale.order' AND so.id = mm.res_id
             LEFT JOIN res_partner sorp ON sorp.id = so.partner_id
                 WHERE mm.mail_activity_type_id IS NOT NULL AND mm.date >= %(date_from)s
                   AND mm.model IN ('res.partner', 'sale.order')
                   AND (so.company_id = %(company)s OR (rp.id IS NOT NULL
                        AND COALESCE(rp.company_id, %(company)s) = %(company)s))
              GROUP BY 1, 2
            ), serve AS (
                SELECT d.partner_id, d.month,
                       SUM(d.qty * COALESCE(cd.unit_cost, 0)) AS cost_to_serve,
                       SUM(d.qty) FILTER (WHERE d.driver = 'quotation') AS quotation_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'sale_order') AS order_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'order_line') AS order_line_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'delivery') AS delivery_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'return') AS return_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'invoice') AS invoice_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'credit_note') AS credit_note_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'payment_reminder') AS payment_reminder_count,
                       SUM(d.qty) FILTER (WHERE d.driver = 'payment_delay') AS payment_delay_amount_days,
                       SUM(d.qty) FILTER (WHERE d.driver = 'activity') AS activity_count
                  FROM drivers d
             LEFT JOIN crm_cost_driver cd ON cd.driver = d.driver AND cd.company_id = %(company)s AND cd.active
                 WHERE d.partner_id IS NOT NULL
              GROUP BY d.partner_id, d.month
            ), channel AS (
                SELECT partner_id, month, SUM(amount) AS amount FROM (%(channel)s) c GROUP BY partner_id, month
            ), keyed AS (
                SELECT partner_id, month FROM revenue
                 UNION SELECT partner_id, month FROM serve
                 UNION SELECT partner_id, month FROM channel
            ), base AS (
                SELECT k.partner_id, k.month,
                       COALESCE(r.gross_revenue, 0) AS gross_revenue,
                       COALESCE(r.pricelist_reduction, 0) AS pricelist_reduction,
                       COALESCE(r.line_discount, 0) AS line_discount,
                       COALESCE(r.allowance_amount, 0) AS allowance_amount,
                       COALESCE(r.net_revenue, 0) AS net_revenue,
                       COALESCE(r.product_cost, 0) AS product_cost,
                       COALESCE(r.product_cost_estimated, FALSE) AS product_cost_estimated,
                       COALESCE(ch.amount, 0) AS channel_cost,
                       COALESCE(s.cost_to_serve, 0) AS cost_to_serve,
                       COALESCE(s.quotation_count, 0) AS quotation_count,
                       COALESCE(s.order_count, 0) AS order_count,
                       COALESCE(s.order_line_count, 0) AS order_line_count,
                       COALESCE(s.delivery_count, 0) AS delivery_count,
                       COALESCE(s.return_count, 0) AS return_count,
                       COALESCE(s.invoice_count, 0) AS invoice_count,
                       COALESCE(s.credit_note_count, 0) AS credit_note_count,
                       COALESCE(s.payment_reminder_count, 0) AS payment_reminder_count,
                       COALESCE(s.payment_delay_amount_days, 0) AS payment_delay_amount_days,
                       COALESCE(s.activity_count, 0) AS activity_count
                  FROM keyed k
             LEFT JOIN revenue r ON r.partner_id = k.partner_id AND r.month = k.month
             LEFT JOIN serve s ON s.partner_id = k.partner_id AND s.month = k.month
             LEFT JOIN channel ch ON ch.partner_id = k.partner_id AND ch.month = k.month
                 WHERE k.partner_id IS NOT NULL
            ), admin AS (
                SELECT b.partner_id, b.month,
                       SUM(CASE ar.basis WHEN 'revenue_pct' THEN b.net_revenue * ar.rate / 100.0
                                         WHEN 'per_customer' THEN ar.rate
                                         WHEN 'per_order' THEN ar.rate * b.order_count END) AS admin_cost
                  FROM base b
                  JOIN crm_admin_cost_rule ar ON ar.company_id = %(company)s AND ar.active
              GROUP BY b.partner_id, b.month
            )
            INSERT INTO crm_customer_pnl (
                partner_id, company_id, month, segment_id, gross_revenue, pricelist_reduction, line_discount,
                allowance_amount, net_revenue, product_cost, product_cost_estimated, channel_cost,
                channel_cost_missing, cost_to_serve, admin_cost, profit, profit_pct, quotation_count, order_count,
                order_line_count, delivery_count, return_count, invoice_count, credit_note_count,
                payment_reminder_count, payment_delay_amount_days, activity_count)
            SELECT b.partner_id, %(company)s, b.month, m.segment_id, b.gross_revenue, b.pricelist_reduction,
                   b.line_discount, b.allowance_amount, b.net_revenue, b.product_cost, b.product_cost_estimated,
                   b.channel_cost, %(channel_missing)s, b.cost_to_serve, COALESCE(a.admin_cost, 0),
                   b.net_revenue - b.product_cost - b.channel_cost - b.cost_to_serve - COALESCE(a.admin_cost, 0),
                   CASE WHEN b.net_revenue <> 0 THEN ROUND(100 * (b.net_revenue - b.product_cost - b.channel_cost
                        - b.cost_to_serve - COALESCE(a.admin_cost, 0)) / ABS(b.net_revenue), 2) ELSE 0 END,
                   b.quotation_count, b.order_count, b.order_line_count, b.delivery_count, b.return_count,
                   b.invoice_count, b.credit_note_count, b.payment_reminder_count, b.payment_delay_amount_days,
                   b.activity_count
              FROM base b
         LEFT JOIN admin a ON a.partner_id = b.partner_id AND a.month = b.month
         LEFT JOIN (%(members)s) m ON m.partner_id = b.partner_id AND m.company_id = %(company)s
                                       AND m.is_primary
            """,
            company=company.id, date_from=date_from, today=today, channel=channel_cte,
            members=self.env["crm.segment.member"]._current_sql(),
            channel_missing=channel_sql is None, overdue=self._overdue_sql(company, today),
        )

    @api.model
    def _overdue_sql(self, company, today):
        """(partner_id, start, stop, amount): each amount a customer owed past its due date, from the day after
        the due date to the day it was paid (a partial reconciliation dated after the due date), or to today
        while it stays open. An invoice paid late costs as much carrying as one still open."""
        return SQL(
            """
            SELECT am.commercial_partner_id AS partner_id, am.invoice_date_due + 1 AS start,
                   %(today)s::date AS stop, am.amount_residual_signed AS amount
              FROM account_move am
             WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
               AND am.payment_state IN ('not_paid', 'partial') AND am.invoice_date_due < %(today)s
            UNION ALL
            SELECT am.commercial_partner_id, am.invoice_date_due + 1, LEAST(apr.max_date, %(today)s::date),
                   apr.amount
              FROM account_move am
              JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'payment_term'
              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
               AND apr.max_date > am.invoice_date_due
            """,
            company=company.id, today=today,
        )

    # --- drill-down to the documents behind each figure -----------------------
    def _month_bounds(self):
        self.ensure_one()
        return self.month, self.month + relativedelta(months=1, days=-1)

    def _partner_domain(self, field):
        return [(field, "child_of", self.partner_id.id)]

    def _drill(self, name, model, domain, views="list,form"):
        return {"type": "ir.actions.act_window", "name": name, "res_model": model, "view_mode": views,
                "domain": domain, "context": {"create": False}}

    def action_view_invoice_lines(self):
        """Gross revenue, reductions, discounts, allowances and net revenue come from these lines."""
        self.check_access("read")
        start, end = self._month_bounds()
        return self._drill(self.env._("Invoice lines"), "account.move.line", [
            ("move_id.commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"), ("display_type", "=", "product"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("move_id.invoice_date", ">=", start), ("move_id.invoice_date", "<=", end),
        ], "list")

    def action_view_cost_lines(self):
        """The COGS journal items behind the product cost."""
        self.check_access("read")
        start, end = self._month_bounds()
        return self._drill(self.env._("Cost of goods sold"), "account.move.line", [
            ("move_id.commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"), ("display_type", "=", "cogs"),
            ("move_id.invoice_date", ">=", start), ("move_id.invoice_date", "<=", end),
        ], "list")

    def action_view_orders(self):
        self.check_access("read")
        start, end = self._month_bounds()
        return self._drill(self.env._("Quotations and orders"), "sale.order", [*self._partner_domain("partner_id"),
            ("company_id", "=", self.company_id.id), ("create_date", ">=", start),
            ("create_date", "<", end + relativedelta(days=1)),
        ])

    def action_view_pickings(self):
        self.check_access("read")
        start, end = self._month_bounds()
        return self._drill(self.env._("Deliveries and returns"), "stock.picking", [*self._partner_domain("partner_id"),
            ("company_id", "=", self.company_id.id), ("state", "=", "done"), ("date_done", ">=", start),
            ("date_done", "<", end + relativedelta(days=1)),
        ])

    def action_view_invoices(self):
        self.check_access("read")
        start, end = self._month_bounds()
        return self._drill(self.env._("Invoices and credit notes"), "account.move", [
            ("commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"),
            ("invoice_date", ">=", start), ("invoice_date", "<=", end),
        ])

    def action_view_activities(self):
        self.check_access("read")
        start, end = self._month_bounds()
        partners = self.env["res.partner"].search([("id", "child_of", self.partner_id.id)])
        orders = self.env["sale.order"].search([("partner_id", "in", partners.ids)])
        return self._drill(self.env._("Logged activities"), "mail.message", [
            ("mail_activity_type_id", "!=", False), ("date", ">=", start),
            ("date", "<", end + relativedelta(days=1)),
            "|", "&", ("model", "=", "res.partner"), ("res_id", "in", partners.ids),
            "&", ("model", "=", "sale.order"), ("res_id", "in", orders.ids),
        ], "list")

    # --- waterfall ----------------------------------------------------------
    @api.model
    def _waterfall_steps(self, totals):
        """(label, amount, start, end) for each bar of the waterfall, from summed P&L columns."""
        steps, level = [], 0.0
        for field, label, sign in WATERFALL:
            amount = totals.get(field, 0.0)
            if sign == 0:
                steps.append((label, amount, 0.0, amount))
                level = amount
            else:
                end = level + sign * amount
                steps.append((label, amount, level, end))
                level = end
        return steps

    @api.model
    def _waterfall_html(self, totals, currency):
        steps = self._waterfall_steps(totals)
        scale = max([abs(v) for _l, _a, s, e in steps for v in (s, e)] + [1.0])
        rows = []
        for (label, amount, start, end), (_f, _l, sign) in zip(steps, WATERFALL, strict=True):
            low, high = sorted((start, end))
            left = 50 + 50 * low / scale
            width = max(50 * (high - low) / scale, 0.3)
            colour = "bg-primary" if sign == 0 else ("bg-success" if sign > 0 else "bg-danger")
            rows.append(Markup(
                "<tr><td class='text-nowrap pe-2'>%s</td><td class='text-end text-nowrap pe-2'>%s</td>"
                "<td style='width:60%%'><div class='position-relative' style='height:1.1rem'>"
                "<div class='position-absolute %s' style='left:%.2f%%;width:%.2f%%;height:100%%'></div>"
                "</div></td></tr>") % (label, format_amount(self.env, amount, currency), colour, left, width))
        return Markup("<table class='table table-sm o_crm_pnl_waterfall'>%s</table>") % Markup("").join(rows)

    # --- export ---------------------------------------------------------------
    def action_export_xlsx(self):
        """The selected rows (or all visible ones) as a formatted workbook, downloaded at once."""
        self.check_access("read")
        records = self or self.search([("company_id", "in", self.env.companies.ids)])
        columns = [
            ("Month", "month"), ("Customer", "text"), ("Primary segment", "text"),
            ("Gross revenue", "money"), ("Pricelist reductions", "money"), ("Line discounts", "money"),
            ("Allowances and credits", "money"), ("Net revenue", "money"), ("Product costs", "money"),
            ("Standard cost used", "text"), ("Channel costs", "money"), ("Cost-to-serve", "money"),
            ("Administrative costs", "money"), ("Customer profit", "money"), ("Profit %", "percent"),
            ("Company", "text"),
        ]
        rows = (
            (r.month, r.partner_id.display_name, r.segment_id.display_name or "", r.gross_revenue,
             r.pricelist_reduction, r.line_discount, r.allowance_amount, r.net_revenue, r.product_cost,
             "yes" if r.product_cost_estimated else "no", r.channel_cost, r.cost_to_serve, r.admin_cost,
             r.profit, r.profit_pct, r.company_id.name)
            for r in records
        )
        title = self.env._("Customer P&L")
        months = records.mapped("month")
        period = period_label(min(months), max(months) + relativedelta(months=1, days=-1)) if months else period_label()
        with Workbook(self.env, records.company_id or self.env.company) as book:
            book.table(title, columns, rows)
            book.about(title, period, [self.env._("One row per customer and month; amounts in the company "
                                                  "currency, from posted invoices and credit notes.")])
        return download_action(self.env, self._name, "customer_pnl.xlsx", book.content)
