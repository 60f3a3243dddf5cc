"""Applications and what an approval grants: the workflow's services (one per transition), grants and their nightly
jobs, evidence, and the console pages, APIs and the portal's API for them."""
