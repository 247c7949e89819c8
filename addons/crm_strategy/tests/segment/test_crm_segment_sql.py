from ...models.segment.crm_segment_sql import diff
from ..common import CrmSqlStepCase, values


class TestCrmSegmentSql(CrmSqlStepCase):
    """The step of the membership statement that finds who joins and who leaves, run alone."""

    def test_diff_is_the_newcomers_and_the_leavers(self):
        # customer 10 joins segment 1, 11 stays, 12 leaves (membership 101)
        target = values(["segment_id", "partner_id"], [(1, 10), (1, 11)])
        existing = values(["id", "segment_id", "partner_id"], [(100, 1, 11), (101, 1, 12)])
        rows = self._step([("target", target), ("existing", existing), ("diff", diff())], "diff")
        self.assertEqual(sorted((row["segment_id"], row["partner_id"], row["member_id"]) for row in rows),
                         [(1, 10, None), (1, 12, 101)])
