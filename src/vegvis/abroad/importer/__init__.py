"""Importing treatment-abroad cases (the case-import contract): ``cases`` (the entry points and the command's
``run_import``), ``parse`` (checking every line), ``rows`` (the parsed file), ``scope`` (what a user may write)
and ``write`` (comparing with the database and writing the difference). See ``cases``' docstring."""
