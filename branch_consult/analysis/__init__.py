"""Analysis functions, one module per subject of the practice (deposits, tiers, lobby, ...)."""
