from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ...const import PNL_FILLFACTOR, WATERFALL
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.locks import try_lock
from ...tools.notify import done_at, refresh_notification
from ...tools.pg import bulk_load, local_settings
from ...tools.xlsx import Workbook, download_action, period_label
from .crm_customer_pnl_sql import (
    NEW_ROWS,
    STAGED,
    channel_costs,
    new_row_count,
    revenue_query,
    rows_statement,
    write_statement,
)


class CrmCustomerPnl(models.Model):
    """The customer P&L: one row per commercial partner, company and month.

    Refreshed set-based (a few SQL statements per company, in one transaction), so the rows of a refresh that
    dies half-way stay as they were; a row whose figures did not change is not rewritten.
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

    def init(self):
        """Half of each page left free (``PNL_FILLFACTOR``), so that a refresh's updates stay on their page."""
        result = super().init()
        self.env.cr.execute(SQL("ALTER TABLE %s SET (fillfactor = %s)", SQL.identifier(self._table), PNL_FILLFACTOR))
        return result

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
        """Recompute the rows of these companies from date_from's month on (all months when empty). One
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
        cr = self.env.cr
        stage, new_rows = SQL.identifier(STAGED), SQL.identifier(NEW_ROWS)
        # one aggregate over every invoice line: let it hash in memory rather than spill to disk, and run it
        # as it is (compiling it, JIT, costs more than it saves)
        with local_settings(cr, work_mem="256MB", jit="off"):
            for company in companies:
                # statements of their own, so PostgreSQL may scan and aggregate the invoice lines in parallel
                # (an INSERT ... SELECT never runs in parallel), then write only what changed
                cr.execute(SQL("CREATE TEMP TABLE %s ON COMMIT DROP AS %s", stage,
                               self._pnl_revenue_sql(company, date_from)))
                cr.execute(SQL("CREATE TEMP TABLE %s ON COMMIT DROP AS %s", new_rows,
                               self._pnl_rows_sql(company, date_from, today)))
                self._write_pnl_rows(company, date_from)
                cr.execute(SQL("DROP TABLE %s, %s", stage, new_rows))
        self.invalidate_model()

    @api.model
    def _write_pnl_rows(self, company, date_from):
        """Write the staged rows of the company (see ``write_statement``): (deleted, updated, inserted)."""
        cr = self.env.cr
        [(added,)] = self.env.execute_query(new_row_count(company.id, NEW_ROWS))
        # many new rows (the first refresh of a large company): one anti-join per foreign key checks them,
        # rather than a trigger call per row and key (most of the time of the write); readers of the P&L wait
        with bulk_load(cr, self._table, added):
            [counts] = self.env.execute_query(write_statement(company.id, date_from, NEW_ROWS))
        return counts

    @api.model
    def _pnl_revenue_sql(self, company, date_from):
        """The revenue side per customer, month and channel, staged before the P&L statement reads it."""
        return revenue_query(self.env["crm.sales.fact"]._lines_sql(company.ids, date_from))

    @api.model
    def _channel_cost_sql(self, company, date_from):
        """The channel costs per customer and month, or None when the company has no channel yet."""
        if not self.env["crm.channel"].sudo().with_context(active_test=False).search_count(
                [("company_id", "=", company.id)], limit=1):
            return None
        return channel_costs(company.id, date_from)

    @api.model
    def _pnl_rows_sql(self, company, date_from, today):
        """The query of the company's rows from date_from on, from the staged revenue."""
        return rows_statement(company.id, date_from, today, self._channel_cost_sql(company, date_from),
                              self.env["crm.segment.member"]._current_sql())

    # --- drill-down to the documents behind each figure -----------------------
    def _in_month(self, field, moment=False):
        """The row's month on ``field``: up to its last day, or (a datetime) up to the next month."""
        self.ensure_one()
        start, after = self.month, self.month + relativedelta(months=1)
        if moment:
            return [(field, ">=", start), (field, "<", after)]
        return [(field, ">=", start), (field, "<=", after - relativedelta(days=1))]

    def _own_documents(self, partner_field):
        """Documents of the row's customer (or one of its contacts) and company."""
        return [(partner_field, "child_of", self.partner_id.id), ("company_id", "=", self.company_id.id)]

    def _posted_lines(self, display_type):
        """Posted journal items of one display type on the customer's invoices of the month."""
        return [("move_id.commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
                ("parent_state", "=", "posted"), ("display_type", "=", display_type),
                *self._in_month("move_id.invoice_date")]

    def _drill(self, name, model, domain, views="list,form"):
        return {"type": "ir.actions.act_window", "name": name, "res_model": model, "view_mode": views,
                "domain": domain, "context": {"create": False}}

    def action_view_invoice_lines(self):
        """Gross revenue, reductions, discounts, allowances and net revenue come from these lines."""
        self.check_access("read")
        return self._drill(self.env._("Invoice lines"), "account.move.line", [
            *self._posted_lines("product"), ("move_id.move_type", "in", ("out_invoice", "out_refund"))], "list")

    def action_view_cost_lines(self):
        """The COGS journal items behind the product cost."""
        self.check_access("read")
        return self._drill(self.env._("Cost of goods sold"), "account.move.line", self._posted_lines("cogs"), "list")

    def action_view_orders(self):
        self.check_access("read")
        return self._drill(self.env._("Quotations and orders"), "sale.order", [
            *self._own_documents("partner_id"), *self._in_month("create_date", moment=True)])

    def action_view_pickings(self):
        self.check_access("read")
        return self._drill(self.env._("Deliveries and returns"), "stock.picking", [
            *self._own_documents("partner_id"), ("state", "=", "done"), *self._in_month("date_done", moment=True)])

    def action_view_invoices(self):
        self.check_access("read")
        return self._drill(self.env._("Invoices and credit notes"), "account.move", [
            ("commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"),
            *self._in_month("invoice_date")])

    def action_view_activities(self):
        self.check_access("read")
        partners = self.env["res.partner"].search([("id", "child_of", self.partner_id.id)])
        orders = self.env["sale.order"].search([("partner_id", "in", partners.ids)])
        return self._drill(self.env._("Logged activities"), "mail.message", [
            ("mail_activity_type_id", "!=", False), *self._in_month("date", moment=True),
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
