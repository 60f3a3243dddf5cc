"""Policy scenarios (政策测算): parameters, switches and readings changed on paper, screened over the registers beside
the baseline, costed for twelve months on top of the grants already committed, and adopted only by two
administrators."""
