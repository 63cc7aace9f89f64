"""Feature commands: each module registers its own CLI commands with @command when imported."""
