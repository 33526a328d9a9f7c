"""duban (督办): application assembly, configuration and storage."""
