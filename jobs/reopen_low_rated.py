"""The `reopen-low-rated` job: every minute, low ratings go back to the validator."""

from __future__ import annotations

import logging

from flask import Flask

from dashboard import clock
from dashboard.live.publisher import publish
from dashboard.services import validation

log = logging.getLogger(__name__)


def run(app: Flask) -> int:
    """Send each low-rated completion back to validation once; returns how many."""
    with app.app_context():
        result = validation.reopen_low_rated(now=clock.now(), publish=publish)
    if result.read:
        log.info(
            "reopen-low-rated: read %d, %s, retired %d, skipped %d",
            result.read,
            dict(result.done),
            result.retired,
            result.skipped,
        )
    return result.total
