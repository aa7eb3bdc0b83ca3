"""Transports: platform <-> neutral types, nothing else."""
