"""Constants shared by the models and controllers of the supplier portal (as Odoo's ``sale/const.py``): a
model module never imports another model module, so what two of them (or a controller) need lives here."""

# ---------------------------------------------------------------------- purchase orders
# Who sees the vendor's answers on an order: buyers, and the vendor on the portal (as crm.supplier.commit).
COMMIT_READERS = "purchase.group_purchase_user,base.group_portal"
# Orders a vendor can see on the portal: the buyer has sent them (drafts are the buyer's business).
PORTAL_ORDER_STATES = ("sent", "to approve", "purchase", "cancel")
# Deliveries a vendor may split one order line into on the portal.
MAX_SPLITS = 3
MAX_BILL_SIZE = 10 * 1024 * 1024
# Bills a vendor may upload for one order: a few partial bills and corrections, not a flood of drafts.
MAX_BILLS_PER_ORDER = 10

# ---------------------------------------------------------------------- demand forecast
# Weekly buckets of a forecast, and the weeks of deliveries its run rate is measured on.
FORECAST_WEEKS = 12
HISTORY_WEEKS = 12

# ---------------------------------------------------------------------- stock offers
MAX_DELAY_DAYS = 365
# An approved stock offer's available quantity feeds the forecast versions published in the days after its
# approval; announced stock older than this is stale.
STOCK_OFFER_FRESH_DAYS = 28

# ---------------------------------------------------------------------- who follows the portal up
# System parameter of the internal user who gets the to-dos of the portal (commitments, bills, stock offers)
# when no buyer is known; unset (or no longer an active internal user): the administrator (base.user_admin).
FALLBACK_USER_PARAM = "crm_partner_portal.fallback_user_id"

# ---------------------------------------------------------------------- webhooks
WEBHOOK_EVENTS = [
    ("forecast_published", "Forecast published"),
    ("order_sent", "Purchase order sent"),
    ("order_changed", "Purchase order changed"),
    ("commit_accepted", "Commitment accepted"),
    ("forecast_commit_accepted", "Forecast commitment accepted"),
    ("rfq_created_from_commit", "RFQ created from a commitment"),
]
MAX_CONSECUTIVE_FAILURES = 5

# ---------------------------------------------------------------------- distributors' sell-out
# Rows one report (form or file) may carry, and how far back a distributor may report (weeks).
MAX_SELLOUT_ROWS = 5000
MAX_SELLOUT_FILE_SIZE = 5 * 1024 * 1024
SELLOUT_MAX_WEEKS_BACK = 104
# Rows of the entry form on the portal.
SELLOUT_FORM_ROWS = 8

# ---------------------------------------------------------------------- forecast loop
# Who reads the company's whole requirement on a forecast line (demand, stock, net): buyers. The vendor reads its
# share only (qty_share), on the portal.
BUYER_FIGURES = "purchase.group_purchase_user"
