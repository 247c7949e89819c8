from odoo import api, fields, models
from odoo.exceptions import AccessError

OVERRIDE_GROUP = "crm_strategy.group_crm_strategy_manager"
# Who reads a document's channel: those who may read the channels themselves (see ir.model.access.csv).
CHANNEL_READERS = "crm_strategy.group_crm_strategy_user,sales_team.group_sale_salesman,account.group_account_invoice"


class CrmChannelAssignmentMixin(models.AbstractModel):
    """A document that carries its sales channel: computed from the channel rules, or set by hand by a
    strategy manager, in which case the override flag keeps it through later recomputations."""

    _name = "crm.channel.assignment.mixin"
    _description = "Document with a sales channel"

    channel_id = fields.Many2one(
        "crm.channel", string="Sales Channel", compute="_compute_channel_id", store=True, readonly=False,
        index="btree_not_null", copy=False, ondelete="set null", check_company=True, groups=CHANNEL_READERS,
        help="Recognised by the channel rules, in their priority order, unless set by hand.")
    channel_override = fields.Boolean(
        string="Channel Set by Hand", copy=False, groups=CHANNEL_READERS,
        help="The channel was chosen by a user: the channel rules no longer change it.")

    def _check_channel_override_rights(self, vals):
        if {"channel_id", "channel_override"} & set(vals) and not (
                self.env.su or self.env.user.has_group(OVERRIDE_GROUP)):
            raise AccessError(self.env._("Only a CRM strategy manager may set the sales channel by hand."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("channel_override"):
                self._check_channel_override_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "channel_id" in vals or "channel_override" in vals:
            self._check_channel_override_rights(vals)
            if "channel_id" in vals and "channel_override" not in vals:
                vals = {**vals, "channel_override": True}
        return super().write(vals)

    def _channel_candidates(self):
        """Records the channel rules apply to."""
        raise NotImplementedError

    def _channel_kind(self):
        raise NotImplementedError

    def _channel_from_documents(self):
        """{record id: channel} inherited from linked documents, before any rule."""
        return {}

    def _compute_channel_id(self):
        candidates = self._channel_candidates().filtered(lambda r: not r.channel_override)
        inherited = candidates._channel_from_documents()
        channel_by_id = dict(inherited)
        rest = candidates.filtered(lambda r: r.id not in inherited)
        Channel = self.env["crm.channel"]
        for company in rest.company_id:
            records = rest.filtered(lambda r, c=company: r.company_id == c)
            channel_by_id.update(Channel._active_channels(company)._match_records(records, self._channel_kind()))
        for record in self:
            if record.channel_override:
                continue
            record.channel_id = channel_by_id.get(record.id, False) if record in candidates else False
