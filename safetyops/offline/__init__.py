"""The officer's tablet offline: service worker, offline copy, outbox receipts, trusted times."""
