# Benchmark: channel assignment, scorecard and P&L with channel costs, 100k customers / ~1M invoice lines.
# Run by `make bench BENCH=channel` inside `odoo-bin shell` (``env`` is defined) on a throw-away database.
import os
import time

from generator import bench_size, generate

from odoo.tools import SQL

stats = generate(env, **bench_size())  # noqa: F821
print(f"generated {stats['customers']} customers and {stats['lines']} invoice lines in {stats['seconds']:.1f} s")
cr = env.cr  # noqa: F821


def load():
    return "load average %.2f %.2f %.2f on %s cores" % (*os.getloadavg(), os.cpu_count())


team = env["crm.team"].create({"name": "Bench field team"})  # noqa: F821
medium = env["utm.medium"].create({"name": "Bench phone"})  # noqa: F821
# a third of the invoices come from the web shop, a fifth by phone, the rest through the field team
cr.execute(SQL(
    """
    UPDATE account_move SET invoice_origin = CASE WHEN id %% 3 = 0 THEN 'WEB/' || id END,
                            medium_id = CASE WHEN id %% 5 = 0 THEN %(medium)s END, team_id = %(team)s
     WHERE name LIKE 'BENCH/%%'
    """, medium=medium.id, team=team.id))
env.invalidate_all()  # noqa: F821
Channel = env["crm.channel"]  # noqa: F821
Channel.create([
    {"name": "Bench web", "sequence": 10, "rule_type": "origin", "origin_pattern": "WEB", "cost_model": "revenue_pct",
     "cost_rate": 4},
    {"name": "Bench phone", "sequence": 20, "rule_type": "utm_medium", "medium_id": medium.id,
     "cost_model": "per_contact", "cost_rate": 3},
    {"name": "Bench field", "sequence": 30, "rule_type": "team", "team_id": team.id, "cost_model": "fixed",
     "cost_rate": 5000},
])  # saving a channel only schedules the assignment cron
t0 = time.perf_counter()
Channel._assign_channels(env.company)  # noqa: F821
print(f"first assignment of every order and invoice (target <= 10 s): {time.perf_counter() - t0:.2f} s ({load()})")
t0 = time.perf_counter()
Channel._assign_channels(env.company)  # noqa: F821
print(f"reassignment, nothing changes: {time.perf_counter() - t0:.2f} s ({load()})")
cr.execute("SELECT count(ca.channel_id), count(*) FROM account_move am "
           "LEFT JOIN crm_channel_assignment ca ON ca.move_id = am.id WHERE am.name LIKE 'BENCH/%'")
print("invoices with a channel: %s of %s" % cr.fetchone())
t0 = time.perf_counter()
evaluations = env["crm.channel.evaluation"]._evaluate_period(companies=env.company)  # noqa: F821
print(f"scorecard of the last twelve months, {len(evaluations)} channels (target <= 2 s): "
      f"{time.perf_counter() - t0:.2f} s ({load()})")
t0 = time.perf_counter()
env["crm.customer.pnl"]._refresh_pnl(env.company)  # noqa: F821
print(f"customer P&L full refresh with channel costs: {time.perf_counter() - t0:.2f} s ({load()})")
cr.rollback()
