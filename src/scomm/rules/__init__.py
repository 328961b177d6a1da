"""The S-Comm pipeline as pure, vectorised rules: no randomness drawn, no I/O.

Each rule maps attributes, the rules in force and (where chance enters) uniforms
handed in by the engine to an outcome. Stages, in order:

booking → submission (biometrics) → IDENT match (match) → ICE status determination
(status) → offense level (level) → detainer decision (detainer) → jail compliance
(jail) → transfer to ICE custody (custody) → detention and removal (removal).
"""
