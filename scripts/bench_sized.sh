# Sourced by scripts/bench.sh when SIZE is set: `make bench SIZE=1m [BENCH=name]`.
#
# Data: for each size, bench/build_dataset.py generates BENCH_SIZE customers with ten invoice lines each
# (bench/generator.py, set-based SQL, indexes of the filled tables dropped and rebuilt around the inserts, run under
# `nice`) into a copy of the template with the suite installed, then VACUUM ANALYZE. The database of SIZE is
# cached in the cluster as crm_bench_<size>_<key>, the key hashing the template, the generator and the schema the
# suite installs (tables, columns, indexes): it is reused while they are unchanged (a change of Python code
# alone keeps it), rebuilt (and the stale one dropped) when they change. The base size's
# (BENCH_BASE, 100k by default) is built for the run and dropped at the end.
# Runs: each size-aware benchmark (analytics, pnl, channel, segment) runs at the base size, then at SIZE, each
# on its own copy of the size's database (CREATE DATABASE ... TEMPLATE ... STRATEGY file_copy), dropped
# afterwards: the benchmarks commit as the crons do, and the cached database is never written after its build.
# bench/compare.py then prints each figure of SIZE next to the same line's base figure, their ratio, and the
# peak RSS of the Odoo process of each run. Logs in .state/bench-logs/.

# size_customers 1m|100k|250000 -> number of customers
size_customers() {
    local s=${1,,}
    case $s in
        *m) echo $(( ${s%m} * 1000000 )) ;;
        *k) echo $(( ${s%k} * 1000 )) ;;
        *[!0-9]*|'') die "SIZE=$1: expected a number of customers such as 1m, 250k or 50000" ;;
        *) echo "$s" ;;
    esac
}

# schema_key DB: what the cached data depends on: the template, the generator and the schema the suite installs
# (tables, columns, indexes, storage parameters such as a table's fillfactor), so a change of the suite's Python
# code alone reuses the cached data
schema_key() {
    (echo "$TEMPLATE"
     cat "$ROOT/bench/generator.py" "$ROOT/bench/build_dataset.py"
     psql -d "$1" -XAtqc "SELECT table_name, column_name, data_type FROM information_schema.columns
                           WHERE table_schema = 'public' ORDER BY 1, 2"
     psql -d "$1" -XAtqc "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
     psql -d "$1" -XAtqc "SELECT relname, reloptions FROM pg_class
                           WHERE relnamespace = 'public'::regnamespace AND reloptions IS NOT NULL ORDER BY 1") \
        | sha256sum | cut -c1-10
}

# copy_db SRC DST: a file copy of SRC (fast for a large database) and its filestore
copy_db() {
    psql -d postgres -Xqc "CREATE DATABASE \"$2\" TEMPLATE \"$1\" STRATEGY file_copy" >/dev/null
    if [[ -d $STATE/filestore/filestore/$1 ]]; then
        cp -a "$STATE/filestore/filestore/$1" "$STATE/filestore/filestore/$2"
    fi
}

# drop_db_surely DB: drop_db, retried while a terminated backend of a large transaction still holds the database
# (DROP ... WITH (FORCE) waits only 5 s for it on a loaded machine)
drop_db_surely() {
    local try
    for try in 1 2 3 4 5 6 7 8 9 10; do
        drop_db "$1"
        db_exists "$1" || return 0
        # WITH (FORCE) refuses when a backend it may not signal is there (the autovacuum worker a large write
        # starts); a plain DROP stops autovacuum itself, and waits a few seconds for the others
        psql -d postgres -Xqc "DROP DATABASE IF EXISTS \"$1\"" >/dev/null 2>&1 || true
        db_exists "$1" || return 0
        sleep 3
    done
    die "Could not drop the database $1"
}

# odoo_shell DB SCRIPT: run SCRIPT in `odoo-bin shell` on DB; prints the peak RSS of the Odoo process at the end
odoo_shell() {
    PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c '
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"peak RSS of the Odoo process: {peak:.0f} MB", flush=True)
sys.exit(code)' "$PY" "$ODOO/odoo-bin" shell -c "$ROOT/odoo.conf" --addons-path="$(addons_path)" \
        --data-dir="$STATE/filestore" -d "$1" --log-level=warn --http-port="$(free_port)" < "$2"
}

