"""Stand-in Lean toolchain and a tiny Lean package for the driver tests."""
