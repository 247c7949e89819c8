# Benchmark: Odoo with --workers=4 (prefork) under 16 sessions while a full refresh (customer P&L, then analytics)
# runs: p95 of the analytics dashboard and the P&L pivot (managers, JSON-RPC as the web client calls them) and of
# the supplier pages /my/purchase and /my/supplier/forecast (vendors), errors, and the longest wait of any page on
# a lock, sampled from pg_stat_activity every 50 ms (and whether the refresh held it).
# Run by `make bench BENCH=workers` inside `odoo-bin shell` (``env`` is defined) on a throw-away database; it
# starts its own server with --workers=4 on a free 127.0.0.1 port. BENCH_CUSTOMERS (default 100000) generated
# customers with about ten invoice lines each.
import os
import threading
import time

from generator import generate
from portal_load import call_kw, login, p95, portal_users, start_server

import odoo
from odoo import api
from odoo.tools import config

WORKERS, SESSIONS, ROUNDS = 4, 16, 5  # half the sessions managers, half vendors; ROUNDS of each of their 2 pages
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
e = env  # noqa: F821 (odoo-bin shell)
registry = e.registry
company = e.company

stats = generate(e, customers=CUSTOMERS, lines=CUSTOMERS * 10)
e["crm.customer.pnl"]._refresh_pnl(company)
e["crm.customer.metrics"]._refresh(company)
vendor = e["res.users"].search([("login", "=", "vendor1@demo.example")]).partner_id.commercial_partner_id
vendors = portal_users(e, vendor, "bench_workers_vendor", SESSIONS // 2)
e.cr.commit()
print(f"data: {stats['customers']} generated customers, {stats['lines']} invoice lines (+ the demo), their P&L "
      f"and analytics; {SESSIONS // 2} vendor sessions of {vendor.name}")

PIVOT = [[], [[], ["segment_id"], ["month:quarter"], ["segment_id", "month:quarter"]],
         ["net_revenue:sum", "profit:sum", "__count"]]
MANAGER_PAGES = {
    "analytics dashboard (get_dashboard_data)":
        lambda s, base: call_kw(s, base, "crm.analytics.dashboard", "get_dashboard_data"),
    "P&L pivot (formatted_read_grouping_sets)":
        lambda s, base: call_kw(s, base, "crm.customer.pnl", "formatted_read_grouping_sets", PIVOT),
}


def portal_page(url):
    def get(s, base):
        response = s.get(base + url, timeout=300)
        if response.status_code != 200 or "o_portal" not in response.text:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return get


VENDOR_PAGES = {"/my/purchase": portal_page("/my/purchase"),
                "/my/supplier/forecast": portal_page("/my/supplier/forecast")}


def run_load(base, managers, vendor_sessions):
    """{page: (durations, errors)} of every session requesting its two pages ROUNDS times, all at once."""
    results = {label: ([], []) for label in (*MANAGER_PAGES, *VENDOR_PAGES)}

    def session_loop(session, pages):
        for _round in range(ROUNDS):
            for label, page in pages.items():
                t0 = time.perf_counter()
                try:
                    page(session, base)
                except Exception as exc:
                    results[label][1].append(str(exc)[:200])
                results[label][0].append(time.perf_counter() - t0)
    threads = [threading.Thread(target=session_loop, args=(s, MANAGER_PAGES)) for s in managers]
    threads += [threading.Thread(target=session_loop, args=(s, VENDOR_PAGES)) for s in vendor_sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class Refresh(threading.Thread):
    """A full refresh in a transaction of its own, as the nightly crons run it: customer P&L, then analytics."""

    def run(self):
        self.t0, self.pid = time.perf_counter(), None
        with registry.cursor() as cr:
            cr.execute("SELECT pg_backend_pid()")
            self.pid = cr.fetchone()[0]
            renv = api.Environment(cr, odoo.SUPERUSER_ID, {})
            renv["crm.customer.pnl"]._refresh_pnl(renv["res.company"].browse(company.id))
            self.pnl_seconds = time.perf_counter() - self.t0
            renv["crm.customer.metrics"]._refresh(renv["res.company"].browse(company.id))
        self.seconds = time.perf_counter() - self.t0


class LockSampler(threading.Thread):
    """Every 50 ms: the backends of the database waiting on a lock, how long their statement has run, and who
    blocks them."""

    def __init__(self):
        super().__init__()
        self.stop, self.samples, self.waits = threading.Event(), 0, []

    def run(self):
        with odoo.sql_db.db_connect(e.cr.dbname).cursor() as cr:
            cr._cnx.autocommit = True
            while not self.stop.wait(0.05):
                cr.execute("""
                    SELECT pid, wait_event, EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8,
                           pg_blocking_pids(pid), left(regexp_replace(query, '\\s+', ' ', 'g'), 100)
                      FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
                       AND wait_event_type = 'Lock'""")
                self.samples += 1
                self.waits += cr.fetchall()


def report(title, results, wall):
    print(f"{title} ({wall:.1f} s):")
    for label, (times, errors) in results.items():
        print(f"  {label:<42} {len(times):>3} requests  p50 {sorted(times)[len(times) // 2] * 1000:>6.0f} ms  "
              f"p95 {p95(times) * 1000:>6.0f} ms  max {max(times) * 1000:>6.0f} ms  {len(errors)} errors"
              + (f"  first: {errors[0]}" if errors else ""))


server, base, logfile = start_server(config, e.cr.dbname, workers=WORKERS)
try:
    managers = [login(base, "admin", "admin") for _i in range(SESSIONS // 2)]
    vendor_sessions = [login(base, *pair) for pair in vendors]
    for pages, session in ((MANAGER_PAGES, managers[0]), (VENDOR_PAGES, vendor_sessions[0])):
        for page in pages.values():
            page(session, base)  # warm every worker's caches a little
    t0 = time.perf_counter()
    quiet = run_load(base, managers, vendor_sessions)
    quiet_wall = time.perf_counter() - t0

    sampler, refresh = LockSampler(), Refresh()
    sampler.start()
    refresh.start()
    time.sleep(0.5)
    t0 = time.perf_counter()
    loaded = run_load(base, managers, vendor_sessions)
    loaded_wall = time.perf_counter() - t0
    refresh.join()
    sampler.stop.set()
    sampler.join()
finally:
    server.terminate()
    server.wait(60)
    os.unlink(logfile)

print(f"load: {os.getloadavg()[0]:.1f} (1 min average, {os.cpu_count()} CPUs); server --workers={WORKERS}; "
      f"{SESSIONS} sessions ({SESSIONS // 2} managers as admin, {SESSIONS // 2} vendors), {ROUNDS} rounds each")
report("without a refresh", quiet, quiet_wall)
report("while the full refresh runs", loaded, loaded_wall)
print(f"full refresh in its own transaction: {refresh.seconds:.1f} s (P&L {refresh.pnl_seconds:.1f} s, analytics "
      f"{refresh.seconds - refresh.pnl_seconds:.1f} s); the load started 0.5 s in and ran {loaded_wall:.1f} s, "
      f"{min(loaded_wall, max(refresh.seconds - 0.5, 0)):.1f} s of it during the refresh")
for label in loaded:
    print(f"  {label}: p95 under the refresh / without = {p95(loaded[label][0]) / p95(quiet[label][0]):.2f}")
by_refresh = [w for w in sampler.waits if refresh.pid in (w[3] or [])]
longest = max(sampler.waits, key=lambda w: w[2], default=None)
print(f"lock waits: {len(sampler.waits)} in {sampler.samples} samples of pg_stat_activity (every 50 ms); "
      f"{len(by_refresh)} blocked by the refresh's backend (pid {refresh.pid}); longest: "
      + (f"{longest[2]:.2f} s on {longest[1]} ({longest[4]})" if longest else "none"))
errors = sum(len(r[1]) for r in (*quiet.values(), *loaded.values()))
print(f"errors: {errors}")
