"""The frozen model: products, plans and their dated versions, offers, regions, terms.

Imports ``engine.rules`` (a plan version holds its compiled rules) and ``engine.core``; never
Jinja2 or jsonschema.
"""
