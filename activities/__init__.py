"""Every side effect: the event store and the Temporal activities that use it."""
