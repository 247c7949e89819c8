"""Loading the registry imports no numerics: numpy, pandas and scipy (and xlsxwriter) load only when a
refresh, a fit's figures or an export need them, so a server process that only serves pages never pays for them
(~63,000 more objects for every full garbage collection and ~90 MB more memory in every worker)."""

import json
import os
import subprocess
import sys

import odoo
import odoo.addons
from odoo.tests import TransactionCase

HEAVY = ["numpy", "pandas", "scipy", "xlsxwriter"]
# A fresh interpreter (this one has long imported them for the other tests) imports the addon as the registry does:
# its package, hence its models and wizards and the crm_strategy modules they import. It answers which of the
# libraries it has imported, and whether the models were really imported.
CHILD = """
import json, sys
import odoo.addons
for path in json.loads(sys.argv[1]):
    if path not in odoo.addons.__path__:
        odoo.addons.__path__.append(path)
import odoo.addons.crm_analytics
print(json.dumps({"heavy": [name for name in json.loads(sys.argv[2]) if name in sys.modules],
                  "models": "odoo.addons.crm_analytics.models.crm_customer_metrics" in sys.modules}))
"""


class TestRegistryImports(TransactionCase):
    def test_registry_imports_no_numerics(self):
        # where this process found the odoo package (odoo-bin puts its own folder on the path, not the child's)
        roots = [os.path.dirname(path) for path in odoo.__path__]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [*roots, os.environ.get("PYTHONPATH")])))
        child = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(list(odoo.addons.__path__)), json.dumps(HEAVY)],
            capture_output=True, text=True, env=env, timeout=120, check=False)
        self.assertEqual(child.returncode, 0, child.stderr)
        answer = json.loads(child.stdout.strip().splitlines()[-1])
        self.assertTrue(answer["models"], "the addon's models were imported")
        self.assertEqual(answer["heavy"], [], "importing the addon imported these libraries at module level")
