"""Build tooling, apart from the chapter code and the shared helpers: the chapter list (registry),
scenarios and overrides (params), the command line (cli), execution and the site (run, site), the PDF
edition (pdf)."""
