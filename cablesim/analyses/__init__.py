"""The analyses over the engine: sweeps, risk (Monte Carlo), plans and comparisons,
timelines, dependency lenses, history replays and their tallies.

Each module is imported by its name (``from cablesim.analyses import sweep``);
this package imports none of them, so importing it costs nothing.
"""
