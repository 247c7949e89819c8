from contextlib import contextmanager

from odoo import models
from odoo.addons.crm_strategy.tools.pg import local_settings
from odoo.tools import SQL, config

from ..const import EPOCH, REFRESH_SQL_SETTINGS
from ..tools.pgcopy import copy_out_binary, int_array


class CrmCustomerMetricsRead(models.AbstractModel):
    """What the refresh of the customer metrics reads: each customer's purchase occasions (on the replica for a
    full refresh when Odoo has one), the customers whose documents changed since the last refresh, and their
    customer P&L. Inherited by ``crm.customer.metrics``."""

    _name = "crm.customer.metrics.read"
    _description = "Customer Metrics: Sales Read"

    def _use_replica(self):
        """Full refreshes read on the replica when Odoo has one (heavy reads; a little lag does not matter)."""
        return bool(config.get("db_replica_host"))

    @contextmanager
    def _read_cursor(self, full):
        if full and self._use_replica():
            with self.env.registry.cursor(readonly=True) as ro_cr:
                yield ro_cr
        else:
            self.env.flush_all()
            yield self.env.cr

    def _occasions_query(self, company, settings, end, partners_sql=None):
        """Per customer and day: revenue, margin (company currency) and whether a sale happened that day (1 or 0),
        never NULL (the binary COPY reads fixed-width rows)."""
        facts = self.env["crm.sales.fact"]
        if settings["source"] == "order":
            lines = facts._order_lines_sql(company.ids, date_to=end, partners=partners_sql)
        else:
            lines = facts._lines_sql(company.ids, date_to=end, partners=partners_sql)
        return SQL(
            """
            SELECT f.partner_id::int4, (f.invoice_date - %(epoch)s::date)::int4,
                   COALESCE(SUM(f.revenue), 0)::float8, COALESCE(SUM(f.margin), 0)::float8,
                   MAX(CASE WHEN f.is_refund THEN 0 ELSE 1 END)::int4
              FROM (%(lines)s) f
             WHERE f.partner_id IS NOT NULL AND f.invoice_date IS NOT NULL
          GROUP BY 1, 2
            """,
            epoch=EPOCH, lines=lines,
        )

    def _changed_partners_sql(self, company, settings, since):
        """Customers whose source documents were written since the last refresh."""
        if settings["source"] == "order":
            return SQL(
                """SELECT rp.commercial_partner_id FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                    WHERE so.company_id = %s AND so.write_date >= %s""", company.id, since)
        return SQL(
            """SELECT commercial_partner_id FROM account_move
                WHERE company_id = %s AND move_type IN ('out_invoice', 'out_refund') AND write_date >= %s""",
            company.id, since)

    def _read_occasions(self, company, settings, end, full, partners_sql=None):
        """The occasions of ``_occasions_query`` as a DataFrame (partner, day, revenue, margin, buy), decoded into
        their final dtypes as they arrive. The aggregate runs with the refresh's memory: at 4 MB it sorts on
        disk, at 10^6 customers a few hundred MB of temporary files."""
        with self._read_cursor(full) as cr, local_settings(cr, **REFRESH_SQL_SETTINGS):
            return copy_out_binary(
                cr, self._occasions_query(company, settings, end, partners_sql),
                {"partner": "int4", "day": "int4", "revenue": "float8", "margin": "float8", "buy": "int4"},
                dtypes={"partner": "int64", "day": "int64", "buy": "int8"})

    def _read_pnl(self, company, partner_ids, full=False):
        """Net revenue and contribution (net revenue less product, channel and cost-to-serve costs) of each
        customer's P&L, the suite's one definition of profit, aligned on ``partner_ids``: NaN without P&L rows.
        A full refresh reads it where it reads the occasions (the replica when there is one)."""
        with self._read_cursor(full) as cr:
            pnl = copy_out_binary(cr, SQL(
                """
                SELECT partner_id, COALESCE(SUM(net_revenue), 0)::float8,
                       COALESCE(SUM(net_revenue - product_cost - channel_cost - cost_to_serve), 0)::float8
                  FROM crm_customer_pnl
                 WHERE company_id = %s AND partner_id = ANY(%s::int4[])
              GROUP BY partner_id
                """, company.id, int_array(partner_ids.tolist())),
                {"partner_id": "int4", "net": "float8", "contribution": "float8"})
        return pnl.astype({"partner_id": "int64"}).set_index("partner_id").reindex(partner_ids)
