"""The local console (`duban console`) as a channel of its own: the conversation core (handlers/) in a
terminal, talking to the dispatcher directly. No chat platform, no token, nothing leaves this machine.

    channel = ConsoleChannel(Terminal.scripted(["/start", ":quit"], sys.stdout.write), user)
    channel.attach(Dispatcher(ctx, routes()))   # ctx.sender is the channel too
    code = await Repl(channel).run()

Modules: terminal.py (reading and writing lines), identity.py (who the console speaks as), events.py (a
typed line as an event), render.py (replies as plain text), channel.py (the Channel and Sender ports),
repl.py (the loop and the console's own commands).
"""

from channels.console.channel import ConsoleChannel
from channels.console.identity import ConsoleError, ConsoleUser, console_user
from channels.console.repl import Repl, banner
from channels.console.terminal import Terminal

__all__ = ["ConsoleChannel", "ConsoleError", "ConsoleUser", "Repl", "Terminal", "banner", "console_user"]
