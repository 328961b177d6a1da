"""Did S-Comm's staggered activation change an outcome? Event studies on county panels.

``panel`` reads the built-in FBI county-agency crime panel or a researcher's own file;
``design`` assigns activation cohorts and builds the estimation sample; ``estimators`` runs
two-way fixed effects, Sun–Abraham and Gardner's two-stage DiD (pyfixest) and Callaway–Sant'Anna
(diff-diff); ``sensitivity`` adds Rambachan–Roth (HonestDiD) bounds; ``intensity`` relates the
effect to the model's simulated removals; ``run`` puts it all in one document. See docs/study.md.
"""
