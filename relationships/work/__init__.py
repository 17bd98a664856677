"""Tasks: what a CSM has to do about an account, by when (docs/tasks.md)."""
