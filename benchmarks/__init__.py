"""m365gov's performance harness: ``python -m benchmarks run`` (see README.md)."""
