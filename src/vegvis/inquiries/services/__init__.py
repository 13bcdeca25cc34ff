"""Every write of the inquiry desk: one function, one transaction, the row locked, the change audited."""
