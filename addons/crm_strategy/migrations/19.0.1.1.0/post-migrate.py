"""19.0.1.1.0: the customer P&L lost its partner and company indexes (the unique (partner, company,
month) index serves partner look-ups; a company index is not selective, and every index costs at each
refresh). Odoo keeps indexes that a field no longer declares, so databases installed before drop them here."""

from odoo.tools import SQL

DROPPED = ("crm_customer_pnl__partner_id_index", "crm_customer_pnl__company_id_index")


def migrate(cr, version):
    for name in DROPPED:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
