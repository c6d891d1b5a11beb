"""The pytest side of a run: options and settings, hooks, fixtures, cleanup, sharding, and what the tests
reported turned into outcomes."""
