"""19.0.1.2.0: segment membership history is kept as membership periods.

A customer who leaves a segment now archives its membership row (``active``, ``date_left``) instead
of deleting it, and ``crm.segment.history`` is a view of those periods. Databases installed before
keep the history as a table of enter/leave events: each exit and the entry before it become one
archived period, then the table makes room for the view. The unique (segment, partner) constraint
gives way to a unique index over current members only (the ORM creates it). The membership's own
company column goes too: a membership's company is its segment's, and the column cost a foreign-key
check per row at each load."""

from odoo.tools import SQL
from odoo.tools.sql import TableKind, table_kind


def migrate(cr, version):
    if table_kind(cr, "crm_segment_history") != TableKind.Regular:
        return
    cr.execute(SQL(
        """
        -- reads the membership's company; the model's init() creates it again
        DROP VIEW IF EXISTS crm_customer_profitability;
        ALTER TABLE crm_segment_member
            DROP CONSTRAINT IF EXISTS crm_segment_member_segment_partner_uniq,
            ADD COLUMN IF NOT EXISTS active BOOLEAN DEFAULT TRUE,
            ADD COLUMN IF NOT EXISTS date_left TIMESTAMP,
            DROP COLUMN IF EXISTS company_id;
        ALTER TABLE crm_segment_member ALTER COLUMN active DROP DEFAULT;
        DELETE FROM ir_model_constraint WHERE name = 'crm_segment_member_company_id_fkey';
        WITH events AS (
            SELECT h.segment_id, h.partner_id, h.event, h.date,
                   LAG(h.event) OVER w AS previous_event, LAG(h.date) OVER w AS previous_date
              FROM crm_segment_history h
            WINDOW w AS (PARTITION BY h.segment_id, h.partner_id ORDER BY h.date, h.id)
        )
        INSERT INTO crm_segment_member (segment_id, partner_id, date_joined, date_left, active,
                                        is_primary, continuum_stage, strategy_action)
        SELECT e.segment_id, e.partner_id,
               CASE WHEN e.previous_event = 'enter' THEN e.previous_date ELSE e.date END, e.date, FALSE,
               FALSE, s.continuum_stage, s.strategy_action
          FROM events e
          JOIN crm_segment s ON s.id = e.segment_id
         WHERE e.event = 'leave';
        DROP TABLE crm_segment_history;
        """
    ))
