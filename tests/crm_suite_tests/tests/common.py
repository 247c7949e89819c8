"""Helpers shared by the suite's fault tests."""
import unittest
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import new_test_user

COMMIT_POINT = "crm_suite_commit_point"
# one model of each addon of the suite
SUITE_MODELS = ("crm.segment", "crm.customer.metrics", "crm.supplier.commit")


def require_suite(env):
    """The suite's tests need its three addons. This module depends on base only (it must survive their
    uninstallation), so a class run without them is skipped loudly (``make test`` counts a skip as a
    failure) instead of passing while testing nothing."""
    missing = [model for model in SUITE_MODELS if model not in env]
    if missing:
        raise unittest.SkipTest(f"the suite's addons are not all installed (no model {', '.join(missing)})")


@contextmanager
def commit_points(env):
    """Turn the test cursor's commits into savepoints, so a test can play a job that commits batch by
    batch, kill it half-way and roll back to its last commit, as PostgreSQL would after a crash."""

    def commit():
        env.flush_all()
        env.cr.execute(f"SAVEPOINT {COMMIT_POINT}")

    env.cr.execute(f"SAVEPOINT {COMMIT_POINT}")
    with patch.object(env.cr, "commit", commit):
        yield


def crash_to_last_commit(env, job, exception):
    """Run ``job`` until it dies with ``exception``, then keep what is left after a crash: the work since the
    last commit is gone. (Not ``assertRaises``: Odoo's wraps it in a savepoint whose release would drop the
    commit points.)"""
    died = False
    try:
        job()
    except exception:
        died = True
    if not died:
        raise AssertionError(f"{job} did not die with {exception.__name__}")
    env.cr.execute(f"ROLLBACK TO SAVEPOINT {COMMIT_POINT}")
    env.invalidate_all(flush=False)


def setup_vendors(env):
    """Two vendors with a portal user each (iso_own / iso_other, password <login>_pw), a confirmed purchase
    order, a pricelist line and a published forecast; the other vendor's data carries the Zulu markers."""
    vendors = {}
    for key, name, contact in (("own", "Yankee Tools", "Yankee Contact"), ("other", "Zulu Forge", "Zulu Contact")):
        vendor = env["res.partner"].create({"name": name, "is_company": True})
        person = env["res.partner"].create({"name": contact, "parent_id": vendor.id, "email": f"{key}@x.example"})
        user = new_test_user(env, f"iso_{key}", groups="base.group_portal", partner_id=person.id,
                             password=f"iso_{key}_pw")
        product = env["product.product"].create({
            "name": "ZULU-SECRET-PART" if key == "other" else "Own part", "is_storable": True,
            "default_code": f"{key.upper()}-PART"})
        info = env["product.supplierinfo"].create({"partner_id": vendor.id,
                                                   "product_tmpl_id": product.product_tmpl_id.id})
        order = env["purchase.order"].create({"partner_id": vendor.id, "order_line": [Command.create({
            "product_id": product.id, "product_qty": 5, "price_unit": 1.0,
            "date_planned": fields.Datetime.now() + timedelta(days=10)})]})
        order.button_confirm()
        forecast = env["crm.supplier.forecast"].create({"partner_id": vendor.id})
        forecast.action_publish()
        if key == "own":  # Yankee also resells through a channel: a distributor reporting its sell-out
            vendor.crm_distributor_channel_id = env["crm.channel"].create({
                "name": f"{name} resale", "channel_type": "distributor", "rule_type": "utm_source",
                "source_id": env["utm.source"].create({"name": f"{name} referral"}).id})
        vendors[key] = {"vendor": vendor, "user": user, "product": product, "order": order,
                        "line": order.order_line, "info": info, "forecast": forecast,
                        "bucket": forecast.line_ids[:1]}
    return vendors
