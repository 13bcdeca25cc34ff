"""The statistics kit: tables of figures with small-number suppression, and their exports (HTML, SVG charts for the
web and the PDF, XLSX, CSV, JSON). A shared app: it imports no domain app; a domain builds its tables from its own
selectors and hands them to these functions. See docs/architecture.md, "Statistics kit"."""
