"""Uninstalling an addon of the suite must leave Odoo's own business data whole and
no trace of the addon behind; reinstalling must work. These run as @standalone
scripts because module operations commit and reload the registry."""
from odoo import Command
from odoo.tests import standalone

# Uninstall order: dependents first.
SUITE = ("crm_partner_portal", "crm_analytics", "crm_strategy")
ODOO_MODELS = ("res.partner", "sale.order", "account.move", "purchase.order")


def _odoo_records(env):
    """Create one committed record of each kind of Odoo document a user owns."""
    customer = env["res.partner"].create({"name": "Uninstall check customer"})
    vendor = env["res.partner"].create({"name": "Uninstall check vendor", "is_company": True})
    product = env["product.product"].create({
        "name": "Uninstall check product", "type": "consu", "list_price": 50.0, "standard_price": 20.0,
    })
    order = env["sale.order"].create({
        "partner_id": customer.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
    })
    order.action_confirm()
    invoice = env["account.move"].create({
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1, "price_unit": 50.0})],
    })
    invoice.action_post()
    purchase = env["purchase.order"].create({
        "partner_id": vendor.id,
        "order_line": [Command.create({"product_id": product.id, "product_qty": 3, "price_unit": 20.0})],
    })
    purchase.button_confirm()
    env.cr.commit()
    return {"res.partner": customer.id, "sale.order": order.id, "account.move": invoice.id,
            "purchase.order": purchase.id}


def _owned_records(env, module):
    """Every record that exists only because of the module (no other module declares it), by model.

    Records the module shares with others (e.g. the ir.model of res.partner, which it extends)
    rightly outlive its uninstallation.
    """
    owned = {}
    IMD = env["ir.model.data"]
    for data in IMD.search([("module", "=", module)]):
        shared = IMD.search_count([
            ("model", "=", data.model), ("res_id", "=", data.res_id), ("module", "!=", module)])
        if not shared:
            owned.setdefault(data.model, set()).add(data.res_id)
    return owned


def _assert_readable(env, records):
    for model, rec_id in records.items():
        record = env[model].browse(rec_id)
        assert record.exists(), f"{model}({rec_id}) disappeared"
        record.read(["display_name"])
        # the web client must still be able to build the default views
        env[model].get_views([(False, "form"), (False, "list"), (False, "search")])


@standalone("crm_suite")
def test_update_twice_is_idempotent(env):
    """Updating the suite twice in a row changes nothing: same records, same data, no error."""
    Module = env["ir.module.module"]
    suite = Module.search([("name", "in", SUITE)])
    segment = env["crm.segment"].create({"name": "Survives updates", "code": "UPDATE_CHECK",
                                         "rule_domain": "[('customer_rank', '>', 0)]"})
    segment.action_refresh_members()
    env.cr.commit()

    def snapshot():
        imd = env["ir.model.data"].search_read([("module", "in", SUITE)], ["module", "name", "res_id"],
                                               order="module, name")
        return ([(d["module"], d["name"], d["res_id"]) for d in imd],
                env["crm.segment"].browse(segment.id).read(["name", "rule_domain", "member_count"]))

    states = []
    for _round in range(2):
        suite.button_immediate_upgrade()
        env.transaction.reset()
        states.append(snapshot())
    assert set(Module.search([("name", "in", SUITE)]).mapped("state")) == {"installed"}
    assert states[0] == states[1], "a second update changed the suite's records"
    assert states[1][1][0]["name"] == "Survives updates"
    assert states[1][1][0]["member_count"] > 0, "memberships survive updates"


@standalone("crm_suite")
def test_uninstall_each_addon_keeps_odoo_data_then_reinstall(env):
    Module = env["ir.module.module"]
    assert env["ir.model.data"].search_count([("module", "=", "crm_strategy")]), "crm_strategy owns no data"
    suite = Module.search([("name", "in", SUITE)])
    assert set(suite.mapped("state")) == {"installed"}, suite.mapped(lambda m: (m.name, m.state))
    records = _odoo_records(env)

    for name in SUITE:
        owned = _owned_records(env, name)
        Module.search([("name", "=", name)]).button_immediate_uninstall()
        env.transaction.reset()
        assert Module.search([("name", "=", name)]).state == "uninstalled", f"{name} still installed"
        assert not env["ir.model.data"].search_count([("module", "=", name)]), f"{name} left xml ids"
        for model, ids in owned.items():
            if model in env:
                left = env[model].with_context(active_test=False).browse(list(ids)).exists()
                assert not left, f"{name} left {model} records {left.ids}"
        _assert_readable(env, records)

    assert "crm.segment" not in env, "crm.segment model still registered after uninstall"
    assert not env["ir.model"].search_count([("model", "=", "crm.segment")])

    Module.search([("name", "in", SUITE)]).button_immediate_install()
    env.transaction.reset()
    states = {m.name: m.state for m in Module.search([("name", "in", SUITE)])}
    assert set(states.values()) == {"installed"}, states
    assert "crm.segment" in env
    env["crm.segment"].create({"name": "After reinstall", "code": "REINSTALL"})
    _assert_readable(env, records)
