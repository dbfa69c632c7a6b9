"""The rule language and the decisions contract: the expression language (lexer → parser →
checker → compiler), the facts and outcomes of each decision, the functions rules may call, and
compiled rule lists with the Decision they return.

Imports only ``engine.core``; sees the catalog through protocols, never by import.
"""
