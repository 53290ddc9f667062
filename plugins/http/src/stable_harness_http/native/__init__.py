"""The native runtime API."""
