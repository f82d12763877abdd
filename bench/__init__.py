"""Benchmarks of servicehall (never tests: nothing here asserts a time). See bench/README.md."""
