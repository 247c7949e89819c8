"""19.0.1.1.0: the refreshes queued from the interface move from the system parameter
crm_analytics.refresh_requests (JSON {company id: full refresh?}) to crm.customer.metrics.request rows."""
import json

from odoo.tools import SQL

PARAM = "crm_analytics.refresh_requests"


def migrate(cr, version):
    cr.execute(SQL("DELETE FROM ir_config_parameter WHERE key = %s RETURNING value", PARAM))
    row = cr.fetchone()
    try:
        queued = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        queued = {}
    if not isinstance(queued, dict):
        return
    queued = {int(key): bool(full) for key, full in queued.items() if str(key).isdigit()}
    if not queued:
        return
    cr.execute(SQL(
        """
        INSERT INTO crm_customer_metrics_request AS r (company_id, full_refresh, create_uid, create_date, write_uid,
                                                       write_date)
        SELECT c.id, q.is_full, 1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
          FROM unnest(%s::int[], %s::bool[]) AS q(company_id, is_full)
          JOIN res_company c ON c.id = q.company_id
        ON CONFLICT (company_id) DO UPDATE SET full_refresh = r.full_refresh OR EXCLUDED.full_refresh
        """, list(queued), list(queued.values())))
