import NeuralLandscapes.BilinearHessian
import NeuralLandscapes.Regularized
import NeuralLandscapes.LossHessian

/-!
# Axiom audit

Each main theorem of the package is checked, at build time, to depend on exactly the three
standard axioms of Lean and Mathlib (`propext`, `Classical.choice`, `Quot.sound`): no `sorryAx`,
no extra `axiom`. `#print axioms` prints the list sorted by `Name.lt`, which puts `propext`
(a one-component name) first. `whitespace := lax` makes the check insensitive to line breaks
that Lean's pretty-printer may insert in long messages.
-/

/-- info: 'NeuralLandscapes.bilinear_hessian_ker_finrank' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.bilinear_hessian_ker_finrank

/-- info: 'NeuralLandscapes.bilinear_hessian_ker_finrank_of_posDef' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.bilinear_hessian_ker_finrank_of_posDef

/-- info: 'NeuralLandscapes.bilinear_hessian_rank' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.bilinear_hessian_rank

/-- info: 'NeuralLandscapes.regularized_hessian_posDef' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.regularized_hessian_posDef

/-- info: 'NeuralLandscapes.regularized_alpha_eigenspace_finrank' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.regularized_alpha_eigenspace_finrank

/-- info: 'NeuralLandscapes.regularized_alpha_hasEigenvalue' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.regularized_alpha_hasEigenvalue

/-- info: 'NeuralLandscapes.quadForm_kronecker_eq' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.quadForm_kronecker_eq

/-- info: 'NeuralLandscapes.loss_hessian_eq_kronecker' depends on axioms: [propext, Classical.choice, Quot.sound] -/
#guard_msgs (whitespace := lax) in
#print axioms NeuralLandscapes.loss_hessian_eq_kronecker
