"""Guaranteed start-up loans recorded on grants, and the interest subsidy paid against the bank's statements."""
