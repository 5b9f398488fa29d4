"""The `reconcile` command line: click commands only; the work is done in ``reconciler``."""
