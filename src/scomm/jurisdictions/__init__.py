"""Real places: counties, states, S-Comm activation dates, and state and local laws."""
