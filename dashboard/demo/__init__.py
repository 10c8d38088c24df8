"""Demo data: the reference tables, demo accounts and a year of generated tickets.

``seed`` writes the fixed reference data (units, categories, channels), the
demo staff accounts and the channel API keys; ``generate`` fills a year of
tickets whose figures reproduce the published Jakarta baseline (DESIGN.md
§2–6), every history produced by the real state machine; ``commands`` is the
``flask demo load`` command that runs both.
"""
