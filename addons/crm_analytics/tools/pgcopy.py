"""Bulk transfer between PostgreSQL and pandas with COPY: a refresh moves 10^5-10^7 rows each way, and COPY
is several times faster than fetching tuples or building multi-row INSERTs (its binary format faster still)."""

import io

from odoo.tools import SQL


def _statement(cr, sql):
    """The statement with its parameters bound by psycopg2 (COPY takes no separate parameters)."""
    return cr.mogrify(sql.code, sql.params).decode()


def int_array(ids):
    """An ``int4[]`` literal of these ids, a parameter to bind with ``= ANY(%s::int4[])``: one string, which
    PostgreSQL parses far faster than a list bound as ARRAY[...] of 10^5 constants."""
    return "{%s}" % ",".join(map(str, ids))


def copy_out(cr, query, columns, dtypes=None):
    """Run ``query`` (an odoo.tools.SQL) through COPY ... TO STDOUT and return a DataFrame named ``columns``."""
    # numpy and pandas load with the first COPY of a refresh: a process that serves pages never imports them
    import pandas as pd

    buffer = io.StringIO()
    cr.copy_expert(f"COPY ({_statement(cr, query)}) TO STDOUT WITH (FORMAT csv)", buffer)
    if not buffer.tell():
        return pd.DataFrame({name: pd.Series(dtype=(dtypes or {}).get(name, "float64")) for name in columns})
    buffer.seek(0)
    return pd.read_csv(buffer, header=None, names=columns, dtype=dtypes)


def copy_in(cr, table, frame):
    """COPY a DataFrame into ``table`` (columns named like the frame's; NaN/None become NULL)."""
    if frame.empty:
        return
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="")
    buffer.seek(0)
    columns = SQL(", ").join(SQL.identifier(name) for name in frame.columns)
    statement = _statement(cr, SQL("COPY %s (%s) FROM STDIN WITH (FORMAT csv)", SQL.identifier(table), columns))
    cr.copy_expert(statement, buffer)


# PostgreSQL binary COPY: fixed-width big-endian values, so a whole frame is one numpy structured array.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_BINARY_TRAILER = b"\xff\xff"
_BINARY_TYPES = {"int4": (">i4", 4), "int8": (">i8", 8), "float8": (">f8", 8)}


# Rows per block of a binary COPY: the whole table never sits in memory as raw bytes next to its columns (at 10^6
# customers the staged rows are ~190 MB; built whole, then copied into a byte string and a buffer, they were three
# times that).
BLOCK_ROWS = 65536


def _binary_dtype(types, widths=None):
    """The numpy record of one binary COPY row of ``types`` (``widths``: numpy dtype and size of the text
    columns)."""
    import numpy as np

    fields = [("count", ">i2")]
    for name, pg_type in types.items():
        dtype = (widths or {}).get(name, (None,))[0] or _BINARY_TYPES[pg_type][0]
        fields += [(f"{name}__len", ">i4"), (name, dtype)]
    return np.dtype(fields)


class _BinaryRowsIn:
    """What ``copy_expert`` reads a binary COPY FROM STDIN from: the header, then the rows of ``columns``
    ({name: numpy array}) encoded one block at a time, then the trailer."""

    def __init__(self, columns, dtype, sizes, count):
        self.columns, self.dtype, self.sizes, self.count = columns, dtype, sizes, count
        self.next_row = 0
        self.pending = memoryview(_BINARY_HEADER)

    def _block(self):
        import numpy as np

        stop = min(self.next_row + BLOCK_ROWS, self.count)
        rows = np.empty(stop - self.next_row, dtype=self.dtype)
        rows["count"] = len(self.columns)
        for name, data in self.columns.items():
            rows[f"{name}__len"] = self.sizes[name]
            rows[name] = data[self.next_row:stop]
        self.next_row = stop
        return rows.tobytes() + (_BINARY_TRAILER if stop == self.count else b"")

    def read(self, size=-1):  # pylint: disable=method-required-super
        while not len(self.pending) and self.next_row < self.count:
            self.pending = memoryview(self._block())
        size = len(self.pending) if size is None or size < 0 else size
        chunk, self.pending = bytes(self.pending[:size]), self.pending[size:]
        return chunk


