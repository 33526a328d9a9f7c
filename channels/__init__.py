"""One adapter per messaging platform: events in, replies out. The conversation (handlers/) never sees a
platform's types; each adapter translates its platform's updates into `handlers.events.Event`s and renders
`handlers.replies` in its platform's markup and buttons."""
