import NeuralLandscapes.BilinearHessian

/-!
# The Hessian of the squared loss is `(v vᵀ) ⊗ Σ̂`

For data `x : Fin N → Fin d → ℝ`, targets `y : Fin N → ℝ` and output weights
`v : Fin m → ℝ`, the squared loss of a two-layer linear network with first-layer weights
`W : Fin m → Fin d → ℝ` is
`L(W) = 1 / (2 N) * ∑ n, (∑ j, v j * (W j ⬝ᵥ x n) - y n) ^ 2`.
Along any line `W + t Δ` it is exactly quadratic in `t`; its second-order coefficient is the
quadratic form of `(v vᵀ) ⊗ Σ̂`, where `Σ̂ = (1 / N) ∑ n, x n (x n)ᵀ` is the empirical
covariance and `Δ` is vectorised row-major (`(j, k) ↦ Δ j k`).

This is our own link between the loss and the matrix studied in `BilinearHessian.lean` and
`Regularized.lean` (the statement "the Hessian of `L(W, 0)` is `(v vᵀ) ⊗ Σ̂`"). No hypothesis
on `N` is needed: for `N = 0` both sides are `0`, since `1 / 0 = 0` in Lean.
-/

open scoped Matrix

namespace NeuralLandscapes

noncomputable section

variable {N m d : ℕ}

/-- The squared loss `L(W) = 1 / (2 N) * ∑ n, (∑ j, v j * (W j ⬝ᵥ x n) - y n) ^ 2` of the
two-layer linear network `x ↦ ∑ j, v j * (W j ⬝ᵥ x)` on the data `(x n, y n)`. -/
def sqLoss (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W : Fin m → Fin d → ℝ) : ℝ :=
  1 / (2 * (N : ℝ)) * ∑ n, (∑ j, v j * (W j ⬝ᵥ x n) - y n) ^ 2

/-- The empirical (uncentred) covariance `Σ̂ = (1 / N) * ∑ n, x n (x n)ᵀ` of the inputs. -/
def empCov (x : Fin N → Fin d → ℝ) : Matrix (Fin d) (Fin d) ℝ :=
  Matrix.of fun k k' => 1 / (N : ℝ) * ∑ n, x n k * x n k'

/-- Row-major vectorisation of a weight matrix: `vecW Δ (j, k) = Δ j k`. -/
def vecW (Δ : Fin m → Fin d → ℝ) : Fin m × Fin d → ℝ :=
  fun p => Δ p.1 p.2

