"""Jail bookings per county: a model fitted on California's county jail counts, its
uncertainty, the distribution of national admissions across counties, a user-supplied
admissions panel, and fingerprint submissions per booking (docs/bookings.md)."""
