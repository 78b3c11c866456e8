import NeuralLandscapes.BilinearHessian
import NeuralLandscapes.Spectrum
import NeuralLandscapes.Regularized
import NeuralLandscapes.RegularizedSpectrum
import NeuralLandscapes.LossHessian

/-!
# NeuralLandscapes

Lean 4 / Mathlib formalisation of results on the loss landscapes of two-layer networks
(Proposition 7.4 "bilinear flatness", Theorem 7.6(i)), plus the link from the squared loss to
the Kronecker Hessian `(v vᵀ) ⊗ Σ̂`. See `README.md` for the list of theorems.

There is no build-time axiom audit: crosscheck reads each declaration's axioms from the output of
`lake exe dump_decls` and accepts only `propext`, `Classical.choice` and `Quot.sound`.
-/
