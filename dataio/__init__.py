"""Getting data in and out of Rapport in bulk: the CSV import and the CSV report export.

Placement: the apps' `exports` modules (accounts/exports.py, relationships/exports.py) hold
what the exports write (the report's columns, the rows of each import file), discovered like
`imports`, so that `imports` stays about reading files. Which accounts an import or export may
touch stays in the framework (every file names accounts by external id), asked of the app that
owns accounts through the `visible_accounts` hook.

`importing` is the import framework (file specs, their registry, the error report), `cells` the
kinds of cell a column holds, `hooks` what the framework asks of the apps by name, `exporting`
the account report, `snapshot` the data written as the import files and `services` the
operations the commands and the pages call; the set-based database writes are in core.db.bulk.
Each app describes its own import files in an `imports` module (accounts/imports.py,
relationships/imports.py); dataio imports no app. See docs/import-export.md.
"""
