"""Pure eligibility and amount rules (no ORM): facts and parameters in force on a date in, a decision with one
reason per condition and the clause it comes from out."""
