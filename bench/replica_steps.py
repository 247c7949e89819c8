"""The steps of `make test-replica` (scripts/test_replica.sh), chosen by REPLICA_STEP:

* ``generate`` and ``refresh`` run inside ``odoo-bin shell`` (``env`` is defined): generated customers with their
  P&L; a full analytics refresh, saying where its heavy read went;
* ``pages`` (plain Python): the analytics dashboard, the P&L pivot and the channel scorecard as admin, a supplier
  page as vendor1, through the Odoo server at REPLICA_URL;
* ``report EVIDENCE DIR`` (plain Python): each server's statements per phase, the checks, ``N passed, N failed``.
"""
import csv
import os
import re
import sys
import time

STEP = os.environ.get("REPLICA_STEP", "report")


def shell_generate(env):
    from generator import generate

    customers = int(os.environ.get("REPLICA_CUSTOMERS", "20000"))
    stats = generate(env, customers=customers, lines=customers * 10)
    env["crm.customer.pnl"]._refresh_pnl(env.company)
    env.cr.commit()
    print(f"generated {stats['customers']} customers, {stats['lines']} invoice lines and their P&L "
          f"in {stats['seconds']:.1f} s")


def shell_refresh(env):
    registry = env.registry
    t0 = time.perf_counter()
    result = env["crm.customer.metrics"]._refresh(env.company, full=True)[env.company.id]
    env.cr.commit()
    replica = registry._db_readonly
    print(f"full analytics refresh: {result['customers']} customers in {time.perf_counter() - t0:.2f} s; "
          f"replica configured: {replica is not None}, replica failed: {registry._db_readonly_failed_time is not None}")


def pages(quiet):
    from portal_load import call_kw, login

    base = os.environ["REPLICA_URL"]
    admin = login(base, "admin", "admin")
    vendor = login(base, "vendor1@demo.example", "vendor1")
    checks = [
        ("analytics dashboard (get_dashboard_data)",
         lambda: call_kw(admin, base, "crm.analytics.dashboard", "get_dashboard_data")["kpis"]["customers"]["value"]),
        ("P&L pivot (formatted_read_grouping_sets)",
         lambda: len(call_kw(admin, base, "crm.customer.pnl", "formatted_read_grouping_sets",
                             [[], [[], ["segment_id"], ["month:quarter"], ["segment_id", "month:quarter"]],
                              ["net_revenue:sum", "profit:sum", "__count"]])[3])),
        ("channel scorecard list (web_search_read)",
         lambda: call_kw(admin, base, "crm.channel.evaluation", "web_search_read", [[]],
                         {"specification": {"channel_id": {"fields": {"display_name": {}}}, "profit": {},
                                            "score": {}}, "limit": 80})["length"]),
        ("supplier page /my/supplier/forecast (vendor1)",
         lambda: vendor.get(f"{base}/my/supplier/forecast", timeout=300).status_code),
    ]
    failed = 0
    for label, check in checks:
        t0 = time.perf_counter()
        try:
            value = check()
            ok = value == 200 if label.startswith("supplier") else True
        except Exception as exc:
            value, ok = f"{type(exc).__name__}: {exc}", False
        failed += not ok
        if not quiet:
            print(f"  {label}: {'OK' if ok else 'FAILED'} ({value}) in {time.perf_counter() - t0:.2f} s")
    if not quiet:
        print(f"pages: {len(checks) - failed} answered, {failed} failed")


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|ANALYZE|VACUUM|LOCK|REFRESH)\b"
                   r"|^\s*COPY\s+[\w.\"]+\s*(\([^)]*\))?\s*FROM\b"
                   r"|\)\s*(INSERT|UPDATE|DELETE)\b|\bFOR (NO KEY )?UPDATE\b", re.I)
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|SHOW|RESET|DISCARD|START)\b", re.I)


def kind(query):
    return "write" if WRITE.search(query) else "control" if CONTROL.search(query) else "read"


