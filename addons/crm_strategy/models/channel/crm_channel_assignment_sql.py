"""The channel assignment as SQL: the channel each confirmed order and customer invoice of a company comes
through, written to ``crm_channel_assignment`` where it changes (the narrow table, not the documents).

    target          the winning channel of each document, in one scan of the documents: what it inherits
                    (an invoice its order's channel), else the first rule, by priority, that recognises it
    dropped, changed, added     the rows written, rows set by hand left alone
"""
from odoo.tools import SQL

from ...tools.pg import in_ids


def target(table, scope, rules, inherited=None):
    """(res_id, channel_id) of the documents of ``table`` matching ``scope`` (a condition on the table, aliased
    by its own name as the ORM writes its conditions): ``inherited`` (res_id, channel_id, seq: at most one row a
    document) first, else the channel of the first of ``rules`` [(channel id, condition)] that holds. A CASE
    on each document rather than candidate rows per rule: no union of every match to sort or hash."""
    rule_channel = SQL("CASE %s END", SQL(" ").join(
        SQL("WHEN %s THEN %s", condition, channel_id) for channel_id, condition in rules)) if rules else SQL("NULL")
    table_id = SQL.identifier(table, "id")
    inherited_join = SQL("LEFT JOIN (%s) inh ON inh.res_id = %s", inherited, table_id) if inherited is not None \
        else SQL("LEFT JOIN (SELECT NULL::int AS channel_id) inh ON FALSE")
    return SQL(
        """
        SELECT res_id, channel_id FROM (
            SELECT %(table_id)s AS res_id, COALESCE(inh.channel_id, %(rule_channel)s)::int AS channel_id
              FROM %(table)s %(inherited_join)s
             WHERE %(scope)s
        ) t WHERE channel_id IS NOT NULL
        """,
        table_id=table_id, rule_channel=rule_channel, table=SQL.identifier(table), inherited_join=inherited_join,
        scope=scope,
    )


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


def write_statement(key, company_id, winners, ids=None):
    """Write the company's assignments of one kind of document (``key``: order_id or move_id) from
    ``winners`` (see ``target``), only where the channel changes; ``ids`` restricts it to these documents.
    Returns one row: how many documents changed channel."""
    ca_key = SQL.identifier("ca", key)
    dropped_scope = (SQL("ca.company_id = %s", company_id) if ids is None
                     else in_ids(ca_key, ids))
    return SQL(
        """
        WITH target AS MATERIALIZED (%(winners)s), dropped AS (
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
        winners=winners, ca_key=ca_key, key=SQL.identifier(key), company=company_id,
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
