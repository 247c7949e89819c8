"""The customer P&L refresh as named steps: each builder returns an ``odoo.tools.SQL`` that reads the steps
before it by name (see ``tools.pg.with_steps``), so that a step can be read, and run on rows of a test's
own, alone. ``rows_statement`` puts them together, from the revenue staged in ``crm_pnl_revenue`` to the
rows of one company, which are staged in ``crm_pnl_rows`` and written by ``write_statement``:

    staged, revenue      the revenue side, per customer and month, from the staged sales fact
    drivers, serve       the volume of each cost-to-serve driver, and its cost (crm_cost_driver_sql)
    channel              the channel costs, from each channel's cost model
    keyed, base          one row per customer and month that has any of them, zeros filled in
    admin                the administrative costs, from the rules, on top of the base
"""
from odoo.tools import SQL

from ...const import DRIVER_VOLUMES
from ...tools.pg import float_to_numeric, with_steps
from .crm_cost_driver_sql import drivers, serve

STAGED = "crm_pnl_revenue"  # the temporary table the revenue aggregate is staged in, per refreshed company
NEW_ROWS = "crm_pnl_rows"  # the temporary table the new P&L rows of the company are staged in


def revenue_query(lines):
    """Per customer, month and channel: the revenue side of the P&L and the product cost, summed from the
    sales fact (``lines``, crm.sales.fact's rows), the one definition every figure of the suite reads.

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
        lines=lines,
    )


# --- revenue ------------------------------------------------------------------
def staged():
    """The staged sums per customer and month (the stage has a row per channel too)."""
    return SQL(
        """
        SELECT partner_id, month, COALESCE(SUM(gross_revenue), 0) AS gross, COALESCE(SUM(at_invoiced_price), 0)
               AS at_price, COALESCE(SUM(invoiced_net), 0) AS invoiced_net, SUM(net_revenue) AS net,
               SUM(product_cost) AS product_cost, BOOL_OR(product_cost_estimated) AS product_cost_estimated
          FROM %(stage)s
      GROUP BY partner_id, month
        """,
        stage=SQL.identifier(STAGED),
    )


def revenue():
    """From ``staged``: gross revenue down to net revenue, each reduction the difference of two sums, as the
    numeric of the money columns."""
    figures = {
        "gross_revenue": SQL("gross"),
        "pricelist_reduction": SQL("gross - at_price"),
        "line_discount": SQL("at_price - invoiced_net"),
        "allowance_amount": SQL("invoiced_net - net"),
        "net_revenue": SQL("net"),
        "product_cost": SQL("product_cost"),
    }
    return SQL(
        "SELECT partner_id, month, %s, product_cost_estimated FROM staged",
        SQL(", ").join(SQL("%s AS %s", float_to_numeric(value), SQL.identifier(name))
                       for name, value in figures.items()),
    )


# --- channel costs ----------------------------------------------------------------
def channel_costs(company_id, date_from):
    """Rows (partner_id, month, amount) of channel costs from each channel's cost model. A fixed monthly
    cost is spread over the channel's customers of the month by their revenue; a month without customers
    carries none of it. Reads the revenue per channel from the stage, so the invoice lines are scanned once."""
    amount = SQL(
        """
        CASE c.cost_model
            WHEN 'revenue_pct' THEN i.revenue * c.cost_rate / 100
            WHEN 'per_contact' THEN c.cost_rate
            WHEN 'fixed' THEN c.cost_rate * CASE WHEN m.positive > 0
                THEN GREATEST(i.revenue, 0) / m.positive ELSE 1.0 / m.customers END
            ELSE 0 END::float8
        """
    )
    return SQL(
        """
        WITH ch_inv AS (
            -- the revenue of each customer, month and channel, staged by the revenue aggregate
            SELECT channel_id, partner_id, month, SUM(net_revenue) AS revenue
              FROM %(stage)s WHERE channel_id IS NOT NULL
          GROUP BY 1, 2, 3
        ), ch_month AS (
            SELECT channel_id, month, SUM(GREATEST(revenue, 0)) AS positive, COUNT(*) AS customers
              FROM ch_inv GROUP BY channel_id, month
        )
        SELECT i.partner_id, i.month, %(amount)s AS amount
          FROM ch_inv i
          JOIN crm_channel c ON c.id = i.channel_id
          JOIN ch_month m ON m.channel_id = i.channel_id AND m.month = i.month
         UNION ALL
        SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date,
               (COUNT(*) * MAX(c.cost_rate))::numeric
          FROM sale_order so
          JOIN res_partner rp ON rp.id = so.partner_id
          JOIN crm_channel_assignment ca ON ca.order_id = so.id
          JOIN crm_channel c ON c.id = ca.channel_id AND c.cost_model = 'per_order'
         WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.date_order >= %(date_from)s
      GROUP BY 1, 2, ca.channel_id
        """,
        company=company_id, date_from=date_from, stage=SQL.identifier(STAGED), amount=float_to_numeric(amount),
    )


NO_CHANNEL_COSTS = SQL("SELECT NULL::int AS partner_id, NULL::date AS month, 0::numeric AS amount WHERE FALSE")


def channel(costs):
    """The channel costs (``costs``: rows of partner_id, month, amount) per customer and month."""
    return SQL("SELECT partner_id, month, SUM(amount) AS amount FROM (%s) c GROUP BY partner_id, month", costs)


# --- one row per customer and month -----------------------------------------------
def keyed():
    """Every customer and month with revenue, a driver or a channel cost."""
    return SQL(
        """
        SELECT partner_id, month FROM revenue
         UNION SELECT partner_id, month FROM serve
         UNION SELECT partner_id, month FROM channel
        """
    )


REVENUE_COLUMNS = ["gross_revenue", "pricelist_reduction", "line_discount", "allowance_amount", "net_revenue",
                   "product_cost"]
SERVE_COLUMNS = ["cost_to_serve", *DRIVER_VOLUMES.values()]


def base():
    """From ``keyed``, ``revenue``, ``serve`` and ``channel``: every figure but the administrative costs,
    zero where a step has no row."""
    def zero_if_none(alias, column, name=None):
        return SQL("COALESCE(%s, 0) AS %s", SQL.identifier(alias, column), SQL.identifier(name or column))

    figures = SQL(", ").join([
        *(zero_if_none("r", column) for column in REVENUE_COLUMNS),
        SQL("COALESCE(r.product_cost_estimated, FALSE) AS product_cost_estimated"),
        zero_if_none("ch", "amount", "channel_cost"),
        *(zero_if_none("s", column) for column in SERVE_COLUMNS),
    ])
    return SQL(
        """
        SELECT k.partner_id, k.month, %s
          FROM keyed k
     LEFT JOIN revenue r ON r.partner_id = k.partner_id AND r.month = k.month
     LEFT JOIN serve s ON s.partner_id = k.partner_id AND s.month = k.month
     LEFT JOIN channel ch ON ch.partner_id = k.partner_id AND ch.month = k.month
         WHERE k.partner_id IS NOT NULL
        """,
        figures,
    )


def admin(company_id):
    """From ``base``: each row with its administrative costs. A rule's cost is linear in the row's figures,
    so the company's active rules are summed per basis once, and each row priced without a join back."""
    return SQL(
        """
        SELECT b.*, b.net_revenue * r.revenue_pct / 100.0 + r.per_customer + r.per_order * b.order_count::int8
               AS admin_cost
          FROM base b
         CROSS JOIN (
               SELECT COALESCE(SUM(rate) FILTER (WHERE basis = 'revenue_pct'), 0) AS revenue_pct,
                      COALESCE(SUM(rate) FILTER (WHERE basis = 'per_customer'), 0) AS per_customer,
                      COALESCE(SUM(rate) FILTER (WHERE basis = 'per_order'), 0) AS per_order
                 FROM crm_admin_cost_rule WHERE company_id = %s AND active) r
        """,
        company_id,
    )


