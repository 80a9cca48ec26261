"""Application code on top of the domain: scenarios, drills, backtests, metrics, descriptions and the command line.

Nothing in the domain layers imports this package; import its modules directly
(``crisiskit.app.scenario``, ``crisiskit.app.metrics``, …).
"""
