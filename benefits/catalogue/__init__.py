"""The policy catalogue: programs and their effective-dated parameters, synced from fixtures/policy/ and set by
administrators."""
