"""The refresh of the customer measures as named steps: each builder returns an ``odoo.tools.SQL`` that reads
the steps before it by name (see ``tools.pg.with_steps``), so that a step can be read, and run on rows of a
test's own, alone. ``refresh_statement`` puts them together:

    inv        revenue and margin per customer, from the sales fact
    so         first and last confirmed order, and how many
    merged     one row per customer with either, the measures derived
    upserted   the rows written, new or updated
    and the customers of the companies that have neither any more are deleted.
"""
from odoo.tools import SQL

from ...tools.pg import with_steps

# the columns of a measure row the statement writes (the typology rules set typology_id afterwards)
MEASURES = ("first_order_date", "last_order_date", "order_count", "revenue_12m", "revenue_total", "margin_12m",
            "margin_total", "average_order_value", "discount_share", "days_since_last_order")


def invoiced(facts, since):
    """Revenue and margin per company and customer, lifetime and since ``since``, from the sales fact
    (``facts``); the gross value before discounts and the invoices (credit notes not counted)."""
    return SQL(
        """
        SELECT company_id, partner_id,
               SUM(revenue) AS revenue_total,
               SUM(revenue) FILTER (WHERE invoice_date > %(since)s) AS revenue_12m,
               SUM(margin) AS margin_total,
               SUM(margin) FILTER (WHERE invoice_date > %(since)s) AS margin_12m,
               SUM(undiscounted_revenue) AS gross,
               COUNT(DISTINCT move_id) FILTER (WHERE NOT is_refund) AS invoice_count
          FROM (%(facts)s) f
      GROUP BY company_id, partner_id
        """,
        facts=facts, since=since,
    )


def ordered(company_ids):
    """The confirmed sales orders per company and commercial partner: first, last and how many."""
    return SQL(
        """
        SELECT so.company_id, rp.commercial_partner_id AS partner_id,
               MIN(so.date_order)::date AS first_order_date,
               MAX(so.date_order)::date AS last_order_date,
               COUNT(*) AS order_count
          FROM sale_order so
          JOIN res_partner rp ON rp.id = so.partner_id
         WHERE so.state = 'sale' AND so.company_id IN %s
      GROUP BY so.company_id, rp.commercial_partner_id
        """,
        tuple(company_ids),
    )


def merged(today):
    """From ``inv`` and ``so``: every measure of each customer who has either, zero where it has none."""
    return SQL(
        """
        SELECT COALESCE(inv.company_id, so.company_id) AS company_id,
               COALESCE(inv.partner_id, so.partner_id) AS partner_id,
               so.first_order_date, so.last_order_date,
               COALESCE(so.order_count, 0) AS order_count,
               COALESCE(inv.revenue_12m, 0) AS revenue_12m,
               COALESCE(inv.revenue_total, 0) AS revenue_total,
               COALESCE(inv.margin_12m, 0) AS margin_12m,
               COALESCE(inv.margin_total, 0) AS margin_total,
               COALESCE(inv.revenue_total / NULLIF(inv.invoice_count, 0), 0) AS average_order_value,
               CASE WHEN COALESCE(inv.gross, 0) > 0
                    THEN ROUND((100 * (inv.gross - inv.revenue_total) / inv.gross)::numeric, 2) ELSE 0 END
                   AS discount_share,
               %s::date - so.last_order_date AS days_since_last_order
          FROM inv FULL OUTER JOIN so ON so.company_id = inv.company_id AND so.partner_id = inv.partner_id
        """,
        today,
    )


def upserted():
    """From ``merged``: the measure rows inserted or updated, stamped now; their ids."""
    columns = SQL(", ").join(SQL.identifier(name) for name in MEASURES)
    updates = SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                             for name in (*MEASURES, "refresh_date"))
    return SQL(
        """
        INSERT INTO crm_customer_measure AS m (company_id, partner_id, %(columns)s, refresh_date)
        SELECT company_id, partner_id, %(columns)s, NOW() AT TIME ZONE 'UTC'
          FROM merged
        ON CONFLICT (partner_id, company_id) DO UPDATE SET %(updates)s
        RETURNING m.id
        """,
        columns=columns, updates=updates,
    )


def purge(company_ids):
    """The measure rows of these companies that ``upserted`` did not write: customers with nothing left."""
    return SQL(
        """
        DELETE FROM crm_customer_measure old
         WHERE old.company_id IN %s
           AND old.id NOT IN (SELECT id FROM upserted)
        """,
        tuple(company_ids),
    )


def refresh_statement(company_ids, facts, since, today):
    """One statement that rewrites the measures of these companies."""
    return with_steps([
        ("inv", invoiced(facts, since)),
        ("so", ordered(company_ids)),
        ("merged", merged(today)),
        ("upserted", upserted()),
    ], purge(company_ids))
