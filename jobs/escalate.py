"""The `escalate` job: every minute, raise the escalations that have fallen due."""

from __future__ import annotations

import logging

from flask import Flask

from dashboard import clock
from dashboard.live.publisher import publish
from dashboard.services import escalation

log = logging.getLogger(__name__)


def run(app: Flask) -> int:
    """Sweep open tickets once; returns how many escalations were raised."""
    with app.app_context():
        result = escalation.sweep(now=clock.now(), publish=publish)
    if result.read:
        log.info(
            "escalate: read %d, raised %s, skipped %d",
            result.read,
            dict(result.raised),
            result.skipped,
        )
    return result.total
