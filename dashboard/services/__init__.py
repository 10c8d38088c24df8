"""Use cases: one verb-named function per use case, one transaction each.

Views, API endpoints, CLI commands and jobs call these; nothing changes a
ticket any other way. Each takes plain values, the actor, ``now`` and a
``publish`` callable, commits, and publishes its events after commit.
"""
