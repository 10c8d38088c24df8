"""Scheduler jobs: a declarative list, each a thin module that calls one service.

The scheduler process and the escalation, validation and sampling jobs come
with the live-monitoring issue; the service they will call (``escalate``)
already exists in ``dashboard.services.workflow``.
"""

from __future__ import annotations

JOBS: list[dict] = []
