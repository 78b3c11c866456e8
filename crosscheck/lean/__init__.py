"""The Lean witness: toolchain discovery, build, declaration dump, axiom audit, static scan."""
