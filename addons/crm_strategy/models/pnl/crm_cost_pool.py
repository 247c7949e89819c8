from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ...const import DRIVER_VOLUMES
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.limits import MAX_NAME_LENGTH, check_text_lengths

# what an administrative rule's rate is per, in the customer P&L
ADMIN_VOLUMES = {"revenue_pct": "net_revenue", "per_customer": None, "per_order": "order_count"}


def _default_date_from(pool):
    return fields.Date.context_today(pool).replace(day=1) - relativedelta(months=12)


def _default_date_to(pool):
    return fields.Date.context_today(pool).replace(day=1) - relativedelta(days=1)


class CrmCostPool(models.Model):
    """Costs read from the ledger instead of typed: the expenses of some accounts (or analytic accounts) over
    a period, divided by the volume of a cost-to-serve driver or of an administrative rule's basis in the
    customer P&L of the same period. Applying the rate writes it on the driver or rule; the remainder the
    P&L does not allocate at the current rate shows whether the P&L reconciles with the ledger."""

    _name = "crm.cost.pool"
    _description = "Cost Pool from the Ledger"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_ids = fields.Many2many(
        "account.account", string="Expense Accounts", check_company=True,
        domain=[("account_type", "in", ("expense", "expense_direct_cost", "expense_depreciation"))],
        help="The pool is what was posted on these accounts in the period (and on the analytic accounts, if any).")
    analytic_account_ids = fields.Many2many(
        "account.analytic.account", string="Analytic Accounts",
        help="Only the share of each journal item distributed to these analytic accounts counts.")
    target = fields.Selection([("driver", "Cost-to-serve driver"), ("admin", "Administrative cost rule")],
                              required=True, default="driver")
    driver_id = fields.Many2one("crm.cost.driver", check_company=True)
    admin_rule_id = fields.Many2one("crm.admin.cost.rule", string="Administrative Rule", check_company=True)
    date_from = fields.Date(string="From", required=True, default=_default_date_from)
    date_to = fields.Date(string="To", required=True, default=_default_date_to)
    pool_amount = fields.Monetary(string="Pool (ledger)", compute="_compute_figures",
                                  help="Posted balance of the accounts in the period, in the company currency.")
    volume = fields.Float(compute="_compute_figures", digits=(16, 2),
                          help="The driver's (or rule basis') volume in the customer P&L of the period.")
    rate = fields.Float(string="Rate from the Ledger", compute="_compute_figures", digits=(16, 6),
                        help="Pool / volume (a percentage for a rule on net revenue).")
    current_rate = fields.Float(string="Rate in Use", compute="_compute_figures", digits=(16, 6))
    allocated_amount = fields.Monetary(string="Allocated by the P&L", compute="_compute_figures",
                                       help="Volume at the rate in use: what the customer P&L charges customers.")
    unallocated_amount = fields.Monetary(string="Unallocated", compute="_compute_figures",
                                         help="Pool - allocated: the ledger's cost the customer P&L does not charge "
                                              "(negative: it charges more than the ledger shows).")

    @api.constrains("account_ids", "analytic_account_ids", "target", "driver_id", "admin_rule_id", "date_from",
                    "date_to")
    def _check_pool(self):
        for pool in self:
            if not pool.account_ids and not pool.analytic_account_ids:
                raise ValidationError(self.env._("Cost pool %s needs expense or analytic accounts.", pool.name))
            if (pool.target == "driver" and not pool.driver_id) or (pool.target == "admin" and not pool.admin_rule_id):
                raise ValidationError(self.env._("Cost pool %s needs the driver or rule it sets.", pool.name))
            if pool.date_from > pool.date_to:
                raise ValidationError(self.env._("Cost pool %s ends before it starts.", pool.name))

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, {"name": MAX_NAME_LENGTH})

    def _pool_sql(self):
        self.ensure_one()
        conditions = [SQL("aml.company_id = %s AND aml.parent_state = 'posted' AND aml.date BETWEEN %s AND %s",
                          self.company_id.id, self.date_from, self.date_to)]
        if self.account_ids:
            conditions.append(SQL("aml.account_id IN %s", tuple(self.account_ids.ids)))
        weight = SQL("1.0")
        if self.analytic_account_ids:
            # a key of the distribution is one analytic account, or several of different plans ("3,7")
            weight = SQL("""COALESCE((SELECT SUM(d.value::float8) / 100.0
                                        FROM jsonb_each_text(aml.analytic_distribution) d
                                       WHERE string_to_array(d.key, ',')::int[] && %s), 0)""",
                         list(self.analytic_account_ids.ids))
            conditions.append(SQL("aml.analytic_distribution IS NOT NULL"))
        return SQL("SELECT COALESCE(SUM(aml.balance * %s), 0)::float8 FROM account_move_line aml WHERE %s",
                   weight, SQL(" AND ").join(conditions))

    def _volume_sql(self):
        self.ensure_one()
        if self.target == "driver":
            column = DRIVER_VOLUMES[self.driver_id.driver]
        else:
            column = ADMIN_VOLUMES[self.admin_rule_id.basis]
        measure = SQL("COUNT(*)") if column is None else SQL("SUM(%s)", SQL.identifier("p", column))
        return SQL(
            "SELECT COALESCE(%s, 0)::float8 FROM crm_customer_pnl p "
            "WHERE p.company_id = %s AND p.month BETWEEN %s AND %s",
            measure, self.company_id.id, self.date_from.replace(day=1), self.date_to)

    def _compute_figures(self):
        self.env["crm.customer.pnl"].flush_model()
        self.env["account.move.line"].flush_model(["balance", "account_id", "date", "parent_state",
                                                   "analytic_distribution"])
        for pool in self:
            if not pool._origin.id or not (pool.account_ids or pool.analytic_account_ids) or not (
                    pool.driver_id if pool.target == "driver" else pool.admin_rule_id):
                pool.update({"pool_amount": 0, "volume": 0, "rate": 0, "current_rate": 0, "allocated_amount": 0,
                             "unallocated_amount": 0})
                continue
            [(amount,)] = self.env.execute_query(pool._pool_sql())
            [(volume,)] = self.env.execute_query(pool._volume_sql())
            percent = pool.target == "admin" and pool.admin_rule_id.basis == "revenue_pct"
            scale = 100.0 if percent else 1.0
            current = pool.driver_id.unit_cost if pool.target == "driver" else pool.admin_rule_id.rate
            pool.pool_amount = amount
            pool.volume = volume
            pool.rate = scale * amount / volume if volume else 0.0
            pool.current_rate = current
            pool.allocated_amount = volume * current / scale
            pool.unallocated_amount = amount - pool.allocated_amount

    def action_apply(self):
        """Write the ledger's rate on the driver or rule (the next P&L refresh charges it)."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("write")
        for pool in self:
            if not pool.volume:
                raise UserError(self.env._(
                    "Cost pool %s: the customer P&L of the period has no volume to divide by. Refresh the P&L, or "
                    "choose another period.", pool.name))
            if pool.rate < 0:
                raise UserError(self.env._("Cost pool %s: the accounts show a credit, not a cost.", pool.name))
            target = pool.driver_id if pool.target == "driver" else pool.admin_rule_id
            target.write({"unit_cost" if pool.target == "driver" else "rate": pool.rate})
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": self.env._("Rates written: the next P&L refresh charges them."),
            "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}
