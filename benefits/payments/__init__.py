"""Money out: the month's payment lines and batches, finance's approval, bank files and results, reversals, exceptions,
and the hash-chained ledger with its signed checkpoints."""
