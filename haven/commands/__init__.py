"""One module per `haven` command group; each exposes `commands` (a list of click commands)."""
