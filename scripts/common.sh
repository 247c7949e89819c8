#!/usr/bin/env bash
# Shared helpers for the project scripts: locate Odoo, build the virtualenv,
# reach PostgreSQL (an existing server or a private cluster under .state/).
# Every function is idempotent: a second run finds everything in place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=$ROOT/.state
VENV=$ROOT/.venv
PY=$VENV/bin/python
SUITE_ADDONS=crm_strategy,crm_analytics,crm_partner_portal,crm_strategy_mass_mailing
ODOO_CACHE=$HOME/.cache/odoo/19.0
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
PG_SYSTEM_USER=${CRM_PG_SYSTEM_USER:-crmpg}
PG_PRIVATE_PORT=${CRM_PG_PORT:-54329}
DB_ROLE=${CRM_DB_ROLE:-odoo}
mkdir -p "$STATE"

log() { printf '[crm] %s\n' "$*" >&2; }
die() { printf '[crm] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }

# --- Odoo source --------------------------------------------------------------
odoo_is_19() { [[ -f $1/odoo-bin ]] && grep -q "^version_info = (19, 0," "$1/odoo/release.py" 2>/dev/null; }

find_odoo() {
    if [[ -n ${ODOO_SRC:-} ]]; then
        odoo_is_19 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree (no odoo-bin or wrong version)."
        ODOO=$ODOO_SRC
    elif odoo_is_19 "$ODOO_CACHE"; then
        ODOO=$ODOO_CACHE
    else
        log "No Odoo source found; cloning branch 19.0 into $ODOO_CACHE (shallow)"
        mkdir -p "${ODOO_CACHE%/*}"
        rm -rf "$ODOO_CACHE.partial"
        if git clone --quiet --depth 1 --branch 19.0 "$ODOO_GIT_URL" "$ODOO_CACHE.partial" \
            && odoo_is_19 "$ODOO_CACHE.partial"; then
            mv "$ODOO_CACHE.partial" "$ODOO_CACHE"
            ODOO=$ODOO_CACHE
        else
            rm -rf "$ODOO_CACHE.partial"
            die "Odoo 19.0 Community source not found. Either
  1. set ODOO_SRC to an Odoo 19.0 source tree (the folder holding odoo-bin), or
  2. put one in $ODOO_CACHE, or
  3. allow this machine to run: git clone --depth 1 --branch 19.0 $ODOO_GIT_URL"
        fi
    fi
    export ODOO
}

addons_path() {
    printf '%s,%s,%s,%s' "$ODOO/odoo/addons" "$ODOO/addons" "$ROOT/addons" "$ROOT/tests"
}

# --- Python virtualenv --------------------------------------------------------
ensure_venv() {
    # Odoo's pins minus python-ldap (only auth_ldap needs it, and it wants LDAP headers).
    local odoo_req=$STATE/odoo-requirements.txt stamp
    grep -viE '^\s*python-ldap' "$ODOO/requirements.txt" > "$odoo_req"
    stamp=$( (python3 --version; cat "$odoo_req" "$ROOT/requirements.txt") | sha256sum | cut -c1-16)
    if [[ -x $PY && -f $VENV/.stamp && $(cat "$VENV/.stamp") == "$stamp" ]]; then
        return 0
    fi
    log "Building the virtualenv $VENV (Odoo requirements + requirements.txt)"
    [[ -x $PY ]] || python3 -m venv "$VENV"
    # Old sdists among Odoo's pins still import pkg_resources in setup.py.
    printf 'setuptools<81\n' > "$STATE/build-constraints.txt"
    PIP_CONSTRAINT=$STATE/build-constraints.txt "$PY" -m pip install --quiet --disable-pip-version-check \
        -r "$odoo_req" -r "$ROOT/requirements.txt" || die "pip install failed (see above)"
    echo "$stamp" > "$VENV/.stamp"
}

ensure_dev_tools() {
    local stamp
    stamp=$(sha256sum "$ROOT/requirements-dev.txt" | cut -c1-16)
    [[ -f $VENV/.stamp-dev && $(cat "$VENV/.stamp-dev") == "$stamp" ]] && return 0
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
    echo "$stamp" > "$VENV/.stamp-dev"
}

# --- Chromium for the tours ---------------------------------------------------
# apt_install PACKAGE WHY: install a Debian package when this script may (root with apt-get); 1 otherwise.
apt_install() {
    is_root && command -v apt-get >/dev/null || return 1
    log "Installing Debian's $1 $2"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null \
        || die "apt-get install $1 failed"
}

ensure_chromium() {
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
        || command -v google-chrome >/dev/null && return 0
    apt_install chromium "for the browser tests" \
        || die "Chromium is missing and cannot be installed here: install chromium (or google-chrome) and retry."
}

# wkhtmltopdf renders Odoo's PDF reports; only Odoo's own tests need it (make test-host), not ours.
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null && return 0
    apt_install wkhtmltopdf "for the PDF reports of Odoo's own tests" \
        || log "wkhtmltopdf is missing: Odoo's tests that print PDF reports will fail (install wkhtmltopdf)."
}

