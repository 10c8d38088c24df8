"""Production shape: one gevent worker per instance (scale with more instances
behind sticky sessions, sharing REDIS_URL as the Socket.IO message queue), and
a separate `flask --app dashboard jobs run` process.

    gunicorn -c gunicorn.conf.py wsgi:app

Nothing here imports what gevent must patch (gunicorn patches after this file loads).
"""

import os

bind = os.environ.get("PANTAU_BIND", "127.0.0.1:8000")
worker_class = "gevent"
workers = 1
worker_connections = 2000
timeout = 60
# Board sockets never drain by themselves: waiting for them only delays the
# restart; boards reconnect and resync from a snapshot anyway.
graceful_timeout = 3
accesslog = os.environ.get("PANTAU_ACCESS_LOG")  # None: no access log
raw_env = ["PANTAU_SOCKETIO_ASYNC_MODE=gevent", "PANTAU_SCHEDULER=off"]
