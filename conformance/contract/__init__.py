"""The contract as data: the requirement catalog, the operations and members of openapi.json, strict JSON
and the contract document for readers. Imports nothing else of the package."""