def report(evidence, folder):
    rows = []
    with open(evidence, encoding="utf-8") as f:
        for phase, server, calls, count, ms, query in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.append({"phase": phase, "server": server, "calls": int(calls), "rows": int(count),
                         "ms": float(ms), "query": query, "kind": kind(query)})

    def pick(phase, server, kind_=None, pattern=None):
        return [r for r in rows if r["phase"] == phase and r["server"] == server
                and (kind_ is None or r["kind"] == kind_) and (pattern is None or re.search(pattern, r["query"], re.I))]

    def total(items, key):
        return sum(r[key] for r in items)

    print("\nStatements of the database per server (pg_stat_statements, reset before each phase):")
    print(f"{'phase':<8} {'server':<8} {'reads':>6} {'rows read':>10} {'read ms':>9} {'writes':>7} "
          f"{'rows written':>13}")
    for phase in ("refresh", "pages"):
        for server in ("primary", "standby"):
            reads, writes = pick(phase, server, "read"), pick(phase, server, "write")
            print(f"{phase:<8} {server:<8} {total(reads, 'calls'):>6} {total(reads, 'rows'):>10} "
                  f"{total(reads, 'ms'):>9.0f} {total(writes, 'calls'):>7} {total(writes, 'rows'):>13}")
        for server in ("primary", "standby"):
            print(f"  heaviest reads of the {phase} on the {server}:")
            for r in sorted(pick(phase, server, "read"), key=lambda r: -r["ms"])[:4]:
                print(f"    {r['ms']:>8.1f} ms {r['calls']:>4} calls {r['rows']:>8} rows  {r['query'][:110]}")

    occasions = r"^COPY \(\s*SELECT f\.partner_id"
    dashboard = r"FROM \"crm_customer_metrics\""
    pnl = r"FROM \"crm_customer_pnl\""
    down_refresh = open(os.path.join(folder, "refresh-down.log"), encoding="utf-8").read()
    down_pages = open(os.path.join(folder, "pages-down.log"), encoding="utf-8").read()
    odoo_log = open(os.path.join(folder, "odoo.log"), encoding="utf-8").read()
    on_standby = pick("refresh", "standby", pattern=occasions)
    checks = [
        ("the refresh's heavy read (COPY of the purchase occasions) ran on the standby",
         bool(on_standby) and total(on_standby, "rows") > 0,
         f"{total(on_standby, 'calls')} call(s), {total(on_standby, 'rows')} rows, {total(on_standby, 'ms'):.0f} ms"),
        ("... and not on the primary", not pick("refresh", "primary", pattern=occasions), ""),
        ("the refresh wrote on the primary (metrics upsert, staging COPY)",
         bool(pick("refresh", "primary", "write", r"crm_customer_metrics|crm_analytics_staging")),
         f"{total(pick('refresh', 'primary', 'write'), 'calls')} writes"),
        ("the standby wrote nothing", not pick("refresh", "standby", "write") and not pick("pages", "standby", "write"),
         ""),
        ("the dashboard read crm_customer_metrics on the standby", bool(pick("pages", "standby", "read", dashboard)),
         f"{total(pick('pages', 'standby', 'read', dashboard), 'calls')} statements"),
        ("... and not on the primary", not pick("pages", "primary", "read", dashboard), ""),
        ("the P&L pivot read crm_customer_pnl on the standby", bool(pick("pages", "standby", "read", pnl)),
         f"{total(pick('pages', 'standby', 'read', pnl), 'calls')} statements"),
        ("... and not on the primary", not pick("pages", "primary", "read", pnl), ""),
        ("standby down: the refresh warned and fell back on the primary",
         "Failed to open a readonly cursor, falling back to read-write cursor" in down_refresh, ""),
        ("standby down: the refresh still completed", "full analytics refresh:" in down_refresh, ""),
        ("standby down: the server warned and fell back on the primary",
         "Failed to open a readonly cursor, falling back" in odoo_log, ""),
        ("standby down: every page still answered", "4 answered, 0 failed" in down_pages, ""),
    ]
    passed = sum(ok for _label, ok, _detail in checks)
    print()
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}{': ' + detail if detail else ''}")
    print(f"{passed} passed, {len(checks) - passed} failed")
    return len(checks) - passed


if STEP in ("generate", "refresh"):
    (shell_generate if STEP == "generate" else shell_refresh)(env)  # noqa: F821 (odoo-bin shell)
elif STEP == "pages":
    pages(quiet=sys.argv[1:] == ["warmup"])
elif __name__ == "__main__":
    sys.exit(1 if report(sys.argv[2], sys.argv[3]) else 0)
