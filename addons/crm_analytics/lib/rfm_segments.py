"""The RFM vocabulary the Odoo models need without the maths: the number of bins, the named groups, and what a
fit's stored cut points say. Plain Python, so that declaring the models' fields and reading the stored scores
loads no numpy (``rfm`` computes the scores and groups)."""

BINS = 5
MIN_BINS, MAX_BINS = 3, 10  # the range offered in the settings

# Named groups on the recency x frequency grid (5 bins), the usual map of RFM practice (``rfm._GRID``).
SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal Customers"),
    ("potential_loyalist", "Potential Loyalists"),
    ("new", "New Customers"),
    ("promising", "Promising"),
    ("need_attention", "Need Attention"),
    ("about_to_sleep", "About to Sleep"),
    ("at_risk", "At Risk"),
    ("cannot_lose", "Can't Lose Them"),
    ("hibernating", "Hibernating"),
]


def bins_of(cuts):
    """Number of bins the stored cut points (from ``rfm.rfm_scores``) were made for; ``BINS`` when there are none."""
    return len(cuts["r"]) + 1 if cuts and cuts.get("r") is not None else BINS


def cuts_fit(cuts, bins):
    """Whether stored cut points (from ``rfm.rfm_scores``) were made for ``bins`` bins on every axis."""
    return bool(cuts) and all(len(cuts.get(key) or ()) == bins - 1 for key in ("r", "f", "m"))
