from odoo import models
from odoo.addons.crm_strategy.tools.pg import bulk_load, float_to_numeric, local_settings
from odoo.tools import SQL

from ..const import EPOCH, REFRESH_SQL_SETTINGS, STAGING_COLUMNS
from ..tools.pgcopy import copy_in_binary

# Written by the insert but left alone when a refresh updates a row: the key, and the acquisition cost, which
# ``_update_acquisition_cost`` sets afterwards from the campaigns' spend.
KEPT_ON_UPDATE = ("partner_id", "company_id", "acquisition_cost")
# Analyzed right after a full refresh (all 36 columns take seconds at 10^6 rows): the keys, and what the reports
# filter, group and sort on.
ANALYZED_COLUMNS = ("company_id", "partner_id", "segment_id", "rfm_segment", "cohort_month", "acquisition_campaign_id",
                    "clv", "p_alive", "refresh_date")


class CrmCustomerMetricsStore(models.AbstractModel):
    """How the refresh of the customer metrics writes its rows: staged with a binary COPY, then (on a full refresh,
    after the customers no longer present are dropped) one UPDATE of the rows that exist and one INSERT of the
    others, in the caller's transaction, so readers see the old rows or the new ones, never a mix. Each statement
    is a method of its own that returns its SQL. Inherited by ``crm.customer.metrics``."""

    _name = "crm.customer.metrics.store"
    _description = "Customer Metrics: Store"

    def _swap(self, company, settings, frame, model, full):
        """Swap the computed rows of ``frame`` in for the company's, with ``model`` as their fit."""
        cr = self.env.cr
        self.env.flush_all()
        self._stage(frame)
        if full:
            cr.execute(SQL(
                """DELETE FROM crm_customer_metrics m
                    WHERE m.company_id = %s
                      AND NOT EXISTS (SELECT 1 FROM crm_analytics_staging s WHERE s.partner_id = m.partner_id)""",
                company.id))
        self._write_staged(company, settings, model)
        self._update_acquisition_cost(company)
        cr.execute(SQL("DROP TABLE crm_analytics_staging"))
        if full:
            # the columns reports filter, group and sort on: the others' statistics wait for autovacuum's analyze
            cr.execute(SQL("ANALYZE crm_customer_metrics (%s)",
                           SQL(", ").join(SQL.identifier(name) for name in ANALYZED_COLUMNS)))

    def _stage(self, frame):
        """COPY the computed rows into the temporary table crm_analytics_staging (dropped at commit)."""
        cr = self.env.cr
        columns = SQL(", ").join(
            SQL("%s %s", SQL.identifier(name), SQL(pg_type)) for name, pg_type in STAGING_COLUMNS.items())
        cr.execute(SQL("DROP TABLE IF EXISTS crm_analytics_staging"))
        cr.execute(SQL("CREATE TEMP TABLE crm_analytics_staging (%s) ON COMMIT DROP", columns))
        copy_in_binary(cr, "crm_analytics_staging", frame, STAGING_COLUMNS)
        # the statements join it on the customer only: that column's statistics are all the planner needs
        cr.execute(SQL("ANALYZE crm_analytics_staging (partner_id)"))

    def _write_staged(self, company, settings, model):
        """Update the company's rows of the staged customers (which then leave the staging table), and insert the
        others: two plain statements, cheaper than one INSERT ... ON CONFLICT, whose speculative insertion
        probes and locks the unique index for every row, and a row keeps its id (retention triggers point at it)."""
        cr = self.env.cr
        # each joins the first sale document of every staged customer (a sort of the company's invoices)
        with local_settings(cr, **REFRESH_SQL_SETTINGS):
            cr.execute(self._update_sql(company, settings, model))
            cr.execute(SQL("SELECT COUNT(*) FROM crm_analytics_staging"))
            [added] = cr.fetchone()
            # many new customers (the first refresh of a large company): one anti-join per foreign key checks
            # them, rather than a trigger call per row and key; readers of the metrics wait for the commit
            with bulk_load(cr, "crm_customer_metrics", added):
                cr.execute(self._insert_sql(company, settings, model))

    def _update_sql(self, company, settings, model):
        """Update the company's rows of the staged customers from the staged values (but the key and the
        acquisition cost), and take those customers out of the staging table."""
        values = self._metrics_values_sql(company, settings, model)
        return SQL(
            """
            WITH acq AS (%(acquisition)s), seg AS (%(segments)s), updated AS (
                UPDATE crm_customer_metrics AS m SET %(updates)s
                  FROM crm_analytics_staging s
             LEFT JOIN acq ON acq.partner_id = s.partner_id
             LEFT JOIN seg ON seg.partner_id = s.partner_id
                 WHERE m.company_id = %(company)s AND m.partner_id = s.partner_id
             RETURNING m.partner_id
            )
            DELETE FROM crm_analytics_staging st USING updated WHERE st.partner_id = updated.partner_id
            """,
            acquisition=self._acquisition_sql(company, settings),
            segments=self._primary_segment_sql(company),
            company=company.id,
            updates=SQL(", ").join(SQL("%s = %s", SQL.identifier(name), value)
                                   for name, value in values.items() if name not in KEPT_ON_UPDATE),
        )

    def _insert_sql(self, company, settings, model):
        """Insert the staged customers that have no row yet (what _update_sql left in the staging table)."""
        values = self._metrics_values_sql(company, settings, model)
        return SQL(
            """
            WITH acq AS (%(acquisition)s), seg AS (%(segments)s)
            INSERT INTO crm_customer_metrics (%(columns)s)
            SELECT %(values)s
              FROM crm_analytics_staging s
         LEFT JOIN acq ON acq.partner_id = s.partner_id
         LEFT JOIN seg ON seg.partner_id = s.partner_id
            """,
            acquisition=self._acquisition_sql(company, settings),
            segments=self._primary_segment_sql(company),
            columns=SQL(", ").join(SQL.identifier(name) for name in values),
            values=SQL(", ").join(values.values()),
        )

    def _metrics_values_sql(self, company, settings, model):
        """{metrics column: its value} from the staged row ``s``, the customer's first sale ``acq`` (with the label
        of its acquisition channel) and primary segment ``seg``."""
        first_day = SQL("%s::date + s.first_day", EPOCH)
        staged = [name for name in STAGING_COLUMNS if name not in ("partner_id", "first_day", "last_day")]
        return {
            "partner_id": SQL("s.partner_id"),
            "company_id": SQL("%s", company.id),
            "segment_id": SQL("seg.segment_id"),
            "first_purchase_date": first_day,
            "last_purchase_date": SQL("%s::date + s.last_day", EPOCH),
            **{name: self._staged_value_sql(name) for name in staged},
            "acquisition_date": first_day,
            "cohort_month": SQL("date_trunc('month', %s)::date", first_day),
            "acquisition_channel": SQL("acq.channel_label"),
            "acquisition_source_id": SQL("acq.source_id"),
            "acquisition_medium_id": SQL("acq.medium_id"),
            "acquisition_campaign_id": SQL("acq.campaign_id"),
            "acquisition_team_id": SQL("acq.team_id"),
            "acquisition_cost": SQL("0"),
            "clv_model_id": SQL("%s", model.id),
            "refresh_date": SQL("NOW() AT TIME ZONE 'UTC'"),
        }

    def _staged_value_sql(self, name):
        """The staged column ``name`` as its metrics column takes it: a float8 bound for a numeric column through
        its text form (``float_to_numeric``: a second less for the 1.3M values of a refresh of 10^5 customers)."""
        if STAGING_COLUMNS[name] == "float8" and self._fields[name].column_type[0] == "numeric":
            return float_to_numeric(SQL("s.%s", SQL.identifier(name)))
        return SQL("s.%s", SQL.identifier(name))

    def _primary_segment_sql(self, company):
        """The primary segment (CRM Strategy) of each customer of the company."""
        return SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, segment_id FROM (%s) sm
             WHERE company_id = %s AND is_primary ORDER BY partner_id, id
            """, self.env["crm.segment.member"]._current_sql(), company.id)

    def _acquisition_documents_sql(self, company, settings):
        """First sale document of each staged customer, with its UTM tags and sales team."""
        if settings["source"] == "order":
            return SQL(
                """
                SELECT DISTINCT ON (rp.commercial_partner_id) rp.commercial_partner_id AS partner_id,
                       so.source_id, so.medium_id, so.campaign_id, so.team_id, ca.channel_id
                  FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
             LEFT JOIN crm_channel_assignment ca ON ca.order_id = so.id
                 WHERE so.company_id = %s AND so.state = 'sale'
                   AND rp.commercial_partner_id IN (SELECT partner_id FROM crm_analytics_staging)
              ORDER BY rp.commercial_partner_id, so.date_order, so.id
                """, company.id)
        return SQL(
            """
            SELECT DISTINCT ON (am.commercial_partner_id) am.commercial_partner_id AS partner_id,
                   am.source_id, am.medium_id, am.campaign_id, am.team_id, ca.channel_id
              FROM account_move am
         LEFT JOIN crm_channel_assignment ca ON ca.move_id = am.id
             WHERE am.company_id = %s AND am.state = 'posted' AND am.move_type = 'out_invoice'
               AND am.commercial_partner_id IN (SELECT partner_id FROM crm_analytics_staging)
          ORDER BY am.commercial_partner_id, am.invoice_date, am.id
            """, company.id)

    def _acquisition_sql(self, company, settings):
        """The first sale document of each staged customer with the label of its acquisition channel, joining only
        the table the configured channel dimension names."""
        lang = self.env.lang or "en_US"
        dimension = settings["channel_dimension"]
        if dimension == "channel":
            # documents that no channel rule recognises fall back on their UTM source
            label = SQL("COALESCE(chn.name ->> %s, chn.name ->> 'en_US', src.name)", lang)
            joins = SQL("LEFT JOIN crm_channel chn ON chn.id = doc.channel_id "
                        "LEFT JOIN utm_source src ON src.id = doc.source_id")
        elif dimension == "medium":
            label, joins = SQL("med.name"), SQL("LEFT JOIN utm_medium med ON med.id = doc.medium_id")
        elif dimension == "team":
            label = SQL("COALESCE(team.name ->> %s, team.name ->> 'en_US')", lang)
            joins = SQL("LEFT JOIN crm_team team ON team.id = doc.team_id")
        else:
            label, joins = SQL("src.name"), SQL("LEFT JOIN utm_source src ON src.id = doc.source_id")
        return SQL("SELECT doc.*, %s AS channel_label FROM (%s) doc %s",
                   label, self._acquisition_documents_sql(company, settings), joins)

    def _update_acquisition_cost(self, company):
        """Share each campaign's recorded spend equally among the customers it acquired."""
        self.env.cr.execute(SQL(
            """
            WITH spend AS (
                SELECT campaign_id, SUM(amount) AS amount FROM crm_marketing_spend
                 WHERE company_id = %(company)s GROUP BY campaign_id
            ), acquired AS (
                SELECT acquisition_campaign_id AS campaign_id, COUNT(*) AS customers FROM crm_customer_metrics
                 WHERE company_id = %(company)s AND acquisition_campaign_id IS NOT NULL GROUP BY 1
            ), cost AS (
                SELECT m.id, COALESCE(spend.amount / NULLIF(acquired.customers, 0), 0) AS cost
                  FROM crm_customer_metrics m
                  JOIN acquired ON acquired.campaign_id = m.acquisition_campaign_id
             LEFT JOIN spend ON spend.campaign_id = m.acquisition_campaign_id
                 WHERE m.company_id = %(company)s
            )
            UPDATE crm_customer_metrics m SET acquisition_cost = cost.cost
              FROM cost WHERE cost.id = m.id AND m.acquisition_cost IS DISTINCT FROM cost.cost
            """, company=company.id))
