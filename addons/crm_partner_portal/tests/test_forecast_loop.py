import hashlib
import hmac
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import SupplierForecastCommon, SupplierPortalHttpCommon
from .portal_html import texts
from .test_supplier_webhook import ALLOWLIST, start_server


class ForecastLoopCommon(SupplierForecastCommon):
    @classmethod
    def _info(cls, vendor, product):
        return cls.env["product.supplierinfo"].search([
            ("partner_id", "child_of", vendor.id), ("product_tmpl_id", "=", product.product_tmpl_id.id)])

    @staticmethod
    def _asked(forecast, product):
        lines = forecast.line_ids.filtered(lambda ln: ln.product_id == product).sorted("week")
        return [round(v, 2) for v in lines.mapped("qty_share")]

    @staticmethod
    def _line(forecast, product, week):
        return forecast.line_ids.filtered(lambda ln: ln.product_id == product and ln.week == week)


@tagged("post_install", "-at_install")
class TestForecastPlanning(ForecastLoopCommon, TransactionCase):
    """Step 1: the requirement from Odoo's planning data, each vendor's share, the weekly publication."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        # Bravo supplies the bolt too, after Alpha
        cls.env["product.supplierinfo"].create({"partner_id": cls.vendor_b.id, "sequence": 5, "delay": 5,
                                                "product_tmpl_id": cls.product_bolt.product_tmpl_id.id})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)

    def test_whole_requirement_to_the_first_vendor(self):
        """No share on the pricelists: the first vendor by sequence is asked for the whole requirement, the
        other sees nothing of the product."""
        alpha, bravo = self._publish(self.vendor_a), self._publish(self.vendor_b)
        self.assertEqual(self._asked(alpha, self.product_bolt), [0, 0, 30] + [0] * 9)
        self.assertEqual(set(self._line(alpha, self.product_bolt, 2).mapped("share")), {100})
        self.assertNotIn(self.product_bolt, bravo.line_ids.product_id)

    def test_shares_split_the_requirement(self):
        self._info(self.vendor_a, self.product_bolt).crm_forecast_share = 60
        self._info(self.vendor_b, self.product_bolt).crm_forecast_share = 40
        alpha, bravo = self._publish(self.vendor_a), self._publish(self.vendor_b)
        self.assertEqual(self._asked(alpha, self.product_bolt), [0, 0, 18] + [0] * 9)
        self.assertEqual(self._asked(bravo, self.product_bolt), [0, 0, 12] + [0] * 9)
        self.assertEqual(self._line(bravo, self.product_bolt, 2).share, 40)
        # the whole requirement stays on each line for the buyers (qty_net): only qty_share is the vendor's
        self.assertEqual(self._line(bravo, self.product_bolt, 2).qty_net, 30)
        # a vendor with a share of 0 while another has one is asked for nothing
        self._info(self.vendor_b, self.product_bolt).crm_forecast_share = 0
        self.assertNotIn(self.product_bolt, self._publish(self.vendor_b).line_ids.product_id)

    def _ship_plate(self, quantity, days):
        """A delivery made by hand (no sale) of steel plates, planned ``days`` after the forecast's Monday."""
        move = self.env["stock.move"].create({
            "product_id": self.product_plate.id, "product_uom_qty": quantity,
            "product_uom": self.product_plate.uom_id.id, "location_id": self.warehouse.lot_stock_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            "date": fields.Datetime.to_datetime(self.week_start) + timedelta(days=days, hours=10)})
        move._action_confirm()

    def _plate_rule(self, **vals):
        return self.env["stock.warehouse.orderpoint"].create({
            "product_id": self.product_plate.id, "warehouse_id": self.warehouse.id,
            "location_id": self.warehouse.lot_stock_id.id, **vals})

    def _plate_lines(self):
        return self._publish(self.vendor_b).line_ids.filtered(
            lambda ln: ln.product_id == self.product_plate).sorted("week")

    def test_reordering_rule_minimum_and_other_outgoing_moves(self):
        """A reordering rule without a maximum above its minimum: the minimum is restored in the first week; a
        delivery made by hand (no sale) adds to its week's demand."""
        self._plate_rule(product_min_qty=25, product_max_qty=25)
        self._ship_plate(7, 9)
        lines = self._plate_lines()
        self.assertEqual(lines.mapped("qty_safety"), [25] + [0] * 11)
        self.assertEqual(lines.mapped("qty_outgoing"), [0, 7] + [0] * 10)
        self.assertEqual(lines.mapped("qty_net"), [25, 7] + [0] * 10)
        self.assertEqual(sum(lines.mapped("qty_share")), 32)

    def test_reordering_rule_orders_up_to_its_maximum_by_its_multiple(self):
        """As Odoo's replenishment: below the minimum (10), order up to the maximum (28) rounded up to the
        rule's multiple (packs of 6): 30 in week 0; week 1 ships 25, leaving 5 < 10: 23 more, rounded to 24;
        the 29 left then cover the weeks after."""
        self._plate_rule(product_min_qty=10, product_max_qty=28,
                         replenishment_uom_id=self.env.ref("uom.product_uom_pack_6").id)
        self._ship_plate(25, 9)
        lines = self._plate_lines()
        self.assertEqual(lines.mapped("qty_net"), [30, 24] + [0] * 10)
        self.assertEqual(sum(lines.mapped("qty_share")), 54)
        # without the rule the same delivery asks for its 25 only
        self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.product_plate.id)]).unlink()
        self.assertEqual(self._plate_lines().mapped("qty_net"), [0, 25] + [0] * 10)

    def test_announced_stock_covers_the_first_weeks(self):
        """An approved offer of 20 bolts available: the next version shows 20 of the 30 asked in week 2 as
        coming from the vendor's stock; an offer approved more than 28 days ago is stale."""
        info = self._info(self.vendor_a, self.product_bolt)
        Offer = self.env["crm.supplier.stock.offer"]
        offer = Offer._crm_supplier_propose({info: {"qty_available": 20, "delay": 5, "min_qty": 0}})
        offer.action_approve()
        bolt = self._publish(self.vendor_a).line_ids.filtered(lambda ln: ln.product_id == self.product_bolt)
        self.assertEqual(self._asked(bolt.forecast_id, self.product_bolt), [0, 0, 30] + [0] * 9)
        self.assertEqual(bolt.sorted("week").mapped("qty_from_stock"), [0, 0, 20] + [0] * 9)
        # 45 available: the whole 30 (never more than asked)
        Offer._crm_supplier_propose({info: {"qty_available": 45, "delay": 5, "min_qty": 0}}).action_approve()
        forecast = self._publish(self.vendor_a)
        self.assertEqual(sum(forecast.line_ids.filtered(
            lambda ln: ln.product_id == self.product_bolt).mapped("qty_from_stock")), 30)
        Offer.search([("supplierinfo_id", "=", info.id)]).date_approved = fields.Datetime.now() - timedelta(days=29)
        forecast = self._publish(self.vendor_a)
        self.assertFalse(any(forecast.line_ids.mapped("qty_from_stock")), "stale announced stock")

    def test_route_that_does_not_buy_leaves_the_product_out(self):
        """A product its reordering rule replenishes by another route (here a pull from another location) is
        not asked from vendors."""
        route = self.env["stock.route"].create({"name": "Resupply from the other shop", "rule_ids": [(0, 0, {
            "name": "Pull", "action": "pull", "location_dest_id": self.warehouse.lot_stock_id.id,
            "location_src_id": self.env.ref("stock.stock_location_customers").id,
            "picking_type_id": self.warehouse.int_type_id.id})]})
        self.env["stock.warehouse.orderpoint"].create({
            "product_id": self.product_plate.id, "warehouse_id": self.warehouse.id, "route_id": route.id,
            "location_id": self.warehouse.lot_stock_id.id, "product_min_qty": 25, "product_max_qty": 50})
        self.assertFalse(self._publish(self.vendor_b).line_ids.filtered(
            lambda ln: ln.product_id == self.product_plate))

    def test_lead_time_moves_what_cannot_arrive_to_the_first_reachable_week(self):
        """An approved stock offer with a 3-week lead time: the next version asks for the bolt's 30 in week 3,
        the first a new order can reach; the version before keeps week 2."""
        first = self._publish(self.vendor_a)
        self.assertEqual(self._asked(first, self.product_bolt), [0, 0, 30] + [0] * 9)
        offer = self.env["crm.supplier.stock.offer"]._crm_supplier_propose({
            self._info(self.vendor_a, self.product_bolt): {"qty_available": 100, "delay": 21, "min_qty": 0}})
        offer.action_approve()
        second = self._publish(self.vendor_a)
        self.assertEqual(self._asked(second, self.product_bolt), [0, 0, 0, 30] + [0] * 8)
        self.assertEqual(set(self._line(second, self.product_bolt, 0).mapped("lead_days")), {21})
        self.assertEqual(self._asked(first, self.product_bolt), [0, 0, 30] + [0] * 9, "published versions stay")

    def test_cron_publishes_a_version_per_vendor_and_notifies(self):
        Forecast = self.env["crm.supplier.forecast"]
        self._plate_rule(product_min_qty=5, product_max_qty=5)  # Bravo's plate is needed too
        published = Forecast._cron_publish()
        mine = published.filtered(lambda f: f.partner_id in (self.vendor_a | self.vendor_b))
        self.assertEqual(sorted(mine.mapped("partner_id.name")), ["Alpha Supplies", "Bravo Metals"])
        self.assertEqual(set(mine.mapped("version")), {1})
        alpha = mine.filtered(lambda f: f.partner_id == self.vendor_a)
        notice = alpha.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(notice.partner_ids, self.contact_a, "mailed to the vendor's portal user")
        self.assertIn(alpha.access_url, notice.body)
        again = Forecast._cron_publish().filtered(lambda f: f.partner_id == self.vendor_a)
        self.assertEqual((again.version, again.state, alpha.state), (2, "published", "superseded"))

    def test_cron_skips_vendors_asked_for_nothing(self):
        """A vendor whose products nobody needs gets no (empty) version; once it was asked for something, the
        version withdrawing the ask is published once, then nothing more."""
        Forecast = self.env["crm.supplier.forecast"]
        idle = self.env["res.partner"].create({"name": "Idle Parts", "is_company": True})
        spare = self.env["product.product"].create({"name": "Spare part nobody needs", "is_storable": True})
        self.env["product.supplierinfo"].create({"partner_id": idle.id, "product_tmpl_id": spare.product_tmpl_id.id})
        self.assertIn(idle, Forecast._crm_vendors_to_publish(self.env.company), "a vendor with a share")
        published = Forecast._cron_publish()
        self.assertIn(self.vendor_a, published.partner_id)
        self.assertNotIn(idle, published.partner_id)
        self.assertFalse(Forecast.search([("partner_id", "=", idle.id)]), "no draft left behind either")
        # Alpha is asked for nothing any more (stock found for both products): one last version says so
        alpha = published.filtered(lambda f: f.partner_id == self.vendor_a)
        self.assertTrue(alpha.line_ids.filtered("qty_share"))
        self.env["stock.quant"]._update_available_quantity(
            self.product_nut, self.warehouse.lot_stock_id, 1000)
        self.env["stock.quant"]._update_available_quantity(
            self.product_bolt, self.warehouse.lot_stock_id, 1000)
        withdrawn = Forecast._cron_publish().filtered(lambda f: f.partner_id == self.vendor_a)
        self.assertEqual((withdrawn.version, bool(withdrawn.line_ids.filtered("qty_share"))), (2, False))
        self.assertFalse(Forecast._cron_publish().filtered(lambda f: f.partner_id == self.vendor_a))
        self.assertEqual(Forecast.search([("partner_id", "=", self.vendor_a.id), ("state", "=", "published")]),
                         withdrawn)

    def test_vendor_reads_its_share_only(self):
        """Through the ORM a portal vendor reads what it is asked for, never the company's requirement."""
        line = self._line(self._publish(self.vendor_a), self.product_bolt, 2)
        as_vendor = line.with_user(self.portal_a)
        self.assertEqual(as_vendor.qty_share, 30)
        for field in ("qty_net", "qty_demand", "qty_on_hand", "share"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                as_vendor.read([field])


@tagged("post_install", "-at_install")
class TestForecastCommitments(ForecastLoopCommon, TransactionCase):
    """Step 2: what the vendor commits is ordered; what falls short is the buyer's to-do. Step 6: webhooks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        cls.product_nut.responsible_id = cls.buyer
        cls.forecast = cls._publish(cls.vendor_a)
        cls.bolt_week2 = cls._line(cls.forecast, cls.product_bolt, 2)
        cls.nut_week8 = cls._line(cls.forecast, cls.product_nut, 8)

    def _commit(self, quantities):
        self.forecast.with_user(self.portal_a)._crm_supplier_commit(quantities, self.contact_a)

    def test_accepted_commitment_creates_a_draft_rfq(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        orderpoint = self.env["stock.warehouse.orderpoint"].create({
            "product_id": self.product_bolt.id, "warehouse_id": warehouse.id, "trigger": "manual",
            "location_id": warehouse.lot_stock_id.id, "product_min_qty": 0, "product_max_qty": 0})
        self._commit({self.bolt_week2: 30})
        po_line = self.bolt_week2.purchase_line_id
        self.assertEqual(self.bolt_week2.commit_state, "accepted")
        self.assertEqual((po_line.order_id.state, po_line.order_id.partner_id), ("draft", self.vendor_a))
        self.assertEqual((po_line.product_id, po_line.product_qty), (self.product_bolt, 30))
        self.assertEqual(po_line.date_planned.date(), self.bolt_week2.week_start)
        self.assertEqual(po_line.price_unit, 1.0, "the vendor's pricelist price")
        self.assertEqual(po_line.order_id.user_id, self.env.ref("base.user_admin"), "Alpha has no buyer: fallback")
        commit = po_line.crm_supplier_commit_ids
        self.assertEqual((commit.state, commit.quantity, commit.date_commit),
                         ("accepted", 30, self.bolt_week2.week_start))
        self.assertEqual(orderpoint.supplier_id, self._info(self.vendor_a, self.product_bolt))
        self.assertFalse(self.forecast.activity_ids, "nothing missing: no to-do")

    def test_commitments_merge_into_the_open_draft_rfq_and_follow_changes(self):
        draft = self._make_order(self.vendor_a, [(self.product_plate, 3)], state="draft")
        self._commit({self.bolt_week2: 30, self.nut_week8: 2})
        self.assertEqual((self.bolt_week2 | self.nut_week8).purchase_line_id.order_id, draft)
        self.assertEqual(len(draft.order_line), 3)
        # the vendor lowers the bolt and withdraws the nut: the draft lines follow
        nut_line = self.nut_week8.purchase_line_id
        self._commit({self.bolt_week2: 24, self.nut_week8: 0})
        self.assertEqual(self.bolt_week2.purchase_line_id.product_qty, 24)
        self.assertEqual(self.bolt_week2.purchase_line_id.crm_supplier_commit_ids.quantity, 24)
        self.assertFalse(nut_line.exists())
        self.assertEqual((self.bolt_week2.commit_state, self.nut_week8.commit_state), ("short", "rejected"))
        # once the RFQ is confirmed, a change no longer touches it
        draft.button_confirm()
        self._commit({self.bolt_week2: 28})
        self.assertEqual(self.bolt_week2.purchase_line_id.product_qty, 24)

    def test_a_change_after_the_rfq_was_sent_is_the_buyers_to_do(self):
        """The vendor raises its commitment once the RFQ is sent: the order stays as sent, its buyer gets a
        to-do on it with the week, what the order says and the new commitment; the same quantity again, none."""
        self._commit({self.bolt_week2: 30})
        order = self.bolt_week2.purchase_line_id.order_id
        order.user_id = self.buyer
        order.write({"state": "sent"})
        self._commit({self.bolt_week2: 30})
        self.assertFalse(order.activity_ids, "nothing changed: no to-do")
        self._commit({self.bolt_week2: 36})
        self.assertEqual(self.bolt_week2.purchase_line_id.product_qty, 30, "the sent RFQ is left as it is")
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.buyer)
        self.assertIn("Alpha Supplies changed a commitment after the order was sent", activity.summary)
        day = self.bolt_week2.week_start.strftime("%m/%d/%Y")
        self.assertIn(f"week of {day}: the order says 30.00, the vendor now commits 36.00 Units", activity.note)
        self.assertFalse(self.forecast.activity_ids, "more than asked: no gap to-do")

    def test_short_and_rejected_commitments_raise_a_buyer_activity(self):
        self._commit({self.bolt_week2: 25, self.nut_week8: 0})
        activities = self.forecast.activity_ids
        # the nut's responsible is the buyer; the bolt has no internal responsible and Alpha no buyer: fallback
        self.assertEqual(activities.user_id, self.buyer | self.env.ref("base.user_admin"))
        nut = activities.filtered(lambda a: a.user_id == self.buyer)
        day = self.nut_week8.week_start.strftime("%m/%d/%Y")
        self.assertIn(f"Hex nut M8, week of {day}: committed 0.00 of 2.00, gap 2.00 Units", nut.note)
        bolt = activities - nut
        self.assertIn("committed 25.00 of 30.00, gap 5.00", bolt.note)
        self.assertEqual(self.bolt_week2.purchase_line_id.product_qty, 25, "what is committed is ordered")

    def test_a_week_below_the_vendor_minimum_keeps_its_price(self):
        self._info(self.vendor_a, self.product_bolt).write({"min_qty": 40, "price": 0.8})
        self._commit({self.bolt_week2: 30})
        self.assertEqual(self.bolt_week2.purchase_line_id.price_unit, 0.8)
        self._commit({self.bolt_week2: 20})
        self.assertEqual(self.bolt_week2.purchase_line_id.price_unit, 0.8)

    def test_webhooks_of_the_loop_are_signed(self):
        server = start_server(self)
        self.env["ir.config_parameter"].set_param(ALLOWLIST, "127.0.0.1")
        hook = self.env["crm.supplier.webhook"].create({
            "name": "Alpha ERP", "partner_id": self.vendor_a.id, "secret": "l00p",
            "url": f"http://127.0.0.1:{server.server_address[1]}/hook"})
        self._commit({self.bolt_week2: 30})
        self._publish(self.vendor_a)
        deliveries = self.env["crm.supplier.webhook.delivery"].search([("webhook_id", "=", hook.id)])
        self.assertEqual(sorted(deliveries.mapped("event")),
                         ["forecast_commit_accepted", "forecast_published", "rfq_created_from_commit"])
        self.env["crm.supplier.webhook.delivery"]._cron_deliver()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})
        received = {}
        for headers, body in server.received:
            expected = hmac.new(b"l00p", headers["X-Crm-Timestamp"].encode() + b"." + body,
                                hashlib.sha256).hexdigest()
            self.assertEqual(headers["X-Crm-Signature"], "sha256=" + expected)
            received[headers["X-Crm-Event"]] = json.loads(body)["data"]
        accepted = received["forecast_commit_accepted"]["commitments"]
        self.assertEqual([(c["line_id"], c["quantity"], c["asked"], c["state"]) for c in accepted],
                         [(self.bolt_week2.id, 30, 30, "accepted")])
        rfq = received["rfq_created_from_commit"]
        order = self.bolt_week2.purchase_line_id.order_id
        self.assertEqual((rfq["order"], rfq["forecast_id"], rfq["lines"][0]["quantity"]),
                         (order.name, self.forecast.id, 30))
        published = received["forecast_published"]
        self.assertEqual(published["version"], 2)
        self.assertIn({"product": self.product_bolt.display_name, "product_code": None,
                       "week_start": str(self.bolt_week2.week_start), "quantity": 30.0}, published["requirements"])


@tagged("post_install", "-at_install")
class TestForecastSharesOnThePortal(SupplierPortalHttpCommon, ForecastLoopCommon, HttpCase):
    """Two vendors of one product, 60/40: each sees its share on the portal, never the other's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()
        cls._info(cls.vendor_a, cls.product_bolt).crm_forecast_share = 60
        cls.env["product.supplierinfo"].create({"partner_id": cls.vendor_b.id, "crm_forecast_share": 40,
                                                "product_tmpl_id": cls.product_bolt.product_tmpl_id.id})
        cls.forecast_a = cls._publish(cls.vendor_a)
        cls.forecast_b = cls._publish(cls.vendor_b)

    def _asked_on_page(self):
        response = self.url_open("/my/supplier/forecast?search=bolt")
        self.assertEqual(response.status_code, 200)
        return [value for value in texts(response, "//*[contains(@class, 'o_crm_forecast_asked')]")
                if value != "–"], response.text

    def test_each_vendor_sees_its_share(self):
        asked, page = self._asked_on_page()
        self.assertEqual(asked, ["18.00"])
        self.assertNotIn("30.00", page)
        self.assertNotIn("12.00", page)
        self.authenticate("crm_pp_bob", "crm_pp_bob")
        asked, page = self._asked_on_page()
        self.assertEqual(asked, ["12.00"])
        self.assertNotIn("30.00", page)
        self.assertNotIn("18.00", page)
        self.assertEqual(self.url_open(f"/my/supplier/forecast/{self.forecast_a.id}").status_code, 404)


@tagged("post_install", "-at_install")
class TestForecastLoopTour(ForecastLoopCommon, HttpCase):
    """The loop end to end: the weekly publication, the vendor commits on the portal, the RFQ is there with
    the committed quantity and week, the buyer confirms and receives it, the vendor's scorecard counts it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_forecast_data()

    def test_tour_forecast_to_scorecard(self):
        forecast = self.env["crm.supplier.forecast"]._cron_publish().filtered(
            lambda f: f.partner_id == self.vendor_a)
        self.assertEqual((forecast.version, forecast.state), (1, "published"))
        Scorecard = self.env["crm.supplier.scorecard"]
        before = Scorecard.search([("partner_id", "=", self.vendor_a.id)]).receipt_count
        self.start_tour("/my/supplier/forecast", "crm_partner_portal_forecast_loop", login="crm_pp_alice")
        line = self._line(forecast, self.product_bolt, 2)
        self.assertEqual((line.qty_committed, line.commit_state), (30, "accepted"))
        order = line.purchase_line_id.order_id
        self.assertEqual((order.state, line.purchase_line_id.product_qty), ("draft", 30))
        self.assertEqual(line.purchase_line_id.date_planned.date(), line.week_start)
        order.with_user(self.buyer).button_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 30
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.env.flush_all()  # the scorecard is a query on the tables
        card = Scorecard.search([("partner_id", "=", self.vendor_a.id)])
        self.assertEqual(card.receipt_count, before + 1)
        self.assertEqual(card.on_time_rate, 100.0, "received before the committed week")
