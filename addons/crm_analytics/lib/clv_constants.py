"""Constants of the CLV models that the Odoo models need without the maths (field selections, defaults, time
units). Plain Python, so that declaring the models loads no numpy or scipy."""

# The CLV shown: the model's (BG/NBD x Gamma-Gamma) or the historical one (``clv_basis``).
MODEL, HISTORICAL = "model", "historical"
MIN_REPEAT = 30  # default minimum number of repeat customers for the model CLV (a setting)
RETENTION_DAYS = 365  # retention is observed over one year
DAYS_PER_MONTH = 30.4375
# Days in each time unit the models may count recency and customer age in (a setting).
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}
