"""The volume of each cost-to-serve driver per customer and month, and what it costs: the cost-to-serve steps
of the customer P&L refresh (see crm_customer_pnl_sql). Each driver's query returns rows of
(partner_id, month, driver, qty) for one company, from date_from on; ``drivers`` is their union, and
``serve`` reads it by name and prices it at the company's unit costs."""
from odoo.tools import SQL

from ...const import DRIVER_VOLUMES
from ...tools.pg import float_to_numeric


def quotations(company_id, date_from):
    """Quotations by the month they were created (the confirmed ones too: each was quoted once)."""
    return SQL(
        """
        SELECT rp.commercial_partner_id AS partner_id, date_trunc('month', so.create_date)::date AS month,
               'quotation' AS driver, COUNT(*)::float8 AS qty
          FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
         WHERE so.company_id = %(company)s AND so.create_date >= %(date_from)s
      GROUP BY 1, 2
        """,
        company=company_id, date_from=date_from,
    )


def orders(company_id, date_from):
    return SQL(
        """
        SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date, 'sale_order', COUNT(*)
          FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
         WHERE so.company_id = %(company)s AND so.state = 'sale' AND so.date_order >= %(date_from)s
      GROUP BY 1, 2
        """,
        company=company_id, date_from=date_from,
    )


def order_lines(company_id, date_from):
    return SQL(
        """
        SELECT rp.commercial_partner_id, date_trunc('month', so.date_order)::date, 'order_line', COUNT(*)
          FROM sale_order_line sol
          JOIN sale_order so ON so.id = sol.order_id
          JOIN res_partner rp ON rp.id = so.partner_id
         WHERE so.company_id = %(company)s AND so.state = 'sale' AND sol.display_type IS NULL
           AND so.date_order >= %(date_from)s
      GROUP BY 1, 2
        """,
        company=company_id, date_from=date_from,
    )


def pickings(company_id, date_from):
    """Deliveries, and returns of deliveries (the receipts that return a delivery)."""
    return SQL(
        """
        SELECT rp.commercial_partner_id, date_trunc('month', sp.date_done)::date,
               CASE WHEN spt.code = 'outgoing' THEN 'delivery' ELSE 'return' END, COUNT(*)
          FROM stock_picking sp
          JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
          JOIN res_partner rp ON rp.id = sp.partner_id
         WHERE sp.company_id = %(company)s AND sp.state = 'done' AND sp.date_done >= %(date_from)s
           AND ((spt.code = 'outgoing' AND sp.return_id IS NULL)
                OR (spt.code = 'incoming' AND sp.return_id IS NOT NULL))
      GROUP BY 1, 2, 3
        """,
        company=company_id, date_from=date_from,
    )


def invoices(company_id, date_from):
    """Posted invoices and credit notes."""
    return SQL(
        """
        SELECT am.commercial_partner_id, date_trunc('month', am.invoice_date::timestamp)::date,
               CASE WHEN am.move_type = 'out_invoice' THEN 'invoice' ELSE 'credit_note' END, COUNT(*)
          FROM account_move am
         WHERE am.company_id = %(company)s AND am.state = 'posted'
           AND am.move_type IN ('out_invoice', 'out_refund') AND am.invoice_date >= %(date_from)s
      GROUP BY 1, 2, 3
        """,
        company=company_id, date_from=date_from,
    )


def payment_reminders(company_id, date_from):
    """Messages sent on an invoice after its due date."""
    return SQL(
        """
        SELECT am.commercial_partner_id, date_trunc('month', mm.date)::date, 'payment_reminder', COUNT(*)
          FROM mail_message mm
          JOIN account_move am ON mm.model = 'account.move' AND am.id = mm.res_id
         WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
           AND mm.message_type IN ('email', 'comment') AND mm.date::date > am.invoice_date_due
           AND mm.date >= %(date_from)s
      GROUP BY 1, 2
        """,
        company=company_id, date_from=date_from,
    )


