# Benchmark: XLSX export of 100k customer metrics rows (issue target <= 10 s and peak memory < 300 MB).
# Run by `make bench` (BENCH=export) inside `odoo-bin shell` (``env`` is defined) on a throw-away database.
# The export runs twice: timed as users run it, then under tracemalloc for Python's own allocation peak (tracing
# slows it down, so that run's time is printed apart). The process's peak resident size is printed as well.
import base64
import resource
import time
import tracemalloc

from odoo.tools import SQL

N = 100_000
env = env  # noqa: F821 (provided by odoo-bin shell)
cr = env.cr
company = env.company
t0 = time.perf_counter()
cr.execute(SQL(
    """
    INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills, group_rfq, group_on,
                             create_date, write_date)
    SELECT 'Export customer ' || g, 'Export customer ' || g, TRUE, TRUE, 'contact', 'ask', 'default', 'default',
           NOW(), NOW()
      FROM generate_series(1, %s) g
    """, N))
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
cr.execute(SQL(
    """
    INSERT INTO crm_customer_metrics (partner_id, company_id, purchase_count, revenue_total, margin_total, frequency,
                                      recency_days, rfm_recency, rfm_frequency, rfm_monetary, rfm_segment, p_alive,
                                      buy_probability, expected_purchases, clv, acquisition_date, acquisition_channel,
                                      acquisition_cost, refresh_date)
    SELECT p.id, %(company)s, 1 + (p.id %% 9), round((random() * 2000)::numeric, 2),
           round((random() * 600)::numeric, 2),
           p.id %% 9, (random() * 700)::int, 1 + p.id %% 5, 1 + (p.id / 5) %% 5, 1 + (p.id / 25) %% 5,
           (ARRAY['champions', 'loyal', 'at_risk', 'hibernating', 'new'])[1 + p.id %% 5], random(), random(),
           random() * 4, round((random() * 3000)::numeric, 2), CURRENT_DATE - (random() * 900)::int,
           (ARRAY['Website', 'Fair', 'Partner'])[1 + p.id %% 3], round((random() * 50)::numeric, 2), NOW()
      FROM res_partner p WHERE p.name LIKE 'Export customer %%'
    """, company=company.id))
cr.execute("ANALYZE crm_customer_metrics")
print(f"generated {N} customer metrics rows in {time.perf_counter() - t0:.1f} s")

rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# Timed run without tracemalloc: tracing every allocation slows this allocation-heavy loop about 4.5 times
# (measured), so the time and the Python memory peak come from two runs of the same export.
wizard = env["crm.analytics.export"].create({"analysis": "metrics"})
t0 = time.perf_counter()
wizard.action_export()
elapsed = time.perf_counter() - t0
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
size = len(base64.b64decode(wizard.file))
traced = env["crm.analytics.export"].create({"analysis": "metrics"})
tracemalloc.start()
t0 = time.perf_counter()
traced.action_export()
traced_elapsed = time.perf_counter() - t0
_current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(f"XLSX export of {wizard.row_count} rows: {elapsed:.2f} s (target <= 10 s); file {size / 2**20:.1f} MB; "
      f"process peak RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after (+{rss_after - rss_before:.0f} MB)")
print(f"same export under tracemalloc: peak Python memory {peak / 2**20:.0f} MB (target < 300 MB), "
      f"{traced_elapsed:.2f} s with tracing on")
cr.rollback()