# the P&L table's columns below its key (partner_id, company_id, month), in the order ``rows`` gives them
PNL_COLUMNS = [
    "segment_id", "gross_revenue", "pricelist_reduction", "line_discount", "allowance_amount", "net_revenue",
    "product_cost", "product_cost_estimated", "channel_cost", "channel_cost_missing", "cost_to_serve", "admin_cost",
    "profit", "profit_pct", "quotation_count", "order_count", "order_line_count", "delivery_count", "return_count",
    "invoice_count", "credit_note_count", "payment_reminder_count", "payment_delay_amount_days", "activity_count",
]


def rows(company_id, members, channel_missing):
    """The P&L rows from ``admin`` (``base`` with its administrative costs), with the profit and the
    customer's primary segment (``members``: the current memberships), in the types of the table's columns."""
    return SQL(
        """
        SELECT b.partner_id, b.month, m.segment_id, b.gross_revenue, b.pricelist_reduction,
               b.line_discount, b.allowance_amount, b.net_revenue, b.product_cost, b.product_cost_estimated,
               b.channel_cost, %(channel_missing)s AS channel_cost_missing, b.cost_to_serve, b.admin_cost,
               b.net_revenue - b.product_cost - b.channel_cost - b.cost_to_serve - b.admin_cost AS profit,
               (CASE WHEN b.net_revenue <> 0 THEN ROUND(100 * (b.net_revenue - b.product_cost - b.channel_cost
                    - b.cost_to_serve - b.admin_cost) / ABS(b.net_revenue), 2) ELSE 0 END)::float8 AS profit_pct,
               b.quotation_count::int4, b.order_count::int4, b.order_line_count::int4, b.delivery_count::int4,
               b.return_count::int4, b.invoice_count::int4, b.credit_note_count::int4,
               b.payment_reminder_count::int4, b.payment_delay_amount_days::float8, b.activity_count::int4
          FROM admin b
     LEFT JOIN (%(members)s) m ON m.partner_id = b.partner_id AND m.company_id = %(company)s
                               AND m.is_primary
        """,
        company=company_id, members=members, channel_missing=channel_missing,
    )


