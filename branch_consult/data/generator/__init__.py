"""The synthetic sample bank: every contract table with believable distributions and
planted patterns the playbooks must find (see docs/sample-data.md).

`write_sample_bank` writes a bank folder; `write_messy_extract` turns one branch of
it into the kind of workbook and CSVs a client really sends.
"""

from branch_consult.data.generator.bank import write_sample_bank
from branch_consult.data.generator.messy import write_messy_extract
from branch_consult.data.generator.planted import Planted

__all__ = ["Planted", "write_messy_extract", "write_sample_bank"]
