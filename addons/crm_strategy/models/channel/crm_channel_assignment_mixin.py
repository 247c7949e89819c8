from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .crm_channel_assignment_sql import set_by_hand

OVERRIDE_GROUP = "crm_strategy.group_crm_strategy_manager"
# Who reads a document's channel: those who may read the channels themselves (see ir.model.access.csv).
CHANNEL_READERS = "crm_strategy.group_crm_strategy_user,sales_team.group_sale_salesman,account.group_account_invoice"


class CrmChannelAssignmentMixin(models.AbstractModel):
    """A document that carries its sales channel: recognised by the channel rules, or set by hand by a
    strategy manager, in which case the override flag keeps it through later assignments. The channel lives
    in crm.channel.assignment (a narrow table: assigning a large company never rewrites the documents);
    these fields show it, filter on it and let a manager set it."""

    _name = "crm.channel.assignment.mixin"
    _description = "Document with a sales channel"
    _channel_key = None  # the column of crm_channel_assignment that points to the document
    # the fields the channel rules read: writing one of them assigns the document again
    _channel_triggers = ()

    channel_id = fields.Many2one(
        "crm.channel", string="Sales Channel", compute="_compute_channel_id", inverse="_inverse_channel",
        search="_search_channel_id", check_company=True, groups=CHANNEL_READERS,
        help="Recognised by the channel rules, in their priority order, unless set by hand.")
    channel_override = fields.Boolean(
        string="Channel Set by Hand", compute="_compute_channel_override", inverse="_inverse_channel",
        search="_search_channel_override", groups=CHANNEL_READERS,
        help="The channel was chosen by a user: the channel rules no longer change it.")

    def _check_channel_override_rights(self, vals):
        if {"channel_id", "channel_override"} & set(vals) and not (
                self.env.su or self.env.user.has_group(OVERRIDE_GROUP)):
            raise AccessError(self.env._("Only a CRM strategy manager may set the sales channel by hand."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "channel_id" in vals and "channel_override" not in vals:
                vals["channel_override"] = True
            if vals.get("channel_override"):
                self._check_channel_override_rights(vals)
        records = super().create(vals_list)
        records._assign_own_channel()
        return records

    def write(self, vals):
        if "channel_id" in vals or "channel_override" in vals:
            self._check_channel_override_rights(vals)
            if "channel_id" in vals and "channel_override" not in vals:
                vals = {**vals, "channel_override": True}
            elif "channel_id" not in vals and vals.get("channel_override"):
                # ticked alone: the channel the rules gave is now kept as set by hand
                self._write_channel_by_hand(self.filtered(lambda r: not r.channel_override))
                vals = {key: value for key, value in vals.items() if key != "channel_override"}
        res = super().write(vals)
        if set(self._channel_triggers) & set(vals):
            self._assign_own_channel()
        return res

    def _assignments(self):
        """{document id: crm.channel.assignment} of these documents."""
        key = self._channel_key
        rows = self.env["crm.channel.assignment"].sudo().search_fetch(
            [(key, "in", self._origin.ids)], [key, "channel_id", "override"])
        return {row[key].id: row for row in rows}

    # two compute methods: ticking the flag on a form must not recompute the channel shown next to it
    def _compute_channel_id(self):
        rows = self._assignments() if self._origin.ids else {}
        for record in self:
            row = rows.get(record._origin.id)
            record.channel_id = row.channel_id if row else False

    def _compute_channel_override(self):
        rows = self._assignments() if self._origin.ids else {}
        for record in self:
            row = rows.get(record._origin.id)
            record.channel_override = bool(row and row.override)

    def _inverse_channel(self):
        """Set by hand: the chosen channel sticks; unset: the rules decide again."""
        by_hand = self.filtered("channel_override")
        for record in by_hand:
            if record.channel_id and record.channel_id.company_id != record.company_id:
                raise ValidationError(self.env._("The sales channel %(channel)s belongs to another company.",
                                                 channel=record.channel_id.name))
        key = self._channel_key
        self._write_channel_by_hand(by_hand)
        released = self - by_hand
        if released:
            self.env.cr.execute(SQL("UPDATE crm_channel_assignment SET override = FALSE WHERE %s IN %s",
                                    SQL.identifier(key), tuple(released.ids)))
        self.env["crm.channel.assignment"].invalidate_model()
        # the channels the rules give (and, for orders, their invoices' channels) follow
        self._assign_own_channel()

    def _write_channel_by_hand(self, records):
        """Keep the current channel of ``records`` (their cached channel_id) as set by hand."""
        if records:
            rows = [(r.company_id.id, r.id, r.channel_id.id or None) for r in records]
            self.env["crm.channel.assignment"].flush_model()
            self.env.cr.execute(set_by_hand(self._channel_key, rows))
            self.env["crm.channel.assignment"].invalidate_model()
            records.invalidate_recordset(["channel_id", "channel_override"])

    def _channel_documents(self):
        """Those of these records that may carry a channel (the others are never assigned as they change)."""
        return self

    def _assign_own_channel(self):
        """Assign these documents again (set-based, like the bulk assignment)."""
        records = self._channel_documents().filtered("id")
        if records:
            self.env["crm.channel"]._assign_documents(records)

    def _channel_search_sql(self, condition):
        """The ids of the documents whose assignment row matches ``condition`` (on alias ca)."""
        key = SQL.identifier("ca", self._channel_key)
        return SQL("SELECT %s FROM crm_channel_assignment ca WHERE %s IS NOT NULL AND %s", key, key, condition)

    def _search_channel_id(self, operator, value):
        if operator in ("any", "not any"):
            channels = self.env["crm.channel"].with_context(active_test=False)._search(value)
            domain = Domain("id", "in", self._channel_search_sql(SQL("ca.channel_id IN (%s)", channels.subselect())))
            return domain if operator == "any" else ~domain
        if operator not in ("in", "not in"):
            return NotImplemented
        ids = tuple(v for v in value if v)
        domain = Domain("id", "in", self._channel_search_sql(SQL("ca.channel_id IN %s", ids))) if ids \
            else Domain.FALSE
        if False in value:
            domain |= ~Domain("id", "in", self._channel_search_sql(SQL("ca.channel_id IS NOT NULL")))
        return domain if operator == "in" else ~domain

    def _search_channel_override(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        by_hand = Domain("id", "in", self._channel_search_sql(SQL("ca.override")))
        domain = (by_hand if True in value else Domain.FALSE) | (~by_hand if False in value else Domain.FALSE)
        return domain if operator == "in" else ~domain

    def _channel_candidates_sql(self, company, ids):
        """(res_id, channel_id, seq) the document inherits before any rule (seq -1), at most one row a
        document, or None."""
        return None

    def _channel_rule_domain(self, channel):
        """The channel's rule on this kind of document, or None when it does not read them."""
        raise NotImplementedError

    def _channel_scope_domain(self, company):
        """The documents of the company the channel rules apply to."""
        raise NotImplementedError
