from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.pgcopy import copy_in


class CrmCohortRetention(models.Model):
    """Retention by acquisition cohort and age in months, and per segment, rebuilt by each full refresh.

    A cohort row is one cohort x age cell. A segment row is one point of a segment's retention curve over all
    cohorts, weighted by cohort size and counting at each age only the cohorts old enough to be observed there.
    """

    _name = "crm.cohort.retention"
    _description = "Cohort Retention"
    _order = "kind, cohort_month, segment_id, age"
    _log_access = False  # rebuilt by SQL

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    kind = fields.Selection([("cohort", "Cohort"), ("segment", "Segment")], required=True, readonly=True)
    cohort_month = fields.Date(readonly=True, help="Month of the first purchase (cohort rows).")
    segment_id = fields.Many2one(
        "crm.segment", readonly=True, ondelete="cascade",
        help="Primary segment of the customers (segment rows; empty for customers without one).")
    age = fields.Integer(string="Age (months)", readonly=True, aggregator=False)
    cohort_size = fields.Integer(string="Customers", readonly=True)
    active_customers = fields.Integer(readonly=True)
    retention = fields.Float(string="Retention (%)", readonly=True, aggregator="avg", digits=(16, 1))

    @api.model
    def _refresh_company(self, company, occasions):
        """Rebuild the company's rows from the refresh's occasions (customer, day since 1970, buy flag)."""
        # numpy, pandas and the maths of lib/ load when a refresh runs: a process that serves pages never imports them
        import numpy as np
        import pandas as pd

        from ..lib import cohorts

        cr = self.env.cr
        cr.execute(SQL("DELETE FROM crm_cohort_retention WHERE company_id = %s", company.id))
        buys = occasions[occasions["buy"] > 0]
        if buys.empty:
            return
        partners = buys["partner"].to_numpy(np.int64)
        months = cohorts.month_index(buys["day"].to_numpy(np.int64))
        sizes, active, _retention = cohorts.retention_matrix(partners, months)
        cells = active.stack(future_stack=True).dropna()
        index = cells.index.to_frame(index=False)
        frames = [pd.DataFrame({
            "kind": "cohort",
            "cohort_month": index["cohort"].to_numpy().astype("datetime64[M]").astype("datetime64[D]").astype(str),
            "segment_id": None,
            "age": index["age"].to_numpy(np.int64),
            "cohort_size": sizes.reindex(index["cohort"]).to_numpy(np.int64),
            "active_customers": cells.to_numpy(np.int64),
        })]
        cr.execute(SQL(
            """SELECT DISTINCT ON (partner_id) partner_id, segment_id FROM (%s) m
                WHERE company_id = %s AND is_primary ORDER BY partner_id, id""",
            self.env["crm.segment.member"]._current_sql(), company.id))
        segment_of = pd.Series(dict(cr.fetchall()), dtype="float64")
        groups = pd.Series(partners).map(segment_of).fillna(0).astype(np.int64).to_numpy()
        curves, observed = cohorts.retention_by_group(partners, months, groups, int(months.max()))
        for segment_id, curve in curves.iterrows():
            curve = curve.dropna()
            customers = observed.loc[segment_id].reindex(curve.index).to_numpy(np.int64)
            frames.append(pd.DataFrame({
                "kind": "segment",
                "cohort_month": None,
                "segment_id": int(segment_id) or None,
                "age": curve.index.to_numpy(np.int64),
                "cohort_size": customers,
                "active_customers": np.rint(curve.to_numpy() * customers).astype(np.int64),
            }))
        frame = pd.concat(frames, ignore_index=True)
        frame["retention"] = 100.0 * frame["active_customers"] / frame["cohort_size"].clip(lower=1)
        frame["segment_id"] = frame["segment_id"].astype("Int64")
        frame.insert(0, "company_id", company.id)
        copy_in(cr, "crm_cohort_retention", frame)
        self.invalidate_model()
