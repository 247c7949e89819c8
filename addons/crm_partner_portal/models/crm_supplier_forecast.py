import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.crm_strategy.tools.access import check_group
from odoo.addons.crm_strategy.tools.locks import try_lock
from odoo.addons.crm_strategy.tools.xlsx import Workbook, period_label
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..const import FORECAST_WEEKS
from ..exceptions import SupplierAnswerError

_logger = logging.getLogger(__name__)


class CrmSupplierForecast(models.Model):
    """A published snapshot of the demand a vendor should prepare for, per product it supplies and week.

    Snapshots are versioned per vendor and never recomputed once published, so what the vendor
    committed against stays comparable with what it was shown."""

    _name = "crm.supplier.forecast"
    _description = "Supplier demand forecast snapshot"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "crm.supplier.forecast.planning"]
    _order = "partner_id, version desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", "Vendor", required=True, index=True, domain=[("is_company", "=", True)], tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    version = fields.Integer(readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
        default="draft", required=True, tracking=True, index=True)
    date_start = fields.Date(
        "First Week", readonly=True, help="Monday of the first weekly bucket (the week of publication).")
    date_published = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many("crm.supplier.forecast.line", "forecast_id", string="Lines")
    line_count = fields.Integer(compute="_compute_line_count")
    purchase_order_count = fields.Integer(
        "RFQs", compute="_compute_purchase_order_count", groups="purchase.group_purchase_user",
        help="Requests for quotation the vendor's commitments on this version were ordered on.")

    _partner_version_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id, version)", "A vendor has one forecast per version number.")

    @api.depends("partner_id", "version")
    def _compute_name(self):
        for forecast in self:
            forecast.name = f"{forecast.partner_id.name or ''} v{forecast.version or 0}"

    def _compute_line_count(self):
        counts = dict(self.env["crm.supplier.forecast.line"]._read_group(
            [("forecast_id", "in", self.ids)], ["forecast_id"], ["__count"]))
        for forecast in self:
            forecast.line_count = counts.get(forecast, 0)

    def _compute_purchase_order_count(self):
        for forecast in self:
            forecast.purchase_order_count = len(forecast.line_ids.purchase_line_id.order_id)

    def action_view_purchase_orders(self):
        """The RFQs ordered from this version's commitments."""
        self.ensure_one()
        check_group(self.env, "purchase.group_purchase_user")  # a portal vendor reads forecasts and orders too
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action.update({"domain": [("id", "in", self.line_ids.purchase_line_id.order_id.ids)], "context": {}})
        return action

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for forecast in self:
            forecast.access_url = f"/my/supplier/forecast/{forecast.id}"
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().create(vals_list)

    def action_publish(self):
        """Compute the lines from live data and publish: the previous published version is superseded."""
        self.check_access("write")
        for forecast in self:
            if forecast.state != "draft":
                raise UserError(self.env._("Only a draft forecast can be published."))
            if not try_lock(self.env.cr, "crm_partner_portal.forecast_publish", forecast.partner_id.id):
                raise UserError(self.env._("A forecast of %(vendor)s is already being published.",
                                           vendor=forecast.partner_id.display_name))
            previous = self.search([("partner_id", "=", forecast.partner_id.id),
                                    ("company_id", "=", forecast.company_id.id), ("version", ">", 0)],
                                   order="version desc", limit=1)
            today = fields.Date.context_today(forecast)
            forecast.write({
                "version": previous.version + 1 if previous else 1,
                "date_start": today - timedelta(days=today.weekday()),
            })
            forecast._compute_forecast_lines()
            if self.env.context.get("crm_skip_idle") and forecast._crm_is_idle():
                continue  # left a draft: the cron drops it
            self.search([("partner_id", "=", forecast.partner_id.id), ("company_id", "=", forecast.company_id.id),
                         ("state", "=", "published")]).state = "superseded"
            forecast.write({"state": "published", "date_published": fields.Datetime.now()})
            forecast._portal_ensure_token()
            forecast._crm_notify_published()
            shares = forecast.line_ids.filtered("qty_share")
            # the products asked for only (not the prefetch of every product of the forecast)
            products = {product.id: product for product in shares.product_id}
            self.env["crm.supplier.webhook"]._crm_enqueue(forecast.partner_id, "forecast_published", {
                "forecast_id": forecast.id, "version": forecast.version, "date_start": str(forecast.date_start),
                "lines": forecast.line_count, "url": forecast.get_base_url() + forecast.access_url,
                # the vendor's share only: what another vendor is asked for never leaves the company
                "requirements": [{"product": products[line.product_id.id].display_name,
                                  "product_code": products[line.product_id.id].default_code or None,
                                  "week_start": str(line.week_start), "quantity": line.qty_share}
                                 for line in shares],
            }, company=forecast.company_id)
        return True

    def _crm_is_idle(self):
        """Nothing to publish: no week asks the vendor for anything, and its published version (if any) asked
        nothing either (a version that asked something is replaced once, so the vendor sees the ask withdrawn)."""
        self.ensure_one()
        if self.line_ids.filtered("qty_share"):
            return False
        current = self.search([("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
                               ("state", "=", "published")], limit=1)
        return not current.line_ids.filtered("qty_share")

    def _crm_notify_published(self):
        """Post the publication on the forecast and mail it to the vendor's portal users, with the link."""
        self.ensure_one()
        users = self.env["res.users"].sudo().search([
            ("partner_id", "child_of", self.partner_id.id), ("share", "=", True)])
        url = self.get_base_url() + self.access_url
        body = Markup("%s <a href='%s'>%s</a>") % (
            self.env._("Version %(version)s of your demand forecast is published: we ask you for a quantity in "
                       "%(count)s week(s) of the products you supply, in the %(weeks)s weeks from %(day)s.",
                       version=self.version, weeks=FORECAST_WEEKS, count=len(self.line_ids.filtered("qty_share")),
                       day=format_date(self.env, self.date_start)),
            url, self.env._("See it and commit on the portal"))
        self.message_post(body=body, partner_ids=users.partner_id.ids, subtype_xmlid="mail.mt_comment",
                          message_type="comment")

    @api.model
    def _crm_vendors_to_publish(self, company):
        """The vendors that have a share of some product in the company, by id."""
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT DISTINCT vendor_id FROM (%s) shares WHERE share > 0 ORDER BY 1",
                                self._forecast_sql_shares(company, fields.Date.context_today(self))))
        return self.env["res.partner"].browse(vendor_id for (vendor_id,) in self.env.cr.fetchall())

    @api.model
    def _cron_publish(self):
        """Weekly: a new version of the forecast for every vendor of every company, each mailed to the vendor;
        committed vendor by vendor, so a crash loses one vendor's run at most. A vendor asked for nothing (and
        asked for nothing last time either, e.g. a vendor of products nobody needs) gets no version."""
        todo = [(company, vendor) for company in self.env["res.company"].search([])
                for vendor in self._crm_vendors_to_publish(company)]
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(todo))
        published = self.browse()
        for company, vendor in todo:
            forecast = self.with_company(company).create({"partner_id": vendor.id, "company_id": company.id})
            try:
                forecast.with_context(crm_skip_idle=True).action_publish()
            except UserError as error:  # the vendor's forecast is being published by a buyer right now
                _logger.info("Forecast of vendor %s not published: %s", vendor.id, error)
                forecast.unlink()
                continue
            if forecast.state == "draft":  # nothing to ask from the vendor
                forecast.unlink()
            else:
                published |= forecast
            if in_cron and not self.env["ir.cron"]._commit_progress(1):
                break
        return published

    def _crm_check_supplier_commit(self):
        """Refuse a caller who may not commit on this forecast (AccessError) or a forecast no longer open to
        commitments (UserError): only the vendor's portal users, on the published version. The portal asks it
        before reading the form."""
        self.ensure_one()
        self.env.user._crm_check_supplier_answer(self.partner_id)
        if self.state != "published":
            raise UserError(self.env._("This forecast was superseded: commit on the latest one."))

    def _crm_supplier_commit(self, quantities, author):
        """Write what the vendor commits per week, all or nothing; the rest runs as superuser.

        :param quantities: {crm.supplier.forecast.line: quantity} of this forecast (0 withdraws a commitment)
        :param author: the vendor contact posting them (for the chatter)
        :raise SupplierAnswerError: on the week whose quantity is refused, nothing written
        """
        self._crm_check_supplier_commit()
        forecast = self.sudo()
        if not quantities:
            raise ValidationError(self.env._("Nothing to commit: enter a quantity in a week."))
        lines = forecast.env["crm.supplier.forecast.line"].union(*quantities)
        if lines.forecast_id != forecast:
            raise ValidationError(self.env._("The form names a bucket that is not in this forecast."))
        now = fields.Datetime.now()
        changed = lines.filtered(lambda line: line.qty_committed != quantities[line] or not line.commit_state)
        with self.env.cr.savepoint():
            for line, quantity in quantities.items():
                try:
                    line.sudo().write({"qty_committed": quantity, "date_committed": now})
                except ValidationError as error:
                    raise SupplierAnswerError(error.args[0], line) from None
            changed._crm_act_on_commitments()
            forecast.message_post(
                body=self.env._("The vendor committed %(count)s week(s) on the portal.", count=len(quantities)),
                author_id=author.id)
        return True

    def _crm_export_xlsx(self):
        """The forecast as a workbook: one row per product, the vendor's share and commitment per week, in the
        suite's one writer (formula-safe, dates with their year, an About sheet with the period)."""
        self.ensure_one()
        weeks = [self.date_start + timedelta(weeks=week) for week in range(FORECAST_WEEKS)]
        columns = [(self.env._("Reference"), "text"), (self.env._("Product"), "text")]
        for day in weeks:
            columns += [(self.env._("%(day)s need", day=day), "float"),
                        (self.env._("%(day)s committed", day=day), "float")]
        table = {}
        for line in self.line_ids:
            row = table.setdefault(line.product_id, [line.product_id.default_code or "", line.product_id.name]
                                   + [0.0] * (2 * FORECAST_WEEKS))
            row[2 + 2 * line.week], row[3 + 2 * line.week] = line.qty_share, line.qty_committed
        with Workbook(self.env, self.company_id) as book:
            book.table(self.env._("Forecast"), columns, table.values())
            book.about(self.name, period_label(weeks[0], weeks[-1] + timedelta(days=6)), [
                self.env._("Your share of the net requirement and your committed quantity per week starting on "
                           "the date shown, in the product's unit of measure.")])
        return book.content

    def _compute_forecast_lines(self):
        """One INSERT … SELECT for every product × week: no per-product ORM work, whatever the catalogue."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM crm_supplier_forecast_line WHERE forecast_id = %s", self.id))
        self.env.cr.execute(self._forecast_sql())
        self.env["crm.supplier.forecast.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "line_count"])
