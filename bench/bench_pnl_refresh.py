# Benchmark: customer P&L refresh for 100k customers / ~1M invoice lines (issue target <= 10 s).
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database.
# Each refresh commits, as the cron does: it reads committed data and replaces the previous refresh's rows.
import time
from datetime import date

from dateutil.relativedelta import relativedelta
from generator import bench_size, generate

env = env  # noqa: F821 (provided by odoo-bin shell)
stats = generate(env, **bench_size())
env.cr.commit()
print(f"generated {stats['customers']} customers and {stats['lines']} invoice lines in {stats['seconds']:.1f} s")
Pnl = env["crm.customer.pnl"]


def refresh(label, date_from=None):
    t0 = time.perf_counter()
    Pnl._refresh_pnl(env.company, date_from)
    env.cr.commit()
    elapsed = time.perf_counter() - t0
    env.cr.execute("SELECT count(*), count(DISTINCT partner_id) FROM crm_customer_pnl")
    rows, customers = env.cr.fetchone()
    print(f"customer P&L {label}: {elapsed:.2f} s for {rows} rows / {customers} customers")


refresh("full refresh, first (target <= 10 s)")
refresh("full refresh again, rows replaced (target <= 10 s)")
refresh("incremental refresh (last two months)", date.today().replace(day=1) - relativedelta(months=1))
