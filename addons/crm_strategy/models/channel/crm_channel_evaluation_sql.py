"""The figures of the channel scorecard as named steps: each builder returns an ``odoo.tools.SQL`` that
reads the steps before it by name (see ``tools.pg.with_steps``), so that a step can be read, and run on
rows of a test's own, alone. ``figures_statement`` puts them together:

    lines                                   the company's invoiced lines of the period
    keyed                                   revenue and margin per channel, customer and month
    per_partner, partner_total, channel_total   revenue and margin per customer (and channel)
    new_customer, news                      customers whose first order of all came through a channel
    per_channel                             reach, economics and market power per channel
    segments, customer_months, orders       segments covered, customer-months served, orders

The lines are read once, then grouped once per channel, customer and month (``keyed``, about a quarter of
the rows): the customers' figures and the customer-months come from that grouping, the orders alone from
the lines.
"""
from odoo.tools import SQL

from ...tools.pg import with_steps


def lines(facts):
    """The columns of the sales fact (``facts``) the scorecard reads."""
    return SQL(
        """
        SELECT f.id, f.move_id, f.is_refund, f.channel_id, f.partner_id, f.revenue, f.month, f.margin
          FROM (%s) f
        """,
        facts,
    )


def keyed():
    """From ``lines``: revenue and margin per channel, customer and month."""
    return SQL(
        "SELECT channel_id, partner_id, month, SUM(revenue) AS revenue, SUM(margin) AS margin "
        "FROM lines GROUP BY channel_id, partner_id, month"
    )


def per_partner():
    """From ``keyed``: revenue and margin per channel and customer."""
    return SQL(
        "SELECT channel_id, partner_id, SUM(revenue) AS revenue, SUM(margin) AS margin "
        "FROM keyed GROUP BY channel_id, partner_id"
    )


def partner_total():
    """From ``per_partner``: each customer's revenue through every channel."""
    return SQL("SELECT partner_id, SUM(revenue) AS revenue FROM per_partner GROUP BY partner_id")


def channel_total():
    """From ``per_partner``: each channel's positive revenue, the base of the customers' shares."""
    return SQL("SELECT channel_id, SUM(GREATEST(revenue, 0)) AS positive FROM per_partner GROUP BY channel_id")


def new_customer(first_orders, date_from, date_to):
    """The customers whose first confirmed order of all (``first_orders``) came through a channel in the
    period."""
    return SQL(
        """
        SELECT f.channel_id, f.partner_id FROM (%(first)s) f
         WHERE f.channel_id IS NOT NULL AND f.date_order::date BETWEEN %(date_from)s AND %(date_to)s
        """,
        first=first_orders, date_from=date_from, date_to=date_to,
    )


def per_channel():
    """Reach, economics and market power per channel: customers, revenue, margin (of the existing customers
    too), the customers who buy more than half of their revenue there, and the HHI of the customers' shares
    of the channel's revenue."""
    return SQL(
        """
        SELECT p.channel_id, COUNT(*) AS customer_count, SUM(p.revenue) AS revenue, SUM(p.margin) AS margin,
               COALESCE(SUM(p.margin) FILTER (WHERE nc.partner_id IS NULL), 0) AS margin_existing,
               COUNT(*) FILTER (WHERE pt.revenue > 0 AND p.revenue > 0.5 * pt.revenue)
                   AS dependent_customer_count,
               COALESCE(SUM(POWER(100.0 * GREATEST(p.revenue, 0) / NULLIF(ct.positive, 0), 2)), 0) AS hhi
          FROM per_partner p
          JOIN partner_total pt ON pt.partner_id = p.partner_id
          JOIN channel_total ct ON ct.channel_id = p.channel_id
     LEFT JOIN new_customer nc ON nc.partner_id = p.partner_id AND nc.channel_id = p.channel_id
      GROUP BY p.channel_id
        """
    )


def segments(members, company_id):
    """From ``per_partner``: the segments with a member among each channel's customers (``members``: the
    current memberships)."""
    return SQL(
        """
        SELECT p.channel_id, COUNT(DISTINCT m.segment_id) AS segment_count
          FROM per_partner p
          JOIN (%(members)s) m ON m.partner_id = p.partner_id AND m.company_id = %(company)s
         WHERE p.channel_id IS NOT NULL
      GROUP BY p.channel_id
        """,
        members=members, company=company_id,
    )


def customer_months():
    """From ``keyed`` (a row per channel, customer and month): the customer-months each channel served (the
    per-contact cost model's volume)."""
    return SQL(
        "SELECT channel_id, COUNT(*) AS customer_months FROM keyed WHERE channel_id IS NOT NULL GROUP BY channel_id"
    )


def news():
    """From ``new_customer``: how many per channel."""
    return SQL("SELECT channel_id, COUNT(*) AS new_customer_count FROM new_customer GROUP BY channel_id")


def scorecard(channel_ids):
    """One row per channel of ``channel_ids``, zero where a step has none, with the company's revenue and
    customers of the period (for the shares)."""
    return SQL(
        """
        SELECT c.id AS channel_id,
               COALESCE(pc.customer_count, 0) AS customer_count,
               COALESCE(n.new_customer_count, 0) AS new_customer_count,
               COALESCE(s.segment_count, 0) AS segment_count,
               COALESCE(o.order_count, 0) AS order_count,
               COALESCE(cm.customer_months, 0) AS customer_months,
               COALESCE(pc.revenue, 0)::float8 AS revenue,
               COALESCE(pc.margin, 0)::float8 AS margin,
               COALESCE(pc.margin_existing, 0)::float8 AS margin_existing,
               COALESCE(pc.dependent_customer_count, 0) AS dependent_customer_count,
               COALESCE(pc.hhi, 0)::float8 AS hhi,
               (SELECT COALESCE(SUM(revenue), 0) FROM per_partner)::float8 AS company_revenue,
               (SELECT COUNT(*) FROM partner_total) AS company_customers
          FROM crm_channel c
     LEFT JOIN per_channel pc ON pc.channel_id = c.id
     LEFT JOIN segments s ON s.channel_id = c.id
     LEFT JOIN news n ON n.channel_id = c.id
     LEFT JOIN orders o ON o.channel_id = c.id
     LEFT JOIN customer_months cm ON cm.channel_id = c.id
         WHERE c.id IN %s
        """,
        tuple(channel_ids),
    )


def figures_statement(company_id, channel_ids, date_from, date_to, facts, first_orders, members, orders):
    """Every channel's figures in one statement: ``facts`` the sales fact of the company and period,
    ``first_orders`` each customer's first order, ``members`` the current memberships and ``orders`` the
    orders counted per channel_id of the ``lines`` step."""
    return with_steps([
        ("lines", lines(facts)),
        ("keyed", keyed()),
        ("per_partner", per_partner()),
        ("partner_total", partner_total()),
        ("new_customer", new_customer(first_orders, date_from, date_to)),
        ("channel_total", channel_total()),
        ("per_channel", per_channel()),
        ("segments", segments(members, company_id)),
        ("customer_months", customer_months()),
        ("news", news()),
        ("orders", orders),
    ], scorecard(channel_ids))
