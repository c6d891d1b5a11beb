"""Talking to a target: transport, the own-items guard and its ledger, pacing, TLS, redaction, and the
evidence of an exchange."""
