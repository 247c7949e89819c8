"""Rights checks that public methods run first: anything public is callable over JSON-RPC, by portal
users too, so a button method must refuse a caller before it reads or writes anything."""
from odoo.exceptions import AccessError

USER_GROUP = "crm_strategy.group_crm_strategy_user"
MANAGER_GROUP = "crm_strategy.group_crm_strategy_manager"


def check_group(env, xmlid):
    """Refuse a caller outside the group ``xmlid`` (superuser and crons, whose user is in it, pass)."""
    if env.su or env.user.has_group(xmlid):
        return
    group = env.ref(xmlid, raise_if_not_found=False)
    raise AccessError(env._(
        "This action is reserved to the group “%(group)s”.", group=group.sudo().full_name if group else xmlid))


def check_field_read(records, field_name):
    """The read right of a searchable computed field: Odoo checks the groups of stored fields in a domain,
    not of computed fields answered by a search method."""
    records._check_field_access(records._fields[field_name], "read")
