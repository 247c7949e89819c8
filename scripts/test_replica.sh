#!/usr/bin/env bash
# make test-replica: Odoo on a PostgreSQL primary with a streaming hot standby as its read replica, proven from
# the servers' own statistics. Self-contained: a throw-away primary cluster of its own (.state/replica/primary,
# its own 127.0.0.1 port; the main cluster is left alone), holding a copy of the template database with the
# suite, its demo and generated customers; a standby made with `pg_basebackup -R` on another port.
#   1. a full analytics refresh (odoo-bin shell, --db_replica_host/port): its heavy read runs on the standby,
#      its writes on the primary;
#   2. the analytics dashboard, the P&L pivot, the channel scorecard list and a supplier page through an Odoo
#      server: the reads on the standby;
#   3. the standby stopped: Odoo warns and falls back on the primary; the refresh and the dashboard still work.
# Prints each server's statements (pg_stat_statements) per phase and ends with `N passed, N failed`.
#   REPLICA_CUSTOMERS=20000   generated customers (about ten invoice lines each) on top of the demo
#   REPLICA_CLEAN=1           remove the throw-away clusters afterwards (default: keep the primary for the next run)
source "$(dirname "$0")/common.sh"
bootstrap
ensure_template
BIN=$(pg_bindir) || die "PostgreSQL binaries not found"
pg_private_dir replica
RDIR=$PG_DIR
PRIMARY=$RDIR/primary STANDBY=$RDIR/standby
PSOCK=$RDIR/run-primary SSOCK=$RDIR/run-standby
DB=crm_replica
REPL_ROLE=crm_replicator
CUSTOMERS=${REPLICA_CUSTOMERS:-20000}
FILESTORE=$STATE/filestore
MAIN_PGHOST=$PGHOST MAIN_PGPORT=$PGPORT MAIN_PGUSER=$PGUSER MAIN_PGPASSWORD=$PGPASSWORD
as_pg mkdir -p "$PSOCK" "$SSOCK"

# odoo_shell ARGS < SCRIPT: a Python script in `odoo-bin shell` (``env`` defined), the benches' helpers importable
odoo_shell() {
    PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$ODOO/odoo-bin" shell -c "$ROOT/odoo.conf" \
        --addons-path="$(addons_path)" --data-dir="$FILESTORE" --log-level=warn --http-port="$(free_port)" "$@"
}
# psql as the clusters' superuser over their sockets: sql_p / sql_s QUERY (tuples only, unaligned)
sql_p() { as_pg "$BIN/psql" -h "$PSOCK" -p "$PPORT" -U postgres -d "${2:-postgres}" -XqAt -F $'\t' -c "$1"; }
sql_s() { as_pg "$BIN/psql" -h "$SSOCK" -p "$SPORT" -U postgres -d "${2:-postgres}" -XqAt -F $'\t' -c "$1"; }

ODOO_PID=
cleanup() {
    set +e
    [[ -n $ODOO_PID ]] && kill "$ODOO_PID" 2>/dev/null && wait "$ODOO_PID" 2>/dev/null
    as_pg "$BIN/pg_ctl" -D "$STANDBY" -m fast -w stop >/dev/null 2>&1
    if [[ -n ${PPORT:-} ]] && as_pg "$BIN/pg_ctl" -D "$PRIMARY" status >/dev/null 2>&1; then
        sql_p "SELECT pg_drop_replication_slot('crm_standby') FROM pg_replication_slots
                WHERE slot_name = 'crm_standby'" >/dev/null
        as_pg "$BIN/pg_ctl" -D "$PRIMARY" -m fast -w stop >/dev/null
    fi
    rm -rf "$STANDBY"
    if [[ ${REPLICA_CLEAN:-0} == 1 ]]; then
        rm -rf "$RDIR" "$FILESTORE/filestore/$DB"
        log "Removed the throw-away clusters"
    fi
}
trap cleanup EXIT

