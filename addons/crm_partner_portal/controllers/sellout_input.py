"""A distributor's sell-out report, typed in the portal form or uploaded as CSV or XLSX: read into raw rows,
then every row checked (product, week, quantities, duplicates) before anything is written. One bad row and
nothing is imported: each row's errors are given back, by row number."""
import csv
import datetime
import io
import zipfile

from odoo.http import request

from ..const import MAX_SELLOUT_ROWS, SELLOUT_MAX_WEEKS_BACK
from .portal_input import ECHO_LIMIT, SupplierInputError, parse_number

COLUMNS = ("product", "week", "sold", "stock")


def _header_index(header):
    """{column: index} of the header row; the columns are matched by name, in any order and case."""
    names = [str(cell or "").strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise SupplierInputError(request.env._(
            "The first row must name the columns %(columns)s; missing: %(missing)s.",
            columns=", ".join(COLUMNS), missing=", ".join(missing)))
    return {column: names.index(column) for column in COLUMNS}


def _rows_from_table(table):
    """Raw rows {row, product, week, sold, stock} of a table whose first row is the header; blank rows skipped,
    ``row`` is the row number as a spreadsheet shows it."""
    rows, index = [], None
    for number, cells in enumerate(table, start=1):
        if index is None:
            index = _header_index(cells)
            continue
        cells = list(cells)
        values = {column: cells[i] if i < len(cells) else None for column, i in index.items()}
        if all(value is None or str(value).strip() == "" for value in values.values()):
            continue
        if len(rows) >= MAX_SELLOUT_ROWS:
            raise SupplierInputError(request.env._(
                "A report holds at most %(count)s rows: split the file.", count=MAX_SELLOUT_ROWS))
        rows.append({"row": number, **values})
    if index is None or not rows:
        raise SupplierInputError(request.env._("The file has no row to import."))
    return rows


def read_sellout_file(filename, content):
    """The raw rows of an uploaded CSV (comma or semicolon, UTF-8 or Latin-1) or XLSX file (first sheet)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        # openpyxl (which imports numpy when installed) loads with the first XLSX upload, not with the portal pages
        try:
            import openpyxl
        except ImportError:  # XLSX refused with a message, CSV still works
            openpyxl = None
        if openpyxl is None or not zipfile.is_zipfile(io.BytesIO(content)):
            raise SupplierInputError(request.env._("This .xlsx file cannot be read: save it again as XLSX or CSV."))
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            table = list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_SELLOUT_ROWS + 2))
            book.close()
        except Exception:  # any damaged workbook: one message, nothing imported
            raise SupplierInputError(
                request.env._("This .xlsx file cannot be read: save it again as XLSX or CSV.")) from None
        return _rows_from_table(table)
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        if "\x00" in text:
            raise SupplierInputError(request.env._("This is not a CSV text file."))
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return _rows_from_table(csv.reader(io.StringIO(text), delimiter=delimiter))
    raise SupplierInputError(request.env._("Upload a .csv or .xlsx file."))


def parse_week(raw, this_week):
    """The Monday of a reported week: ``2026-W48`` (ISO week), or any day of the week (``2026-11-25``, or a
    spreadsheet date). Not after this week, nor more than SELLOUT_MAX_WEEKS_BACK weeks back."""
    if isinstance(raw, datetime.datetime):
        day = raw.date()
    elif isinstance(raw, datetime.date):
        day = raw
    else:
        text = str(raw or "").strip().upper()
        try:
            if "W" in text:
                year, _sep, week = text.partition("-W")
                day = datetime.date.fromisocalendar(int(year), int(week[:2]), 1)
            else:
                day = datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise SupplierInputError(request.env._(
                "“%(value)s” is not a week (expected 2026-W48 or a date such as 2026-11-23).",
                value=text[:ECHO_LIMIT])) from None
    monday = day - datetime.timedelta(days=day.weekday())
    if monday > this_week:
        raise SupplierInputError(request.env._("The week of %(week)s is not over yet.", week=monday.isoformat()))
    if monday < this_week - datetime.timedelta(weeks=SELLOUT_MAX_WEEKS_BACK):
        raise SupplierInputError(request.env._(
            "The week of %(week)s is more than %(count)s weeks back.", week=monday.isoformat(),
            count=SELLOUT_MAX_WEEKS_BACK))
    return monday


def _product_lookup(env, company, references):
    """{reference: product.product} of the goods a distributor may report: active, sold, of the company
    (or shared), found by internal reference or barcode. Two queries for the whole report."""
    Product = env["product.product"].sudo().with_company(company)
    domain = [("sale_ok", "=", True), ("type", "=", "consu"), ("company_id", "in", [False, company.id])]
    found = {}
    for field in ("barcode", "default_code"):  # an internal reference wins over a barcode
        for product in Product.search([*domain, (field, "in", list(references))]):
            found[product[field]] = product
    return found


def _reference(raw):
    """A product reference as typed, without NUL (PostgreSQL refuses it); a whole number from a spreadsheet
    cell (1001.0) as 1001."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw if raw is not None else "").replace("\x00", "").strip()[:ECHO_LIMIT * 4]


def validate_sellout_rows(env, company, rows, this_week):
    """(values to write, {row number: [messages]}) of raw rows: values only when no row has an error."""
    references = [_reference(row["product"]) for row in rows]
    products = _product_lookup(env, company, set(references) - {""})
    errors, values, seen = {}, [], {}
    refusal = env._("Quantities cannot be negative.")
    missing = {"week": env._("The week is missing."), "sold": env._("The quantity sold is missing."),
               "stock": env._("The stock on hand is missing.")}
    parsers = {"week": lambda raw: parse_week(raw, this_week), "sold": lambda raw: parse_number(raw, refusal),
               "stock": lambda raw: parse_number(raw, refusal)}
    for row, reference in zip(rows, references):
        messages = []
        product = products.get(reference)
        if not reference:
            messages.append(env._("The product is missing."))
        elif not product:
            messages.append(env._("Unknown product “%(ref)s” (use its internal reference or barcode).",
                                  ref=reference[:ECHO_LIMIT]))
        parsed = {}
        for field, parse in parsers.items():
            raw = row[field]
            if raw is None or str(raw).strip() == "":
                messages.append(missing[field])
                continue
            try:
                parsed[field] = parse(raw)
            except SupplierInputError as e:
                messages.append(str(e))
        week = parsed.get("week")
        if product and week:
            key = (product.id, week)
            if key in seen:
                messages.append(env._("Row %(row)s already reports %(product)s for the week of %(week)s.",
                                      row=seen[key], product=product.display_name, week=week.isoformat()))
            seen.setdefault(key, row["row"])
        if messages:
            errors[row["row"]] = messages
        else:
            values.append({"product_id": product.id, "week_start": week, "qty_sold": parsed["sold"],
                           "qty_stock": parsed["stock"]})
    return (values if not errors else []), errors
