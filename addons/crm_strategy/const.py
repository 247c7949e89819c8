"""Selections and tables that several concerns of the addon (or other addons) read: one definition each, so
that a model never imports another model's module to learn a value."""

# --- segments ---------------------------------------------------------------
CONTINUUM_STAGES = [
    ("product_centric", "Product-centric analysis"),
    ("marketing_segmentation", "Marketing segmentation"),
    ("customer_management", "Customer management"),
    ("segment_advisor", "Segment advisors"),
    ("segment_owner", "Segment owners"),
    ("customer_pnl", "Customer-centric P&L"),
]

# what the customer strategy does with a segment's customers (segments and strategy lines)
STRATEGY_ACTIONS = [
    ("attract", "Attract"),
    ("grow", "Grow"),
    ("retain", "Retain"),
    ("divest", "Let go"),
]

# --- profile ----------------------------------------------------------------
# Measures exposed on the partner for the current company, searchable so that segment rules written on
# res.partner can use them: partner field -> crm.customer.measure field.
MEASURE_FIELDS = {
    "crm_first_order_date": "first_order_date",
    "crm_last_order_date": "last_order_date",
    "crm_order_count": "order_count",
    "crm_revenue_12m": "revenue_12m",
    "crm_revenue_total": "revenue_total",
    "crm_margin_12m": "margin_12m",
    "crm_margin_total": "margin_total",
    "crm_average_order_value": "average_order_value",
    "crm_discount_share": "discount_share",
    "crm_days_since_last_order": "days_since_last_order",
    "crm_typology_id": "typology_id",
}

# --- customer P&L -----------------------------------------------------------
# (column, label, sign) of the waterfall from gross revenue to profit: -1 takes away, 0 is a subtotal
WATERFALL = [
    ("gross_revenue", "Gross revenue", 1),
    ("pricelist_reduction", "Pricelist reductions", -1),
    ("line_discount", "Line discounts", -1),
    ("allowance_amount", "Allowances and credits", -1),
    ("net_revenue", "Net revenue", 0),
    ("product_cost", "Product costs", -1),
    ("channel_cost", "Channel costs", -1),
    ("cost_to_serve", "Cost-to-serve", -1),
    ("admin_cost", "Administrative costs", -1),
    ("profit", "Customer profit", 0),
]

# the cost-to-serve drivers (crm.cost.driver) and the customer P&L column that counts each driver's volume
DRIVER_VOLUMES = {
    "quotation": "quotation_count", "sale_order": "order_count", "order_line": "order_line_count",
    "delivery": "delivery_count", "return": "return_count", "invoice": "invoice_count",
    "credit_note": "credit_note_count", "payment_reminder": "payment_reminder_count",
    "payment_delay": "payment_delay_amount_days", "activity": "activity_count",
}

# --- channels ---------------------------------------------------------------
CHANNEL_TYPES = [
    ("sales_force", "Direct sales force"),
    ("call_centre", "Call centre"),
    ("ecommerce", "E-commerce / website"),
    ("retail", "Retail outlet"),
    ("distributor", "Distributor / reseller"),
    ("marketplace", "Marketplace"),
    ("email", "Email"),
    ("social", "Social media"),
    ("mobile", "Mobile app"),
]

# the figures of a channel evaluation a scorecard criterion may weigh: measure -> (label, higher is better)
CRITERION_MEASURES = {
    "revenue": ("Revenue", True),
    "margin": ("Margin", True),
    "profit": ("Profit", True),
    "roi": ("ROI", True),
    "customer_count": ("Customers", True),
    "new_customer_count": ("New customers", True),
    "cost_per_acquisition": ("Cost per acquisition", False),
    "acquired_value": ("Value of customers acquired", True),
    "revenue_share": ("Share of revenue", True),
    "customer_share": ("Share of dependent customers", True),
    "hhi": ("Customer concentration (HHI)", False),
    "channel_value": ("Channel value", True),
    "brand_fit": ("Brand fit", True),
}

