"""Exporters that turn an executed playbook into deliverables (Word, HTML)."""
