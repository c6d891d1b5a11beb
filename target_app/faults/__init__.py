"""Deliberate, realistic implementation bugs, one per name, to prove that the suites catch them.

Each fault bends one seam of the app (the store, the authenticator, an error handler) or wraps it
in ASGI middleware that bends requests or responses the way a buggy server would, and names the
requirements it violates. The clean app never imports this package unless a fault is asked for.
A fault registers with @fault on its `inject(parts)` (registry.py); one that is only a store subclass, a
response edit or a change of JSON request bodies registers that itself with @store_fault, @response_fault
or @body_fault (seams.py, store_and_auth.py). Several faults given together all apply, or are refused.
The faults live in one module per section of the contract.

    create_app(faults=["list-offset-off-by-one"])      python -m target_app --fault NAME
"""

from __future__ import annotations

# Imported for the faults they register.
from target_app.faults import auth, concurrency, crud, listing, path_ids, resource, responses, validation  # noqa: F401
from target_app.faults.registry import FAULTS, Fault, inject

__all__ = ["FAULTS", "Fault", "inject"]
