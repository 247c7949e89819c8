#!/usr/bin/env bash
# make lint: ruff and pylint-odoo (OCA's checks) over addons/ and tests/; each README.rst is its readme/ fragments.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_dev_tools
cd "$ROOT"
log "ruff"
"$VENV/bin/ruff" check addons tests scripts
log "pylint-odoo"
PYTHONPATH="$ODOO${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" \
    addons/crm_strategy addons/crm_analytics addons/crm_partner_portal addons/crm_strategy_mass_mailing \
    tests/crm_suite_tests
log "README.rst from readme/"
"$PY" scripts/readme.py --check
log "lint clean"
