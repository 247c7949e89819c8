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


def start_server(config, dbname):
    """(process, base URL, log file) of an Odoo server (no worker, no cron) serving ``dbname`` only."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    logfile = tempfile.NamedTemporaryFile(prefix="bench-portal-", suffix=".log", delete=False).name
    server = subprocess.Popen([
        sys.executable, sys.argv[0], "server", "-c", config["config"],
        "--addons-path=" + ",".join(config["addons_path"]), f"--data-dir={config['data_dir']}", "-d", dbname,
        f"--db-filter=^{dbname}$", "--http-interface=127.0.0.1", f"--http-port={port}", "--workers=0",
        "--max-cron-threads=0", "--log-level=info", f"--logfile={logfile}"], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    for _i in range(240):
        try:
            requests.get(f"{base}/web/login", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.5)
    return server, base, logfile


def login(base, login_name, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session.post(f"{base}/web/login", data={"login": login_name, "password": password, "csrf_token": token},
                 timeout=30)
    return session


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
    return quantiles(times, n=20)[18], quantiles(times, n=2)[0], sum(r[1] for r in results), len(times), wall
