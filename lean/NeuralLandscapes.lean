import NeuralLandscapes.BilinearHessian
import NeuralLandscapes.Regularized
import NeuralLandscapes.LossHessian
import NeuralLandscapes.AxiomAudit

/-!
# NeuralLandscapes

Lean 4 / Mathlib formalisation of results on the loss landscapes of two-layer networks
(Proposition 7.4 "bilinear flatness", Theorem 7.6(i)), plus the link from the squared loss to
the Kronecker Hessian `(v vᵀ) ⊗ Σ̂`. See `README.md` for the list of theorems.
-/
