"""Servers the project's tests point the suites at: implementations nobody here wrote the reference for."""