# ensure_dataset LABEL CUSTOMERS CACHED: sets DATASET to the database holding that size's data, built from a
# copy of $SUITE_DB (the template with the suite installed) if missing
ensure_dataset() {
    local label=$1 customers=$2 cached=$3 db stale started
    db=crm_bench_${label}_${KEY}
    [[ $cached == 1 ]] || db=crm_bench_${label}_${KEY}_$$
    DATASET=$db
    if db_exists "$db"; then
        log "Reusing the cached bench database $db"
        return 0
    fi
    if [[ $cached == 1 ]]; then
        for stale in $(psql -d postgres -XAtqc "SELECT datname FROM pg_database
                                               WHERE datname ~ '^crm_bench_${label}_[0-9a-f]{10}(_wip)?\$'"); do
            log "Dropping $stale (built from another schema, generator or template)"
            drop_db "$stale"
        done
    fi
    started=$(date +%s)
    log "Building the bench database $db: $customers customers, ~$((customers * 10)) invoice lines (nice)"
    drop_db "${db}_wip"
    copy_db "$SUITE_DB" "${db}_wip"
    # niced, the Odoo process and (from build_dataset.py) its PostgreSQL backend: the machine is shared
    (renice -n 10 -p $BASHPID >/dev/null; BENCH_SIZE=$customers odoo_shell "${db}_wip" "$ROOT/bench/build_dataset.py") \
        | tee "$BENCH_LOG_DIR/dataset-$label.log"
    [[ ${PIPESTATUS[0]} == 0 ]] || die "Generating the bench data failed"
    psql -d postgres -Xqc "ALTER DATABASE \"${db}_wip\" RENAME TO \"$db\"" >/dev/null
    if [[ -d $STATE/filestore/filestore/${db}_wip ]]; then
        mv "$STATE/filestore/filestore/${db}_wip" "$STATE/filestore/filestore/$db"
    fi
    log "Built $db in $(( $(date +%s) - started )) s ($(psql -d postgres -XAtqc \
        "SELECT pg_size_pretty(pg_database_size('$db'))")), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

sized_benches() {
    local b name label customers sized=()
    BASE=${BENCH_BASE:-100k}
    BENCH_LOG_DIR=$STATE/bench-logs
    mkdir -p "$BENCH_LOG_DIR"
    for b in "$@"; do
        grep -q "bench_size()" "$b" && sized+=("$b")
    done
    (( ${#sized[@]} )) || die "No size-aware benchmark matches BENCH=${BENCH:-}"
    # this run's databases (the suite, the base data set, each benchmark's copy) go at the end; the SIZE one stays
    SUITE_DB=crm_bench_suite_$$ RUN_DB=crm_bench_run_$$ BASE_DB= SIZE_DB=
    trap 'drop_db "$SUITE_DB"; drop_db "$RUN_DB"; [[ -z $BASE_DB ]] || drop_db "$BASE_DB"' EXIT
    copy_template "$SUITE_DB"
    log "Installing the suite in $SUITE_DB"
    odoo_bin -d "$SUITE_DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
        || die "Installing the suite in the bench database failed"
    KEY=$(schema_key "$SUITE_DB")
    ensure_dataset "${BASE,,}" "$(size_customers "$BASE")" 0
    BASE_DB=$DATASET
    ensure_dataset "${SIZE,,}" "$(size_customers "$SIZE")" 1
    SIZE_DB=$DATASET
    drop_db "$SUITE_DB"
    for b in "${sized[@]}"; do
        name=$(basename "$b" .py)
        for label in "$BASE" "$SIZE"; do
            customers=$(size_customers "$label")
            drop_db_surely "$RUN_DB"
            if [[ $label == "$BASE" ]]; then copy_db "$BASE_DB" "$RUN_DB"; else copy_db "$SIZE_DB" "$RUN_DB"; fi
            log "bench: ${b#"$ROOT"/} at $label ($customers customers), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
            BENCH_SIZE=$customers odoo_shell "$RUN_DB" "$b" | tee "$BENCH_LOG_DIR/$name-${label,,}.log"
            drop_db_surely "$RUN_DB"
        done
        "$PY" "$ROOT/bench/compare.py" "$BASE" "$BENCH_LOG_DIR/$name-${BASE,,}.log" \
            "$SIZE" "$BENCH_LOG_DIR/$name-${SIZE,,}.log" | tee "$BENCH_LOG_DIR/$name-compare.log"
    done
    log "Cached bench database kept: $SIZE_DB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}
