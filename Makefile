# CRM Strategy Suite — one command to run, one to test. See README.md.
SHELL := /bin/bash
ADDONS ?=
TEST_TAGS ?=
BENCH ?=
SIZE ?=

.PHONY: help setup run stop test lint bench test-host test-replica i18n

help:
	@echo "make run [WORKERS=4] | stop | test [ADDONS=a,b] [TEST_TAGS=...] | lint | bench [BENCH=name] [SIZE=1m] | test-replica | i18n | setup"

setup:
	@bash -c 'source scripts/common.sh && bootstrap && ensure_chromium && log "Ready: Odoo in $$ODOO, venv in .venv, PostgreSQL on $$PGHOST:$$PGPORT"'

run:
	@scripts/run.sh

stop:
	@scripts/stop.sh

test:
	@ADDONS="$(ADDONS)" TEST_TAGS="$(TEST_TAGS)" scripts/test.sh

lint:
	@scripts/lint.sh

test-host:
	@scripts/test_host.sh

test-replica:
	@scripts/test_replica.sh

i18n:
	@scripts/i18n.sh

bench:
	@BENCH="$(BENCH)" SIZE="$(SIZE)" scripts/bench.sh