def overdue(company_id, today):
    """(partner_id, start, stop, amount): each amount a customer owed past its due date, from the day after
    the due date to the day it was paid (a partial reconciliation dated after the due date), or to today
    while it stays open. An invoice paid late costs as much carrying as one still open."""
    return SQL(
        """
        SELECT am.commercial_partner_id AS partner_id, am.invoice_date_due + 1 AS start,
               %(today)s::date AS stop, am.amount_residual_signed AS amount
          FROM account_move am
         WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
           AND am.payment_state IN ('not_paid', 'partial') AND am.invoice_date_due < %(today)s
        UNION ALL
        SELECT am.commercial_partner_id, am.invoice_date_due + 1, LEAST(apr.max_date, %(today)s::date),
               apr.amount
          FROM account_move am
          JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'payment_term'
          JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
         WHERE am.company_id = %(company)s AND am.move_type = 'out_invoice' AND am.state = 'posted'
           AND apr.max_date > am.invoice_date_due
        """,
        company=company_id, today=today,
    )


def payment_delay(overdue_amounts, date_from):
    """Amount x days overdue per month: each overdue period (``overdue``) cut at the months it spans."""
    return SQL(
        """
        SELECT od.partner_id, gs.month::date, 'payment_delay',
               SUM(od.amount * (LEAST((gs.month + INTERVAL '1 month' - INTERVAL '1 day')::date, od.stop)
                                - GREATEST(gs.month::date, od.start) + 1))::float8
          FROM (%(overdue)s) od
         CROSS JOIN LATERAL generate_series(
               date_trunc('month', GREATEST(od.start, %(date_from)s)), date_trunc('month', od.stop),
               INTERVAL '1 month') AS gs(month)
         WHERE od.stop >= od.start
      GROUP BY 1, 2
        """,
        overdue=overdue_amounts, date_from=date_from,
    )


def activities(company_id, date_from):
    """Activities logged as done on the customer or on one of its sales orders."""
    return SQL(
        """
        SELECT COALESCE(rp.commercial_partner_id, sorp.commercial_partner_id),
               date_trunc('month', mm.date)::date, 'activity', COUNT(*)
          FROM mail_message mm
     LEFT JOIN res_partner rp ON mm.model = 'res.partner' AND rp.id = mm.res_id
     LEFT JOIN sale_order so ON mm.model = 'sale.order' AND so.id = mm.res_id
     LEFT JOIN res_partner sorp ON sorp.id = so.partner_id
         WHERE mm.mail_activity_type_id IS NOT NULL AND mm.date >= %(date_from)s
           AND mm.model IN ('res.partner', 'sale.order')
           AND (so.company_id = %(company)s OR (rp.id IS NOT NULL
                AND COALESCE(rp.company_id, %(company)s) = %(company)s))
      GROUP BY 1, 2
        """,
        company=company_id, date_from=date_from,
    )


def drivers(company_id, date_from, today):
    """Every driver's volume per customer and month: the union of the queries above."""
    return SQL(" UNION ALL ").join([
        quotations(company_id, date_from),
        orders(company_id, date_from),
        order_lines(company_id, date_from),
        pickings(company_id, date_from),
        invoices(company_id, date_from),
        payment_reminders(company_id, date_from),
        payment_delay(overdue(company_id, today), date_from),
        activities(company_id, date_from),
    ])


def serve(company_id):
    """From ``drivers``: the cost-to-serve at the company's unit costs, and each driver's volume in the P&L
    column that counts it. Summed in float8 (the volumes are counts, or amount x days for a float column),
    numeric once per row for the money."""
    volumes = SQL(", ").join(
        SQL("SUM(d.qty) FILTER (WHERE d.driver = %s) AS %s", driver, SQL.identifier(column))
        for driver, column in DRIVER_VOLUMES.items()
    )
    return SQL(
        """
        SELECT d.partner_id, d.month,
               %(cost)s AS cost_to_serve,
               %(volumes)s
          FROM drivers d
     LEFT JOIN crm_cost_driver cd ON cd.driver = d.driver AND cd.company_id = %(company)s AND cd.active
         WHERE d.partner_id IS NOT NULL
      GROUP BY d.partner_id, d.month
        """,
        company=company_id, volumes=volumes, cost=float_to_numeric(SQL("SUM(d.qty * COALESCE(cd.unit_cost, 0))")),
    )
