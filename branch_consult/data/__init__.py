"""Input data: the contract, loaders for every source, and the synthetic sample bank."""

from branch_consult.data.dataset import (
    Dataset,
    ValidationReport,
    clear_cache,
    open_dataset,
    sample_path,
)
from branch_consult.data.problems import DataProblems, Problem

__all__ = [
    "DataProblems",
    "Dataset",
    "Problem",
    "ValidationReport",
    "clear_cache",
    "open_dataset",
    "sample_path",
]
