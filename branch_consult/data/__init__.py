"""Input data: the contract, loaders for every source, and the synthetic sample bank."""
