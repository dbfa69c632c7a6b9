"""Values every layer shares: problems and errors, money, dates, locations, where data lives.

Imports nothing of the engine.
"""
