"""Reading catalog files: safe YAML with the position of every value, a content-hash cache, and
the documents of one catalog by kind.

Imports only ``engine.core``.
"""
