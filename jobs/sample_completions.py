"""The `sample-completions` job: weekly, a reproducible 5 % sample per unit is checked."""

from __future__ import annotations

import logging

from flask import Flask

from dashboard import clock
from dashboard.live.publisher import publish
from dashboard.services import validation

log = logging.getLogger(__name__)


def run(app: Flask) -> int:
    """Flag last week's sample of each unit's completions; returns how many were flagged."""
    with app.app_context():
        result = validation.sample_completions(now=clock.now(), publish=publish)
    log.info(
        "sample-completions: read %d not yet flagged, flagged %d, skipped %d",
        result.read,
        result.total,
        result.skipped,
    )
    return result.total
