"""gunicorn hooks of ``manage.py bench load`` (``gunicorn -c`` this file): each request's own CPU time, apart from the
wall time, so that what a page costs can be told from the time it waited for a CPU another program held.

Every worker writes ``server-<pid>.jsonl`` into ``LOAD_SERVER_LOG``: one line per request, ``[name, wall ms, CPU ms]``,
``name`` being the simulated user's name for the request (its ``X-Load-Name`` header). The CPU time is the handling
thread's own (``time.thread_time``), so it is right for threaded workers too; it leaves out PostgreSQL's side.
"""

import json
import os
import time

FOLDER = os.environ.get("LOAD_SERVER_LOG", "")
_out = None


def post_fork(server, worker):
    global _out
    if FOLDER:
        _out = open(os.path.join(FOLDER, f"server-{os.getpid()}.jsonl"), "a", buffering=1, encoding="utf-8")  # noqa: SIM115


def pre_request(worker, req):
    req.load_started = (time.perf_counter(), time.thread_time())


def post_request(worker, req, environ, resp):
    started = getattr(req, "load_started", None)
    if _out is None or started is None:
        return
    name = next((value for header, value in req.headers if header == "X-LOAD-NAME"), "")
    wall, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
    _out.write(json.dumps([f"{req.method} {name}", round(wall * 1000, 1), round(cpu * 1000, 1)]) + "\n")