# --- 1. the throw-away primary ----------------------------------------------------------------------------
if [[ ! -f $PRIMARY/PG_VERSION ]]; then
    PPORT=$(free_port_from 54340)
    log "Creating a throw-away primary cluster in $PRIMARY (127.0.0.1:$PPORT)"
    PG_BIN=$BIN PG_SHARED_BUFFERS=256MB pg_init_cluster "$PRIMARY" "$PPORT" "$PSOCK"
fi
pg_replication_conf "$PRIMARY" "$REPL_ROLE"
PPORT=$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$PRIMARY/postgresql.conf" | tail -1)
if ! as_pg "$BIN/pg_ctl" -D "$PRIMARY" status >/dev/null 2>&1; then
    port_busy "$PPORT" && { PPORT=$(free_port_from $((PPORT + 1)));
                            as_pg tee -a "$PRIMARY/postgresql.conf" >/dev/null <<<"port = $PPORT"; }
    as_pg "$BIN/pg_ctl" -D "$PRIMARY" -l "$RDIR/primary.log" -w -t 60 start >/dev/null \
        || die "The throw-away primary did not start; see $RDIR/primary.log"
fi
PW_FILE=$RDIR/db_password
[[ -s $PW_FILE ]] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PW_FILE"; chmod 600 "$PW_FILE"; }
PW=$(cat "$PW_FILE")
sql_p "SET client_min_messages = warning; DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
    CREATE ROLE \"$DB_ROLE\" LOGIN CREATEDB NOSUPERUSER; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$REPL_ROLE') THEN
    CREATE ROLE $REPL_ROLE LOGIN REPLICATION; END IF;
END \$\$;
ALTER ROLE \"$DB_ROLE\" PASSWORD '$PW'; ALTER ROLE $REPL_ROLE PASSWORD '$PW';
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;" >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PPORT PGUSER=$DB_ROLE PGPASSWORD=$PW
log "Primary: 127.0.0.1:$PPORT (wal_level $(sql_p 'SHOW wal_level'), $(sql_p 'SHOW shared_preload_libraries'))"