# --- PostgreSQL ---------------------------------------------------------------
pg_bindir() {
    local d
    if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
        pg_config --bindir; return
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [[ -x $d/initdb ]] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null && { dirname "$(readlink -f "$(command -v initdb)")"; return; }
    return 1
}

as_pg() {
    if is_root; then runuser -u "$PG_SYSTEM_USER" -- "$@"; else "$@"; fi
}

# pg_private_dir NAME: set PG_DIR to a folder for a cluster of ours, writable by the user PostgreSQL runs as
# (as root: the unprivileged $PG_SYSTEM_USER, created on first use): .state/NAME, else under /var/lib/crm-suite.
pg_private_dir() {
    PG_DIR=$STATE/$1
    if is_root; then
        id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 \
            || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
        mkdir -p "$PG_DIR"
        chown "$PG_SYSTEM_USER" "$PG_DIR"
        if ! runuser -u "$PG_SYSTEM_USER" -- test -w "$PG_DIR"; then
            # The checkout sits below a folder the unprivileged user cannot enter.
            PG_DIR=/var/lib/crm-suite/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
            [[ $1 == pg ]] || PG_DIR=$PG_DIR-$1
            mkdir -p "$PG_DIR" && chown "$PG_SYSTEM_USER" "$PG_DIR"
        fi
    fi
    mkdir -p "$PG_DIR"
}

external_pg_reachable() {
    [[ -n ${PGHOST:-}${PGPORT:-}${PGUSER:-} ]] || return 1
    command -v psql >/dev/null || return 1
    psql -d "${PGDATABASE:-postgres}" -XAtqc 'select 1' >/dev/null 2>&1
}

ensure_pg() {
    if external_pg_reachable; then
        log "Using the PostgreSQL server at ${PGHOST:-local socket}:${PGPORT:-5432} as ${PGUSER:-$USER}"
        export PGHOST=${PGHOST:-} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)}
        PG_PRIVATE=0
        return 0
    fi
    PG_PRIVATE=1
    local bin
    if ! bin=$(pg_bindir); then
        apt_install postgresql "for the private cluster" \
            || die "No PostgreSQL binaries found: install PostgreSQL (13+) or set PGHOST/PGPORT/PGUSER/PGPASSWORD to reach a server."
        bin=$(pg_bindir) || die "PostgreSQL binaries still not found after apt-get install"
    fi
    PG_BIN=$bin
    pg_private_dir pg
    local data=$PG_DIR/data sock=$PG_DIR/run
    as_pg mkdir -p "$sock"
    if [[ ! -f $data/PG_VERSION ]]; then
        port_busy "$PG_PRIVATE_PORT" && PG_PRIVATE_PORT=$(free_port_from $((PG_PRIVATE_PORT + 1)))
        log "Creating a private PostgreSQL cluster in $data"
        pg_init_cluster "$data" "$PG_PRIVATE_PORT" "$sock"
    fi
    local port
    port=$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$data/postgresql.conf" | tail -1)
    if ! as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        if port_busy "$port"; then
            # another cluster (another checkout, a system server) holds the port: take a free one
            port=$(free_port_from $((port + 1)))
            log "Port taken; the private cluster moves to 127.0.0.1:$port"
            as_pg tee -a "$data/postgresql.conf" >/dev/null <<<"port = $port"
        fi
        log "Starting the private PostgreSQL cluster on 127.0.0.1:$port"
        as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PG_DIR/postgresql.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start; see $PG_DIR/postgresql.log"
    fi
    local pw_file=$STATE/db_password
    [[ -s $pw_file ]] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$pw_file"; chmod 600 "$pw_file"; }
    local pw; pw=$(cat "$pw_file")
    as_pg "$PG_BIN/psql" -h "$sock" -p "$port" -U postgres -d postgres -XqAt >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
    CREATE ROLE "$DB_ROLE" LOGIN CREATEDB NOSUPERUSER;
  END IF;
END \$\$;
ALTER ROLE "$DB_ROLE" PASSWORD '$pw';
SQL
    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=$DB_ROLE PGPASSWORD=$pw
}

stop_pg() {
    local bin data
    bin=$(pg_bindir) || return 0
    for data in "$STATE/pg/data" /var/lib/crm-suite/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)/data; do
        [[ -f $data/PG_VERSION ]] || continue
        if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            log "Stopping the private PostgreSQL cluster"
            as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        fi
    done
}

