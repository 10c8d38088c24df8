"""Demo data: the reference tables, demo accounts and a year of generated tickets.

``seed`` writes the fixed reference data (units, categories, channels), the
demo staff accounts and the channel API keys; ``generate`` fills a year of
tickets whose figures reproduce the published Jakarta baseline (DESIGN.md
§2–6), every history produced by the real state machine, in steps of their
own: ``world`` (what it reads), ``arrivals`` (when and what), ``fates`` (what
becomes of each, the live tail included), ``reports`` (each ticket as
reported, in the words of ``texts``) and ``history`` (each ticket's life);
``commands`` is the ``flask demo load`` command that runs both.
"""
