"""The suite's one XLSX writer: every export goes through ``Workbook``, so every workbook has the same number
formats (money with the company currency, percentages as percentages, dates and months with their year), a
frozen header with an autofilter, an "About" sheet naming the company, the currency and the period, and no
cell a spreadsheet would run as a formula."""
import io

from odoo import fields

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind -> number format; "money" is made from the currency, "percent" holds percentage points (12.5 = 12.5 %)
FORMATS = {
    "text": None,
    "float": "#,##0.00",
    "int": "#,##0",
    "pct": "0.0%",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "month": "mmm yyyy",
}


def safe_cell(value):
    """Text that a spreadsheet would read as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def money_format(currency):
    """The number format of amounts in ``currency`` (its symbol, side and decimals); a plain one without."""
    if not currency:
        return "#,##0.00"
    digits = "#,##0" + ("." + "0" * currency.decimal_places if currency.decimal_places else "")
    symbol = '"%s"' % (currency.symbol or currency.name).replace('"', "")
    return f"{symbol}{digits}" if currency.position == "before" else f"{digits} {symbol}"


def period_label(date_from=None, date_to=None):
    """A period as people read it, with its year: "2026-01-01 – 2026-12-31"; an open start says so, an open
    end is today."""
    return "%s – %s" % (date_from or "the beginning", date_to or fields.Date.today())


def download_action(env, res_model, filename, content):
    """The act_url that downloads ``content`` as ``filename`` (an attachment of ``res_model``)."""
    attachment = env["ir.attachment"].create({
        "name": filename, "raw": content, "mimetype": XLSX_MIMETYPE, "res_model": res_model,
    })
    return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}


class Workbook:
    """One workbook, sheet by sheet; use as a context manager, ``content`` holds the bytes afterwards.

    Amounts are in the currency of the exported companies: with companies of several currencies the money
    columns keep a plain number format and the About sheet says to read the Company column."""

    def __init__(self, env, companies=None, constant_memory=False):
        # xlsxwriter loads with the first export: a process that serves pages never imports it
        import xlsxwriter

        self.env = env
        self.companies = companies or env.company
        currencies = self.companies.currency_id
        self.currency = currencies if len(currencies) == 1 else None
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": constant_memory, "in_memory": not constant_memory,
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "remove_timezone": True,
        })
        self.header = self.book.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True})
        specs = dict(FORMATS, money=money_format(self.currency))
        self.formats = {kind: spec and self.book.add_format({"num_format": spec}) for kind, spec in specs.items()}
        self.content = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.book.close()
        self.content = self.buffer.getvalue()

    def add_sheet(self, title):
        return self.book.add_worksheet(str(safe_cell(title))[:31])

    def table(self, title, columns, rows):
        """A sheet of ``rows`` (any iterable, consumed once) under ``columns`` = [(header, kind)]; returns
        (sheet, number of data rows)."""
        sheet = self.add_sheet(title)
        for col, (label, kind) in enumerate(columns):
            sheet.set_column(col, col, 30 if kind == "text" else 14)
            sheet.write_string(0, col, label, self.header)
        writers = [self._writer(sheet, kind) for _label, kind in columns]
        width = len(writers)
        count = 0
        for count, row in enumerate(rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {count} has {len(row)} values for {width} columns")
            for col, value in enumerate(row):
                # a blank cell without a format is not written at all (as xlsxwriter does)
                if value is not None and value is not False:
                    writers[col](count, col, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
        return sheet, count

    def _writer(self, sheet, kind):
        """The cell writer of a column kind, bound once per column: the row loop is the hot path of a 10^5-row
        export (1.7 million cells), so it does no dispatch on the kind per cell."""
        cell_format = self.formats[kind]
        if kind == "text":
            write_string = sheet.write_string
            return lambda row, col, value: write_string(row, col, str(safe_cell(str(value))))
        if kind in ("date", "month"):
            write_datetime = sheet.write_datetime
            return lambda row, col, value: write_datetime(row, col, value, cell_format)
        write_number = sheet.write_number
        if kind == "percent":
            return lambda row, col, value: write_number(row, col, float(value) / 100.0, cell_format)
        return lambda row, col, value: write_number(row, col, float(value), cell_format)

    def about(self, title, period, notes=()):
        """The last sheet: what the workbook is, for which companies, in which currency, over which period."""
        sheet = self.add_sheet(self.env._("About"))
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, 1, 90)
        currency = (self.currency.name if self.currency else
                    self.env._("each company's own currency: read the Company column"))
        lines = [
            (self.env._("Export"), title),
            (self.env._("Companies"), ", ".join(self.companies.mapped("name"))),
            (self.env._("Currency"), currency),
            (self.env._("Period"), period),
            (self.env._("Exported on"), "%s (%s)" % (fields.Datetime.now().strftime("%Y-%m-%d %H:%M"), "UTC")),
            (self.env._("Exported by"), self.env.user.name),
            *((self.env._("Note"), note) for note in notes),
        ]
        for row, (label, value) in enumerate(lines):
            sheet.write_string(row, 0, label, self.header)
            sheet.write_string(row, 1, str(safe_cell(str(value))))
        return sheet
