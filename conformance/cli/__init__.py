"""`conformance COMMAND`: the dispatcher, one module per command, starting runs, and the self-test."""