# --- 2. the database: the template, the suite with its demo, generated customers (kept while nothing changed) ---
addons_sha() {
    (cd "$ROOT" && find addons bench/generator.py -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 \
        | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
STAMP_WANTED="$TEMPLATE $(addons_sha) $CUSTOMERS"
if [[ $(cat "$RDIR/$DB.stamp" 2>/dev/null) != "$STAMP_WANTED" ]] || ! db_exists "$DB"; then
    log "Building $DB on the primary: a copy of $TEMPLATE, the suite with its demo, $CUSTOMERS generated customers"
    drop_db "$DB"
    "$BIN/createdb" "$DB"
    PGHOST=$MAIN_PGHOST PGPORT=$MAIN_PGPORT PGUSER=$MAIN_PGUSER PGPASSWORD=$MAIN_PGPASSWORD \
        "$BIN/pg_dump" -Fc -d "$TEMPLATE" | "$BIN/pg_restore" --no-owner --no-privileges -d "$DB" \
        || die "Copying $TEMPLATE into the throw-away primary failed"
    rm -rf "$FILESTORE/filestore/$DB"
    [[ -d $FILESTORE/filestore/$TEMPLATE ]] && cp -a "$FILESTORE/filestore/$TEMPLATE" "$FILESTORE/filestore/$DB"
    odoo_bin -d "$DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
        || die "Installing the suite in $DB failed"
    REPLICA_STEP=generate REPLICA_CUSTOMERS=$CUSTOMERS odoo_shell -d "$DB" < "$ROOT/bench/replica_steps.py" \
        || die "Generating the customers failed"
    echo "$STAMP_WANTED" > "$RDIR/$DB.stamp"
fi

# --- 3. the standby: pg_basebackup -R of the primary, hot standby on its own port ---------------------------
rm -rf "$STANDBY"
sql_p "SELECT pg_drop_replication_slot('crm_standby') FROM pg_replication_slots
        WHERE slot_name = 'crm_standby'" >/dev/null
SPORT=$(free_port_from $((PPORT + 1)))
log "Standby: pg_basebackup -R of 127.0.0.1:$PPORT into $STANDBY"
as_pg env PGPASSWORD="$PW" "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PPORT" -U "$REPL_ROLE" -D "$STANDBY" -R \
    -X stream -C -S crm_standby -c fast || die "pg_basebackup failed"
as_pg tee -a "$STANDBY/postgresql.conf" >/dev/null <<CONF
port = $SPORT
unix_socket_directories = '$SSOCK'
hot_standby = on
hot_standby_feedback = on
CONF
as_pg "$BIN/pg_ctl" -D "$STANDBY" -l "$RDIR/standby.log" -w -t 60 start >/dev/null \
    || die "The standby did not start; see $RDIR/standby.log"
for _ in $(seq 1 60); do
    [[ $(sql_p "SELECT state FROM pg_stat_replication WHERE application_name = 'walreceiver'") == streaming ]] && break
    sleep 0.5
done
log "Standby: 127.0.0.1:$SPORT, in recovery: $(sql_s 'SELECT pg_is_in_recovery()'), replication:" \
    "$(sql_p "SELECT state || ', replay lag ' || COALESCE(replay_lag::text, '0') FROM pg_stat_replication")"

# --- 4. the phases -------------------------------------------------------------------------------------------
REPLICA_ARGS=(--db_replica_host=127.0.0.1 --db_replica_port="$SPORT")
EVIDENCE=$RDIR/evidence.tsv
: > "$EVIDENCE"
reset_stats() { sql_p "SELECT pg_stat_statements_reset()" >/dev/null; sql_s "SELECT pg_stat_statements_reset()" >/dev/null; }
# snapshot PHASE SERVER: the database's statements on that server, appended to the evidence file
snapshot() {
    local fn=sql_p; [[ $2 == standby ]] && fn=sql_s
    $fn "SELECT '$1', '$2', calls, rows, round(total_exec_time::numeric, 1),
                regexp_replace(left(query, 4000), '\s+', ' ', 'g')
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$DB')" >> "$EVIDENCE"
}
refresh() {
    REPLICA_STEP=refresh odoo_shell -d "$DB" "${REPLICA_ARGS[@]}" < "$ROOT/bench/replica_steps.py"
}

log "Phase 1: full analytics refresh with the standby as replica"
reset_stats
refresh 2>&1 | tee "$RDIR/refresh.log"
sleep 1
snapshot refresh primary; snapshot refresh standby

log "Phase 2: an Odoo server with the standby as replica: dashboard, P&L pivot, channel scorecard, supplier page"
HTTP_PORT=$(free_port)
odoo_cmd
"${ODOO_CMD[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$HTTP_PORT" --workers=0 --max-cron-threads=0 \
    "${REPLICA_ARGS[@]}" --log-level=info --logfile="$RDIR/odoo.log" &
ODOO_PID=$!
for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break; sleep 1; done
REPLICA_STEP=pages REPLICA_URL="http://127.0.0.1:$HTTP_PORT" "$PY" "$ROOT/bench/replica_steps.py" warmup
reset_stats
REPLICA_STEP=pages REPLICA_URL="http://127.0.0.1:$HTTP_PORT" "$PY" "$ROOT/bench/replica_steps.py" | tee "$RDIR/pages.log"
sleep 1
snapshot pages primary; snapshot pages standby

log "Phase 3: the standby stopped; Odoo must fall back on the primary with a WARNING"
as_pg "$BIN/pg_ctl" -D "$STANDBY" -m fast -w stop >/dev/null
refresh 2>&1 | tee "$RDIR/refresh-down.log"
REPLICA_STEP=pages REPLICA_URL="http://127.0.0.1:$HTTP_PORT" "$PY" "$ROOT/bench/replica_steps.py" \
    | tee "$RDIR/pages-down.log"

"$PY" "$ROOT/bench/replica_steps.py" report "$EVIDENCE" "$RDIR"
