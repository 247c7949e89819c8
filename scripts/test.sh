#!/usr/bin/env bash
# make test: bootstrap, then on a fresh throw-away database install the suite with
# tests enabled (at_install + post_install, tours in headless Chromium), run the
# suite-level standalone tests (uninstall/reinstall), and print `N passed, N failed`.
#
#   ADDONS=crm_strategy        install and test a subset (default: the three addons + suite tests)
#   TEST_TAGS=/crm_strategy:TestSegment   Odoo --test-tags expression (default: every installed addon of ours)
#   KEEP_DB=1                  keep the test database afterwards
source "$(dirname "$0")/common.sh"
bootstrap
ensure_chromium
"$PY" -c "import websocket" 2>/dev/null || die "websocket-client is missing from $VENV: tours would be skipped."

ADDONS=${ADDONS:-$SUITE_ADDONS,crm_suite_tests}
ADDONS=${ADDONS// /}
if [[ -z ${TEST_TAGS:-} ]]; then
    TEST_TAGS=$(printf '/%s,' ${ADDONS//,/ }); TEST_TAGS=${TEST_TAGS%,}
fi
# A free port of its own, so that several test runs and `make run` can coexist.
HTTP_PORT=${CRM_TEST_HTTP_PORT:-$(free_port)}
LOGDIR=$STATE/test-logs
# screenshots of the main screens, taken by the browser tests, for review
export CRM_SCREENS_DIR=${CRM_SCREENS_DIR:-$STATE/screens}
mkdir -p "$LOGDIR"
STAMP=$(date +%Y%m%d-%H%M%S)-$$
DB=crm_test_${STAMP//-/_}

# 1. A fresh copy of the template (Odoo's own modules with demo data, built once).
ensure_template
cleanup() {
    if [[ ${KEEP_DB:-0} != 1 ]]; then drop_db "$DB"; else log "Kept database $DB"; fi
}
trap cleanup EXIT
copy_template "$DB"

# 2. Install our addons with tests enabled.
LOG=$LOGDIR/test-$STAMP.log
log "Installing $ADDONS in $DB and running tests ($TEST_TAGS); log: ${LOG#$ROOT/}"
set +e
odoo_bin -d "$DB" -i "$ADDONS" --test-enable --test-tags="$TEST_TAGS" --stop-after-init \
    --http-port="$HTTP_PORT" --log-level=info > "$LOG" 2>&1
set -e

# 3. Suite-level standalone tests: uninstall, check Odoo's data, reinstall.
SLOG=$LOGDIR/standalone-$STAMP.log
: > "$SLOG"
if [[ ,$ADDONS, == *,crm_suite_tests,* && $TEST_TAGS == *crm_suite* ]]; then
    log "Running suite standalone tests (uninstall / reinstall)"
    set +e
    "$PY" "$ODOO/odoo/tests/test_module_operations.py" -d "$DB" --addons-path="$(addons_path)" \
        --data-dir="$STATE/filestore" standalone crm_suite > "$SLOG" 2>&1
    set -e
fi

"$PY" "$ROOT/scripts/test_report.py" "$LOG" "$SLOG"
