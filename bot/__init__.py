"""duban (督办): the assembly: settings, clocks, logs, the CLI, and the wiring of channels, conversation
and reminder scheduler."""
