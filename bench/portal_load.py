"""Load on portal pages for the benches: a real Odoo server on 127.0.0.1 for a database, portal sessions
logged in through /web/login, and the p95 / p50 of N sessions requesting a page concurrently."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from statistics import quantiles

import requests


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(config, dbname, workers=0):
    """(process, base URL, log file) of an Odoo server (no cron) serving ``dbname`` only: threaded, or with
    ``workers`` prefork HTTP workers (and the gevent process, on a free port of its own)."""
    port = free_port()
    logfile = tempfile.NamedTemporaryFile(prefix="bench-portal-", suffix=".log", delete=False).name
    server = subprocess.Popen([
        sys.executable, sys.argv[0], "server", "-c", config["config"],
        "--addons-path=" + ",".join(config["addons_path"]), f"--data-dir={config['data_dir']}", "-d", dbname,
        f"--db-filter=^{dbname}$", "--http-interface=127.0.0.1", f"--http-port={port}", f"--workers={workers}",
        f"--gevent-port={free_port()}", "--max-cron-threads=0", "--log-level=info", f"--logfile={logfile}"],
        env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    for _i in range(240):
        try:
            requests.get(f"{base}/web/login", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.5)
    return server, base, logfile


def portal_users(env, company, prefix, count):
    """``count`` portal users, contacts of ``company``: [(login, password)]."""
    from odoo import Command

    contacts = env["res.partner"].create([{"name": f"{prefix} {i}", "parent_id": company.id} for i in range(count)])
    env["res.users"].create([{
        "name": contact.name, "login": f"{prefix}_{i}", "password": f"bench-pw-{i}-x", "partner_id": contact.id,
        "group_ids": [Command.set([env.ref("base.group_portal").id])]} for i, contact in enumerate(contacts)])
    return [(f"{prefix}_{i}", f"bench-pw-{i}-x") for i in range(count)]


def p95(times):
    """The 95th percentile of a list of durations."""
    return quantiles(sorted(times), n=20)[18] if len(times) > 1 else (times[0] if times else 0.0)


def login(base, login_name, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session.post(f"{base}/web/login", data={"login": login_name, "password": password, "csrf_token": token},
                 timeout=30)
    return session


def call_kw(session, base, model, method, args=(), kwargs=None):
    """The result of a JSON-RPC call as the web client makes it; RuntimeError on an HTTP or Odoo error."""
    payload = {"jsonrpc": "2.0", "method": "call", "params": {
        "model": model, "method": method, "args": list(args), "kwargs": kwargs or {}}}
    response = session.post(f"{base}/web/dataset/call_kw/{model}/{method}", json=payload, timeout=300)
    body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
    if response.status_code != 200 or "result" not in body:
        raise RuntimeError(f"{model}.{method}: HTTP {response.status_code} {str(body.get('error'))[:300]}")
    return body["result"]


def load(base, sessions, url, requests_each):
    """(p95, p50, errors, requests, wall seconds) of the sessions requesting ``url`` ``requests_each`` times
    each, all at once (an error: not a 200 portal page)."""
    def one(session):
        times, errors = [], 0
        for _r in range(requests_each):
            start = time.perf_counter()
            response = session.get(base + url, timeout=120)
            times.append(time.perf_counter() - start)
            errors += response.status_code != 200 or "o_portal" not in response.text
        return times, errors
    start = time.perf_counter()
    with ThreadPoolExecutor(len(sessions)) as pool:
        results = list(pool.map(one, sessions))
    wall = time.perf_counter() - start
    times = sorted(t for r in results for t in r[0])
    return p95(times), quantiles(times, n=2)[0], sum(r[1] for r in results), len(times), wall
