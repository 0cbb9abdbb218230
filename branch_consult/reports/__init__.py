"""Reports: analysis results turned into display objects, section by section, in zh or en."""

from branch_consult.reports import diagnostic
from branch_consult.reports.diagnostic import *  # noqa: F403  (the public API is diagnostic's)

__all__ = list(diagnostic.__all__)
