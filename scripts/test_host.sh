#!/usr/bin/env bash
# make test-host: Odoo's own test suites of sale, purchase, portal and account, run with the three
# addons of the suite installed, to prove that installing the suite breaks nothing in the host ERP.
# Long (the host suites hold thousands of tests); not part of `make test`.
#   HOST_MODULES=sale,purchase   a subset
source "$(dirname "$0")/common.sh"
bootstrap
ensure_chromium
HOST_MODULES=${HOST_MODULES:-sale,purchase,portal,account}
STAMP=$(date +%Y%m%d-%H%M%S)-$$
DB=crm_host_${STAMP//-/_}
ensure_template
trap 'drop_db "$DB"' EXIT
copy_template "$DB"
LOG=$STATE/test-logs/host-$STAMP.log
log "Installing the suite in $DB"
odoo_bin -d "$DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
    || die "Installing the suite failed"
TAGS=$(printf '/%s,' ${HOST_MODULES//,/ }); TAGS=${TAGS%,}
log "Running Odoo's own tests of $HOST_MODULES with the suite installed; log: ${LOG#"$ROOT"/}"
set +e
odoo_bin -d "$DB" -u "$HOST_MODULES" --test-enable --test-tags="$TAGS" --stop-after-init \
    --http-port="$(free_port)" --log-level=info > "$LOG" 2>&1
set -e
"$PY" "$ROOT/scripts/test_report.py" "$LOG"
