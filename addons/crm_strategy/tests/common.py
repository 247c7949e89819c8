from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from ..tools.pg import with_steps


def values(columns, rows):
    """Rows of a test's own as a query with named columns: the steps a statement's step reads, fed by hand."""
    return SQL("SELECT * FROM (VALUES %s) AS v(%s)",
               SQL(", ").join(SQL("(%s)", SQL(", ").join(SQL("%s", value) for value in row)) for row in rows),
               SQL(", ").join(SQL.identifier(column) for column in columns))


def strategy_users(env, company, prefix):
    """A CRM strategy manager and a CRM strategy user of ``company`` (logins ``<prefix>_manager``/``_user``)."""
    company_vals = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
    return tuple(new_test_user(env, f"{prefix}_{role}", groups=f"crm_strategy.group_crm_strategy_{role}",
                               **company_vals) for role in ("manager", "user"))


def posted_invoice(env, partner, invoice_date, product, quantity, price=100.0, discount=0.0,
                   move_type="out_invoice"):
    """A posted invoice (or credit note) of one line without tax: the figures a test computes by hand."""
    move = env["account.move"].create({
        "move_type": move_type, "partner_id": partner.id, "invoice_date": invoice_date,
        "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": quantity, "price_unit": price,
                                             "discount": discount, "tax_ids": [Command.clear()]})],
    })
    move.action_post()
    return move


@tagged("post_install", "-at_install")
class CrmStrategyCase(AccountTestInvoicingCommon):
    """Customers with real posted invoices and confirmed orders in a fresh company of their own,
    so that figures are computed by hand whatever demo data the database holds."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager") | cls.env.ref(
            "crm_strategy.group_crm_strategy_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.manager, cls.strategy_user = strategy_users(cls.env, cls.company, "strat")
        cls.product = cls.env["product.product"].create({
            "name": "Desk", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
        })
        cls.customer_big = cls.env["res.partner"].create({"name": "Big Buyer", "is_company": True})
        cls.customer_small = cls.env["res.partner"].create({"name": "Small Buyer", "is_company": True})
        cls.customer_none = cls.env["res.partner"].create({"name": "Never Bought", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Big Buyer Contact", "parent_id": cls.customer_big.id})

    def assertFigures(self, record, expected, places=7):
        """Each figure of ``expected`` ({field: value}) on ``record``: integers, booleans and the like equal,
        amounts and rates equal to ``places`` decimals."""
        for name, value in expected.items():
            if record._fields[name].type in ("float", "monetary"):
                self.assertAlmostEqual(record[name], value, places=places, msg=name)
            else:
                self.assertEqual(record[name], value, name)

    @classmethod
    def _invoice(cls, partner, days_ago, quantity, price=100.0, discount=0.0, move_type="out_invoice", product=None):
        return posted_invoice(cls.env, partner, cls.today - timedelta(days=days_ago), product or cls.product,
                              quantity, price, discount, move_type)

    @classmethod
    def _order(cls, partner, days_ago, quantity=1):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": quantity})],
        })
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order


@tagged("post_install", "-at_install")
class CrmChannelCase(CrmStrategyCase):
    """Three channels and three customers of this month, computed by hand:

    =========  ==================  =======  ==========================  ======  ======
    document   customer            channel  why                         amount  margin
    =========  ==================  =======  ==========================  ======  ======
    order o1   Big (first order)   Web      origin WEB beats team Field   1000     400
    order o2   Small (first order) Field    team                           500     200
    order o3   Big                 Field    team, 2 at 80                  160      40
    invoice i4 Third (no order)    Phone    UTM medium, 3 at 90            270      90
    =========  ==================  =======  ==========================  ======  ======
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chair = cls.env["product.product"].create({
            "name": "Chair", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
            "invoice_policy": "order", "taxes_id": [Command.clear()],
        })
        cls.team = cls.env["crm.team"].create({"name": "Field team", "company_id": cls.company.id})
        cls.phone = cls.env["utm.medium"].create({"name": "Test phone"})
        Channel = cls.env["crm.channel"]
        cls.web = Channel.create({
            "name": "Web", "channel_type": "ecommerce", "sequence": 10, "rule_type": "origin",
            "origin_pattern": "WEB", "cost_model": "revenue_pct", "cost_rate": 10})
        cls.field = Channel.create({
            "name": "Field", "channel_type": "sales_force", "sequence": 20, "rule_type": "team",
            "team_id": cls.team.id, "cost_model": "fixed", "cost_rate": 100})
        cls.phone_channel = Channel.create({
            "name": "Phone", "channel_type": "call_centre", "sequence": 30, "rule_type": "utm_medium",
            "medium_id": cls.phone.id, "cost_model": "per_contact", "cost_rate": 30})
        cls.customer_third = cls.env["res.partner"].create({"name": "Third Buyer", "is_company": True})
        cls.moment = fields.Datetime.now().replace(microsecond=0)
        cls.o1 = cls._channel_order(cls.customer_big, 10, origin="WEB-1", team_id=cls.team.id)
        cls.o2 = cls._channel_order(cls.customer_small, 5, team_id=cls.team.id)
        cls.o3 = cls._channel_order(cls.customer_big, 2, price=80.0, team_id=cls.team.id)
        for order in cls.o1 | cls.o2 | cls.o3:
            order._create_invoices().action_post()
        cls.i4 = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.customer_third.id, "invoice_date": cls.today,
            "medium_id": cls.phone.id, "team_id": False,
            "invoice_line_ids": [Command.create({
                "product_id": cls.chair.id, "quantity": 3, "price_unit": 90.0, "tax_ids": [Command.clear()]})],
        })
        cls.i4.action_post()
        cls.segment_two = cls.env["crm.segment"].create({
            "name": "Big and small", "code": "BS", "priority": 20,
            "rule_domain": f"[('id', 'in', {[cls.customer_big.id, cls.customer_small.id]})]"})
        cls.segment_third = cls.env["crm.segment"].create({
            "name": "Third", "code": "TH", "priority": 10,
            "rule_domain": f"[('id', '=', {cls.customer_third.id})]"})
        (cls.segment_two | cls.segment_third).action_refresh_members()
        cls.month_start = cls.today.replace(day=1)

    @classmethod
    def _criteria(cls, *criteria):
        """The scorecard's criteria, each a (name, measure, weight)."""
        return cls.env["crm.channel.criterion"].create([
            {"name": name, "measure": measure, "weight": weight} for name, measure, weight in criteria])

    def _forget_channels(self):
        """Forget every computed channel of the company's orders and invoices, in SQL (overrides stay)."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM crm_channel_assignment WHERE company_id = %s AND NOT override",
                                self.company.id))
        self.env.invalidate_all()

    @classmethod
    def _channel_order(cls, partner, quantity, price=100.0, **vals):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, **vals,
            "order_line": [Command.create({"product_id": cls.chair.id, "product_uom_qty": quantity,
                                           "price_unit": price, "tax_ids": [Command.clear()]})],
        })
        order.action_confirm()
        order.date_order = cls.moment
        return order


@tagged("post_install", "-at_install")
class CrmSqlStepCase(TransactionCase):
    """Steps of a statement (see tools.pg.with_steps) run alone: the steps they read are rows written by hand
    (``values``)."""

    def _step(self, steps, name):
        """The rows of the step ``name``, the last of ``steps`` [(name, query)]."""
        self.env.flush_all()
        return self.env.execute_query_dict(with_steps(steps, SQL("SELECT * FROM %s", SQL.identifier(name))))
