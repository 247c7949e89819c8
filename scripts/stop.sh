#!/usr/bin/env bash
# make stop: stop Odoo served by `make run`, then the private PostgreSQL cluster.
source "$(dirname "$0")/common.sh"
PIDFILE=$STATE/odoo.pid
if [[ -f $PIDFILE ]]; then
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
        log "Stopping Odoo (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PIDFILE"
fi
stop_pg
