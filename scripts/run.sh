#!/usr/bin/env bash
# make run: bootstrap, create/update the demo database, serve Odoo on 127.0.0.1.
source "$(dirname "$0")/common.sh"
bootstrap
DB=${CRM_DEMO_DB:-crm_demo}
PORT=${CRM_HTTP_PORT:-8069}
# The addons' files the database was installed or last updated with: when they change (a pull, a
# branch), the suite is updated before serving, so that new models, fields and migrations reach it.
STAMP=$STATE/$DB.addons-sha
addons_sha() {
    (cd "$ROOT" && find addons -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 | sort -z \
        | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
if ! db_exists "$DB"; then
    log "Creating database $DB with demo data and the suite (a few minutes the first time)"
    ensure_template
    copy_template "$DB"
    odoo_bin -d "$DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
        || { drop_db "$DB"; die "Installing the suite in $DB failed"; }
    addons_sha > "$STAMP"
elif [[ $(cat "$STAMP" 2>/dev/null) != "$(addons_sha)" ]]; then
    log "The addons changed since $DB was last updated: updating the suite in it"
    odoo_bin -d "$DB" -u "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)" \
        || die "Updating the suite in $DB failed: see the messages above"
    addons_sha > "$STAMP"
fi
PIDFILE=$STATE/odoo.pid
if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "Odoo already runs (pid $(cat "$PIDFILE")) on http://127.0.0.1:$PORT"
    exit 0
fi
cat >&2 <<MSG
[crm] Serving http://127.0.0.1:$PORT  database: $DB
[crm] Log in with  login: admin  password: admin   (stop with: make stop; FOREGROUND=1 keeps it in this terminal)
MSG
exec_args=(-d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --pidfile="$PIDFILE")
WORKERS=${WORKERS:-0}
[[ $WORKERS =~ ^[0-9]+$ ]] || die "WORKERS must be a number (of HTTP worker processes), not '$WORKERS'"
if (( WORKERS > 0 )); then
    # Prefork: WORKERS HTTP processes on an inner port, the bus's websocket on the gevent port, and on $PORT a
    # router sending each connection to one or the other, as nginx would in production (README.md, Scaling).
    inner=$(free_port)
    gevent=${CRM_GEVENT_PORT:-8072}
    port_busy "$gevent" && gevent=$(free_port)
    exec_args=(-d "$DB" --db-filter="^$DB\$" --http-port="$inner" --gevent-port="$gevent" --workers="$WORKERS"
               --pidfile="$PIDFILE")
    setsid nohup "$PY" "$ROOT/scripts/ws_router.py" "$PORT" "$inner" "$gevent" > "$STATE/router.log" 2>&1 < /dev/null &
    echo $! > "$STATE/router.pid"
    # the router goes when the server does not stay up (start failed, or FOREGROUND=1 ended)
    trap 'rc=$?; [[ $rc == 0 && ${FOREGROUND:-0} != 1 ]] || { kill "$(cat "$STATE/router.pid")"; rm -f "$STATE/router.pid"; } 2>/dev/null' EXIT
    log "$WORKERS workers on 127.0.0.1:$inner, websocket (gevent) on 127.0.0.1:$gevent, both behind :$PORT"
fi
if [[ ${FOREGROUND:-0} != 1 ]]; then
    odoo_cmd
    setsid nohup "${ODOO_CMD[@]}" "${exec_args[@]}" --logfile="$STATE/odoo.log" >/dev/null 2>&1 < /dev/null &
    for _ in $(seq 1 60); do
        curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && { log "Odoo is up (log: .state/odoo.log)"; exit 0; }
        sleep 1
    done
    die "Odoo did not answer within 60 s; see .state/odoo.log"
fi
odoo_bin "${exec_args[@]}"