# What can be estimated for a channel with no history of its own (a potential channel), typed with its
# source: measure -> (label, scaled to the evaluated period). Amounts are a year's and scaled to the period;
# reach and brand fit are not. The measured figures win whenever the channel sold in the period, except
# brand fit, which is never measured.
ESTIMATE_MEASURES = {
    "customer_count": ("Expected reach (customers)", False),
    "revenue": ("Expected revenue (a year)", True),
    "margin": ("Expected margin (a year)", True),
    "channel_cost": ("Expected cost (a year)", True),
    "brand_fit": ("Brand fit (0 to 10)", False),
}
BRAND_FIT_MAX = 10.0

# the role of a channel for a segment in a channel strategy
CHANNEL_ROLES = [("primary", "Primary"), ("secondary", "Secondary"), ("none", "None")]
# how a segment's customers split over the channels of a scenario: primaries weigh twice a secondary
ROLE_WEIGHTS = {"primary": 2.0, "secondary": 1.0, "none": 0.0}

# --- playbooks: the levers a segment playbook or a P&L decision pulls on its customers --------
# the level of service a customer gets (the customer P&L sets it, the playbooks apply it)
SERVICE_LEVELS = [
    ("premium", "Premium: named account team, next-day delivery"),
    ("standard", "Standard"),
    ("basic", "Basic: self-service, grouped deliveries"),
]
PLAYBOOK_LEVERS = [
    ("pricelist", "Pricelist"),
    ("payment_term", "Payment terms"),
    ("service_level", "Service level"),
    ("salesperson", "Salesperson"),
    ("sales_team", "Sales team"),
    ("channel", "Sales channel"),
    ("activity_plan", "Activity plan"),
]
# lever -> (playbook field, partner field) of the levers that write a field of the customer
PLAYBOOK_FIELD_LEVERS = {
    "pricelist": ("pricelist_id", "specific_property_product_pricelist"),
    "payment_term": ("payment_term_id", "property_payment_term_id"),
    "service_level": ("service_level", "crm_service_level"),
    "salesperson": ("user_id", "user_id"),
    "sales_team": ("team_id", "crm_team_id"),
    "channel": ("channel_id", "crm_channel_id"),
}
# Space left free in each page of crm_customer_pnl: a refresh that changes every row (a new cost rule) updates them
# in place, and with room on its page the new version is a HOT update, which writes none of the table's indexes
# (238k rows: 3.7 s to 1.7 s)
PNL_FILLFACTOR = 50
# a partner field a lever writes -> the date from which its value takes effect (set with it, put back by the undo)
PLAYBOOK_SINCE_FIELDS = {"crm_channel_id": "crm_channel_since"}
PLAYBOOK_TRIGGERS = [("manual", "Applied by hand"), ("refresh", "Segment refresh"), ("pnl", "P&L decision")]
PLAYBOOK_LINE_STATES = [
    ("applied", "Applied"),
    ("skipped", "Not applied"),
    ("undone", "Undone"),
    ("kept", "Kept (changed since)"),
]
# the same states in the preview, where nothing is written yet
PLAYBOOK_PREVIEW_STATES = [("applied", "Will change"), ("skipped", "Not applied")]
# the suggested actions of the customer P&L that a click applies, and the lever each one pulls
PNL_ACTION_TYPES = [
    ("reprice", "Reprice"),
    ("cut_discount", "Cut discounts"),
    ("cheaper_channel", "Move to a cheaper channel"),
    ("lower_service", "Lower the service level"),
]
PNL_ACTION_LEVERS = {
    "reprice": ("pricelist", "pricelist_id"),
    "cut_discount": ("pricelist", "pricelist_id"),
    "cheaper_channel": ("channel", "channel_id"),
    "lower_service": ("service_level", "service_level"),
}
# months of customer profit compared before and after a P&L decision
DECISION_EFFECT_MONTHS = 3
# marketing consent, per channel of contact
CONSENT_MEDIA = [("email", "Email"), ("sms", "SMS"), ("phone", "Phone"), ("post", "Post")]
CONSENT_SOURCES = [
    ("web_form", "Web form"),
    ("order", "Sales order"),
    ("event", "Event or fair"),
    ("phone", "Phone call"),
    ("paper", "Signed paper form"),
    ("import", "Import"),
]