/-- The gradient of the squared loss:
`∂L/∂W j k = (1 / N) * ∑ n, (∑ j', v j' * (W j' ⬝ᵥ x n) - y n) * v j * x n k`. -/
def lossGrad (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W : Fin m → Fin d → ℝ) : Fin m → Fin d → ℝ :=
  fun j k => 1 / (N : ℝ) * ∑ n, (∑ j', v j' * (W j' ⬝ᵥ x n) - y n) * v j * x n k

/-- The residual `∑ j, v j * (W j ⬝ᵥ x n) - y n` of the network on the `n`-th sample. -/
def residual (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W : Fin m → Fin d → ℝ) (n : Fin N) : ℝ :=
  ∑ j, v j * (W j ⬝ᵥ x n) - y n

/-- The squared loss is `1 / (2 N)` times the sum of the squared residuals. -/
theorem sqLoss_eq_residual (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W : Fin m → Fin d → ℝ) :
    sqLoss x y v W = 1 / (2 * (N : ℝ)) * ∑ n, residual x y v W n ^ 2 :=
  rfl

/-- The gradient entries written with the residual:
`lossGrad x y v W j k = (1 / N) * ∑ n, residual n * v j * x n k`. -/
theorem lossGrad_apply (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W : Fin m → Fin d → ℝ) (j : Fin m) (k : Fin d) :
    lossGrad x y v W j k = 1 / (N : ℝ) * ∑ n, residual x y v W n * v j * x n k :=
  rfl

/-- Entries of the empirical covariance: `Σ̂ k k' = (1 / N) * ∑ n, x n k * x n k'`. -/
theorem empCov_apply (x : Fin N → Fin d → ℝ) (k k' : Fin d) :
    empCov x k k' = 1 / (N : ℝ) * ∑ n, x n k * x n k' :=
  rfl

/-- Entries of the vectorisation: `vecW Δ (j, k) = Δ j k`. -/
theorem vecW_apply (Δ : Fin m → Fin d → ℝ) (j : Fin m) (k : Fin d) :
    vecW Δ (j, k) = Δ j k :=
  rfl

/-- The residual is affine along a line: the residual at `W + t Δ` is the residual at `W`
plus `t` times the directional term `∑ j, v j * (Δ j ⬝ᵥ x n)`. -/
theorem residual_add_smul (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W Δ : Fin m → Fin d → ℝ) (t : ℝ) (n : Fin N) :
    residual x y v (W + t • Δ) n = residual x y v W n + t * ∑ j, v j * (Δ j ⬝ᵥ x n) := by
  have h : ∀ j, v j * ((W + t • Δ) j ⬝ᵥ x n) =
      v j * (W j ⬝ᵥ x n) + t * (v j * (Δ j ⬝ᵥ x n)) := by
    intro j
    first
      | (rw [Pi.add_apply, Pi.smul_apply, add_dotProduct, smul_dotProduct, smul_eq_mul]
         ring)
      | (simp only [Pi.add_apply, Pi.smul_apply, add_dotProduct, smul_dotProduct, smul_eq_mul]
         ring)
  simp only [residual, h, Finset.sum_add_distrib, Finset.mul_sum]
  ring

/-- Expanding a sum of squares along a line:
`∑ (r i + t q i)² = ∑ r i² + 2 t ∑ r i q i + t² ∑ q i²`. -/
theorem sum_sq_add_mul {ι : Type*} (s : Finset ι) (r q : ι → ℝ) (t : ℝ) :
    ∑ i ∈ s, (r i + t * q i) ^ 2 =
      ∑ i ∈ s, r i ^ 2 + 2 * t * ∑ i ∈ s, r i * q i + t ^ 2 * ∑ i ∈ s, q i ^ 2 := by
  rw [Finset.mul_sum, Finset.mul_sum, ← Finset.sum_add_distrib, ← Finset.sum_add_distrib]
  exact Finset.sum_congr rfl fun i _ => by ring

/-- The dot product of two vectorised weight matrices is the sum of the row dot products. -/
theorem vecW_dotProduct_vecW (A B : Fin m → Fin d → ℝ) :
    vecW A ⬝ᵥ vecW B = ∑ j, A j ⬝ᵥ B j := by
  first
    | (simp only [dotProduct, Fintype.sum_prod_type, vecW_apply]; done)
    | (rw [dotProduct, Fintype.sum_prod_type]; rfl)

/-- One row of the gradient paired with one row of a direction:
`lossGrad j ⬝ᵥ Δ j = ∑ n, (1 / N) * (residual n * (v j * (Δ j ⬝ᵥ x n)))`. -/
theorem lossGrad_row_dotProduct (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W Δ : Fin m → Fin d → ℝ) (j : Fin m) :
    lossGrad x y v W j ⬝ᵥ Δ j =
      ∑ n, 1 / (N : ℝ) * (residual x y v W n * (v j * (Δ j ⬝ᵥ x n))) := by
  simp only [dotProduct, lossGrad_apply, Finset.mul_sum, Finset.sum_mul]
  -- the two sides are double sums in opposite orders; swap one and compare termwise
  first
    | (rw [Finset.sum_comm]
       refine Finset.sum_congr rfl fun n _ => Finset.sum_congr rfl fun k _ => ?_
       ring1)
    | (refine Finset.sum_congr rfl fun n _ => Finset.sum_congr rfl fun k _ => ?_
       ring1)

/-- The first-order term: pairing the gradient with a direction `Δ` gives
`(1 / N) * ∑ n, residual n * ∑ j, v j * (Δ j ⬝ᵥ x n)`. -/
theorem vecW_lossGrad_dotProduct (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W Δ : Fin m → Fin d → ℝ) :
    vecW (lossGrad x y v W) ⬝ᵥ vecW Δ =
      1 / (N : ℝ) * ∑ n, residual x y v W n * ∑ j, v j * (Δ j ⬝ᵥ x n) := by
  rw [vecW_dotProduct_vecW]
  simp only [lossGrad_row_dotProduct, Finset.mul_sum]
  -- both sides are now double sums `∑ j, ∑ n, _` and `∑ n, ∑ j, _` of the same terms
  first
    | exact Finset.sum_comm
    | (rw [Finset.sum_comm]
       exact Finset.sum_congr rfl fun _ _ => Finset.sum_congr rfl fun _ _ => by ring)
    | exact Finset.sum_congr rfl fun _ _ => Finset.sum_congr rfl fun _ _ => by ring

/-- The empirical covariance acting on a vector:
`(Σ̂ u) k = (1 / N) * ∑ n, x n k * (x n ⬝ᵥ u)`. -/
theorem empCov_mulVec_apply (x : Fin N → Fin d → ℝ) (u : Fin d → ℝ) (k : Fin d) :
    (empCov x *ᵥ u) k = 1 / (N : ℝ) * ∑ n, x n k * (x n ⬝ᵥ u) := by
  simp only [Matrix.mulVec, dotProduct, empCov_apply, Finset.mul_sum, Finset.sum_mul]
  -- the two sides are double sums in opposite orders; swap one and compare termwise
  first
    | (rw [Finset.sum_comm]
       refine Finset.sum_congr rfl fun n _ => Finset.sum_congr rfl fun k' _ => ?_
       ring1)
    | (refine Finset.sum_congr rfl fun n _ => Finset.sum_congr rfl fun k' _ => ?_
       ring1)

/-- The quadratic form of the empirical covariance: `uᵀ Σ̂ u = (1 / N) * ∑ n, (u ⬝ᵥ x n)²`. -/
theorem dotProduct_empCov_mulVec (x : Fin N → Fin d → ℝ) (u : Fin d → ℝ) :
    u ⬝ᵥ (empCov x *ᵥ u) = 1 / (N : ℝ) * ∑ n, (u ⬝ᵥ x n) ^ 2 := by
  have h1 : u ⬝ᵥ (empCov x *ᵥ u) =
      ∑ k, u k * (1 / (N : ℝ) * ∑ n, x n k * (x n ⬝ᵥ u)) := by
    rw [dotProduct]
    exact Finset.sum_congr rfl fun k _ => by rw [empCov_mulVec_apply]
  rw [h1]
  simp only [Finset.mul_sum]
  rw [Finset.sum_comm]
  refine Finset.sum_congr rfl fun n _ => ?_
  calc ∑ k, u k * (1 / (N : ℝ) * (x n k * (x n ⬝ᵥ u)))
      = 1 / (N : ℝ) * (x n ⬝ᵥ u) * ∑ k, u k * x n k := by
        rw [Finset.mul_sum]
        exact Finset.sum_congr rfl fun k _ => by ring
    _ = 1 / (N : ℝ) * (x n ⬝ᵥ u) * (u ⬝ᵥ x n) := rfl
    _ = 1 / (N : ℝ) * (u ⬝ᵥ x n) ^ 2 := by
        rw [dotProduct_comm (x n) u]
        ring

/-- Contracting a vectorised direction against `v` and pairing with `z`:
`P (vecW Δ) ⬝ᵥ z = ∑ j, v j * (Δ j ⬝ᵥ z)`. -/
theorem contractLin_vecW_dotProduct (v : Fin m → ℝ) (Δ : Fin m → Fin d → ℝ)
    (z : Fin d → ℝ) :
    contractLin v (vecW Δ) ⬝ᵥ z = ∑ j, v j * (Δ j ⬝ᵥ z) := by
  simp only [dotProduct, contractLin_apply, vecW_apply, Finset.sum_mul, Finset.mul_sum]
  -- the two sides are double sums in opposite orders; swap one and compare termwise
  first
    | (rw [Finset.sum_comm]
       refine Finset.sum_congr rfl fun j _ => Finset.sum_congr rfl fun k _ => ?_
       ring1)
    | (refine Finset.sum_congr rfl fun j _ => Finset.sum_congr rfl fun k _ => ?_
       ring1)

/-- The quadratic form of `(v vᵀ) ⊗ Σ̂` on a vectorised direction `Δ`:
`vec(Δ)ᵀ ((v vᵀ) ⊗ Σ̂) vec(Δ) = (1 / N) * ∑ n, (∑ j, v j * (Δ j ⬝ᵥ x n))²`. -/
theorem quadForm_kronecker_eq (x : Fin N → Fin d → ℝ) (v : Fin m → ℝ)
    (Δ : Fin m → Fin d → ℝ) :
    vecW Δ ⬝ᵥ (Matrix.kroneckerMap (· * ·) (Matrix.vecMulVec v v) (empCov x) *ᵥ vecW Δ) =
      1 / (N : ℝ) * ∑ n, (∑ j, v j * (Δ j ⬝ᵥ x n)) ^ 2 := by
  have h1 := dotProduct_bilinearHessian_mulVec v (empCov x) (vecW Δ)
  rw [dotProduct_empCov_mulVec] at h1
  simp only [contractLin_vecW_dotProduct] at h1
  exact h1

/-- **The Hessian of the loss is `(v vᵀ) ⊗ Σ̂`** (our link between the loss and Proposition 7.4
/ Theorem 7.6 of the paper). For all weights `W`, directions `Δ` and `t : ℝ`,
`L(W + t Δ) = L(W) + t ⟨∇L(W), Δ⟩ + t² / 2 * vec(Δ)ᵀ ((v vᵀ) ⊗ Σ̂) vec(Δ)`
exactly, with `∇L = lossGrad`, `Σ̂ = empCov x` and row-major vectorisation `vecW`. So the
Hessian of the loss in `W` (at every `W`, in particular at `L(W, 0)`) is `(v vᵀ) ⊗ Σ̂`. -/
theorem loss_hessian_eq_kronecker (x : Fin N → Fin d → ℝ) (y : Fin N → ℝ) (v : Fin m → ℝ)
    (W Δ : Fin m → Fin d → ℝ) (t : ℝ) :
    sqLoss x y v (W + t • Δ) =
      sqLoss x y v W + t * (vecW (lossGrad x y v W) ⬝ᵥ vecW Δ) +
        t ^ 2 / 2 *
          (vecW Δ ⬝ᵥ (Matrix.kroneckerMap (· * ·) (Matrix.vecMulVec v v) (empCov x) *ᵥ vecW Δ)) := by
  rw [vecW_lossGrad_dotProduct, quadForm_kronecker_eq, sqLoss_eq_residual, sqLoss_eq_residual]
  simp only [residual_add_smul]
  rw [sum_sq_add_mul]
  ring

end

end NeuralLandscapes
