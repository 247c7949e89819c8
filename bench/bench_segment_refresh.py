# Benchmark: segment membership refresh over N commercial partners (issue: target <= 2 s at 100k).
# Run by `make bench` inside `odoo-bin shell` (``env`` is defined) on a throw-away database.
import time

from generator import bench_size

from odoo.tools import SQL

N = bench_size()["customers"]
cr = env.cr  # noqa: F821 (provided by odoo-bin shell)
company = env.company  # noqa: F821
t0 = time.perf_counter()
cr.execute(SQL(
    """
    INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills, group_rfq, group_on,
                             company_id, create_date, write_date)
    SELECT 'Bench segment customer ' || g, 'Bench segment customer ' || g, g %% 50 <> 0, TRUE, 'contact', 'ask',
           'default', 'default', NULL, NOW(), NOW()
      FROM generate_series(1, %s) g
    """, N))
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
# skewed measures: lognormal-ish revenue, geometric order counts, uniform recency
cr.execute(SQL(
    """
    INSERT INTO crm_customer_measure (partner_id, company_id, order_count, revenue_12m, revenue_total,
                                      margin_12m, margin_total, average_order_value, discount_share,
                                      days_since_last_order, first_order_date, last_order_date, refresh_date)
    SELECT p.id, %(company)s, o.orders, o.rev, o.rev * 1.8, o.rev * 0.35, o.rev * 0.6,
           o.rev / GREATEST(o.orders, 1), (random() * 30)::numeric(5, 2), o.recency,
           CURRENT_DATE - o.recency - 400, CURRENT_DATE - o.recency, NOW()
      FROM res_partner p
     CROSS JOIN LATERAL (
        SELECT GREATEST(1, floor(-ln(random() + 1e-9) * 3))::int AS orders,
               round(exp(random() * 4 + 4)::numeric, 2) AS rev,
               floor(random() * 700)::int AS recency, p.id AS pid
     ) o
     WHERE p.name LIKE 'Bench segment customer %%'
    """, company=company.id))
cr.execute("ANALYZE res_partner")
cr.execute("ANALYZE crm_customer_measure")
env.invalidate_all()  # noqa: F821
print(f"generated {N} partners and their measures in {time.perf_counter() - t0:.1f} s")

Segment = env["crm.segment"]  # noqa: F821
rules = {
    "BIG": "[('crm_revenue_12m', '>=', 1000)]",
    "ATRISK": "[('crm_days_since_last_order', '>', 180), ('crm_order_count', '>=', 2)]",
    "DISC": "[('crm_discount_share', '>=', 20)]",
    "ALL": "[('crm_order_count', '>', 0)]",
}
segments = Segment.create([
    {"name": code, "code": f"BENCH_{code}", "priority": i, "rule_domain": rule}
    for i, (code, rule) in enumerate(rules.items())
])


def churn():
    """5% of the customers change: their revenue moves across the BIG threshold, recency ages."""
    cr.execute("""
        UPDATE crm_customer_measure
           SET revenue_12m = CASE WHEN revenue_12m >= 1000 THEN 10 ELSE 5000 END,
               days_since_last_order = days_since_last_order + 200
         WHERE id % 20 = 0
    """)
    env.invalidate_all()  # noqa: F821


# The machine is shared: each case runs RUNS times, rolled back in between, and the best run is the
# figure (as timeit does): noise only slows a run down, and so do the dead rows a rolled-back first load
# leaves behind, which the later runs of that case must step over.
RUNS = 3


def timed_refresh(targets):
    env.flush_all()  # noqa: F821
    t0 = time.perf_counter()
    targets.action_refresh_members()
    env.flush_all()  # noqa: F821
    return time.perf_counter() - t0


for label, targets, before in (("one segment (ALL), first load", segments[-1:], None),
                               ("one segment (ALL), unchanged", segments[-1:], None),
                               ("four segments, first load", segments, None),
                               ("four segments, unchanged", segments, None),
                               ("four segments, 5% of customers changed", segments, churn)):
    if before:
        before()
    times = []
    for run in range(RUNS):
        last = run == RUNS - 1
        if not last:
            cr.execute("SAVEPOINT bench_run")
        times.append(timed_refresh(targets))
        if not last:
            cr.execute("ROLLBACK TO SAVEPOINT bench_run")
            env.invalidate_all()  # noqa: F821
    members = sum(targets.mapped("member_count"))
    times.sort()
    print(f"segment refresh, {label}: {times[0]:.2f} s best of {RUNS} "
          f"(median {times[len(times) // 2]:.2f}, max {times[-1]:.2f}) for {members} memberships over {N} "
          f"partners (target <= 2 s)")
cr.rollback()
