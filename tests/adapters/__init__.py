"""Adapter tests: real platform libraries against local fakes."""
