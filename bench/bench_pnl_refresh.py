# Benchmark: customer P&L refresh for 100k customers / ~1M invoice lines (issue target <= 10 s).
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database.
import time

from generator import generate

stats = generate(env, customers=100_000, lines=1_000_000)  # noqa: F821
print(f"generated {stats['customers']} customers and {stats['lines']} invoice lines in {stats['seconds']:.1f} s")
Pnl = env["crm.customer.pnl"]  # noqa: F821
for label in ("full refresh", "full refresh again (rows replaced)"):
    env.flush_all()  # noqa: F821
    t0 = time.perf_counter()
    Pnl._refresh_pnl(env.company)  # noqa: F821
    elapsed = time.perf_counter() - t0
    env.cr.execute("SELECT count(*), count(DISTINCT partner_id) FROM crm_customer_pnl")  # noqa: F821
    rows, customers = env.cr.fetchone()  # noqa: F821
    print(f"customer P&L {label}: {elapsed:.2f} s for {rows} rows / {customers} customers (target <= 10 s)")
from datetime import date  # noqa: E402

from dateutil.relativedelta import relativedelta  # noqa: E402

t0 = time.perf_counter()
Pnl._refresh_pnl(env.company, date.today().replace(day=1) - relativedelta(months=1))  # noqa: F821
print(f"customer P&L incremental refresh (last two months): {time.perf_counter() - t0:.2f} s")
env.cr.rollback()  # noqa: F821
