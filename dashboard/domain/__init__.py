"""Pure domain: statuses, the state machine, clocks, routing. No Flask, no SQL."""
