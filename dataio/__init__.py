"""Getting data in and out of Rapport in bulk: the CSV import and the CSV report export.

`importing` is the import framework (file specs, their registry, the error report), `cells` the
kinds of cell a column holds, `bulk` the set-based database writes, `exporting` the report's
column registry and `services` the operations the commands and the pages call. Each app
describes its own import files in an `imports` module (accounts/imports.py,
relationships/imports.py); see docs/import-export.md.
"""
