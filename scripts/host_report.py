"""Summarise `make test-host`: Odoo's own tests of the host modules, run with the suite installed.

``host_report.py specs LOG`` prints the --test-tags spec of every failed test (for the control run).
``host_report.py report LOG [CONTROL_LOG]`` prints each failure and whether it also fails in the control
database, where the same host modules are installed without the suite, then ``N passed, N failed``:
a failure that the control run reproduces comes from the host itself (a missing wkhtmltopdf, a demo
record renamed upstream), not from the suite, so only the others count as failed. Skipped tests are
Odoo's own conditional skips (a module not installed) and are listed, not counted.
"""
import re
import sys

from test_report import RESULT, parse

TEST_FAILURE = re.compile(r"^(?:FAIL|ERROR): (?P<cls>\w+)\.(?P<method>\w+)")
CLASS_FAILURE = re.compile(
    r"^ERROR: (?:setUpClass|tearDownClass) \(odoo\.addons\.(?P<module>\w+)\.tests\.[\w.]*?\.?(?P<cls>\w+)\)")
TEST_MODULE = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\.")


def failures(path):
    """{spec: message} of the failed tests and classes of a log, and the result tuple (or None)."""
    found, result, skipped = {}, None, 0
    for m in parse(path):
        logger, msg = m["logger"], m["msg"]
        if logger == "odoo.tests.result" and (r := RESULT.search(msg)):
            result = tuple(map(int, r.groups()))
        elif msg.startswith("skipped "):
            skipped += 1
        elif m["level"] == "ERROR" and (c := CLASS_FAILURE.match(msg)):
            found[f"/{c['module']}:{c['cls']}"] = msg
        elif m["level"] == "ERROR" and (t := TEST_FAILURE.match(msg)) and (mod := TEST_MODULE.match(logger)):
            found[f"/{mod['module']}:{t['cls']}.{t['method']}"] = msg
    return found, result, skipped


def main(argv):
    command, log = argv[0], argv[1]
    found, result, skipped = failures(log)
    if command == "specs":
        print(",".join(sorted(found)))
        return 0
    control = failures(argv[2])[0] if len(argv) > 2 else {}
    if result is None:
        print("no test result line: Odoo stopped before running the tests")
        print("0 passed, 1 failed")
        return 1
    fails, errors, run = result
    ours = 0
    for spec, msg in sorted(found.items()):
        if spec in control:
            print(f"host failure, also without the suite: {spec} ({msg})")
        else:
            ours += 1
            print(f"FAILED with the suite only: {spec} ({msg})")
    print(f"host: {run} tests, {fails} failures, {errors} errors, {skipped} skipped by Odoo; "
          f"{len(found) - ours} of {len(found)} failed tests fail without the suite too; log: {log}")
    print(f"{run - fails - errors - skipped} passed, {ours} failed")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
