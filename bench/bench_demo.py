# Benchmark: the demo company's data hooks, as an install with demo data runs them.
# Run by `make bench BENCH=demo` inside `odoo-bin shell` (``env`` is defined) on a throw-away database where
# the suite's demo is already loaded: the hooks run again on top of it (another 1,500 customers), then roll back.
import time

env = env(context=dict(env.context, tz="UTC"))  # noqa: F821
cr = env.cr
steps = (
    ("crm_strategy: customers, sales, invoices, payments, pipeline", "crm.demo.data", "_generate_demo_data"),
    ("crm_strategy: measures", "crm.customer.measure", "_refresh_measures"),
    ("crm_strategy: channel evaluation", "crm.channel.evaluation", "_evaluate_period"),
    ("crm_strategy: customer P&L", "crm.customer.pnl", "_refresh_pnl"),
    ("crm_analytics: campaign bills, spend, analytics refresh", "crm.analytics.demo.data", "_generate_demo_data"),
    ("crm_partner_portal: orders, receipts, forecasts, offers", "crm.partner.portal.demo.data",
     "_generate_demo_data"),
)
cr.execute("SAVEPOINT bench_demo")
total_start = time.perf_counter()
for label, model, method in steps:
    start = time.perf_counter()
    if method == "_refresh_pnl":
        getattr(env[model], method)(env.company)
    else:
        getattr(env[model], method)()
    env.flush_all()
    print(f"{label}: {time.perf_counter() - start:.1f} s")
segments = env["crm.segment"].search([("company_id", "=", env.company.id)])
start = time.perf_counter()
segments.action_refresh_members()
print(f"crm_strategy: segment members: {time.perf_counter() - start:.1f} s")
print(f"demo data of the three addons: {time.perf_counter() - total_start:.1f} s")
cr.execute("ROLLBACK TO SAVEPOINT bench_demo")
