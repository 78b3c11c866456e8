import NeuralLandscapes.BilinearHessian

/-!
# The non-zero spectrum of `(v vᵀ) ⊗ S`

Proposition 7.4 of the paper on loss landscapes of two-layer networks also describes the curved
directions: the non-zero eigenvalues of `(v vᵀ) ⊗ S` are `‖v‖² λ` for the eigenvalues `λ` of `S`.
This file proves both directions: each `‖v‖² λ` is an eigenvalue (eigenvector `v ⊗ u`), and every
non-zero eigenvalue has this form.

It is a module of its own so that the kernel and rank theorems of `BilinearHessian` are verified
whatever happens here (crosscheck judges each module separately).
-/

open scoped Matrix

namespace NeuralLandscapes

noncomputable section

variable {m d : ℕ}

/-! ### The non-zero spectrum: `‖v‖² λ` for each eigenvalue `λ` of `S`

For `u : Fin d → ℝ`, the vectorisation of the rank-one weight `v uᵀ` is the Kronecker vector
`v ⊗ u`, `(j, k) ↦ v j * u k`. Its contraction is `P (v ⊗ u) = (v ⬝ᵥ v) • u`, so an
eigenvector `u` of `S` for `μ` gives the eigenvector `v ⊗ u` of `(v vᵀ) ⊗ S` for
`(v ⬝ᵥ v) * μ = ‖v‖² μ`. -/

/-- The Kronecker vector `v ⊗ u : Fin m × Fin d → ℝ`, `(j, k) ↦ v j * u k` (the row-major
vectorisation of the rank-one weight matrix `v uᵀ`). -/
def kronVec (v : Fin m → ℝ) (u : Fin d → ℝ) : Fin m × Fin d → ℝ :=
  fun p => v p.1 * u p.2

/-- Entries of the Kronecker vector: `kronVec v u (j, k) = v j * u k`. -/
theorem kronVec_apply (v : Fin m → ℝ) (u : Fin d → ℝ) (j : Fin m) (k : Fin d) :
    kronVec v u (j, k) = v j * u k :=
  rfl

/-- The Kronecker vector of two non-zero vectors is non-zero. -/
theorem kronVec_ne_zero {v : Fin m → ℝ} {u : Fin d → ℝ} (hv : v ≠ 0) (hu : u ≠ 0) :
    kronVec v u ≠ 0 := by
  obtain ⟨j, hj⟩ := Function.ne_iff.mp hv
  obtain ⟨k, hk⟩ := Function.ne_iff.mp hu
  have hj' : v j ≠ 0 := hj
  have hk' : u k ≠ 0 := hk
  intro h
  have h1 := congrFun h (j, k)
  rw [kronVec_apply, Pi.zero_apply] at h1
  exact mul_ne_zero hj' hk' h1

/-- The contraction of a Kronecker vector: `P (v ⊗ u) = (v ⬝ᵥ v) • u`. -/
theorem contractLin_kronVec (v : Fin m → ℝ) (u : Fin d → ℝ) :
    contractLin v (kronVec v u) = (v ⬝ᵥ v) • u := by
  funext k
  rw [contractLin_apply]
  first
    | rw [Pi.smul_apply, smul_eq_mul, dotProduct, Finset.sum_mul]
    | simp only [Pi.smul_apply, smul_eq_mul, dotProduct, Finset.sum_mul]
  -- the goal is now `∑ j, v j * kronVec v u (j, k) = ∑ j, v j * v j * u k`
  refine Finset.sum_congr rfl fun j _ => ?_
  show v j * (v j * u k) = v j * v j * u k
  ring

/-- `(v vᵀ) ⊗ S` maps `v ⊗ u` to `((v ⬝ᵥ v) * μ) • (v ⊗ u)` when `S u = μ u`. -/
theorem bilinearHessian_mulVec_kronVec (v : Fin m → ℝ) {S : Matrix (Fin d) (Fin d) ℝ}
    {u : Fin d → ℝ} {μ : ℝ} (hu : S *ᵥ u = μ • u) :
    bilinearHessian v S *ᵥ kronVec v u = ((v ⬝ᵥ v) * μ) • kronVec v u := by
  funext p
  obtain ⟨j, k⟩ := p
  first
    | rw [bilinearHessian_mulVec_apply, contractLin_kronVec, Matrix.mulVec_smul, hu]
    | simp only [bilinearHessian_mulVec_apply, contractLin_kronVec, Matrix.mulVec_smul, hu]
  simp only [Pi.smul_apply, smul_eq_mul, kronVec_apply]
  ring

