"""The S-Comm pipeline as pure, vectorised rules: no randomness drawn, no I/O.

Each rule maps attributes, the rules in force and (where chance enters) uniforms
handed in by the engine to an outcome. ``pipeline.py`` declares the stages in order (booking,
composition, fingerprint submission, IDENT match, the matched person's ethnicity, sex,
offense level and charge, ICE status determination, detainer, jail compliance, transfer to
ICE custody, removal, detention, summary removal, representation), each with its rule, its
random stream and the parameters it reads.
"""
