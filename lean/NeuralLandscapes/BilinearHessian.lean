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
