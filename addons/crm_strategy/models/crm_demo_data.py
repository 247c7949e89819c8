import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..tools import demo_plan
from ..tools.entry_numbers import number_entries

_logger = logging.getLogger(__name__)

BATCH = 100
# Context of the bulk writes: no chatter tracking, no procurement for the historical orders.
FAST = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "mail_create_nosubscribe": True,
        "mail_auto_subscribe_no_notify": True, "skip_procurement": True}
# Context of the historical journal entries: their lines carry no analytic distribution, so there is no
# analytic line to synchronise (a quarter of the time of creating them otherwise).
HISTORY = {"skip_invoice_sync": True, "skip_analytic_sync": True}
# The tables the install-time refreshes read (all of this addon's dependencies: purchase may not be installed).
ANALYZED = ("res_partner", "sale_order", "sale_order_line", "account_move", "account_move_line",
            "account_partial_reconcile", "sale_order_line_invoice_rel", "crm_lead", "mail_activity",
            "mail_message", "stock_move")
TAG_XMLIDS = {"sustainability": "profile_tag_sustainability", "price": "profile_tag_price",
              "design": "profile_tag_design", "remote_work": "profile_tag_remote_work"}


class CrmDemoData(models.AbstractModel):
    """Writes the demo company of tools/demo_plan.py: customers, three years of orders, invoices, credit
    notes and payments, the pipeline and the logged activities. Called once by the demo data
    (demo/crm_demo_company_demo.xml), never over RPC (private)."""

    _name = "crm.demo.data"
    _description = "CRM Strategy demo data"

    @api.model
    def _generate_demo_data(self):
        started = time.monotonic()
        self = self.sudo().with_context(**FAST)
        plan = demo_plan.build_plan(fields.Date.context_today(self))
        self._demo_catalogue()
        partners = self._demo_customers(plan)
        self._demo_stock()
        steps = [("customers", time.monotonic())]
        invoices = self._demo_sales(plan, partners)
        steps.append(("sales", time.monotonic()))
        self._demo_payments(plan, invoices)
        self._demo_reminders(plan, invoices)
        steps.append(("payments", time.monotonic()))
        self._demo_pipeline(plan, partners)
        self._demo_activities(plan, partners)
        steps.append(("pipeline and activities", time.monotonic()))
        # The refreshes that follow read these tables in the same transaction, before autovacuum could see
        # them: without statistics PostgreSQL plans them as the near-empty tables they were.
        self.env.flush_all()
        self.env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(SQL.identifier(table) for table in ANALYZED)))
        steps.append(("statistics", time.monotonic()))
        times = ", ".join(f"{name} {end - begin:.1f} s" for (name, end), (_n, begin)
                          in zip(steps, [("start", started), *steps]))
        _logger.info("crm_strategy demo: %s customers, %s sales in %.1f s (%s)", len(partners), len(plan.sales),
                     time.monotonic() - started, times)

    # --- customers ----------------------------------------------------------------
    def _demo_customers(self, plan):
        """{plan key: partner}, created in one batch with their demographic and psychographic profile."""
        codes = {customer.country.upper() for customer in plan.customers}
        countries = {country.code.lower(): country.id
                     for country in self.env["res.country"].search([("code", "in", list(codes))])}
        tags = {key: self.env.ref(f"crm_strategy.{xmlid}").id for key, xmlid in TAG_XMLIDS.items()}
        vals_list = []
        for customer in plan.customers:
            vals = {
                "name": customer.name, "is_company": customer.is_company, "email": customer.email,
                "street": customer.street, "city": customer.city, "zip": customer.zip,
                "country_id": countries[customer.country], "customer_rank": 1, "company_id": self.env.company.id,
                "crm_profile_tag_ids": [Command.set([tags[tag] for tag in customer.tags])],
            }
            if customer.is_company:
                vals.update(industry_id=self.env.ref(f"base.res_partner_industry_{customer.industry}").id,
                            crm_size_band=customer.size_band,
                            crm_revenue_band=demo_plan.REVENUE_OF_SIZE[customer.size_band])
            else:
                vals.update(crm_birth_year=customer.birth_year, crm_income_band=customer.income_band,
                            crm_education=customer.education)
            vals_list.append(vals)
        partners = self.env["res.partner"].create(vals_list)
        return dict(zip([c.key for c in plan.customers], partners))

    def _demo_stock(self):
        """Stock on hand of the goods, so that deliveries and the vendors' forecasts start from real figures."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        products = self._demo_products().values()
        quants = self.env["stock.quant"].with_context(inventory_mode=True).create([
            {"product_id": product.id, "location_id": warehouse.lot_stock_id.id,
             # a few weeks of sales: dear items are kept in small numbers
             "inventory_quantity": 30 if product.lst_price < 200 else 6 if product.lst_price < 900 else 3}
            for product in products if product.is_storable])
        quants.action_apply_inventory()

    # --- catalogue and campaigns: business data without xml ids, so that they outlive an uninstallation like
    # the sales that reference them
    def _demo_catalogue(self):
        """The products (found again by their internal reference) and the campaigns (by their name)."""
        if not self._demo_products():
            category = self.env["product.category"].create({
                "name": "Office Furniture", "property_valuation": "real_time", "property_cost_method": "standard"})
            self.env["product.product"].create([{
                "name": name, "default_code": demo_plan.product_code(key), "list_price": price,
                "standard_price": cost, "type": "service" if service else "consu", "is_storable": not service,
                "categ_id": category.id, "invoice_policy": "order", "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()]} for key, name, price, cost, service in demo_plan.CATALOGUE])
        missing = [title for title in demo_plan.CAMPAIGN_TITLES.values()
                   if not self.env["utm.campaign"].search_count([("title", "=", title)])]
        self.env["utm.campaign"].create([{"title": title} for title in missing])

    def _demo_products(self):
        """{catalogue key: product}."""
        codes = {demo_plan.product_code(key): key for key, *_rest in demo_plan.CATALOGUE}
        products = self.env["product.product"].search([("default_code", "in", list(codes))], order="id")
        return {codes[product.default_code]: product for product in products}

    def _demo_campaign(self, key):
        return self.env["utm.campaign"].search([("title", "=", demo_plan.CAMPAIGN_TITLES[key])], limit=1)

    def _demo_channel_values(self, channel, campaign, number):
        """Fields of a sales order that make the channel rules recognise its channel (see crm_channel_demo)."""
        ref = self.env.ref
        vals = {"team_id": ref("sales_team.team_sales_department").id}
        if channel == "web":
            vals.update(origin=f"WEB/{number:05d}", medium_id=ref("utm.utm_medium_website").id)
        elif channel == "email":
            vals.update(source_id=ref("utm.utm_source_newsletter").id, medium_id=ref("utm.utm_medium_email").id)
        elif channel == "call":
            vals["medium_id"] = ref("utm.utm_medium_phone").id
        elif channel == "distributor":
            vals["source_id"] = ref("utm.utm_source_referral").id
        if campaign:
            vals["campaign_id"] = self._demo_campaign(campaign).id
        return vals

    # --- sales --------------------------------------------------------------------
    def _demo_sales(self, plan, partners):
        """Orders and their invoices (and credit notes), in batches: {sale index: invoice}."""
        products = self._demo_products()
        invoices = {}
        indexed = list(enumerate(plan.sales))
        history = [(i, sale) for i, sale in indexed if not sale.full_flow]
        for start in range(0, len(history), BATCH):
            invoices.update(self._demo_sales_batch(history[start:start + BATCH], partners, products))
        invoices.update(self._demo_full_flow([(i, s) for i, s in indexed if s.full_flow], partners, products))
        self._demo_refunds(plan, invoices, products)
        return invoices

    def _demo_order_sequence(self):
        """The sale orders' sequence, drawn from directly: no search for it order by order."""
        return self.env["ir.sequence"].search(
            [("code", "=", "sale.order"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id", limit=1)

    def _demo_order_vals(self, index, sale, partners, products, sequence):
        return {
            "name": sequence._next(sequence_date=sale.day),
            "partner_id": partners[sale.customer].id,
            "date_order": datetime.combine(sale.day, dtime(9 + index % 8, (7 * index) % 60)),
            **self._demo_channel_values(sale.channel, sale.campaign, index),
            "order_line": [Command.create({
                "product_id": products[key].id, "product_uom_qty": qty, "price_unit": products[key].lst_price,
                "discount": discount, "tax_ids": [Command.clear()], "analytic_distribution": False})
                for key, qty, discount in sale.lines],
        }

    def _demo_sales_batch(self, batch, partners, products):
        """Historical sales: confirmed orders (no procurement: delivered long ago) and their posted invoices,
        whose lines are written whole (no per-line synchronisation)."""
        sequence = self._demo_order_sequence()
        orders = self.env["sale.order"].create(
            [self._demo_order_vals(i, s, partners, products, sequence) for i, s in batch])
        orders.write({"state": "sale"})
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)], limit=1)
        receivable = self.env["res.partner"].browse(partners[0].id).property_account_receivable_id
        vals_list = []
        for order, (_i, sale) in zip(orders, batch):
            lines, total = [], 0.0
            for line in order.order_line:
                amount = line.price_subtotal
                total += amount
                account = line.product_id.product_tmpl_id.get_product_accounts()["income"]
                lines.append(Command.create({
                    "display_type": "product", "product_id": line.product_id.id, "name": line.name,
                    "quantity": line.product_uom_qty, "price_unit": line.price_unit, "discount": line.discount,
                    "tax_ids": [Command.clear()], "account_id": account.id, "balance": -amount,
                    "amount_currency": -amount, "sale_line_ids": [Command.set(line.ids)],
                    "analytic_distribution": False}))
            lines.append(Command.create({
                "display_type": "payment_term", "name": "", "account_id": receivable.id, "balance": total,
                "amount_currency": total, "date_maturity": sale.due}))
            vals_list.append({
                "move_type": "out_invoice", "partner_id": order.partner_id.id, "journal_id": journal.id,
                "invoice_date": sale.day, "date": sale.day, "invoice_date_due": sale.due,
                "invoice_origin": order.origin or order.name,
                "team_id": order.team_id.id, "source_id": order.source_id.id, "medium_id": order.medium_id.id,
                "campaign_id": order.campaign_id.id, "line_ids": lines})
        moves = self.env["account.move"].with_context(**HISTORY).create(number_entries(self.env, vals_list))
        moves.action_post()
        self.env.flush_all()
        # quoted two days before the order; delivered long ago (the history carries no pickings), so that no
        # forecast takes these orders for a backlog
        self.env.cr.execute(SQL(
            "UPDATE sale_order SET create_date = date_order - interval '2 days' WHERE id IN %s", tuple(orders.ids)))
        self.env.cr.execute(SQL(
            "UPDATE sale_order_line SET qty_delivered = product_uom_qty WHERE order_id IN %s", tuple(orders.ids)))
        result = {index: move for (index, _sale), move in zip(batch, moves)}
        self.env.invalidate_all()
        return result

    def _demo_full_flow(self, batch, partners, products):
        """Recent orders the ordinary way: confirmation, delivery from stock, invoice of what was delivered."""
        if not batch:
            return {}
        sequence = self._demo_order_sequence()
        orders = self.env["sale.order"].with_context(skip_procurement=False).create(
            [self._demo_order_vals(i, s, partners, products, sequence) for i, s in batch])
        orders.with_context(skip_procurement=False).action_confirm()
        for order, (_i, sale) in zip(orders, batch):
            when = datetime.combine(sale.day, dtime(10, 0))
            order.date_order = when
            for move in order.picking_ids.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
        pickings = orders.picking_ids
        pickings.with_context(skip_backorder=True, skip_sms=True, skip_immediate=True)._action_done()
        result = {}
        for order, (index, sale) in zip(orders, batch):
            when = datetime.combine(sale.day, dtime(15, 0))
            order.picking_ids.write({"date_done": when, "scheduled_date": when})
            order.picking_ids.move_ids.write({"date": when})
            move = order._create_invoices()
            move.write({"invoice_date": sale.day, "date": sale.day, "invoice_date_due": sale.due})
            result[index] = move
        moves = self.env["account.move"].union(*result.values())
        moves.action_post()
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE sale_order SET create_date = date_order - interval '2 days' WHERE id IN %s", tuple(orders.ids)))
        return result

    def _demo_refunds(self, plan, invoices, products):
        """Returns as credit notes of part of an invoice, applied to it."""
        refunds = [(i, sale) for i, sale in enumerate(plan.sales) if sale.refund and not sale.full_flow]
        if not refunds:
            return
        vals_list = []
        for index, sale in refunds:
            invoice = invoices[index]
            lines, total = [], 0.0
            for key, qty in sale.refund:
                source = invoice.invoice_line_ids.filtered(lambda line, k=key: line.product_id == products[k])[:1]
                amount = source.currency_id.round(source.price_subtotal / source.quantity * qty)
                total += amount
                lines.append(Command.create({
                    "display_type": "product", "product_id": source.product_id.id, "name": source.name,
                    "quantity": qty, "price_unit": source.price_unit, "discount": source.discount,
                    "tax_ids": [Command.clear()], "account_id": source.account_id.id, "balance": amount,
                    "amount_currency": amount}))
            receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")[:1].account_id
            lines.append(Command.create({
                "display_type": "payment_term", "name": "", "account_id": receivable.id, "balance": -total,
                "amount_currency": -total, "date_maturity": sale.refund_day}))
            vals_list.append({
                "move_type": "out_refund", "partner_id": invoice.partner_id.id, "journal_id": invoice.journal_id.id,
                "invoice_date": sale.refund_day, "date": sale.refund_day, "reversed_entry_id": invoice.id,
                "ref": self.env._("Return of %s", invoice.name), "invoice_origin": invoice.invoice_origin,
                "team_id": invoice.team_id.id, "source_id": invoice.source_id.id,
                "medium_id": invoice.medium_id.id, "campaign_id": invoice.campaign_id.id, "line_ids": lines})
        credit_notes = self.env["account.move"].with_context(**HISTORY).create(number_entries(self.env, vals_list))
        credit_notes.action_post()
        # posting a credit note of an invoice already applies it to the invoice; apply the others
        plan_lines = []
        for (index, _sale), credit_note in zip(refunds, credit_notes):
            lines = (invoices[index] | credit_note).line_ids.filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled)
            if len(lines) == 2:
                plan_lines.append(lines)
        self.env["account.move.line"]._reconcile_plan(plan_lines)

    # --- payments -----------------------------------------------------------------
    def _demo_payments(self, plan, invoices):
        """Customer receipts: one bank entry per day, one line per invoice paid that day, matched with it. Late
        payers pay after the due date, some invoices stay open."""
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1)
        by_day = defaultdict(list)
        for index, sale in enumerate(plan.sales):
            if sale.paid:
                by_day[sale.paid].append(invoices[index])
        vals_list = []
        for day in sorted(by_day):
            lines = []
            total = 0.0
            for invoice in by_day[day]:
                if not invoice.amount_residual:
                    continue
                total += invoice.amount_residual
                receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")[:1]
                lines.append(Command.create({
                    "account_id": receivable.account_id.id, "partner_id": invoice.commercial_partner_id.id,
                    "balance": -invoice.amount_residual, "name": self.env._("Payment of %s", invoice.name)}))
            if lines:
                lines.append(Command.create({"account_id": journal.default_account_id.id, "balance": total,
                                             "name": self.env._("Customer receipts")}))
                vals_list.append({"move_type": "entry", "journal_id": journal.id, "date": day,
                                  "ref": self.env._("Customer receipts"), "line_ids": lines})
        entries = self.env["account.move"].with_context(**HISTORY).create(number_entries(self.env, vals_list))
        entries.action_post()
        open_line = {invoice.name: invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
                     for invoice in invoices.values()}
        plan_lines = [open_line[line.name.rsplit(" ", 1)[-1]] | line
                      for line in entries.line_ids if line.partner_id]
        self.env["account.move.line"]._reconcile_plan(plan_lines)

    def _demo_reminders(self, plan, invoices):
        """A payment reminder on each invoice still unpaid ten days after its due date."""
        subtype = self.env.ref("mail.mt_note").id
        vals_list = []
        for index, sale in enumerate(plan.sales):
            reminder = sale.due + timedelta(days=10)
            if reminder < plan.today and (not sale.paid or sale.paid > reminder):
                vals_list.append({
                    "model": "account.move", "res_id": invoices[index].id, "message_type": "comment",
                    "subtype_id": subtype, "date": datetime.combine(reminder, dtime(8, 30)),
                    "body": self.env._("Payment reminder sent: the invoice is overdue."),
                    "author_id": self.env.ref("base.partner_admin").id})
        self.env["mail.message"].create(vals_list)

    # --- pipeline and activities ----------------------------------------------------
    def _demo_pipeline(self, plan, partners):
        stages = {"new": "crm.stage_lead1", "qualified": "crm.stage_lead2", "proposition": "crm.stage_lead3",
                  "won": "crm.stage_lead4"}
        team = self.env.ref("sales_team.team_sales_department")
        vals_list = []
        for index, (key, stage, revenue, day) in enumerate(plan.opportunities):
            partner = partners[key]
            vals_list.append({
                "name": self.env._("%(customer)s: office refit", customer=partner.name), "type": "opportunity",
                "partner_id": partner.id, "expected_revenue": revenue, "stage_id": self.env.ref(stages[stage]).id,
                "team_id": team.id, "user_id": self.env.ref("base.user_admin").id,
                "date_deadline": day + timedelta(days=45), "active": index % 9 != 0 or stage == "won"})
        leads = self.env["crm.lead"].create(vals_list)
        leads.filtered(lambda lead: not lead.active).write({"probability": 0.0})
        self._demo_quotations(leads)

    def _demo_quotations(self, leads):
        """The pipeline's quotations and the won deals still to deliver: the demand the vendors' forecast
        publishes (open quotations weighted by their opportunity's probability, the backlog in full)."""
        products = self._demo_products()
        goods = [key for key, *_rest, is_service in demo_plan.CATALOGUE
                 if not is_service and key not in demo_plan.ADD_ONS]
        today = fields.Date.context_today(self)
        vals_list, won = [], []
        for index, lead in enumerate(leads.filtered(lambda lead: lead.active and lead.partner_id.is_company)):
            first, second = products[goods[index % len(goods)]], products[goods[(3 * index + 1) % len(goods)]]
            quantity = max(2, min(40, round(lead.expected_revenue / first.lst_price)))
            vals_list.append({
                "partner_id": lead.partner_id.id, "opportunity_id": lead.id, "team_id": lead.team_id.id,
                "commitment_date": datetime.combine(today + timedelta(weeks=1 + index % 9), dtime(10, 0)),
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty,
                                               "price_unit": product.lst_price, "tax_ids": [Command.clear()]})
                               for product, qty in ((first, quantity), (second, max(1, quantity // 2)))]})
            won.append(lead.stage_id.is_won)
        orders = self.env["sale.order"].create(vals_list)
        backlog = orders.filtered(lambda order: won[orders.ids.index(order.id)])
        (orders - backlog).filtered(lambda order: order.opportunity_id.stage_id
                                    == self.env.ref("crm.stage_lead3")).write({"state": "sent"})
        backlog.with_context(skip_procurement=False).action_confirm()

    def _demo_activities(self, plan, partners):
        """Logged calls and meetings (the activity driver of the cost-to-serve), and a few planned ones."""
        call = self.env.ref("mail.mail_activity_data_call")
        meeting = self.env.ref("mail.mail_activity_data_meeting")
        subtype = self.env.ref("mail.mt_activities").id
        vals_list = []
        for index, (key, day, note) in enumerate(plan.activities):
            vals_list.append({
                "model": "res.partner", "res_id": partners[key].id, "message_type": "notification",
                "subtype_id": subtype, "mail_activity_type_id": (meeting if "Meeting" in note else call).id,
                "date": datetime.combine(day, dtime(9 + index % 8, 0)), "body": note,
                "author_id": self.env.ref("base.partner_admin").id})
        self.env["mail.message"].create(vals_list)
        model = self.env["ir.model"]._get_id("res.partner")
        planned = [key for key, _day, _note in plan.activities[:60]]
        self.env["mail.activity"].create([{
            "res_model_id": model, "res_id": partners[key].id, "activity_type_id": call.id,
            "summary": self.env._("Follow-up call"), "user_id": self.env.ref("base.user_admin").id,
            "date_deadline": plan.today + timedelta(days=1 + index % 20)} for index, key in enumerate(planned)])
