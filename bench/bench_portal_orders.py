# Benchmark: the supplier portal's order pages (Odoo's /my/purchase list and order page, extended with the
# vendor's acknowledgement, commitments and bills), its scorecard and the distributor's page, under 16
# concurrent portal sessions, against Odoo's own /my/purchase pages on a database without the suite (a copy
# of the template: Odoo's modules only) holding the same vendor, orders and users.
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database; it starts an
# Odoo server on 127.0.0.1 per database, both at once, measures Odoo's page and the suite's in turn for
# ROUNDS rounds (the ratio of each round, and their median), and drops the Odoo-only copy afterwards.
import os
import re
import shutil
import time
from datetime import timedelta
from statistics import median

from portal_load import load, login, portal_users, start_server

import odoo
from odoo import Command, api, fields
from odoo.tools import config

SESSIONS, REQUESTS, ORDERS, ROUNDS = 16, 10, 40, 3
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


def open_server(dbname):
    """(process, base URL, log file) of a server of its own for ``dbname``."""
    return start_server(config, dbname)


def close_server(dbname, server, logfile):
    """Stop the server and note the queries of each page, as it logged them."""
    server.terminate()
    server.wait(30)
    with open(logfile, encoding="utf-8") as f:
        for line in f:
            if m := re.search(r'"GET (/my/\S*) HTTP/1.1" 200 - (\d+) ', line):
                QUERIES.setdefault((dbname, m.group(1)), set()).add(int(m.group(2)))
            elif re.search(r'"GET /my/\S* HTTP/1.1" [345]\d\d ', line) or " ERROR " in line:
                print(f"server of {dbname}: {line.strip()[:300]}")  # what an error of the load was
    os.unlink(logfile)


def sessions_on(base, logins, urls):
    """Logged-in sessions, the pages warmed once."""
    sessions = [login(base, *pair) for pair in logins]
    for url in urls:
        sessions[0].get(base + url, timeout=60).raise_for_status()
    return sessions


# 1. Odoo's own pages, on a copy of the template (no suite), same data
template, odoo_db = os.environ["CRM_TEMPLATE_DB"], f"{e.cr.dbname}_odoo"
e.cr.commit()
with odoo.sql_db.db_connect("postgres").cursor() as cr:
    cr._cnx.autocommit = True
    cr.execute(f'CREATE DATABASE "{odoo_db}" TEMPLATE "{template}"')
filestore = os.path.join(config["data_dir"], "filestore")
if os.path.isdir(os.path.join(filestore, template)):
    shutil.copytree(os.path.join(filestore, template), os.path.join(filestore, odoo_db))
servers = []
try:
    with odoo.modules.registry.Registry(odoo_db).cursor() as cr:
        odoo_order, odoo_logins = make_data(api.Environment(cr, odoo.SUPERUSER_ID, {}), suite=False)
    # 2. the suite's pages, on this database
    order, logins = make_data(e, suite=True)
    e.cr.commit()
    print(f"portal order bench data: {ORDERS} orders, {SESSIONS} vendor and {SESSIONS} distributor sessions, "
          f"2,600 sell-out rows in {time.perf_counter() - t0:.1f} s (both databases)")
    # both servers up at once, Odoo's page and the suite's measured in turn, ROUNDS times: a change of the
    # machine's load falls on both sides of a round, and each round gives its own ratio
    pairs = {
        "list": (("Odoo /my/purchase", "/my/purchase"),
                 ("suite /my/purchase (all, with answers)", "/my/purchase?filterby=crm_all")),
        "order": (("Odoo /my/purchase/<id>", f"/my/purchase/{odoo_order}"),
                  ("suite /my/purchase/<id> (with the answer form)", f"/my/purchase/{order}")),
    }
    others = [("suite /my/supplier/scorecard", "/my/supplier/scorecard", False),
              ("suite /my/distributor", "/my/distributor", True),
              ("suite /my/distributor/forecast", "/my/distributor/forecast", True)]
    odoo_server, odoo_base, odoo_log = open_server(odoo_db)
    servers.append((odoo_db, odoo_server, odoo_log))
    suite_server, suite_base, suite_log = open_server(e.cr.dbname)
    servers.append((e.cr.dbname, suite_server, suite_log))
    odoo_sessions = sessions_on(odoo_base, odoo_logins, [pair[0][1] for pair in pairs.values()])
    suite_sessions = sessions_on(suite_base, logins,
                                 [pair[1][1] for pair in pairs.values()] + ["/my/supplier/scorecard"])
    dist_sessions = sessions_on(suite_base, [(f"bench_dist_{i}", f"bench-pw-{i}-x") for i in range(SESSIONS)],
                                ["/my/distributor", "/my/distributor/forecast"])
    rounds = {kind: [] for kind in pairs}  # kind -> [(odoo figures, suite figures)] per round
    figures = {}
    for index in range(ROUNDS):
        for kind, ((_odoo_label, odoo_url), (_suite_label, suite_url)) in pairs.items():
            runs = [(odoo_base, odoo_sessions, odoo_url), (suite_base, suite_sessions, suite_url)]
            order_of_runs = runs if index % 2 == 0 else runs[::-1]  # who goes first alternates
            done = {id(run): load(run[0], run[1], run[2], REQUESTS) for run in order_of_runs}
            rounds[kind].append((done[id(runs[0])], done[id(runs[1])]))
        for label, url, distributor in others:
            figures.setdefault(label, []).append(
                load(suite_base, dist_sessions if distributor else suite_sessions, url, REQUESTS))
finally:
    for dbname, server, logfile in servers:
        close_server(dbname, server, logfile)
    odoo.modules.registry.Registry.delete(odoo_db)
    odoo.sql_db.close_db(odoo_db)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{odoo_db}" WITH (FORCE)')
    shutil.rmtree(os.path.join(filestore, odoo_db), ignore_errors=True)

print(f"load: {os.getloadavg()[0]:.1f} (1 min average, {os.cpu_count()} CPUs); {ROUNDS} rounds, Odoo's page and "
      f"the suite's in turn in each")


def show(label, runs):
    p95s = [run[0] for run in runs]
    print(f"{label}: {sum(run[3] for run in runs)} requests by {SESSIONS} sessions in {ROUNDS} rounds, p95 of each "
          f"round {', '.join(f'{v * 1000:.0f}' for v in p95s)} ms (median {median(p95s) * 1000:.0f} ms), "
          f"{sum(run[2] for run in runs)} errors")


for kind, ((odoo_label, _u), (suite_label, _v)) in pairs.items():
    show(odoo_label, [pair[0] for pair in rounds[kind]])
    show(suite_label, [pair[1] for pair in rounds[kind]])
for label, runs in figures.items():
    show(label, runs)
for (dbname, path), counts in sorted(QUERIES.items()):
    print(f"queries per request, {'Odoo alone' if dbname == odoo_db else 'suite'} {path}: {sorted(counts)}")
reference = {kind: median(pair[0][0] for pair in rounds[kind]) for kind in pairs}
for kind, ((_o, _u), (suite_label, _v)) in pairs.items():
    ratios = [pair[1][0] / pair[0][0] for pair in rounds[kind]]
    print(f"{suite_label} p95 / Odoo's own {'/my/purchase/<id>' if kind == 'order' else '/my/purchase'} p95, "
          f"per round {', '.join(f'{r:.2f}' for r in ratios)}: median {median(ratios):.2f} (target <= 1.2)")
for label, runs in figures.items():
    print(f"{label} p95 / Odoo's own /my/purchase p95 (medians) = "
          f"{median(run[0] for run in runs) / reference['list']:.2f} (target <= 1.2)")
