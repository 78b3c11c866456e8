import NeuralLandscapes.Regularized
import NeuralLandscapes.Spectrum

/-!
# The spectrum of the regularised Hessian `(v vᵀ) ⊗ S + α I`

Theorem 7.6(i) of the paper on loss landscapes of two-layer networks, the clauses about the whole
spectrum: `α` is the smallest eigenvalue (every eigenvalue is `≥ α`, strictly outside the flat
directions when `S ≻ 0`), and each `‖v‖² λ_k(Σ) + α` is an eigenvalue.

A module of its own, so that positive definiteness and the multiplicity of `α` (`Regularized`) are
verified whatever happens here.
-/

open scoped Matrix

namespace NeuralLandscapes

noncomputable section

variable {m d : ℕ}

/-- A non-zero vector has a positive squared norm `z ⬝ᵥ z` (read off `Matrix.PosDef.one`). -/
theorem vec_dotProduct_self_pos {z : Fin m × Fin d → ℝ} (hz : z ≠ 0) : 0 < z ⬝ᵥ z := by
  have hone : (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ).PosDef := Matrix.PosDef.one
  have h := hone.2 z hz
  have hstar : star z = z := funext fun p => star_trivial (z p)
  rw [hstar, Matrix.one_mulVec] at h
  exact h

/-- For positive semidefinite `S`, the quadratic form of `(v vᵀ) ⊗ S` is non-negative. -/
theorem dotProduct_bilinearHessian_mulVec_nonneg (v : Fin m → ℝ) {S : Matrix (Fin d) (Fin d) ℝ}
    (hS : S.PosSemidef) (z : Fin m × Fin d → ℝ) : 0 ≤ z ⬝ᵥ (bilinearHessian v S *ᵥ z) := by
  rw [dotProduct_bilinearHessian_mulVec]
  have h := hS.2 (contractLin v z)
  have hs : star (contractLin v z) = contractLin v z :=
    funext fun k => star_trivial (contractLin v z k)
  rw [hs] at h
  exact h

/-- For positive definite `S`, the quadratic form of `(v vᵀ) ⊗ S` is positive at every `z`
outside the kernel of `(v vᵀ) ⊗ S`. -/
theorem dotProduct_bilinearHessian_mulVec_pos {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hS : S.PosDef) {z : Fin m × Fin d → ℝ} (hz : bilinearHessian v S *ᵥ z ≠ 0) :
    0 < z ⬝ᵥ (bilinearHessian v S *ᵥ z) := by
  have hP : contractLin v z ≠ 0 := by
    intro h0
    apply hz
    funext p
    obtain ⟨j, k⟩ := p
    rw [bilinearHessian_mulVec_apply, h0, Matrix.mulVec_zero]
    simp only [Pi.zero_apply, mul_zero]
  rw [dotProduct_bilinearHessian_mulVec]
  have h := hS.2 (contractLin v z) hP
  have hs : star (contractLin v z) = contractLin v z :=
    funext fun k => star_trivial (contractLin v z k)
  rw [hs] at h
  exact h

