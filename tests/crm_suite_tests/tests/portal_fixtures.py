"""Fixtures of the supplier portal's write-rights and fuzz tests (on top of ``common.setup_vendors``)."""
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from .common import setup_vendors

WRITTEN_MODELS = ("purchase.order", "account.move", "crm.supplier.forecast", "crm.supplier.stock.offer")
PDF = b"%PDF-1.4\n% a vendor bill\n"


def setup_portal_writers(env):
    """``setup_vendors`` plus the people who must not write as the vendor Yankee Tools: internal users who may
    read its purchase order (an Inventory/User, a Purchase/User, and an Inventory/User whose contact belongs
    to the vendor), and a colleague of the vendor's portal user who may."""
    vendors = setup_vendors(env)
    own = vendors["own"]
    insider = env["res.partner"].create({"name": "Yankee Insider", "parent_id": own["vendor"].id,
                                         "email": "insider@x.example"})
    colleague = env["res.partner"].create({"name": "Yankee Colleague", "parent_id": own["vendor"].id,
                                           "email": "colleague@x.example"})
    users = {
        "stock": new_test_user(env, "wr_stock", groups="base.group_user,stock.group_stock_user",
                               password="wr_stock_pw"),
        "buyer": new_test_user(env, "wr_buyer", groups="base.group_user,purchase.group_purchase_user",
                               password="wr_buyer_pw"),
        "insider": new_test_user(env, "wr_insider", groups="base.group_user,stock.group_stock_user",
                                 partner_id=insider.id, password="wr_insider_pw"),
        "colleague": new_test_user(env, "wr_colleague", groups="base.group_portal", partner_id=colleague.id,
                                   password="wr_colleague_pw"),
    }
    own["order"]._portal_ensure_token()
    return vendors, users


def db_state(env, vendors):
    """Everything a supplier portal write could change, for both vendors: acknowledgements, commitments,
    bills, forecast commitments, stock offers, activities, chatter messages and attachments."""
    env.invalidate_all()
    state = [
        env["crm.supplier.commit"].search_count([]),
        env["crm.supplier.stock.offer"].search_count([]),
        env["account.move"].search_count([("move_type", "=", "in_invoice")]),
        env["mail.activity"].search_count([]),
        env["mail.message"].search_count([("model", "in", WRITTEN_MODELS)]),
        env["ir.attachment"].search_count([("res_model", "in", WRITTEN_MODELS)]),
        env["crm.distributor.sellout"].search_count([]),
    ]
    for vendor in vendors.values():
        state += [vendor["order"].acknowledged, vendor["order"].invoice_ids.ids,
                  tuple(vendor["forecast"].line_ids.mapped("qty_committed")), vendor["info"].delay]
    return tuple(state)


def write_forms(vendor):
    """A valid form of every write route of the supplier portal, with ``vendor``'s ids: rule -> (url, form,
    files). Every POST route of the suite must be listed (the tests check it against the routing map)."""
    order, line, forecast = vendor["order"].id, vendor["line"].id, vendor["forecast"].id
    bucket, info = vendor["bucket"].id, vendor["info"].id
    day = str(fields.Date.today() + timedelta(days=7))  # in the future in every time zone
    past_day, code = str(fields.Date.today() - timedelta(days=8)), vendor["product"].default_code
    return {
        "/my/supplier/orders/<int:order_id>/acknowledge": (f"/my/supplier/orders/{order}/acknowledge", {}, None),
        "/my/supplier/orders/<int:order_id>/commit": (
            f"/my/supplier/orders/{order}/commit", {f"qty-{line}-0": "5", f"date-{line}-0": day}, None),
        "/my/supplier/orders/<int:order_id>/bill": (
            f"/my/supplier/orders/{order}/bill", {}, {"bill": ("bill.pdf", PDF, "application/pdf")}),
        "/my/supplier/forecast/<int:forecast_id>/commit": (
            f"/my/supplier/forecast/{forecast}/commit", {f"commit-{bucket}": "3"}, None),
        "/my/supplier/stock": ("/my/supplier/stock", {f"qty-{info}": "7", f"delay-{info}": "4"}, None),
        "/my/distributor/report": ("/my/distributor/report", {
            "week": past_day, "product-0": code, "sold-0": "3", "stock-0": "4"}, None),
        "/my/distributor/upload": ("/my/distributor/upload", {}, {"report": (
            "sellout.csv", f"product,week,sold,stock\n{code},{past_day},2,5\n".encode(), "text/csv")}),
    }


def suite_routes(env):
    """(rule, endpoint) of every route of the three addons, from Odoo's routing map."""
    modules = ("odoo.addons.crm_strategy", "odoo.addons.crm_analytics", "odoo.addons.crm_partner_portal")
    return [(rule, rule.endpoint) for rule in env["ir.http"].routing_map().iter_rules()
            if rule.endpoint.__module__.startswith(modules)]


def post_rules(env):
    """Rules of the suite's routes that take a POST only (its write routes)."""
    return {rule.rule for rule, endpoint in suite_routes(env)
            if endpoint.routing["methods"] and "GET" not in endpoint.routing["methods"]}
