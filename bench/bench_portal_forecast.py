# Benchmark: the supplier forecast page at 500 products under 16 concurrent portal sessions (loopback,
# bounded: 16 sessions x 10 requests a page; 20 products x 12 weeks a forecast page), next to Odoo's own
# /my/purchase measured in the same run.
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database: the data is
# committed, then a real Odoo server is started on 127.0.0.1 for the load and stopped afterwards.
import os
import re
import time

from portal_load import load, login, start_server

from odoo import Command
from odoo.tools import config

SESSIONS, REQUESTS = 16, 10
e = env  # noqa: F821
t0 = time.perf_counter()


def make_vendor(name, n_products):
    vendor = e["res.partner"].create({"name": name, "is_company": True, "supplier_rank": 1})
    products = e["product.product"].create([
        {"name": f"{name} part {i:04d}", "is_storable": True, "default_code": f"{name[:3].upper()}{i:04d}"}
        for i in range(n_products)])
    e["product.supplierinfo"].create([
        {"partner_id": vendor.id, "product_tmpl_id": p.product_tmpl_id.id, "price": 1.0} for p in products])
    return vendor, products


big, big_products = make_vendor("Bench Big", 500)
small, _small_products = make_vendor("Bench Small", 50)
customer = e["res.partner"].create({"name": "Bench customer"})
orders = e["sale.order"].create([{
    "partner_id": customer.id,
    "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 3}) for p in big_products[i::20]],
} for i in range(20)])
orders[:10].action_confirm()
for vendor in (big, small):
    forecast = e["crm.supplier.forecast"].create({"partner_id": vendor.id})
    forecast.action_publish()
pos = e["purchase.order"].create([{
    "partner_id": big.id,
    "order_line": [Command.create({"product_id": p.id, "product_qty": 5, "price_unit": 1.0})
                   for p in big_products[i * 5:(i + 1) * 5]],
} for i in range(40)])
pos.button_confirm()
users = []
for i in range(SESSIONS):
    contact = e["res.partner"].create({"name": f"Bench contact {i}", "parent_id": big.id,
                                       "email": f"bench{i}@big.example"})
    users.append(e["res.users"].create({
        "name": contact.name, "login": f"bench_portal_{i}", "password": f"bench-pw-{i}-x",
        "partner_id": contact.id, "group_ids": [Command.set([e.ref("base.group_portal").id])]}))
small_contact = e["res.partner"].create({"name": "Bench small contact", "parent_id": small.id})
small_user = e["res.users"].create({
    "name": small_contact.name, "login": "bench_portal_small", "password": "bench-pw-small-x",
    "partner_id": small_contact.id, "group_ids": [Command.set([e.ref("base.group_portal").id])]})
e.cr.commit()
print(f"portal bench data: 550 products, 2 forecasts, 40 purchase orders, {SESSIONS} portal users "
      f"in {time.perf_counter() - t0:.1f} s")

server, base, logfile = start_server(config, e.cr.dbname)
try:
    sessions = [login(base, u.login, f"bench-pw-{i}-x") for i, u in enumerate(users)]
    small_session = login(base, small_user.login, "bench-pw-small-x")
    for url in ("/my/supplier/forecast", "/my/purchase"):  # warm the caches
        sessions[0].get(base + url, timeout=60).raise_for_status()

    def run(url):
        return load(base, sessions, url, REQUESTS)

    figures = {url: run(url) for url in ("/my/purchase", "/my/supplier/forecast")}
    for _r in range(2):  # the second request of a session is the steady state
        small_session.get(base + "/my/supplier/forecast", timeout=60)
    sessions[0].get(base + "/my/supplier/forecast", timeout=60)
finally:
    server.terminate()
    server.wait(30)

queries = {}
with open(logfile, encoding="utf-8") as f:
    for line in f:
        m = re.search(r'"GET (/my/\S*) HTTP/1.1" 200 - (\d+) ', line)
        if m:
            queries.setdefault(m.group(1).split("?")[0], []).append(int(m.group(2)))
os.unlink(logfile)
for url, (p95, p50, errors, count, wall) in figures.items():
    print(f"portal {url}: {count} requests by {SESSIONS} sessions in {wall:.1f} s, p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, {errors} errors, queries per page {sorted(set(queries.get(url, [])))}")
ratio = figures["/my/supplier/forecast"][0] / figures["/my/purchase"][0]
print(f"forecast page p95 / /my/purchase p95 = {ratio:.2f} (target <= 1.2)")
forecast_queries = queries.get("/my/supplier/forecast", [])
print(f"forecast page queries: 50 products {forecast_queries[-2]}, 500 products {forecast_queries[-1]} "
      "(steady-state requests; constant in the number of products)")
