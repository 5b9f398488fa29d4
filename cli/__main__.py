"""`python -m cli` runs the `reconcile` command line."""

from .main import main

main()
