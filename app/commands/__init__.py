"""CLI subcommands; each module exposes COMMANDS = [click commands]."""
