"""Ratio benchmarks against PyTorch, run in one process. Printed, never asserted on time."""
