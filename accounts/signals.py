"""What accounts tells the apps above it, which it may not import: they connect to these in
their AppConfig.ready."""

from django.dispatch import Signal

# Sent with `account_ids` inside the transaction of a change of the accounts' profiles that
# their computed numbers depend on (seats, ARR, cost to serve, dates).
account_changed = Signal()
