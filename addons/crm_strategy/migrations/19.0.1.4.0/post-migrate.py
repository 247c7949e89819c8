"""The channel of orders and invoices moves to crm_channel_assignment (a narrow table: assigning channels no
longer rewrites every invoice and all of account_move's indexes): copy what the documents carried, the
channels set by hand with their flag, then drop the old columns and their indexes.

The drop cascades to the views that read the old columns (crm_analytics' process funnel, reports of the suite):
each is created again from its model's ``_view_sql`` when its addon is updated, which Odoo does right after
crm_strategy for every addon that depends on it."""
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    for table, key in (("sale_order", "order_id"), ("account_move", "move_id")):
        if not column_exists(cr, table, "channel_id"):
            continue
        cr.execute(SQL(
            """
            INSERT INTO crm_channel_assignment (company_id, %(key)s, channel_id, override)
            SELECT d.company_id, d.id, d.channel_id, COALESCE(d.channel_override, FALSE)
              FROM %(table)s d
             WHERE d.company_id IS NOT NULL AND (d.channel_id IS NOT NULL OR COALESCE(d.channel_override, FALSE))
            ON CONFLICT DO NOTHING
            """, key=SQL.identifier(key), table=SQL.identifier(table)))
        cr.execute(SQL("ALTER TABLE %s DROP COLUMN channel_id CASCADE, DROP COLUMN IF EXISTS channel_override CASCADE",
                       SQL.identifier(table)))
