"""The answer of a refresh button: a notification that says what was done, how much and when, then a reload of
the screen the user pressed it on, so the figures they read are the new ones."""
from odoo import fields
from odoo.tools.misc import format_datetime

SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}


def done_at(env, when=None):
    """``when`` (default: now) in the user's language and time zone, with the year."""
    return format_datetime(env, when or fields.Datetime.now())


def refresh_notification(title, message, kind="success", reload=True):
    """A ``display_notification`` client action; ``reload`` chains a soft reload of the current view."""
    params = {"type": kind, "title": title, "message": message, "sticky": False}
    if reload:
        params["next"] = dict(SOFT_RELOAD)
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
