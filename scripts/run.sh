#!/usr/bin/env bash
# Set up and run Pantau on the embedded default: SQLite under instance/, demo
# data loaded when the database is empty, http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export FLASK_APP=dashboard
.venv/bin/flask db upgrade
.venv/bin/flask demo load --if-empty --tickets "${PANTAU_DEMO_TICKETS:-50000}"
# A database upgraded from before the KPI rollup existed gets it built once.
.venv/bin/flask kpi rebuild --if-empty
echo "Pantau: http://127.0.0.1:${PANTAU_PORT:-5000}  (log-ins: instance/demo-credentials.txt)"
exec .venv/bin/python wsgi.py
