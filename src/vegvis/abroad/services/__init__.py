"""Every write in the treatment-abroad module.

Each function is one transaction: it locks the case row, checks the caller's version (so two case handlers
never overwrite each other), checks the permission and the workflow edge, saves, keeps the due date in step,
and writes the audit entry before the transaction commits.

One module per concern (no re-exports here: import the module you need):
``base`` (what every write shares), ``cases``, ``decisions``, ``appeals``, ``followup``, ``registers``.
"""
