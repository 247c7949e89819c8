#!/usr/bin/env bash
# make test-host: Odoo's own test suites of sale, purchase, portal and account, run with the three
# addons of the suite installed, to prove that installing the suite breaks nothing in the host ERP.
# Long (the host suites hold thousands of tests); not part of `make test`.
#
# As Odoo's own builds do it: one fresh database where the host modules and the suite are installed
# together, tests enabled for the host modules only. Their at_install tests run when each is installed,
# their post_install tests at the end, with the suite installed and loaded. (Updating an installed
# database with -u instead would run the at_install tests in update mode, out of install order: portal's
# tests would then create companies before account's defaults are loaded, which fails without the suite
# too.)
# Tests that fail are then run again in a control database holding the same host modules without the
# suite: a failure found there too comes from the host (no wkhtmltopdf, demo data renamed upstream), and
# only the failures the suite causes count.
#   HOST_MODULES=sale,purchase   a subset
source "$(dirname "$0")/common.sh"
bootstrap
ensure_chromium
ensure_wkhtmltopdf
HOST_MODULES=${HOST_MODULES:-sale,purchase,portal,account}
STAMP=$(date +%Y%m%d-%H%M%S)-$$
DB=crm_host_${STAMP//-/_}
CONTROL_DB=${DB}_control
trap 'drop_db "$DB"; drop_db "$CONTROL_DB"' EXIT
LOG=$STATE/test-logs/host-$STAMP.log
mkdir -p "$STATE/test-logs"
TAGS=$(printf '/%s,' ${HOST_MODULES//,/ }); TAGS=${TAGS%,}
log "Installing $HOST_MODULES and the suite in a fresh database $DB, running Odoo's own tests of" \
    "$HOST_MODULES; log: ${LOG#"$ROOT"/}"
set +e
odoo_bin -d "$DB" -i "$HOST_MODULES,$SUITE_ADDONS" --with-demo --test-enable --test-tags="$TAGS" \
    --stop-after-init --http-port="$(free_port)" --log-level=info > "$LOG" 2>&1
CONTROL_LOG=
SPECS=$(cd "$ROOT/scripts" && "$PY" host_report.py specs "$LOG")
if [[ -n $SPECS ]]; then
    CONTROL_LOG=$STATE/test-logs/host-$STAMP-control.log
    log "Running the failed tests again without the suite, in $CONTROL_DB; log: ${CONTROL_LOG#"$ROOT"/}"
    odoo_bin -d "$CONTROL_DB" -i "$HOST_MODULES" --with-demo --test-enable --test-tags="$SPECS" \
        --stop-after-init --http-port="$(free_port)" --log-level=info > "$CONTROL_LOG" 2>&1
fi
set -e
cd "$ROOT/scripts" && "$PY" host_report.py report "$LOG" ${CONTROL_LOG:+"$CONTROL_LOG"}
