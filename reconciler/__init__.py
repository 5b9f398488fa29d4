"""reconcile: store competing claims side by side, match them into events, grade each event.

The library never prints and never exits; it raises subclasses of
:class:`reconciler.errors.ReconcileError`, which the command line turns into messages.
"""

__version__ = "0.1.0"
