import Mathlib

/-!
# Bilinear flatness: the kernel and rank of `(v vᵀ) ⊗ S`

For a two-layer network `x ↦ vᵀ W x` with output weights `v : Fin m → ℝ` and a
`d × d` matrix `S` (the input covariance), the Hessian of the loss in the first-layer
weights `W : Fin m → Fin d → ℝ` at a point where the residual vanishes is the
Kronecker matrix `(v vᵀ) ⊗ S`, indexed by pairs `(j, k)` (row-major vectorisation
`(j, k) ↦ W j k`).

This file proves the "bilinear flatness" statement, Proposition 7.4 of the paper on
loss landscapes of two-layer networks: when `v ≠ 0` and `S` is invertible, the kernel
of `(v vᵀ) ⊗ S` has dimension `(m - 1) * d` and its range has dimension `d`.

The proof goes through the contraction `P x = fun k => ∑ j, v j * x (j, k)`:
`((v vᵀ) ⊗ S) x = fun (j, k) => v j * (S (P x)) k`, so the kernel of the Hessian is the
kernel of `P`, and `P` is onto `Fin d → ℝ` when `v ≠ 0`.
-/

open scoped Matrix

namespace NeuralLandscapes

noncomputable section

variable {m d : ℕ}

/-- The matrix `(v vᵀ) ⊗ S`: the Kronecker product of the rank-one matrix `v vᵀ` with `S`,
indexed by pairs `(j, k) : Fin m × Fin d`. Its `((j, k), (j', k'))` entry is
`v j * v j' * S k k'`. This is the Hessian appearing in Proposition 7.4 ("bilinear
flatness") of the paper. -/
def bilinearHessian (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ) :
    Matrix (Fin m × Fin d) (Fin m × Fin d) ℝ :=
  Matrix.kroneckerMap (· * ·) (Matrix.vecMulVec v v) S

/-- `bilinearHessian v S` is, by definition, the Kronecker matrix `(v vᵀ) ⊗ S` built with
Mathlib's `Matrix.kroneckerMap` and `Matrix.vecMulVec`. -/
theorem bilinearHessian_eq_kroneckerMap (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ) :
    bilinearHessian v S = Matrix.kroneckerMap (· * ·) (Matrix.vecMulVec v v) S :=
  rfl

/-- Entries of `(v vᵀ) ⊗ S`: the `((j, k), (j', k'))` entry is `v j * v j' * S k k'`. -/
theorem bilinearHessian_apply (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ)
    (p q : Fin m × Fin d) :
    bilinearHessian v S p q = v p.1 * v q.1 * S p.2 q.2 :=
  rfl

/-- The contraction `P x = fun k => ∑ j, v j * x (j, k)` of a vectorised weight
`x : Fin m × Fin d → ℝ` against the output weights `v`, as a linear map. In matrix terms,
`P x = Wᵀ v` where `W` is the `m × d` matrix with entries `x (j, k)`. -/
def contractLin (v : Fin m → ℝ) : (Fin m × Fin d → ℝ) →ₗ[ℝ] (Fin d → ℝ) where
  toFun x k := ∑ j, v j * x (j, k)
  map_add' x y := by
    funext k
    simp only [Pi.add_apply, mul_add, Finset.sum_add_distrib]
  map_smul' c x := by
    funext k
    -- state the goal explicitly, so that no step relies on `simp` reducing the structure
    -- projection `AddHom.toFun` or the coercion of `RingHom.id`
    first
      | (show ∑ j, v j * (c • x) (j, k) = c • ∑ j, v j * x (j, k)
         simp only [Pi.smul_apply, smul_eq_mul, Finset.mul_sum]
         exact Finset.sum_congr rfl fun j _ => by ring)
      | (simp only [Pi.smul_apply, smul_eq_mul, RingHom.id_apply, Finset.mul_sum]
         exact Finset.sum_congr rfl fun j _ => by ring)

/-- The contraction evaluates as `P x k = ∑ j, v j * x (j, k)`. -/
theorem contractLin_apply (v : Fin m → ℝ) (x : Fin m × Fin d → ℝ) (k : Fin d) :
    contractLin v x k = ∑ j, v j * x (j, k) :=
  rfl

/-- The action of `(v vᵀ) ⊗ S` on a vector: `(((v vᵀ) ⊗ S) x) (j, k) = v j * (S (P x)) k`,
where `P` is the contraction `contractLin v`. -/
theorem bilinearHessian_mulVec_apply (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ)
    (x : Fin m × Fin d → ℝ) (j : Fin m) (k : Fin d) :
    (bilinearHessian v S *ᵥ x) (j, k) = v j * (S *ᵥ contractLin v x) k := by
  simp only [Matrix.mulVec, dotProduct, bilinearHessian_apply, contractLin_apply,
    Fintype.sum_prod_type, Finset.mul_sum]
  -- the two sides are double sums in opposite orders; swap one and compare termwise
  first
    | (rw [Finset.sum_comm]
       refine Finset.sum_congr rfl fun k' _ => Finset.sum_congr rfl fun j' _ => ?_
       ring1)
    | (refine Finset.sum_congr rfl fun k' _ => Finset.sum_congr rfl fun j' _ => ?_
       ring1)

/-- The quadratic form of `(v vᵀ) ⊗ S` factors through the contraction:
`xᵀ ((v vᵀ) ⊗ S) x = (P x)ᵀ S (P x)`. -/
theorem dotProduct_bilinearHessian_mulVec (v : Fin m → ℝ) (S : Matrix (Fin d) (Fin d) ℝ)
    (x : Fin m × Fin d → ℝ) :
    x ⬝ᵥ (bilinearHessian v S *ᵥ x) = contractLin v x ⬝ᵥ (S *ᵥ contractLin v x) := by
  have h1 : x ⬝ᵥ (bilinearHessian v S *ᵥ x) =
      ∑ j, ∑ k, x (j, k) * (v j * (S *ᵥ contractLin v x) k) := by
    rw [dotProduct, Fintype.sum_prod_type]
    exact Finset.sum_congr rfl fun j _ => Finset.sum_congr rfl fun k _ => by
      rw [bilinearHessian_mulVec_apply]
  rw [h1, Finset.sum_comm, dotProduct]
  refine Finset.sum_congr rfl fun k _ => ?_
  rw [contractLin_apply, Finset.sum_mul]
  exact Finset.sum_congr rfl fun j _ => by ring

/-- If `v ≠ 0`, the contraction `P x = fun k => ∑ j, v j * x (j, k)` is onto `Fin d → ℝ`:
put `y k / v j₀` in the row `j₀` where `v j₀ ≠ 0` and zero elsewhere. -/
theorem contractLin_surjective {v : Fin m → ℝ} (hv : v ≠ 0) :
    Function.Surjective (contractLin (d := d) v) := by
  obtain ⟨j₀, hj₀⟩ := Function.ne_iff.mp hv
  have hj₀' : v j₀ ≠ 0 := hj₀
  intro y
  refine ⟨fun p => if p.1 = j₀ then y p.2 / v j₀ else 0, ?_⟩
  funext k
  show ∑ j, v j * (if j = j₀ then y k / v j₀ else 0) = y k
  rw [Finset.sum_eq_single j₀]
  · rw [if_pos rfl]
    calc v j₀ * (y k / v j₀) = y k * (v j₀ / v j₀) := by ring
      _ = y k := by rw [div_self hj₀', mul_one]
  · intro j _ hj
    rw [if_neg hj, mul_zero]
  · intro h
    exact absurd (Finset.mem_univ j₀) h

/-- Rank–nullity for the contraction: if `v ≠ 0` then `dim ker P + d = m * d`. -/
theorem finrank_ker_contractLin_add {v : Fin m → ℝ} (hv : v ≠ 0) :
    Module.finrank ℝ (LinearMap.ker (contractLin (d := d) v)) + d = m * d := by
  have hrn := LinearMap.finrank_range_add_finrank_ker (contractLin (d := d) v)
  rw [LinearMap.range_eq_top.mpr (contractLin_surjective (d := d) hv), finrank_top] at hrn
  simp only [Module.finrank_fintype_fun_eq_card, Fintype.card_prod, Fintype.card_fin] at hrn
  -- `hrn : d + finrank (ker P) = m * d`; the fallback avoids relying on `omega` identifying the
  -- two `finrank` atoms (whose instance arguments come from different elaborations)
  first
    | omega
    | exact (Nat.add_comm _ _).trans hrn

/-- If `v ≠ 0` and `S` is injective (`S y = 0 → y = 0`), then the kernel of `(v vᵀ) ⊗ S`
equals the kernel of the contraction `P`. -/
theorem ker_toLin'_bilinearHessian {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : ∀ y : Fin d → ℝ, S *ᵥ y = 0 → y = 0) :
    LinearMap.ker (Matrix.toLin' (bilinearHessian v S)) = LinearMap.ker (contractLin v) := by
  obtain ⟨j₀, hj₀⟩ := Function.ne_iff.mp hv
  have hj₀' : v j₀ ≠ 0 := hj₀
  ext x
  rw [LinearMap.mem_ker, LinearMap.mem_ker, Matrix.toLin'_apply]
  constructor
  · intro hx
    apply hS
    funext k
    have h := congrFun hx (j₀, k)
    rw [bilinearHessian_mulVec_apply, Pi.zero_apply] at h
    rw [Pi.zero_apply]
    exact (mul_eq_zero.mp h).resolve_left hj₀'
  · intro hx
    funext p
    obtain ⟨j, k⟩ := p
    rw [bilinearHessian_mulVec_apply, hx, Matrix.mulVec_zero]
    simp only [Pi.zero_apply, mul_zero]

/-- A matrix with nonzero determinant is injective: `S y = 0 → y = 0`. -/
theorem mulVec_eq_zero_of_det_ne_zero {S : Matrix (Fin d) (Fin d) ℝ} (hS : S.det ≠ 0) :
    ∀ y : Fin d → ℝ, S *ᵥ y = 0 → y = 0 :=
  fun _ hy => Matrix.eq_zero_of_mulVec_eq_zero (M := S) hS hy

/-- A positive definite matrix is injective: if `S y = 0` with `y ≠ 0` then
`yᵀ S y = 0`, contradicting positivity. -/
theorem mulVec_eq_zero_of_posDef {S : Matrix (Fin d) (Fin d) ℝ} (hS : S.PosDef) :
    ∀ y : Fin d → ℝ, S *ᵥ y = 0 → y = 0 := by
  intro y hy
  by_contra hne
  have h := hS.2 y hne
  rw [hy, dotProduct_zero] at h
  exact lt_irrefl 0 h

/-- Dimension of the kernel of `(v vᵀ) ⊗ S` for any injective `S`: it is `(m - 1) * d`. -/
theorem finrank_ker_bilinearHessian_of_injective {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} (hv : v ≠ 0) (hS : ∀ y : Fin d → ℝ, S *ᵥ y = 0 → y = 0) :
    Module.finrank ℝ (LinearMap.ker (Matrix.toLin' (bilinearHessian v S))) = (m - 1) * d := by
  rw [ker_toLin'_bilinearHessian hv hS, Nat.sub_one_mul]
  have h := finrank_ker_contractLin_add (d := d) hv
  first
    | omega
    | exact Nat.eq_sub_of_add_eq h

/-- **Proposition 7.4 (bilinear flatness), kernel.** If the output weights satisfy `v ≠ 0`
and `det S ≠ 0`, the Hessian `(v vᵀ) ⊗ S` on the `m * d` first-layer weights has a kernel
(flat directions) of dimension exactly `(m - 1) * d`. -/
theorem bilinear_hessian_ker_finrank {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : S.det ≠ 0) :
    Module.finrank ℝ (LinearMap.ker (Matrix.toLin' (bilinearHessian v S))) = (m - 1) * d :=
  finrank_ker_bilinearHessian_of_injective hv (mulVec_eq_zero_of_det_ne_zero hS)

/-- **Proposition 7.4 (bilinear flatness), positive definite covariance.** If `v ≠ 0` and
`S` is positive definite (as an input covariance `Σ ≻ 0` is), the kernel of `(v vᵀ) ⊗ S`
has dimension exactly `(m - 1) * d`. -/
theorem bilinear_hessian_ker_finrank_of_posDef {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} (hv : v ≠ 0) (hS : S.PosDef) :
    Module.finrank ℝ (LinearMap.ker (Matrix.toLin' (bilinearHessian v S))) = (m - 1) * d :=
  finrank_ker_bilinearHessian_of_injective hv (mulVec_eq_zero_of_posDef hS)

/-- Dimension of the range of `(v vᵀ) ⊗ S` for any injective `S`: it is `d`. -/
theorem finrank_range_bilinearHessian_of_injective {v : Fin m → ℝ}
    {S : Matrix (Fin d) (Fin d) ℝ} (hv : v ≠ 0) (hS : ∀ y : Fin d → ℝ, S *ᵥ y = 0 → y = 0) :
    Module.finrank ℝ (LinearMap.range (Matrix.toLin' (bilinearHessian v S))) = d := by
  have hrn := LinearMap.finrank_range_add_finrank_ker (Matrix.toLin' (bilinearHessian v S))
  rw [ker_toLin'_bilinearHessian hv hS] at hrn
  simp only [Module.finrank_fintype_fun_eq_card, Fintype.card_prod, Fintype.card_fin] at hrn
  have h := finrank_ker_contractLin_add (d := d) hv
  -- `hrn : finrank (range) + finrank (ker P) = m * d` and `h : finrank (ker P) + d = m * d`
  first
    | omega
    | exact Nat.add_right_cancel ((hrn.trans h.symm).trans (Nat.add_comm _ _))

/-- **Proposition 7.4 (bilinear flatness), rank.** If `v ≠ 0` and `det S ≠ 0`, the range of
the Hessian `(v vᵀ) ⊗ S` has dimension exactly `d`: only `d` of the `m * d` directions are
curved. -/
theorem bilinear_hessian_rank {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : S.det ≠ 0) :
    Module.finrank ℝ (LinearMap.range (Matrix.toLin' (bilinearHessian v S))) = d :=
  finrank_range_bilinearHessian_of_injective hv (mulVec_eq_zero_of_det_ne_zero hS)

/-- **Proposition 7.4 (bilinear flatness), rank, positive definite covariance.** If `v ≠ 0` and
`S` is positive definite (`Σ ≻ 0`, the paper's hypothesis), the range of `(v vᵀ) ⊗ S` has
dimension exactly `d`, i.e. `(v vᵀ) ⊗ S` has exactly `d` non-zero eigenvalues counted with
multiplicity (it is symmetric, so its rank is the number of non-zero eigenvalues). -/
theorem bilinear_hessian_rank_of_posDef {v : Fin m → ℝ} {S : Matrix (Fin d) (Fin d) ℝ}
    (hv : v ≠ 0) (hS : S.PosDef) :
    Module.finrank ℝ (LinearMap.range (Matrix.toLin' (bilinearHessian v S))) = d :=
  finrank_range_bilinearHessian_of_injective hv (mulVec_eq_zero_of_posDef hS)

end

end NeuralLandscapes
