#!/usr/bin/env bash
# make i18n: install the suite in a throw-away database and write each addon's
# translation template, addons/<addon>/i18n/<addon>.pot, from its Python, XML and JS strings.
source "$(dirname "$0")/common.sh"
bootstrap
DB=crm_i18n_$$
trap 'drop_db "$DB"' EXIT
ensure_template
copy_template "$DB"
log "Installing $SUITE_ADDONS in $DB"
odoo_bin -d "$DB" -i "$SUITE_ADDONS" --stop-after-init --log-level=warn --http-port="$(free_port)"
for addon in ${SUITE_ADDONS//,/ }; do
    mkdir -p "$ROOT/addons/$addon/i18n"
    "$PY" "$ODOO/odoo-bin" --addons-path="$(addons_path)" i18n export -c "$ROOT/odoo.conf" -d "$DB" \
        -o "$ROOT/addons/$addon/i18n/$addon.pot" "$addon"
    log "Wrote addons/$addon/i18n/$addon.pot ($(grep -c '^msgid' "$ROOT/addons/$addon/i18n/$addon.pot") strings)"
done