/-- An eigenvector `z` of the regularised Hessian for `μ` satisfies
`((v vᵀ) ⊗ S) z + α z = μ z`. -/
theorem bilinearHessian_mulVec_add_of_hasEigenvector {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} {α μ : ℝ} {z : Fin m × Fin d → ℝ}
    (hz : Module.End.HasEigenvector
      (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
      μ z) :
    bilinearHessian v S *ᵥ z + α • z = μ • z := by
  have h := Module.End.HasEigenvector.apply_eq_smul hz
  first
    | rw [Matrix.toLin'_apply, Matrix.add_mulVec, Matrix.smul_mulVec, Matrix.one_mulVec] at h
    | simp only [Matrix.toLin'_apply, Matrix.add_mulVec, Matrix.smul_mulVec,
        Matrix.one_mulVec] at h
  exact h

/-- The Rayleigh identity for an eigenvector `z` of the regularised Hessian for `μ`:
`zᵀ ((v vᵀ) ⊗ S) z + α (z ⬝ᵥ z) = μ (z ⬝ᵥ z)`. -/
theorem dotProduct_regularized_of_hasEigenvector {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} {α μ : ℝ} {z : Fin m × Fin d → ℝ}
    (hz : Module.End.HasEigenvector
      (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
      μ z) :
    z ⬝ᵥ (bilinearHessian v S *ᵥ z) + α * (z ⬝ᵥ z) = μ * (z ⬝ᵥ z) := by
  have h := congrArg (dotProduct z) (bilinearHessian_mulVec_add_of_hasEigenvector hz)
  first
    | (rw [dotProduct_add, dotProduct_smul, dotProduct_smul, smul_eq_mul, smul_eq_mul] at h
       exact h)
    | (simp only [dotProduct_add, dotProduct_smul, smul_eq_mul] at h
       exact h)

/-- **Theorem 7.6(i), `α` is the smallest eigenvalue.** For every `v`, every positive
*semi*definite `S` and every `α`, each eigenvalue `μ` of the regularised Hessian
`(v vᵀ) ⊗ S + α I` satisfies `α ≤ μ`. (From an eigenvector `z`:
`μ ‖z‖² = zᵀ ((v vᵀ) ⊗ S) z + α ‖z‖² ≥ α ‖z‖²`.) Together with
`regularized_alpha_hasEigenvalue`, `α` is the smallest eigenvalue. -/
theorem regularized_eigenvalue_ge {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ} {α : ℝ}
    (hS : S.PosSemidef) (μ : ℝ) :
    Module.End.HasEigenvalue
        (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
        μ →
      α ≤ μ := by
  intro hμ
  obtain ⟨z, hz⟩ := Module.End.HasEigenvalue.exists_hasEigenvector hμ
  have h := dotProduct_regularized_of_hasEigenvector hz
  have hn := vec_dotProduct_self_pos (Module.End.hasEigenvector_iff.mp hz).2
  have hq := dotProduct_bilinearHessian_mulVec_nonneg v hS z
  by_contra hlt
  have hpos : 0 < (α - μ) * (z ⬝ᵥ z) := mul_pos (sub_pos.mpr (not_le.mp hlt)) hn
  -- `h : q + α n = μ n`, `hq : 0 ≤ q`, `hpos : 0 < (α - μ) n`; `linarith` multiplies out the
  -- products and treats `α * n`, `μ * n` as atoms
  first
    | linarith
    | nlinarith [h, hq, hpos, hn]

/-- **Theorem 7.6(i), only the flat directions have curvature `α`.** If `S` is positive
definite, every eigenvector `z` of `(v vᵀ) ⊗ S + α I` that is not in the kernel of
`(v vᵀ) ⊗ S` has an eigenvalue `μ > α`: the eigenvalue `α` comes exactly from the
`(m - 1) * d` flat directions, and all other eigenvalues are strictly larger. -/
theorem regularized_eigenvalue_gt {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ} {α μ : ℝ}
    {z : Fin m × Fin d → ℝ} (hS : S.PosDef) :
    Module.End.HasEigenvector
        (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
        μ z →
      bilinearHessian v S *ᵥ z ≠ 0 → α < μ := by
  intro hz hHz
  have h := dotProduct_regularized_of_hasEigenvector hz
  have hn := vec_dotProduct_self_pos (Module.End.hasEigenvector_iff.mp hz).2
  have hq := dotProduct_bilinearHessian_mulVec_pos hS hHz
  by_contra hle
  have hnn : 0 ≤ (α - μ) * (z ⬝ᵥ z) := mul_nonneg (sub_nonneg.mpr (not_lt.mp hle)) hn.le
  -- `h : q + α n = μ n`, `hq : 0 < q`, `hnn : 0 ≤ (α - μ) n`
  first
    | linarith
    | nlinarith [h, hq, hnn, hn]

/-- **Theorem 7.6(i), the other eigenvalues `‖v‖² λ_k(Σ) + α`.** If `v ≠ 0` and `u ≠ 0` is an
eigenvector of `S` for `μ` (`S u = μ u`), then `(v ⬝ᵥ v) * μ + α = ‖v‖² μ + α` is an eigenvalue
of the regularised Hessian `(v vᵀ) ⊗ S + α I`, with eigenvector `v ⊗ u`. -/
theorem regularized_hasEigenvalue_of_eigenvector {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} {u : Fin d → ℝ} {μ : ℝ} (hv : v ≠ 0) (hu : u ≠ 0)
    (hSu : S *ᵥ u = μ • u) (α : ℝ) :
    Module.End.HasEigenvalue
      (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
      ((v ⬝ᵥ v) * μ + α) := by
  have hx : Matrix.toLin'
      (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)) (kronVec v u) =
      ((v ⬝ᵥ v) * μ + α) • kronVec v u := by
    first
      | (rw [Matrix.toLin'_apply, Matrix.add_mulVec, Matrix.smul_mulVec, Matrix.one_mulVec,
          bilinearHessian_mulVec_kronVec v hSu]
         exact (add_smul _ _ _).symm)
      | (simp only [Matrix.toLin'_apply, Matrix.add_mulVec, Matrix.smul_mulVec,
          Matrix.one_mulVec, bilinearHessian_mulVec_kronVec v hSu]
         exact (add_smul _ _ _).symm)
  have hev : Module.End.HasEigenvector
      (Matrix.toLin' (bilinearHessian v S + α • (1 : Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ)))
      ((v ⬝ᵥ v) * μ + α) (kronVec v u) :=
    Module.End.hasEigenvector_iff.mpr
      ⟨Module.End.mem_eigenspace_iff.mpr hx, kronVec_ne_zero hv hu⟩
  exact Module.End.hasEigenvalue_of_hasEigenvector hev

end

end NeuralLandscapes
