"""The `branch-consult` command line: a thin shell over the Python API.

Each module here registers the commands of one subject on the shared `app`.
"""

import branch_consult.cli.workspace_commands  # noqa: F401  (registration: init, new-playbook, --workspace)
from branch_consult.cli import data_commands, playbook_commands  # noqa: F401  (registration)
from branch_consult.cli.app import app

__all__ = ["app"]
import branch_consult.cli.cache_commands  # noqa: E402, F401  (registration: cache)
from branch_consult.cli import batch_commands  # noqa: E402, F401  (registration: batch)
