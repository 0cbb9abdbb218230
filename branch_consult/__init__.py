"""branch-consult: analysis library and playbooks for retail-bank branch marketing consulting."""

__version__ = "0.1.0"
