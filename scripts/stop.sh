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
        # with WORKERS, the workers and the gevent process are in the server's process group (make run starts it
        # with setsid): they leave with it, or are made to
        for _ in $(seq 1 20); do pgrep -g "$pid" >/dev/null || break; sleep 0.5; done
        pgrep -g "$pid" >/dev/null && kill -9 -- "-$pid" 2>/dev/null
    fi
    rm -f "$PIDFILE"
fi
if [[ -f $STATE/router.pid ]]; then
    kill "$(cat "$STATE/router.pid")" 2>/dev/null || true
    rm -f "$STATE/router.pid"
fi
stop_pg
