"""The ``stable-harness`` command line. Modules here import heavy code inside commands only."""
