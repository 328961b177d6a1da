"""The calibration: simulation-based inference of every uncertain parameter against every
target and record, and what follows from its posterior (docs/calibration.md).

- ``space``: the coordinates, read off the parameter tree's ``prior:`` entries and the
  bookings model;
- ``observations``: each observation's model quantity and likelihood (the error models);
- ``simulator``: a parameter point in, the log-likelihood out, through the aggregate mode;
- ``infer``: the posterior on Dask: its mode (L-BFGS-B), a Laplace approximation, and
  Pareto-smoothed importance sampling from it;
- ``posterior``: the versioned posterior file and its provenance; ``draws``: parameter sets
  for the runs' replicates;
- ``identify``: what the data pin down (contraction, correlations, Sobol indices);
- ``validate``: targets beside their posterior predictive intervals, leave-one-out, the
  Seattle records by state and year.

``scomm calibrate`` (= ``python -m scomm.calibration``) re-creates the posterior.
"""
