"""Fill a bench database quickly through Odoo's real tables with set-based SQL.

Customers get skewed spend (log-normal purchase rates and spend levels), churn (each purchase may be
the last, with a personal probability) and seasonality (more invoices in the last quarter of the year).
Only what the suite reads is written: partners, posted customer invoices and credit notes with product
lines, and their products.
"""
import os
import time
from contextlib import contextmanager, nullcontext

from odoo.tools import SQL

# The data set a `make bench SIZE=...` run was built with (bench/build_dataset.py): one row, in the cached database.
DATASET_TABLE = "crm_bench_dataset"
# The tables the generator fills; at 10^7 lines their indexes are dropped and rebuilt around the inserts.
FILLED_TABLES = ("res_partner", "account_move", "account_move_line")
LINES_PER_CUSTOMER = 10


def bench_size():
    """Size of this run: ``BENCH_SIZE`` customers (set by `make bench SIZE=...`), 100k by default, with about
    ten invoice lines each."""
    customers = int(os.environ.get("BENCH_SIZE") or 100_000)
    return {"customers": customers, "lines": customers * LINES_PER_CUSTOMER}


def cached_dataset(cr):
    """The stats of the data set already in this database (a copy of a cached bench database), or None."""
    cr.execute("SELECT to_regclass(%s)", [DATASET_TABLE])
    if not cr.fetchone()[0]:
        return None
    cr.execute(SQL("SELECT customers, lines, seconds FROM %s", SQL.identifier(DATASET_TABLE)))
    row = cr.fetchone()
    return row and {"customers": row[0], "lines": row[1], "seconds": row[2], "cached": True}


@contextmanager
def indexes_dropped(cr, tables):
    """Drop the plain indexes (not those behind a primary key or a unique constraint) and the foreign keys of
    ``tables``, and build them again on leaving: one sort per index instead of 10^7 random insertions into each,
    and one anti-join per foreign key instead of 10^7 row-by-row checks queued in memory (at 10^7 lines the
    queue of checks alone takes gigabytes)."""
    cr.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
            WHERE i.indrelid = ANY(%s::regclass[]) AND c.oid IS NULL AND NOT i.indisprimary""", [list(tables)])
    indexes = cr.fetchall()
    cr.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'""", [list(tables)])
    keys = cr.fetchall()
    for table, name, _definition in keys:
        cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    yield
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cr.execute(definition)
    for table, name, definition in keys:
        cr.execute(SQL("ALTER TABLE %s ADD CONSTRAINT %s %s", SQL.identifier(table), SQL.identifier(name),
                       SQL(definition)))


def generate(env, customers=100_000, lines=1_000_000, months=24, products=500, drop_indexes=False):
    """Create ``customers`` partners and about ``lines`` invoice lines over ``months`` months, unless this
    database already holds a cached data set of that size (then only its stats are returned)."""
    cr = env.cr
    cached = cached_dataset(cr)
    if cached and cached["customers"] == customers:
        return cached
    t0 = time.perf_counter()
    with indexes_dropped(cr, FILLED_TABLES) if drop_indexes else nullcontext():
        _generate(env, customers, lines, months, products)
    for table in FILLED_TABLES:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    cr.execute("SELECT count(*) FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id "
               "WHERE am.name LIKE 'BENCH/%'")
    n_lines = cr.fetchone()[0]
    env.invalidate_all()
    return {"customers": customers, "lines": n_lines, "seconds": time.perf_counter() - t0}


