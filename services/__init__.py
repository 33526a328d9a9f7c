"""Services: the decisions. Handlers and the CLI call these; these call storage and the pure engines."""
