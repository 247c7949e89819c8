#!/usr/bin/env bash
# make bench: performance figures (printed, never asserted in tests).
# Each bench/bench_*.py runs in `odoo-bin shell` (with `env`) on a throw-away copy of the
# template database with the suite installed; a benchmark prints its own figures.
#   BENCH=segment   run only bench/bench_*segment*.py
#   KEEP_DB=1       keep the bench database afterwards (to look into its data or plans)
#   SIZE=1m         run the size-aware benchmarks (analytics, pnl, channel, segment) at 1M customers / 10M lines
#                   and at BENCH_BASE (100k) with the same code, each figure printed next to its base figure;
#                   see scripts/bench_sized.sh
source "$(dirname "$0")/common.sh"
bootstrap
shopt -s nullglob
benches=("$ROOT"/bench/bench_*${BENCH:-}*.py)
if (( ${#benches[@]} == 0 )); then
    log "No benchmark found."
    exit 0
fi
ensure_template
export CRM_TEMPLATE_DB=$TEMPLATE  # a bench may compare with Odoo alone, on a copy of the template
if [[ -n ${SIZE:-} ]]; then
    source "$ROOT/scripts/bench_sized.sh"
    sized_benches "${benches[@]}"
    exit
fi
DB=crm_bench_$$
cleanup() {
    if [[ ${KEEP_DB:-0} != 1 ]]; then drop_db "$DB"; else log "Kept database $DB"; fi
}
trap cleanup EXIT
copy_template "$DB"
log "Installing the suite in $DB"
odoo_bin -d "$DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
    || die "Installing the suite in the bench database failed"
for b in "${benches[@]}"; do
    log "bench: ${b#"$ROOT"/}"
    PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" \
        "$PY" "$ODOO/odoo-bin" shell -c "$ROOT/odoo.conf" --addons-path="$(addons_path)" \
        --data-dir="$STATE/filestore" -d "$DB" --log-level=warn --http-port="$(free_port)" < "$b"
done