def _generate(env, customers, lines, months, products):
    cr = env.cr
    company = env.company
    cr.execute(SQL("SELECT setseed(0.42)"))
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1)
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    currency = company.currency_id.id
    # a few hundred products: the ORM is fast enough and fills every required column
    env["product.product"].create([{
        "name": f"Bench product {i}", "type": "consu", "list_price": 10 + (i * 37) % 490,
        "standard_price": (10 + (i * 37) % 490) * (0.4 + (i % 5) / 10),
    } for i in range(products)])
    env.flush_all()
    cr.execute("SELECT min(pp.id), max(pp.id) FROM product_product pp JOIN product_template pt "
               "ON pt.id = pp.product_tmpl_id WHERE pt.name->>'en_US' LIKE 'Bench product %'")
    first_product, last_product = cr.fetchone()
    cr.execute(SQL(
        """
        INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills, group_rfq,
                                 group_on, customer_rank, create_date, write_date)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, TRUE, 'contact', 'ask', 'default',
               'default', 1, NOW(), NOW()
          FROM generate_series(1, %(n)s) g
        """, n=customers))
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
    # Purchases follow the BG/NBD story, so that the CLV models have something real to find: each customer is
    # born somewhere in the window, buys at a personal Poisson rate (log-normal across customers: skewed) and,
    # after each purchase, drops out with a personal probability (churn). A fifth of the purchases outside the
    # last quarter are dropped (seasonality), 4 % are credit notes; the spend level scales the quantities.
    invoices = max(lines // 4, 1)
    cr.execute(SQL(
        """
        CREATE TEMP TABLE bench_inv ON COMMIT DROP AS
        WITH c AS (
            SELECT id AS partner_id, 1 + floor(random() * %(months)s * 30.4)::int AS age_days,
                   %(base)s * exp(0.9 * sqrt(-2 * ln(random() + 1e-12)) * cos(2 * pi() * random())) AS rate,
                   0.03 + 0.35 * power(random(), 2) AS p, random() AS u
              FROM res_partner WHERE name LIKE 'Bench customer %%'
        ), d AS (
            SELECT *, LEAST(60, 1 + floor(ln(u + 1e-12) / ln(1 - p)))::int AS purchases FROM c
        ), timed AS (
            SELECT d.partner_id, d.age_days, k,
                   SUM(CASE WHEN k = 1 THEN 0 ELSE -ln(random() + 1e-12) / d.rate END)
                       OVER (PARTITION BY d.partner_id ORDER BY k) AS t
              FROM d CROSS JOIN LATERAL generate_series(1, d.purchases) k
        )
        SELECT partner_id, (CURRENT_DATE - age_days + floor(t)::int) AS invoice_date, random() < 0.04 AS is_refund
          FROM timed
         WHERE t <= age_days
           AND (k = 1 OR extract(month FROM CURRENT_DATE - age_days + floor(t)::int) >= 10 OR random() >= 0.2)
        """, months=months, base=0.006 * invoices / customers / 2.5))
    cr.execute(SQL(
        """
        CREATE TEMP TABLE bench_level ON COMMIT DROP AS
        SELECT id AS partner_id, exp(0.5 * sqrt(-2 * ln(random() + 1e-12)) * cos(2 * pi() * random())) AS level
          FROM res_partner WHERE name LIKE 'Bench customer %%'
        """))
    cr.execute("ANALYZE bench_inv")
    cr.execute("ANALYZE bench_level")
    cr.execute(SQL(
        """
        INSERT INTO account_move (name, journal_id, company_id, currency_id, state, move_type, auto_post, date,
                                  invoice_date, invoice_date_due, partner_id, commercial_partner_id,
                                  invoice_currency_rate, payment_state, create_date, write_date)
        SELECT 'BENCH/' || row_number() OVER (), %(journal)s, %(company)s, %(currency)s, 'posted',
               CASE WHEN is_refund THEN 'out_refund' ELSE 'out_invoice' END, 'no', invoice_date,
               invoice_date, invoice_date + 30, partner_id, partner_id, 1.0, 'paid', NOW(), NOW()
          FROM bench_inv
        """, journal=journal.id, company=company.id, currency=currency))
    cr.execute(SQL(
        """
        WITH l AS (
            SELECT am.id AS move_id, am.company_id, am.journal_id, am.currency_id, am.partner_id, am.date,
                   am.invoice_date, CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                   %(first)s + floor(random() * %(span)s)::int AS product_id,
                   GREATEST(1, round((1 + random() * 9) * lv.level))::int AS qty,
                   CASE WHEN random() < 0.2 THEN round((random() * 25)::numeric, 0) ELSE 0 END AS discount
              FROM account_move am
              JOIN bench_level lv ON lv.partner_id = am.partner_id
             CROSS JOIN LATERAL generate_series(1, 1 + floor(-ln(random() + 1e-9) * 3 + am.id * 0)::int) g
             WHERE am.name LIKE 'BENCH/%%'
        ), priced AS (
            SELECT l.*, pt.list_price AS price, round(l.qty * pt.list_price * (1 - l.discount / 100), 2) AS net
              FROM l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
        )
        INSERT INTO account_move_line (move_id, company_id, journal_id, account_id, currency_id,
                                       company_currency_id, partner_id, product_id, display_type, parent_state,
                                       date, invoice_date, quantity, price_unit, discount, price_subtotal,
                                       price_total, balance, amount_currency, debit, credit, create_date,
                                       write_date)
        SELECT move_id, company_id, journal_id, %(account)s, currency_id, currency_id, partner_id, product_id,
               'product', 'posted', date, invoice_date, qty, price, discount, net, net, sign * -net, sign * -net,
               CASE WHEN sign < 0 THEN net ELSE 0 END, CASE WHEN sign > 0 THEN net ELSE 0 END, NOW(), NOW()
          FROM priced
        """, account=income.id, first=first_product, span=last_product - first_product + 1))