def rows_statement(company_id, date_from, today, costs, members):
    """One query of the P&L rows of a company from the stage; ``costs`` is ``channel_costs(...)``, or None
    while the company has no channel."""
    return with_steps([
        ("staged", staged()),
        ("revenue", revenue()),
        ("drivers", drivers(company_id, date_from, today)),
        ("serve", serve(company_id)),
        ("channel", channel(NO_CHANNEL_COSTS if costs is None else costs)),
        ("keyed", keyed()),
        ("base", base()),
        ("admin", admin(company_id)),
    ], rows(company_id, members, costs is None))


def write_statement(company_id, date_from, new_rows):
    """Make the company's rows from date_from's month on those of ``new_rows`` (a table of ``rows``), writing
    only what differs: a row whose figures did not change is left as it is (same id, no new version, no index
    entry, no foreign-key check), a changed one is updated in place (its keys unchanged: no foreign-key check
    either), a customer-month no longer there is deleted. Returns one row: (deleted, updated, inserted)."""
    columns = [SQL.identifier(column) for column in PNL_COLUMNS]
    return SQL(
        """
        WITH dropped AS (
            DELETE FROM crm_customer_pnl p
             WHERE p.company_id = %(company)s AND p.month >= %(date_from)s
               AND NOT EXISTS (SELECT 1 FROM %(new)s n WHERE n.partner_id = p.partner_id AND n.month = p.month)
            RETURNING 1
        ), changed AS (
            UPDATE crm_customer_pnl p SET (%(columns)s) = (%(new_columns)s)
              FROM %(new)s n
             WHERE p.company_id = %(company)s AND p.partner_id = n.partner_id AND p.month = n.month
               AND (%(old_columns)s) IS DISTINCT FROM (%(new_columns)s)
            RETURNING 1
        ), added AS (
            INSERT INTO crm_customer_pnl (partner_id, company_id, month, %(columns)s)
            SELECT n.partner_id, %(company)s, n.month, %(new_columns)s FROM %(new)s n
             WHERE NOT EXISTS (SELECT 1 FROM crm_customer_pnl p
                                WHERE p.partner_id = n.partner_id AND p.company_id = %(company)s AND p.month = n.month)
            RETURNING 1
        )
        SELECT (SELECT COUNT(*) FROM dropped), (SELECT COUNT(*) FROM changed), (SELECT COUNT(*) FROM added)
        """,
        company=company_id, date_from=date_from, new=SQL.identifier(new_rows),
        columns=SQL(", ").join(columns),
        old_columns=SQL(", ").join(SQL.identifier("p", column) for column in PNL_COLUMNS),
        new_columns=SQL(", ").join(SQL.identifier("n", column) for column in PNL_COLUMNS),
    )


def new_row_count(company_id, new_rows):
    """How many rows of ``new_rows`` are customer-months the company has no row for yet."""
    return SQL(
        """
        SELECT COUNT(*) FROM %(new)s n
         WHERE NOT EXISTS (SELECT 1 FROM crm_customer_pnl p
                            WHERE p.partner_id = n.partner_id AND p.company_id = %(company)s AND p.month = n.month)
        """,
        company=company_id, new=SQL.identifier(new_rows),
    )