def copy_in_binary(cr, table, frame, types):
    """COPY a DataFrame into ``table`` in PostgreSQL's binary format, built with numpy a block of rows at a time.

    ``types`` maps each column to ``int4``, ``int8``, ``float8`` or ``char(N)`` (ASCII text, padded with spaces,
    which a ``char(N)`` column ignores). NaN floats and missing texts become NULL, as with the CSV path.
    Writing CSV costs about a microsecond a cell; this costs a few nanoseconds."""
    import numpy as np
    import pandas as pd

    if frame.empty:
        return
    columns, sizes, widths, nulls = {}, {}, {}, []
    for name, pg_type in types.items():
        if pg_type.startswith("char("):
            width = int(pg_type[5:-1])
            widths[name], sizes[name] = (f"S{width}", width), width
            if any(len(v) > width for v in frame[name].dropna().astype(str).unique()):
                raise ValueError(f"column {name} has values longer than {width} characters")
            columns[name] = frame[name].fillna("").astype(str).str.ljust(width).to_numpy(dtype=f"S{width}")
            if frame[name].isna().any():
                nulls.append(SQL("%s = NULLIF(%s, '')", SQL.identifier(name), SQL.identifier(name)))
        else:
            sizes[name] = _BINARY_TYPES[pg_type][1]
            columns[name] = frame[name].to_numpy()
            if pg_type == "float8" and np.isnan(columns[name].astype(float)).any():
                nulls.append(SQL("%s = NULLIF(%s, 'NaN'::float8)", SQL.identifier(name), SQL.identifier(name)))
            elif pg_type != "float8" and pd.isna(columns[name]).any():
                raise ValueError(f"column {name} ({pg_type}) has missing values")
    names = SQL(", ").join(SQL.identifier(name) for name in types)
    statement = _statement(cr, SQL("COPY %s (%s) FROM STDIN WITH (FORMAT binary)", SQL.identifier(table), names))
    cr.copy_expert(statement, _BinaryRowsIn(columns, _binary_dtype(types, widths), sizes, len(frame)), size=1 << 20)
    if nulls:
        cr.execute(SQL("UPDATE %s SET %s", SQL.identifier(table), SQL(", ").join(nulls)))


class _BinaryRowsOut:
    """What ``copy_expert`` writes a binary COPY TO STDOUT into: whole rows are decoded into column arrays (of
    ``dtypes``) as the data arrive, a block at a time, so that the raw answer never sits in memory whole."""

    def __init__(self, types, dtypes):
        self.types, self.dtypes = types, dtypes
        self.dtype = _binary_dtype(types)
        self.pending = bytearray()
        self.header = False
        self.blocks = {name: [] for name in types}

    def write(self, data):  # pylint: disable=method-required-super
        self.pending += data
        if len(self.pending) >= BLOCK_ROWS * self.dtype.itemsize:
            self._decode()
        return len(data)

    def _decode(self, last=False):
        import numpy as np

        start = 0
        if not self.header:
            if len(self.pending) < len(_BINARY_HEADER):
                if last:
                    raise ValueError("not a PostgreSQL binary COPY")
                return
            if bytes(self.pending[:len(_BINARY_HEADER) - 8]) != _BINARY_HEADER[:-8]:
                raise ValueError("not a PostgreSQL binary COPY")
            start = len(_BINARY_HEADER) + int.from_bytes(self.pending[len(_BINARY_HEADER) - 4:len(_BINARY_HEADER)],
                                                          "big")
            self.header = True
        usable = len(self.pending) - start - (len(_BINARY_TRAILER) if last else 0)
        rows = max(usable, 0) // self.dtype.itemsize
        if rows:
            array = np.frombuffer(self.pending, dtype=self.dtype, count=rows, offset=start)
            for name, pg_type in self.types.items():
                if (array[f"{name}__len"] != _BINARY_TYPES[pg_type][1]).any():
                    raise ValueError(f"column {name} has NULL values or is not {pg_type}")
                native = self.dtypes.get(name) or array.dtype[name].newbyteorder("=")
                self.blocks[name].append(array[name].astype(native))
            del array  # a view: the buffer cannot shrink while it exists
        del self.pending[:start + rows * self.dtype.itemsize]

    def frame(self):
        import numpy as np
        import pandas as pd

        self._decode(last=True)
        if bytes(self.pending) != _BINARY_TRAILER:
            raise ValueError("the query returned NULL values or other types than declared")
        return pd.DataFrame({
            name: np.concatenate(blocks) if len(blocks) > 1 else blocks[0] if blocks else np.empty(0, dtype=(
                self.dtypes.get(name) or np.dtype(_BINARY_TYPES[self.types[name]][0]).newbyteorder("=")))
            for name, blocks in self.blocks.items()})


def copy_out_binary(cr, query, types, dtypes=None):
    """Run ``query`` through COPY ... TO STDOUT in PostgreSQL's binary format and return a DataFrame of its
    columns, named and typed by ``types`` ({column: ``int4``, ``int8`` or ``float8``}, in the query's order),
    each column of the numpy dtype ``dtypes`` gives it (default: the PostgreSQL type's).

    The query must return no NULL (COALESCE what may be one): each row then has the same width and the answer
    is decoded by numpy a block of rows at a time, with neither the server writing text nor pandas parsing it
    back."""
    rows = _BinaryRowsOut(types, dtypes or {})
    cr.copy_expert(f"COPY ({_statement(cr, query)}) TO STDOUT WITH (FORMAT binary)", rows)
    return rows.frame()
