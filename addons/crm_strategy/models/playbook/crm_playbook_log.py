from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...const import PLAYBOOK_FIELD_LEVERS, PLAYBOOK_SINCE_FIELDS, PLAYBOOK_TRIGGERS
from ...tools.access import MANAGER_GROUP, check_group
from ...tools.notify import done_at, refresh_notification

# lever -> partner field, for the levers that write a field of the customer
LEVER_FIELDS = {lever: partner_field for lever, (_own, partner_field) in PLAYBOOK_FIELD_LEVERS.items()}
# a field the lever writes -> the field that shows its effect when it is empty (the pricelist a customer without
# a pricelist of its own gets)
EFFECTIVE_FIELDS = {"specific_property_product_pricelist": "property_product_pricelist"}


class CrmPlaybookLog(models.Model):
    """One application of a playbook (or of a P&L decision): who changed from what to what, by whom and
    when. Writes are grouped by new value (one write per distinct value), the lines created in one call;
    the undo restores the values set, where nobody changed them since."""

    _name = "crm.playbook.log"
    _description = "Playbook Application"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", string="Applied By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True,
                                 default=lambda self: self.env.company)
    playbook_id = fields.Many2one("crm.segment.playbook", index="btree_not_null", ondelete="set null", readonly=True)
    segment_id = fields.Many2one(related="playbook_id.segment_id")
    trigger = fields.Selection(PLAYBOOK_TRIGGERS, required=True, default="manual", readonly=True)
    line_ids = fields.One2many("crm.playbook.log.line", "log_id", string="Changes", readonly=True)
    change_count = fields.Integer(compute="_compute_counts", string="Changes Applied")
    skipped_count = fields.Integer(compute="_compute_counts", string="Not Applied")
    partner_count = fields.Integer(compute="_compute_counts", string="Customers")
    undone = fields.Boolean(readonly=True, copy=False)
    undo_date = fields.Datetime(readonly=True, copy=False)
    undo_user_id = fields.Many2one("res.users", string="Undone By", readonly=True, copy=False)
    undo_note = fields.Char(readonly=True, copy=False, help="What the undo restored, and what it kept and why.")

    def _compute_counts(self):
        Line = self.env["crm.playbook.log.line"]
        counts = defaultdict(int)
        for log, state, count in Line._read_group([("log_id", "in", self.ids)], ["log_id", "state"], ["__count"]):
            counts[log.id, state] += count
        partners = dict(Line._read_group([("log_id", "in", self.ids)], ["log_id"], ["partner_id:count_distinct"]))
        for log in self:
            log.change_count = sum(counts[log.id, state] for state in ("applied", "undone", "kept"))
            log.skipped_count = counts[log.id, "skipped"]
            log.partner_count = partners.get(log, 0)

    # --- planning ---------------------------------------------------------------------------------
    @api.model
    def _raw(self, field, value):
        """A field value as the log stores it: an id or a selection key as text, '' when empty."""
        if field.type == "many2one":
            return str(value.id) if value else ""
        return value or ""

    @api.model
    def _display(self, field, raw):
        if not raw:
            return ""
        if field.type == "many2one":
            return self.env[field.comodel_name].sudo().browse(int(raw)).display_name
        return dict(field._description_selection(self.env)).get(raw, raw)

    @api.model
    def _to_write(self, field, raw):
        if field.type == "many2one":
            return int(raw) if raw else False
        return raw or False

    @api.model
    def _plan_field_changes(self, partners, company, lever, raw):
        """The changes setting ``lever`` to ``raw`` on the customers whose value differs."""
        name = LEVER_FIELDS[lever]
        field = self.env["res.partner"]._fields[name]
        new_display = self._display(field, raw)
        changes = []
        for partner in partners.sudo().with_company(company):
            old = self._raw(field, partner[name])
            if old != raw:
                shown = self._display(field, old)
                if not old and name in EFFECTIVE_FIELDS and partner[EFFECTIVE_FIELDS[name]]:
                    shown = self.env._("%s (default)", partner[EFFECTIVE_FIELDS[name]].display_name)
                since = partner[PLAYBOOK_SINCE_FIELDS[name]] if name in PLAYBOOK_SINCE_FIELDS else False
                changes.append({"partner_id": partner.id, "lever": lever, "field_name": name, "old_value": old,
                                "new_value": raw, "old_display": shown,
                                "new_display": new_display, "state": "applied",
                                "old_since": since})
        return changes

    # --- applying -----------------------------------------------------------------------------------
    @api.model
    def _apply_changes(self, changes, company, name, trigger="manual", playbook=False):
        """Apply the planned changes (those in state 'skipped' are only logged) and log them: one write per
        field and value, one activity/subscription creation per lever, the log lines in one create."""
        check_group(self.env, MANAGER_GROUP)
        applied = [change for change in changes if change["state"] == "applied"]
        Partner = self.env["res.partner"].sudo().with_company(company)
        groups = defaultdict(list)
        for change in applied:
            if change["lever"] in LEVER_FIELDS:
                groups[change["field_name"], change["new_value"]].append(change["partner_id"])
        for (name_, raw), partner_ids in groups.items():
            Partner.browse(partner_ids).write({name_: self._to_write(Partner._fields[name_], raw)})
        lines = [change for change in changes if change["lever"] in LEVER_FIELDS or change["state"] != "applied"]
        by_lever = defaultdict(list)
        for change in applied:
            if change["lever"] not in LEVER_FIELDS:
                by_lever[change["lever"]].append(change)
        for lever, lever_changes in by_lever.items():
            lines += getattr(self, f"_create_{lever}_records")(lever_changes, company, playbook)
        return self.sudo().create({
            "name": name, "company_id": company.id, "trigger": trigger,
            "playbook_id": playbook.id if playbook else False,
            "line_ids": [fields.Command.create(line) for line in lines],
        }).sudo(False)

    @api.model
    def _create_activity_plan_records(self, changes, company, playbook):
        """The activities of the plan on each customer, due at the plan's delays from today, assigned to the
        template's user, else the customer's salesperson, else the one who applies: one create call."""
        plan = self.env["mail.activity.plan"].sudo().browse(int(changes[0]["new_value"]))
        partners = self.env["res.partner"].sudo().browse([change["partner_id"] for change in changes])
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        vals_list, lines = [], []
        for change, partner in zip(changes, partners, strict=True):
            for template in plan.template_ids:
                user = template._determine_responsible(partner.user_id or self.env.user, partner)["responsible"]
                deadline = template._get_date_deadline(today)
                vals_list.append({
                    "res_model_id": model_id, "res_id": partner.id, "activity_type_id": template.activity_type_id.id,
                    "summary": template.summary or plan.name, "note": template.note, "date_deadline": deadline,
                    "user_id": (user or self.env.user).id,
                })
                lines.append({**change, "new_display": f"{template.summary or plan.name} ({deadline.isoformat()})",
                              "res_model": "mail.activity"})
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for line, activity in zip(lines, activities, strict=True):
            line["res_id"] = activity.id
        return lines

    # --- undoing ------------------------------------------------------------------------------------
    def action_undo(self):
        """Restore the values these applications set, where they are still the ones set."""
        check_group(self.env, MANAGER_GROUP)
        self.check_access("write")
        if any(log.undone for log in self):
            raise UserError(self.env._("This application was already undone."))
        for log in self:
            restored, kept = log.line_ids.filtered(lambda line: line.state == "applied")._undo()
            note = self.env._("%(restored)s restored, %(kept)s kept because they changed since.",
                              restored=restored, kept=kept)
            log.sudo().write({"undone": True, "undo_date": fields.Datetime.now(), "undo_user_id": self.env.uid,
                              "undo_note": note})
        return refresh_notification(self.env._("Undone"), self.env._(
            "%(what)s, at %(when)s.", what=self[-1:].undo_note, when=done_at(self.env)))

    def action_view_partners(self):
        self.check_access("read")
        return {
            "type": "ir.actions.act_window", "name": self.env._("Customers changed"), "res_model": "res.partner",
            "view_mode": "list,form", "domain": [("id", "in", self.line_ids.partner_id.ids)],
        }
