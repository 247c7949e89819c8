"""The channel assignment as SQL: the channel each confirmed order and customer invoice of a company comes
through, written to ``crm_channel_assignment`` where it changes (the narrow table, not the documents).

    candidates      (res_id, channel_id, seq): every channel whose rule recognises a document, by priority,
                    after what the document inherits (seq -1: an invoice its order's channel)
    target          the winning channel of each document
    dropped, changed, added     the rows written, rows set by hand left alone
"""
from odoo.tools import SQL

from ...tools.pg import in_ids

NO_CANDIDATE = SQL("SELECT NULL::int AS res_id, NULL::int AS channel_id, 0 AS seq WHERE FALSE")


def rule_candidates(channel_id, seq, ids_query):
    """The documents (``ids_query``, a query of ids) a channel's rule recognises, at its priority ``seq``."""
    return SQL("SELECT t.id AS res_id, %s AS channel_id, %s AS seq FROM (%s) AS t(id)", channel_id, seq, ids_query)


def invoice_from_order(company_id, ids=None):
    """The channel an invoice inherits: the one of its oldest order that has one."""
    return SQL(
        """
        SELECT DISTINCT ON (aml.move_id) aml.move_id AS res_id, ca.channel_id, -1 AS seq
          FROM sale_order_line_invoice_rel rel
          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          JOIN account_move am ON am.id = aml.move_id
          JOIN sale_order_line sol ON sol.id = rel.order_line_id
          JOIN crm_channel_assignment ca ON ca.order_id = sol.order_id AND ca.channel_id IS NOT NULL
         WHERE am.company_id = %(company)s AND am.move_type IN ('out_invoice', 'out_refund') AND %(scope)s
      ORDER BY aml.move_id, sol.order_id
        """,
        company=company_id, scope=in_ids(SQL("aml.move_id"), ids),
    )


def write_statement(key, company_id, candidates, ids=None):
    """Write the company's assignments of one kind of document (``key``: order_id or move_id) from
    ``candidates``, only where the channel changes; ``ids`` restricts it to these documents. Returns one
    row: how many documents changed channel."""
    ca_key = SQL.identifier("ca", key)
    dropped_scope = (SQL("ca.company_id = %s", company_id) if ids is None
                     else in_ids(ca_key, ids))
    return SQL(
        """
        WITH target AS MATERIALIZED (
            SELECT DISTINCT ON (res_id) res_id, channel_id FROM (%(candidates)s) c ORDER BY res_id, seq
        ), dropped AS (
            DELETE FROM crm_channel_assignment ca
             WHERE %(ca_key)s IS NOT NULL AND NOT ca.override AND %(dropped_scope)s
               AND NOT EXISTS (SELECT 1 FROM target t WHERE t.res_id = %(ca_key)s)
            RETURNING 1
        ), changed AS (
            UPDATE crm_channel_assignment ca SET channel_id = t.channel_id, company_id = %(company)s
              FROM target t
             WHERE %(ca_key)s = t.res_id AND NOT ca.override
               AND (ca.channel_id IS DISTINCT FROM t.channel_id OR ca.company_id <> %(company)s)
            RETURNING 1
        ), added AS (
            INSERT INTO crm_channel_assignment (company_id, %(key)s, channel_id, override)
            SELECT %(company)s, t.res_id, t.channel_id, FALSE FROM target t
             WHERE NOT EXISTS (SELECT 1 FROM crm_channel_assignment ca WHERE %(ca_key)s = t.res_id)
            RETURNING 1
        )
        SELECT (SELECT COUNT(*) FROM dropped) + (SELECT COUNT(*) FROM changed) + (SELECT COUNT(*) FROM added)
        """,
        candidates=candidates, ca_key=ca_key, key=SQL.identifier(key), company=company_id,
        dropped_scope=dropped_scope,
    )


def set_by_hand(key, rows):
    """Write the channels chosen by hand: ``rows`` [(company_id, document id, channel_id or None)]."""
    values = SQL(", ").join(SQL("(%s, %s, %s::int, TRUE)", company, res_id, channel)
                            for company, res_id, channel in rows)
    return SQL(
        """
        INSERT INTO crm_channel_assignment (company_id, %(key)s, channel_id, override) VALUES %(values)s
        ON CONFLICT (%(key)s) WHERE %(key)s IS NOT NULL
        DO UPDATE SET channel_id = EXCLUDED.channel_id, company_id = EXCLUDED.company_id, override = TRUE
        """,
        key=SQL.identifier(key), values=values,
    )