/-- **Proposition 7.4, the non-zero eigenvalues `‖v‖² λ_k(Σ)`.** If `v ≠ 0` and `u ≠ 0` is an
eigenvector of `S` for the eigenvalue `μ` (`S u = μ u`), then `(v ⬝ᵥ v) * μ = ‖v‖² μ` is an
eigenvalue of `(v vᵀ) ⊗ S`, with eigenvector `v ⊗ u`. -/
theorem bilinear_hessian_hasEigenvalue {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    {u : Fin d → ℝ} {μ : ℝ} (hv : v ≠ 0) (hu : u ≠ 0) (hSu : S *ᵥ u = μ • u) :
    Module.End.HasEigenvalue (Matrix.toLin' (bilinearHessian v S)) ((v ⬝ᵥ v) * μ) := by
  have hx : Matrix.toLin' (bilinearHessian v S) (kronVec v u) =
      ((v ⬝ᵥ v) * μ) • kronVec v u := by
    rw [Matrix.toLin'_apply]
    exact bilinearHessian_mulVec_kronVec v hSu
  have hev : Module.End.HasEigenvector (Matrix.toLin' (bilinearHessian v S)) ((v ⬝ᵥ v) * μ)
      (kronVec v u) :=
    Module.End.hasEigenvector_iff.mpr
      ⟨Module.End.mem_eigenspace_iff.mpr hx, kronVec_ne_zero hv hu⟩
  exact Module.End.hasEigenvalue_of_hasEigenvector hev

/-- The contraction commutes with scalars: `P (c • z) = c • P z`. -/
theorem contractLin_smul (v : Fin m → ℝ) (c : ℝ) (z : Fin m × Fin d → ℝ) :
    contractLin v (c • z) = c • contractLin v z := by
  -- `contractLin v` is a linear map, so this is `map_smul`; the fallback computes entrywise
  first
    | exact map_smul (contractLin v) c z
    | (funext k
       simp only [contractLin_apply, Pi.smul_apply, smul_eq_mul, Finset.mul_sum]
       -- the goal is now `∑ j, v j * (c * z (j, k)) = ∑ j, c * (v j * z (j, k))`
       exact Finset.sum_congr rfl fun j _ => by ring)

/-- Contracting `((v vᵀ) ⊗ S) z` gives `P (((v vᵀ) ⊗ S) z) = (v ⬝ᵥ v) • S (P z)`. -/
theorem contractLin_bilinearHessian_mulVec (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ)
    (z : Fin m × Fin d → ℝ) :
    contractLin v (bilinearHessian v S *ᵥ z) = (v ⬝ᵥ v) • (S *ᵥ contractLin v z) := by
  funext k
  rw [contractLin_apply]
  first
    | rw [Pi.smul_apply, smul_eq_mul, dotProduct, Finset.sum_mul]
    | simp only [Pi.smul_apply, smul_eq_mul, dotProduct, Finset.sum_mul]
  -- the goal is now `∑ j, v j * (H z) (j, k) = ∑ j, v j * v j * (S (P z)) k`
  refine Finset.sum_congr rfl fun j _ => ?_
  rw [bilinearHessian_mulVec_apply]
  ring

/-- **Proposition 7.4, every non-zero eigenvalue is `‖v‖² λ_k(Σ)`.** Every eigenvalue `c ≠ 0`
of `(v vᵀ) ⊗ S` is `(v ⬝ᵥ v) * μ = ‖v‖² μ` for an eigenvalue `μ` of `S`: there is `u ≠ 0` with
`S u = μ u` (namely `u = P z` for an eigenvector `z`). With `bilinear_hessian_hasEigenvalue`
(the converse) and `bilinear_hessian_rank` this describes the non-zero spectrum. No hypothesis
on `v` or `S` is needed. -/
theorem bilinear_hessian_eigenvalue_eq_mul {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    {c : ℝ} (hc : c ≠ 0) :
    Module.End.HasEigenvalue (Matrix.toLin' (bilinearHessian v S)) c →
      ∃ μ : ℝ, ∃ u : Fin d → ℝ, u ≠ 0 ∧ S *ᵥ u = μ • u ∧ c = (v ⬝ᵥ v) * μ := by
  intro hev
  obtain ⟨z, hz⟩ := Module.End.HasEigenvalue.exists_hasEigenvector hev
  have hz0 : z ≠ 0 := (Module.End.hasEigenvector_iff.mp hz).2
  have hHz : bilinearHessian v S *ᵥ z = c • z := by
    have h := Module.End.HasEigenvector.apply_eq_smul hz
    rw [Matrix.toLin'_apply] at h
    exact h
  -- a vector that the non-zero scalar `c` sends to `0` is `0`
  have hcancel : ∀ {ι : Type} (w : ι → ℝ), c • w = 0 → w = 0 := by
    intro ι w hw
    funext i
    have hi := congrFun hw i
    simp only [Pi.smul_apply, smul_eq_mul, Pi.zero_apply] at hi
    exact (mul_eq_zero.mp hi).resolve_left hc
  -- `P (H z) = (v ⬝ᵥ v) • S (P z)` and `P (H z) = P (c • z) = c • P z`; chained as terms, so
  -- that the `•` instances of the different statements are matched up to defeq
  have hPu : (v ⬝ᵥ v) • (S *ᵥ contractLin v z) = c • contractLin v z := by
    first
      | exact (contractLin_bilinearHessian_mulVec v S z).symm.trans
          ((congrArg (fun w : Fin m × Fin d → ℝ => contractLin v w) hHz).trans
            (contractLin_smul v c z))
      | (rw [← contractLin_bilinearHessian_mulVec, hHz]
         exact contractLin_smul v c z)
  have hu0 : contractLin v z ≠ 0 := by
    intro h0
    have hH0 : bilinearHessian v S *ᵥ z = 0 := by
      funext p
      obtain ⟨j, k⟩ := p
      rw [bilinearHessian_mulVec_apply, h0, Matrix.mulVec_zero]
      simp only [Pi.zero_apply, mul_zero]
    exact hz0 (hcancel z (hHz.symm.trans hH0))
  have hvv : v ⬝ᵥ v ≠ 0 := by
    intro h0
    have h1 : (v ⬝ᵥ v) • (S *ᵥ contractLin v z) = 0 := by
      first
        | (rw [h0]; exact zero_smul ℝ _)
        | rw [h0, zero_smul]
        | simp only [h0, zero_smul]
    exact hu0 (hcancel (contractLin v z) (hPu.symm.trans h1))
  refine ⟨c / (v ⬝ᵥ v), contractLin v z, hu0, ?_, ?_⟩
  · funext k
    have hk := congrFun hPu k
    simp only [Pi.smul_apply, smul_eq_mul] at hk
    -- `hk : v ⬝ᵥ v * (S *ᵥ P z) k = c * P z k`
    simp only [Pi.smul_apply, smul_eq_mul]
    calc (S *ᵥ contractLin v z) k
        = (S *ᵥ contractLin v z) k * ((v ⬝ᵥ v) / (v ⬝ᵥ v)) := by rw [div_self hvv, mul_one]
      _ = ((v ⬝ᵥ v) * (S *ᵥ contractLin v z) k) / (v ⬝ᵥ v) := by ring
      _ = (c * contractLin v z k) / (v ⬝ᵥ v) := congrArg (fun t => t / (v ⬝ᵥ v)) hk
      _ = c / (v ⬝ᵥ v) * contractLin v z k := by ring
  · calc c = c * ((v ⬝ᵥ v) / (v ⬝ᵥ v)) := by rw [div_self hvv, mul_one]
      _ = (v ⬝ᵥ v) * (c / (v ⬝ᵥ v)) := by ring

end

end NeuralLandscapes
