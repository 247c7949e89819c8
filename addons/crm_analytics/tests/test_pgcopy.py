import numpy as np
import pandas as pd

from odoo.tests import TransactionCase
from odoo.tools import SQL

from ..tools.pgcopy import BLOCK_ROWS, copy_in_binary, copy_out_binary


class TestPgCopy(TransactionCase):
    """The binary COPY that stages a refresh: what goes in comes back, NaN and missing text as NULL."""

    def setUp(self):
        super().setUp()
        self.env.cr.execute("CREATE TEMP TABLE crm_test_copy (i int4, b int8, f float8, t char(8))")

    def _rows(self):
        self.env.cr.execute("SELECT i, b, f, t::varchar FROM crm_test_copy ORDER BY i")
        return self.env.cr.fetchall()

    def test_values_round_trip(self):
        frame = pd.DataFrame({
            "i": np.array([1, 2, -3], dtype=np.int64), "b": [2**40, 0, -1],
            "f": [0.1, np.nan, -1e300], "t": ["loyal", None, "new"],
        })
        copy_in_binary(self.env.cr, "crm_test_copy", frame, {"i": "int4", "b": "int8", "f": "float8", "t": "char(8)"})
        self.assertEqual(self._rows(), [(-3, -1, -1e300, "new"), (1, 2**40, 0.1, "loyal"), (2, 0, None, None)])

    def test_empty_frame_writes_nothing(self):
        copy_in_binary(self.env.cr, "crm_test_copy", pd.DataFrame({"i": []}), {"i": "int4"})
        self.assertEqual(self._rows(), [])

    def test_bad_input_refused(self):
        too_long = pd.DataFrame({"i": [1], "t": ["much too long"]})
        with self.assertRaisesRegex(ValueError, "longer than 8"):
            copy_in_binary(self.env.cr, "crm_test_copy", too_long, {"i": "int4", "t": "char(8)"})
        missing = pd.DataFrame({"i": [1.0, np.nan]})
        with self.assertRaisesRegex(ValueError, "missing values"):
            copy_in_binary(self.env.cr, "crm_test_copy", missing, {"i": "int4"})
        self.assertEqual(self._rows(), [])

    def test_binary_copy_out(self):
        """Rows read back by the binary COPY: every value, the declared types, an empty answer, NULL refused."""
        self.env.cr.execute("INSERT INTO crm_test_copy (i, b, f) VALUES (1, 2, 0.5), (-7, 0, -1e300)")
        types = {"i": "int4", "b": "int8", "f": "float8"}
        frame = copy_out_binary(self.env.cr, SQL("SELECT i, b, f FROM crm_test_copy ORDER BY i"), types)
        self.assertEqual(frame.to_dict("list"), {"i": [-7, 1], "b": [0, 2], "f": [-1e300, 0.5]})
        self.assertEqual([str(dtype) for dtype in frame.dtypes], ["int32", "int64", "float64"])
        empty = copy_out_binary(self.env.cr, SQL("SELECT i, b, f FROM crm_test_copy WHERE FALSE"), types)
        self.assertEqual((len(empty), list(empty.columns)), (0, ["i", "b", "f"]))
        with self.assertRaisesRegex(ValueError, "NULL"):
            copy_out_binary(self.env.cr, SQL("SELECT i, b, NULL::float8 FROM crm_test_copy"), types)

    def test_rows_across_blocks(self):
        """More rows than a block, both ways: each row once, in order, none lost or doubled at a block's edge,
        and read back straight into the dtypes asked for."""
        n = 2 * BLOCK_ROWS + 3
        frame = pd.DataFrame({"i": np.arange(n, dtype=np.int64), "b": np.arange(n, dtype=np.int64) * 2**33,
                              "f": np.arange(n) / 7.0, "t": np.where(np.arange(n) % 2, "odd", None)})
        copy_in_binary(self.env.cr, "crm_test_copy", frame, {"i": "int4", "b": "int8", "f": "float8", "t": "char(8)"})
        self.env.cr.execute("SELECT count(*), count(DISTINCT i), min(i), max(i), count(t) FROM crm_test_copy")
        self.assertEqual(self.env.cr.fetchone(), (n, n, 0, n - 1, n // 2))
        back = copy_out_binary(self.env.cr, SQL("SELECT i, b, f FROM crm_test_copy ORDER BY i"),
                               {"i": "int4", "b": "int8", "f": "float8"}, dtypes={"i": "int64"})
        self.assertEqual(str(back["i"].dtype), "int64")
        np.testing.assert_array_equal(back["i"].to_numpy(), frame["i"].to_numpy())
        np.testing.assert_array_equal(back["b"].to_numpy(), frame["b"].to_numpy())
        np.testing.assert_array_equal(back["f"].to_numpy(), frame["f"].to_numpy())