# pg_init_cluster DATA PORT SOCKET_DIR: a new development cluster in DATA, listening on 127.0.0.1:PORT only,
# run by $PG_SYSTEM_USER when root; PG_SHARED_BUFFERS (default 512MB) sizes its cache.
pg_init_cluster() {
    local data=$1 port=$2 sock=$3
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    # A throw-away development cluster: durability traded for speed.
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
unix_socket_permissions = 0770
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = ${PG_SHARED_BUFFERS:-512MB}
max_connections = 200
CONF
}

# pg_replication_conf DATA ROLE: make the cluster in DATA a replication primary, idempotently (a second call
# changes nothing): WAL for a standby, pg_stat_statements preloaded (the evidence of where statements ran), and
# ROLE allowed to stream from 127.0.0.1. Takes effect at the cluster's next (re)start.
pg_replication_conf() {
    local data=$1 role=$2
    as_pg tee "$data/crm_replication.conf" >/dev/null <<CONF
# written by scripts/common.sh pg_replication_conf: a primary with a hot standby
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
CONF
    grep -qx "include_if_exists = 'crm_replication.conf'" "$data/postgresql.conf" \
        || as_pg tee -a "$data/postgresql.conf" >/dev/null <<<"include_if_exists = 'crm_replication.conf'"
    grep -q "^host replication $role 127.0.0.1/32 " "$data/pg_hba.conf" \
        || as_pg tee -a "$data/pg_hba.conf" >/dev/null <<<"host replication $role 127.0.0.1/32 scram-sha-256"
}

db_exists() { psql -d postgres -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# A database holding Odoo's own modules the suite depends on, with demo data, built once
# per Odoo source and dependency set; test and bench databases are copies of it.
ensure_template() {
    local deps stamp logfile
    deps=$("$PY" "$ROOT/scripts/odoo_deps.py" "$ROOT" "$SUITE_ADDONS,crm_suite_tests")
    TEMPLATE=crm_tmpl_$( (cat "$ODOO/.snapshot" 2>/dev/null || git -C "$ODOO" rev-parse HEAD 2>/dev/null \
        || echo nosrc; echo "$deps") | sha256sum | cut -c1-10)
    db_exists "$TEMPLATE" && return 0
    logfile=$STATE/test-logs/template-$(date +%Y%m%d-%H%M%S).log
    mkdir -p "$STATE/test-logs"
    log "Building template database $TEMPLATE with $deps (once per Odoo source)"
    psql -d postgres -Xqc "DROP DATABASE IF EXISTS \"${TEMPLATE}_wip\"" >/dev/null 2>&1
    odoo_bin -d "${TEMPLATE}_wip" -i "$deps" --with-demo --stop-after-init --log-level=warn \
        --http-port="$(free_port)" > "$logfile" 2>&1 \
        || { tail -50 "$logfile"; die "Building the template database failed"; }
    psql -d postgres -Xqc "ALTER DATABASE \"${TEMPLATE}_wip\" RENAME TO \"$TEMPLATE\"" >/dev/null
    rm -rf "$STATE/filestore/filestore/$TEMPLATE"
    if [[ -d $STATE/filestore/filestore/${TEMPLATE}_wip ]]; then
        mv "$STATE/filestore/filestore/${TEMPLATE}_wip" "$STATE/filestore/filestore/$TEMPLATE"
    fi
}

# Copy the template (database and filestore) into a new database.
copy_template() {
    local db=$1
    psql -d postgres -Xqc "CREATE DATABASE \"$db\" TEMPLATE \"$TEMPLATE\"" >/dev/null
    mkdir -p "$STATE/filestore/filestore"
    if [[ -d $STATE/filestore/filestore/$TEMPLATE ]]; then
        cp -a "$STATE/filestore/filestore/$TEMPLATE" "$STATE/filestore/filestore/$db"
    fi
}

drop_db() {
    psql -d postgres -Xqc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$STATE/filestore/filestore/$1"
}

port_busy() {
    python3 -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$1"
}

free_port_from() {
    local p=$1
    while port_busy "$p"; do p=$((p + 1)); done
    echo "$p"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bootstrap() {
    find_odoo
    ensure_venv
    ensure_pg
}

odoo_cmd() {
    ODOO_CMD=("$PY" "$ODOO/odoo-bin" -c "$ROOT/odoo.conf" --addons-path="$(addons_path)"
        --data-dir="$STATE/filestore")
}

odoo_bin() {
    odoo_cmd
    "${ODOO_CMD[@]}" "$@"
}
