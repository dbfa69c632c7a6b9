"""A loaded catalog and what it answers: the loading pipeline and linker, lookups and quotes,
decisions (the evaluator), the policy ledger, scenario cases, and the JSON shapes of answers.

The library's top: everything below it, nothing of the site or the CLI.
"""
