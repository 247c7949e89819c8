"""Summarise an Odoo test log (and a standalone-test log) as `N passed, N failed`.

Counted as failed: test failures and errors, skipped tests (a skipped tour is a
broken setup, not a pass), failed standalone scripts, a missing result line, and
every WARNING or ERROR logged outside the tests' own failure reports (Odoo's
runbot rule: an install that warns is broken).
"""
import re
import sys

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
TEST_LOGGER = re.compile(r"^odoo\.addons\.\w+\.tests(\.|$)|^odoo\.tests\.(result|stats)$")
# Benign lines from Odoo itself; keep this list short and justified.
ALLOWED = [
    # The standalone runner warns when it cannot find tests of modules without any.
]


def parse(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [m for m in (LINE.match(line) for line in f) if m]


def main(test_log, standalone_log):
    lines = parse(test_log)
    failed = passed = 0
    problems = []
    result = None
    skipped = []
    failures = []
    for m in lines:
        level, logger, msg = m["level"], m["logger"], m["msg"]
        if logger == "odoo.tests.result" and (r := RESULT.search(msg)):
            result = tuple(map(int, r.groups()))
        elif level == "ERROR" and TEST_LOGGER.match(logger) and msg.startswith(("FAIL:", "ERROR:")):
            failures.append(f"{msg} ({logger})")
        elif msg.startswith("skipped "):
            skipped.append(msg)
        elif level in ("WARNING", "ERROR", "CRITICAL") and not TEST_LOGGER.match(logger):
            if not any(re.search(a, f"{logger}: {msg}") for a in ALLOWED):
                problems.append(f"{level} {logger}: {msg}")
    if result is None:
        problems.append("no test result line: Odoo stopped before running the tests")
    else:
        fails, errors, run = result
        failed += fails + errors
        passed += max(run - fails - errors - len(skipped), 0)
    failed += len(skipped) + len(problems)

    standalone_ran = standalone_failed = 0
    for m in parse(standalone_log) if standalone_log else []:
        if m["msg"].startswith("Executing standalone script"):
            standalone_ran += 1
        elif m["level"] in ("ERROR", "CRITICAL"):
            standalone_failed += 1
            problems.append(f"standalone: {m['logger']}: {m['msg']}")
    failed += standalone_failed
    passed += max(standalone_ran - standalone_failed, 0)

    for f in failures:
        print(f"FAILED: {f}")
    for s in skipped:
        print(f"SKIPPED (counted as failed): {s}")
    for p in problems:
        print(f"LOG PROBLEM (counted as failed): {p}")
    if result:
        print(f"odoo: {result[2]} tests, {result[0]} failures, {result[1]} errors, {len(skipped)} skipped; "
              f"standalone: {standalone_ran} run, {standalone_failed} failed; log: {test_log}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
