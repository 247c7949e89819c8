# Benchmark: the supplier portal's order pages (Odoo's /my/purchase list and order page, extended with the
# vendor's acknowledgement, commitments and bills), its scorecard and the distributor's page, under 16
# concurrent portal sessions, against Odoo's own /my/purchase pages on a database without the suite (a copy
# of the template: Odoo's modules only) holding the same vendor, orders and users.
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database; it starts one
# Odoo server on 127.0.0.1 per database in turn, and drops the Odoo-only copy afterwards.
import os
import re
import shutil
import time
from datetime import timedelta

from portal_load import load, login, portal_users, start_server

import odoo
from odoo import Command, api, fields
from odoo.tools import config

SESSIONS, REQUESTS, ORDERS = 16, 10, 40
QUERIES = {}  # (database, path) -> queries per request seen
e = env  # noqa: F821
t0 = time.perf_counter()


def make_data(env, suite):
    """One vendor with ORDERS confirmed orders of 5 lines, SESSIONS portal users; with the suite, commitments on
    half the orders, a distributor with a year of weekly sell-out. Returns (an order id, logins)."""
    vendor = env["res.partner"].create({"name": "Bench Vendor", "is_company": True, "supplier_rank": 1})
    products = env["product.product"].create([
        {"name": f"Bench part {i:03d}", "is_storable": True, "default_code": f"BP{i:03d}"} for i in range(200)])
    orders = env["purchase.order"].create([{
        "partner_id": vendor.id,
        "order_line": [Command.create({"product_id": p.id, "product_qty": 5, "price_unit": 1.0})
                       for p in products[i * 5:(i + 1) * 5]],
    } for i in range(ORDERS)])
    orders.button_confirm()
    logins = portal_users(env, vendor, "bench_vendor", SESSIONS)
    if suite:
        day = fields.Date.today() + timedelta(days=7)
        env["crm.supplier.commit"].create([{"order_line_id": line.id, "quantity": line.product_qty, "date_commit": day}
                                           for line in orders[::2].order_line])
        orders[::3].write({"acknowledged": True, "crm_supplier_ack_date": fields.Datetime.now()})
        channel = env["crm.channel"].create({
            "name": "Bench resale", "channel_type": "distributor", "rule_type": "utm_source",
            "source_id": env["utm.source"].create({"name": "Bench referral"}).id})
        distributor = env["res.partner"].create({"name": "Bench Distributor", "is_company": True,
                                                 "crm_distributor_channel_id": channel.id})
        monday = fields.Date.today() - timedelta(days=fields.Date.today().weekday())
        env["crm.distributor.sellout"].create([{
            "partner_id": distributor.id, "channel_id": channel.id, "product_id": p.id,
            "week_start": monday - timedelta(weeks=w), "qty_sold": 3 + (w + i) % 5, "qty_stock": 20}
            for i, p in enumerate(products[:50]) for w in range(1, 53)])
        portal_users(env, distributor, "bench_dist", SESSIONS)
    return orders[0].id, logins


def measure(dbname, logins, pages, dist_pages=(), dist_logins=()):
    """{label: load figures} of the pages, each warmed once, on a server of its own for ``dbname``."""
    server, base, logfile = start_server(config, dbname)

    def measure_pages(sessions, pages):
        for _label, url in pages:
            sessions[0].get(base + url, timeout=60).raise_for_status()  # warm the caches
        return {label: load(base, sessions, url, REQUESTS) for label, url in pages}
    try:
        figures = measure_pages([login(base, *pair) for pair in logins], pages)
        if dist_pages:
            figures.update(measure_pages([login(base, *pair) for pair in dist_logins], dist_pages))
    finally:
        server.terminate()
        server.wait(30)
        with open(logfile, encoding="utf-8") as f:  # queries of each page, as the server logged them
            for line in f:
                if m := re.search(r'"GET (/my/\S*) HTTP/1.1" 200 - (\d+) ', line):
                    QUERIES.setdefault((dbname, m.group(1)), set()).add(int(m.group(2)))
        os.unlink(logfile)
    return figures


# 1. Odoo's own pages, on a copy of the template (no suite), same data
template, odoo_db = os.environ["CRM_TEMPLATE_DB"], f"{e.cr.dbname}_odoo"
e.cr.commit()
with odoo.sql_db.db_connect("postgres").cursor() as cr:
    cr._cnx.autocommit = True
    cr.execute(f'CREATE DATABASE "{odoo_db}" TEMPLATE "{template}"')
filestore = os.path.join(config["data_dir"], "filestore")
if os.path.isdir(os.path.join(filestore, template)):
    shutil.copytree(os.path.join(filestore, template), os.path.join(filestore, odoo_db))
try:
    with odoo.modules.registry.Registry(odoo_db).cursor() as cr:
        odoo_order, odoo_logins = make_data(api.Environment(cr, odoo.SUPERUSER_ID, {}), suite=False)
    odoo_figures = measure(odoo_db, odoo_logins, [("Odoo /my/purchase", "/my/purchase"),
                                                  ("Odoo /my/purchase/<id>", f"/my/purchase/{odoo_order}")])
finally:
    odoo.modules.registry.Registry.delete(odoo_db)
    odoo.sql_db.close_db(odoo_db)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{odoo_db}" WITH (FORCE)')
    shutil.rmtree(os.path.join(filestore, odoo_db), ignore_errors=True)

# 2. the suite's pages
order, logins = make_data(e, suite=True)
e.cr.commit()
print(f"portal order bench data: {ORDERS} orders, {SESSIONS} vendor and {SESSIONS} distributor sessions, "
      f"2,600 sell-out rows in {time.perf_counter() - t0:.1f} s (both databases)")
suite_figures = measure(
    e.cr.dbname, logins,
    [("suite /my/purchase (all, with answers)", "/my/purchase?filterby=crm_all"),
     ("suite /my/purchase/<id> (with the answer form)", f"/my/purchase/{order}"),
     ("suite /my/supplier/scorecard", "/my/supplier/scorecard")],
    [("suite /my/distributor", "/my/distributor"), ("suite /my/distributor/forecast", "/my/distributor/forecast")],
    [(f"bench_dist_{i}", f"bench-pw-{i}-x") for i in range(SESSIONS)])

print(f"load: {os.getloadavg()[0]:.1f} (1 min average, {os.cpu_count()} CPUs)")
for label, (p95, p50, errors, count, wall) in {**odoo_figures, **suite_figures}.items():
    print(f"{label}: {count} requests by {SESSIONS} sessions in {wall:.1f} s, p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, {errors} errors")
for (dbname, path), counts in sorted(QUERIES.items()):
    print(f"queries per request, {'Odoo alone' if dbname == odoo_db else 'suite'} {path}: {sorted(counts)}")
reference = {"list": odoo_figures["Odoo /my/purchase"][0], "order": odoo_figures["Odoo /my/purchase/<id>"][0]}
for label, (p95, *_rest) in suite_figures.items():
    kind = "order" if "<id>" in label else "list"
    print(f"{label} p95 / Odoo's own {'/my/purchase/<id>' if kind == 'order' else '/my/purchase'} p95 = "
          f"{p95 / reference[kind]:.2f} (target <= 1.2)")
