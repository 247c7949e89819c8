from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.pg import in_ids


class CrmSalesFact(models.Model):
    """The one definition of a customer's sales: every figure of revenue, cost and margin in the suite
    (measures, P&L, segments, ABC, strategy actuals, channel scorecard, comparison, analytics, campaign ROI)
    sums these rows, so that two screens never disagree.

    A row is a product line of a posted customer invoice or credit note (a credit note's amounts are
    negative), in the company currency (the ledger's balance), its quantity in the product's unit of
    measure, and its cost at the time of sale: the COGS journal items of the line when the product is
    valued perpetually, else the product's standard cost, flagged as an estimate.
    """

    _name = "crm.sales.fact"
    _inherit = "crm.report.view"
    _description = "Customer Sales (invoiced lines)"
    _auto = False
    _order = "invoice_date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    invoice_date = fields.Date(readonly=True)
    month = fields.Date(readonly=True, aggregator=None)
    channel_id = fields.Many2one("crm.channel", string="Sales Channel", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    is_refund = fields.Boolean(string="Credit Note", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit",
                            help="In the product's unit of measure; negative on a credit note.")
    list_revenue = fields.Monetary(string="Revenue at List Price", readonly=True,
                                   help="Quantity at the product's sales price, or at the invoiced price when higher.")
    undiscounted_revenue = fields.Monetary(string="Revenue before Discount", readonly=True,
                                           help="Quantity at the invoiced unit price, before the line discount.")
    revenue = fields.Monetary(string="Net Revenue", readonly=True)
    cost = fields.Monetary(string="Product Cost", readonly=True)
    margin = fields.Monetary(readonly=True, help="Net revenue minus product cost.")
    cost_estimated = fields.Boolean(string="Standard Cost Used", readonly=True,
                                    help="No COGS journal item: the cost is the product's standard cost today "
                                         "(zero when the product has none).")

    @api.model
    def _lines_sql(self, companies=None, date_from=None, date_to=None, partners=None):
        """The rows as a query, restricted to these companies (ids), invoice dates and commercial partners
        (an SQL query of their ids) where given: the readers put it in a FROM clause and aggregate what they
        need. Restrict here rather than outside: PostgreSQL does not push a condition into a query with a
        WITH clause."""
        line_filter, cogs_filter = [], []
        if partners is not None:
            line_filter.append(SQL("am.commercial_partner_id IN (%s)", partners))
        if companies:
            line_filter.append(SQL("am.company_id IN %s", tuple(companies)))
            cogs_filter.append(SQL("c.company_id IN %s", tuple(companies)))
        if date_from:
            line_filter.append(SQL("am.invoice_date >= %s", date_from))
            cogs_filter.append(SQL("c.date >= %s", date_from))
        if date_to:
            line_filter.append(SQL("am.invoice_date <= %s", date_to))
        where = SQL(" AND ").join([SQL("TRUE"), *line_filter])
        cogs_where = SQL(" AND ").join([SQL("TRUE"), *cogs_filter])
        return SQL(
            """
            WITH cogs AS (
                SELECT c.cogs_origin_id AS line_id, SUM(c.balance)::float8 AS amount
                  FROM account_move_line c
                  JOIN account_account aa ON aa.id = c.account_id
                 WHERE c.cogs_origin_id IS NOT NULL AND c.display_type = 'cogs' AND c.parent_state = 'posted'
                   AND aa.account_type IN ('expense', 'expense_direct_cost') AND %(cogs_where)s
              GROUP BY c.cogs_origin_id
            ), lines AS (
                -- float8 arithmetic: numeric would triple the time of the large refreshes
                SELECT aml.id, am.company_id, am.id AS move_id, am.commercial_partner_id AS partner_id,
                       am.invoice_date, date_trunc('month', am.invoice_date::timestamp)::date AS month,
                       ca.channel_id, am.team_id, am.campaign_id, aml.product_id,
                       am.move_type = 'out_refund' AS is_refund,
                       CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                       -- quantity and unit price in the product's unit: a dozen at 120 is 12 units at 10
                       aml.quantity::float8 * COALESCE(ul.factor, 1) / COALESCE(NULLIF(pu.factor, 0), 1) AS qty,
                       aml.price_unit::float8 / COALESCE(NULLIF(am.invoice_currency_rate, 0), 1)
                           * COALESCE(NULLIF(pu.factor, 0), 1) / COALESCE(NULLIF(ul.factor, 0), 1) AS unit_price,
                       COALESCE(pr.list_price, 0) AS list_price, COALESCE(pr.std_cost, 0) AS std_cost,
                       -aml.balance::float8 AS revenue, cogs.amount AS cogs_amount
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
             LEFT JOIN crm_channel_assignment ca ON ca.move_id = am.id
                       %(product_joins)s
             LEFT JOIN cogs ON cogs.line_id = aml.id
                 WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                   AND aml.display_type = 'product' AND %(where)s
            )
            SELECT id, company_id, move_id, partner_id, invoice_date, month, channel_id, team_id, campaign_id,
                   product_id, is_refund, sign * qty AS quantity,
                   sign * qty * GREATEST(list_price, unit_price) AS list_revenue,
                   sign * qty * unit_price AS undiscounted_revenue,
                   revenue,
                   COALESCE(cogs_amount, sign * qty * std_cost) AS cost,
                   revenue - COALESCE(cogs_amount, sign * qty * std_cost) AS margin,
                   -- no COGS: the standard cost stands in, even a zero one (an unknown cost is no free product)
                   cogs_amount IS NULL AND product_id IS NOT NULL AS cost_estimated
              FROM lines
            """,
            where=where, cogs_where=cogs_where, product_joins=self._product_joins("aml", "am", companies),
        )

    @api.model
    def _order_lines_sql(self, companies=None, date_to=None, partners=None):
        """Booked rather than invoiced sales: the product lines of confirmed sales orders with the fact's
        columns (the order date as invoice_date, no move), for the analytics' "Confirmed orders" source.
        Company currency and the product's unit as in the fact; the cost is the standard cost, always flagged,
        since nothing has left the warehouse's books yet."""
        line_filter = []
        if partners is not None:
            line_filter.append(SQL("rp.commercial_partner_id IN (%s)", partners))
        if companies:
            line_filter.append(SQL("so.company_id IN %s", tuple(companies)))
        if date_to:
            line_filter.append(SQL("so.date_order::date <= %s", date_to))
        where = SQL(" AND ").join([SQL("TRUE"), *line_filter])
        return SQL(
            """
            WITH lines AS (
                SELECT sol.id, so.company_id, NULL::integer AS move_id, rp.commercial_partner_id AS partner_id,
                       so.date_order::date AS invoice_date,
                       date_trunc('month', so.date_order)::date AS month,
                       ca.channel_id, so.team_id, so.campaign_id, sol.product_id, FALSE AS is_refund,
                       sol.product_uom_qty::float8 * COALESCE(ul.factor, 1) / COALESCE(NULLIF(pu.factor, 0), 1)
                           AS qty,
                       sol.price_unit::float8 / COALESCE(NULLIF(so.currency_rate, 0), 1)
                           * COALESCE(NULLIF(pu.factor, 0), 1) / COALESCE(NULLIF(ul.factor, 0), 1) AS unit_price,
                       COALESCE(pr.list_price, 0) AS list_price, COALESCE(pr.std_cost, 0) AS std_cost,
                       sol.price_subtotal::float8 / COALESCE(NULLIF(so.currency_rate, 0), 1) AS revenue
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner rp ON rp.id = so.partner_id
             LEFT JOIN crm_channel_assignment ca ON ca.order_id = so.id
                       %(product_joins)s
                 WHERE so.state = 'sale' AND sol.display_type IS NULL
                   AND NOT COALESCE(sol.is_downpayment, FALSE) AND %(where)s
            )
            SELECT id, company_id, move_id, partner_id, invoice_date, month, channel_id, team_id, campaign_id,
                   product_id, is_refund, qty AS quantity, qty * GREATEST(list_price, unit_price) AS list_revenue,
                   qty * unit_price AS undiscounted_revenue, revenue, qty * std_cost AS cost,
                   revenue - qty * std_cost AS margin, product_id IS NOT NULL AS cost_estimated
              FROM lines
            """,
            where=where, product_joins=self._product_joins("sol", "so", companies),
        )

    @api.model
    def _product_joins(self, line, document, companies=None):
        """The product (pr) and the units (ul: the line's, pu: the product's) of a sale or invoice line aliased
        ``line`` on a document (order or invoice) aliased ``document`` of these ``companies`` (ids, all when
        empty): both readings of a line convert its quantity and price into the product's unit, and cost it at
        the standard cost of the document's company.

        The product's list price and standard cost, and the units' factors, are converted to float8 once a
        product (and company) or unit, in grouped subqueries the planner keeps apart from the lines (and may
        still drop when nothing of them is read, or run in parallel workers): joined as they are, each was
        converted on every line, the standard cost read out of its JSON by company (about 0.8 us a line)."""
        return SQL(
            """
            LEFT JOIN (SELECT pp.id, c.id AS company_id, pt.uom_id, pt.list_price::float8 AS list_price,
                              (pp.standard_price ->> c.id::text)::float8 AS std_cost
                         FROM product_product pp
                         JOIN product_template pt ON pt.id = pp.product_tmpl_id
                        CROSS JOIN res_company c
                        WHERE %(companies)s
                     GROUP BY pp.id, c.id, pt.id) pr
                   ON pr.id = %(line)s.product_id AND %(company_match)s
            LEFT JOIN (SELECT id, factor::float8 AS factor FROM uom_uom GROUP BY id) ul
                   ON ul.id = %(line)s.product_uom_id
            LEFT JOIN (SELECT id, factor::float8 AS factor FROM uom_uom GROUP BY id) pu ON pu.id = pr.uom_id
            """,
            line=SQL.identifier(line), companies=in_ids(SQL("c.id"), companies or None),
            # one company: the products are joined on their id alone, a hash join (on two keys the planner
            # sorts every line for a merge join)
            company_match=SQL("TRUE") if companies and len(companies) == 1
            else SQL("pr.company_id = %s.company_id", SQL.identifier(document)),
        )

    @api.model
    def _order_count_sql(self, lines, keys):
        """The sales orders behind invoiced lines, counted per `keys` (columns of `lines`, a query with the
        fact's columns). An invoice without an order counts as one order and credit notes as none, so that a
        channel or a campaign with revenue has orders. The one definition of "orders" next to revenue."""
        columns = SQL(", ").join(SQL.identifier("f", key) for key in keys)
        names = SQL(", ").join(SQL.identifier(key) for key in keys)
        # distinct pairs first, then counted: PostgreSQL hashes them, where COUNT(DISTINCT) would sort every line
        return SQL(
            """
            SELECT %(names)s, COUNT(*) AS order_count FROM (
                SELECT DISTINCT %(columns)s, COALESCE(sol.order_id, -f.move_id) AS order_key
                  FROM (%(lines)s) f
             LEFT JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = f.id
             LEFT JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE NOT f.is_refund
            ) f
          GROUP BY %(names)s
            """,
            columns=columns, names=names, lines=lines,
        )

    def _view_sql(self):
        return self._lines_sql()
