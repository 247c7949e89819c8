"""What a channel strategy comparison reads of the segments' sales, as named steps: each builder returns an
``odoo.tools.SQL`` that reads the steps before it by name (see ``tools.pg.with_steps``), so that a step can
be read, and run on rows of a test's own, alone. All of them start from ``seg_lines``, the invoiced lines of
the segments' current members."""
from odoo.tools import SQL

from ..tools.pg import with_steps


def seg_lines(facts, members, segment_ids):
    """The sales fact (``facts``) of the members (``members``: the current memberships) of these segments."""
    return SQL(
        """
        SELECT m.segment_id, f.channel_id, f.partner_id, f.is_refund, f.product_id, f.quantity, f.revenue
          FROM (%(facts)s) f
          JOIN (%(members)s) m ON m.partner_id = f.partner_id AND m.company_id = f.company_id
         WHERE m.segment_id IN %(segments)s
        """,
        facts=facts, members=members, segments=tuple(segment_ids),
    )


def by_channel():
    """(segment_id, channel_id, customers, revenue): how each segment buys through each channel."""
    return SQL(
        "SELECT segment_id, channel_id, COUNT(DISTINCT partner_id), SUM(revenue)::float8 FROM seg_lines "
        "GROUP BY segment_id, channel_id"
    )


def per_partner():
    """From ``seg_lines``: each member's revenue and the channels it buys through."""
    return SQL(
        "SELECT segment_id, partner_id, SUM(revenue) AS revenue, COUNT(DISTINCT channel_id) AS channels "
        "FROM seg_lines GROUP BY segment_id, partner_id"
    )


def multi_channel():
    """From ``per_partner``: (segment_id, customers, revenue, multi-channel customers, their revenue)."""
    return SQL(
        """
        SELECT segment_id, COUNT(*), SUM(revenue)::float8, COUNT(*) FILTER (WHERE channels >= 2),
               COALESCE(SUM(revenue) FILTER (WHERE channels >= 2), 0)::float8
          FROM per_partner GROUP BY segment_id
        """
    )


def prices():
    """From ``seg_lines``: the average unit price of each product per segment and channel (sales only)."""
    return SQL(
        """
        SELECT segment_id, product_id, channel_id, SUM(revenue) / SUM(quantity) AS price
          FROM seg_lines
         WHERE NOT is_refund AND channel_id IS NOT NULL AND product_id IS NOT NULL
      GROUP BY segment_id, product_id, channel_id
        HAVING SUM(quantity) > 0
        """
    )


def gaps():
    """From ``prices``: the gap between the dearest and the cheapest channel, in % of the dearest, of each
    product sold through two channels or more."""
    return SQL(
        """
        SELECT segment_id, product_id, 100.0 * (MAX(price) - MIN(price)) / NULLIF(MAX(price), 0) AS gap
          FROM prices GROUP BY segment_id, product_id HAVING COUNT(*) >= 2
        """
    )


def widest_gap():
    """From ``gaps``: (segment_id, product_id, gap) of the widest gap of each segment."""
    return SQL(
        """
        SELECT DISTINCT ON (segment_id) segment_id, product_id, COALESCE(gap, 0)::float8
          FROM gaps ORDER BY segment_id, gap DESC NULLS LAST, product_id
        """
    )


def by_channel_statement(lines):
    return with_steps([("seg_lines", lines)], by_channel())


def multi_channel_statement(lines):
    return with_steps([("seg_lines", lines), ("per_partner", per_partner())], multi_channel())


def price_gap_statement(lines):
    return with_steps([("seg_lines", lines), ("prices", prices()), ("gaps", gaps())], widest_gap())
