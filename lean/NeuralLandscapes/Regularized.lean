import NeuralLandscapes.BilinearHessian

/-!
# The regularised Hessian `(v vᵀ) ⊗ S + α I`

Adding a ridge penalty `α ‖W‖² / 2` to the loss adds `α I` to the Hessian
`(v vᵀ) ⊗ S`. This file formalises Theorem 7.6(i) of the paper on loss landscapes of
two-layer networks:

* for `α > 0` the regularised Hessian is positive definite, already when `S` is only
  positive *semi*definite (the paper assumes `Σ ≻ 0`);
* when `v ≠ 0` and `S ≻ 0`, the eigenvalue `α` of the regularised Hessian has an
  eigenspace of dimension exactly `(m - 1) * d`: the flat directions of the
  unregularised Hessian all become directions of curvature exactly `α`.
-/

open scoped Matrix

namespace NeuralLandscapes

noncomputable section

variable {m d : ℕ}

/-- If `S` is Hermitian (over `ℝ`: symmetric), so is `(v vᵀ) ⊗ S`. -/
theorem bilinearHessian_isHermitian (v : Fin m → ℝ) {S : Matrix (Fin d) (Fin d) ℝ}
    (hS : S.IsHermitian) : (bilinearHessian v S).IsHermitian := by
  refine Matrix.IsHermitian.ext fun p q => ?_
  have hSqp : S q.2 p.2 = S p.2 q.2 := by
    have h := hS.apply p.2 q.2
    rw [star_trivial] at h
    exact h
  rw [star_trivial, bilinearHessian_apply, bilinearHessian_apply, hSqp]
  ring

/-- **Theorem 7.6(i), positive definiteness.** For every ridge parameter `α > 0` and every
positive *semi*definite `S`, the regularised Hessian `(v vᵀ) ⊗ S + α I` is positive
definite. This is weaker than the paper's hypothesis `Σ ≻ 0`: positive semidefiniteness of
`S` already suffices, and `v` is arbitrary (it may be zero). -/
theorem regularized_hessian_posDef {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ} {α : ℝ}
    (hα : 0 < α) (hS : S.PosSemidef) :
    (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)).PosDef := by
  refine ⟨?_, fun z hz => ?_⟩
  · refine Matrix.IsHermitian.add (bilinearHessian_isHermitian v hS.1) ?_
    first
      | (rw [Matrix.smul_one_eq_diagonal]
         exact Matrix.isHermitian_diagonal _)
      | exact IsSelfAdjoint.smul (IsSelfAdjoint.all α) Matrix.isHermitian_one
  · have hstar : star z = z := funext fun p => star_trivial (z p)
    have h1 : 0 ≤ z ⬝ᵥ (bilinearHessian v S *ᵥ z) := by
      rw [dotProduct_bilinearHessian_mulVec]
      have h := hS.2 (contractLin v z)
      have hs : star (contractLin v z) = contractLin v z :=
        funext fun k => star_trivial (contractLin v z k)
      rw [hs] at h
      exact h
    have h2 : 0 < z ⬝ᵥ z := by
      have hone : (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ).PosDef := Matrix.PosDef.one
      have h := hone.2 z hz
      rw [hstar, Matrix.one_mulVec] at h
      exact h
    have h3 : 0 < α * (z ⬝ᵥ z) := mul_pos hα h2
    first
      | rw [hstar, Matrix.add_mulVec, dotProduct_add, Matrix.smul_mulVec, Matrix.one_mulVec,
          dotProduct_smul, smul_eq_mul]
      | simp only [hstar, Matrix.add_mulVec, dotProduct_add, Matrix.smul_mulVec,
          Matrix.one_mulVec, dotProduct_smul, smul_eq_mul]
    -- the goal is now `0 < z ⬝ᵥ (bilinearHessian v S *ᵥ z) + α * (z ⬝ᵥ z)`
    linarith

/-- The `α`-eigenspace of `(v vᵀ) ⊗ S + α I` is the kernel of `(v vᵀ) ⊗ S`. -/
theorem eigenspace_regularized_eq_ker (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ) (α : ℝ) :
    Module.End.eigenspace
        (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
        α =
      LinearMap.ker (Matrix.toLin' (bilinearHessian v S)) := by
  ext z
  first
    | rw [Module.End.mem_eigenspace_iff, LinearMap.mem_ker, Matrix.toLin'_apply,
        Matrix.toLin'_apply, Matrix.add_mulVec, Matrix.smul_mulVec, Matrix.one_mulVec]
    | simp only [Module.End.mem_eigenspace_iff, LinearMap.mem_ker, Matrix.toLin'_apply,
        Matrix.add_mulVec, Matrix.smul_mulVec, Matrix.one_mulVec]
  -- the goal is now `bilinearHessian v S *ᵥ z + α • z = α • z ↔ bilinearHessian v S *ᵥ z = 0`
  constructor
  · intro h
    exact add_right_cancel (h.trans (zero_add (α • z)).symm)
  · intro h
    -- the two `α • z` may carry different (defeq) `SMul` instances, so close by `exact`, which
    -- unifies up to instances, rather than by the syntactic `rfl` that ends a `rw`
    exact (congrArg (fun w : Fin m × Fin d → ℝ => w + α • z) h).trans (zero_add _)

/-- **Theorem 7.6(i), multiplicity of the eigenvalue `α`.** If `v ≠ 0` and `S` is positive
definite, then for every `α` the eigenspace of the regularised Hessian
`(v vᵀ) ⊗ S + α I` for the eigenvalue `α` has dimension exactly `(m - 1) * d`. -/
theorem regularized_alpha_eigenspace_finrank {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : S.PosDef) (α : ℝ) :
    Module.finrank ℝ (Module.End.eigenspace
        (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
        α) = (m - 1) * d := by
  rw [eigenspace_regularized_eq_ker]
  exact bilinear_hessian_ker_finrank_of_posDef hv hS

/-- **Theorem 7.6(i), `α` is an eigenvalue.** If `v ≠ 0`, `S` is positive definite and
`(m - 1) * d > 0` (there are at least two hidden units and at least one input), then `α` is an
eigenvalue of the regularised Hessian `(v vᵀ) ⊗ S + α I`. -/
theorem regularized_alpha_hasEigenvalue {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : S.PosDef) (α : ℝ) (hmd : 0 < (m - 1) * d) :
    Module.End.HasEigenvalue
      (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
      α := by
  rw [Module.End.hasEigenvalue_iff]
  intro hbot
  have h := regularized_alpha_eigenspace_finrank hv hS α
  rw [hbot, finrank_bot] at h
  exact hmd.ne h

/-! ### `α` is the smallest eigenvalue, and the other eigenvalues -/

end

end NeuralLandscapes
