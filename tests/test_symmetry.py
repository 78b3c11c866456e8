"""S_k characters, the action W ↦ PWPᵀ and the isotypic decomposition (crosscheck.numerics.symmetry)."""

import math
import numpy as np
import pytest

from crosscheck.numerics.leaky import hessian_parts, loss_hessian
from crosscheck.numerics.leaky_spectrum import reduced_pencil
from crosscheck.numerics.symmetry import (
    action_matrix,
    block_leakage,
    character,
    character_projector,
    class_size,
    content_sum,
    cycle_type,
    equivariance_defect,
    irrep_dim,
    isotypic_decomposition,
    isotypic_multiplicities,
    partitions,
    young_fixed_basis,
)


def types_for(k):
    return {(k,): 2, (k - 1, 1): 3, (k - 2, 2): 1, (k - 2, 1, 1): 1}


@pytest.mark.parametrize(("n", "count"), [(1, 1), (4, 5), (5, 7), (6, 11), (8, 22)])
def test_number_of_partitions(n, count):
    assert len(partitions(n)) == count


@pytest.mark.parametrize("k", [3, 4, 5, 6])
def test_character_table_rows_are_orthonormal(k):
    classes = partitions(k)
    for a in classes:
        for b in classes:
            inner = sum(class_size(mu) * character(a, mu) * character(b, mu) for mu in classes)
            assert inner == (math.factorial(k) if a == b else 0)


@pytest.mark.parametrize("k", [4, 5, 6, 7])
def test_class_sizes_sum_to_group_order(k):
    assert sum(class_size(mu) for mu in partitions(k)) == math.factorial(k)


@pytest.mark.parametrize("lam", [(4,), (3, 1), (2, 2), (2, 1, 1), (3, 2), (3, 1, 1), (4, 2, 1), (2, 2, 2, 1)])
def test_character_at_identity_is_the_hook_length_dimension(lam):
    assert character(lam, (1,) * sum(lam)) == irrep_dim(lam)


@pytest.mark.parametrize("lam", [(5,), (4, 1), (3, 2), (3, 1, 1), (6, 2), (6, 1, 1)])
def test_transposition_central_character_is_the_content_sum(lam):
    k = sum(lam)
    tau = (2,) + (1,) * (k - 2)
    assert class_size(tau) * character(lam, tau) == content_sum(lam) * irrep_dim(lam)


def test_known_s4_character_values():
    # χ^{(2,2)} on (2,2) is 2, on (3,1) is −1; χ^{(3,1)} on (4) is −1
    assert character((2, 2), (2, 2)) == 2 and character((2, 2), (3, 1)) == -1 and character((3, 1), (4,)) == -1


def test_character_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="lam, mu"):
        character((3, 1), (2, 1))


@pytest.mark.parametrize("k", [4, 5, 6, 7, 8])
def test_multiplicities_of_the_four_specht_types(k):
    mult = isotypic_multiplicities(k)
    assert mult == types_for(k)
    assert sum(m * irrep_dim(lam) for lam, m in mult.items()) == k * k


def test_multiplicities_for_k3_include_the_sign_type():
    assert isotypic_multiplicities(3) == {(3,): 2, (2, 1): 3, (1, 1, 1): 1}


def test_cycle_type():
    assert cycle_type([1, 2, 0, 4, 3, 5]) == (3, 2, 1)


def test_action_matrix_is_conjugation_by_the_permutation_matrix():
    rng = np.random.default_rng(0)
    k = 5
    perm = rng.permutation(k)
    P = np.zeros((k, k))
    P[perm, np.arange(k)] = 1.0
    W = rng.standard_normal((k, k))
    assert np.array_equal(action_matrix(perm) @ W.ravel(), (P @ W @ P.T).ravel())


@pytest.mark.parametrize("k", [4, 5])
def test_projectors_are_an_orthogonal_resolution_of_the_identity(k):
    P = [c.projector for c in isotypic_decomposition(k).components]
    n = k * k
    assert np.abs(sum(P) - np.eye(n)).max() <= 1e-13
    for i, a in enumerate(P):
        assert np.abs(a @ a - a).max() <= 1e-13
        assert np.abs(a - a.T).max() == 0.0
        for j, b in enumerate(P):
            if i != j:
                assert np.abs(a @ b).max() <= 1e-13


@pytest.mark.parametrize("k", [4, 5])
def test_projector_ranks_are_multiplicity_times_dimension(k):
    for c in isotypic_decomposition(k).components:
        assert round(float(np.trace(c.projector))) == types_for(k)[c.partition] * irrep_dim(c.partition)
        assert np.linalg.matrix_rank(c.projector) == c.multiplicity * c.dim_irrep


@pytest.mark.parametrize("k", [4, 5])
def test_projectors_equal_the_character_sum_over_the_group(k):
    for c in isotypic_decomposition(k).components:
        assert np.abs(character_projector(k, c.partition) - c.projector).max() <= 1e-13


@pytest.mark.parametrize("k", [4, 5])
def test_projectors_commute_with_the_group_action(k):
    rng = np.random.default_rng(k)
    for _ in range(5):
        T = action_matrix(rng.permutation(k))
        for c in isotypic_decomposition(k).components:
            assert np.abs(T @ c.projector - c.projector @ T).max() <= 1e-13


@pytest.mark.parametrize("k", [4, 5])
def test_young_fixed_vectors_are_fixed_by_the_young_subgroup(k):
    lam = (k - 2, 2)
    F = young_fixed_basis(k, lam)
    swap = list(range(k))
    swap[k - 2], swap[k - 1] = k - 1, k - 2  # a generator of S_{k−2} × S_2
    cyc = list(range(1, k - 2)) + [0] + [k - 2, k - 1]
    for perm in (swap, cyc):
        assert np.abs(action_matrix(perm) @ F - F).max() == 0.0
    assert np.allclose(F.T @ F, np.eye(F.shape[1]))


@pytest.mark.parametrize("k", [4, 5, 6])
@pytest.mark.parametrize("s", [0.0, 0.5, -2.0])
def test_hessian_at_the_minimum_is_block_diagonal(k, s):
    H = loss_hessian(np.eye(k), s)
    assert equivariance_defect(H, k) <= 1e-14
    assert block_leakage(H, isotypic_decomposition(k)) <= 1e-13


def test_a_non_equivariant_matrix_leaks_between_types():
    """Negative control: a generic symmetric matrix is not block-diagonal in the isotypic decomposition."""
    rng = np.random.default_rng(1)
    A = rng.standard_normal((16, 16))
    A = A + A.T
    assert block_leakage(A, isotypic_decomposition(4)) > 0.05
    assert equivariance_defect(A, 4) > 0.05


@pytest.mark.parametrize("k", [4, 5, 6])
def test_reduced_blocks_reproduce_the_full_spectrum(k):
    pencil = reduced_pencil(k)
    for s in (0.0, 0.7, 1.0, -3.0):
        parts = [np.repeat(np.linalg.eigvalsh(pencil.block(t, s)), c.dim_irrep) for t, c in enumerate(pencil.decomposition.components)]
        full = np.linalg.eigvalsh(pencil.full(s))
        assert np.abs(np.sort(np.concatenate(parts)) - full).max() <= 1e-13 * max(1.0, np.abs(full).max())


@pytest.mark.parametrize("k", [4, 5])
def test_relu_eigenvalues_of_the_one_copy_types(k):
    """[k−2,2] and [k−2,1,1] appear once, off the diagonal of W: eigenvalues 1/4 ± 1/(2π)."""
    Hr, _ = hessian_parts(np.eye(k))
    by = {c.partition: c for c in isotypic_decomposition(k).components}
    for lam, val in (((k - 2, 2), 0.25 + 1 / (2 * math.pi)), ((k - 2, 1, 1), 0.25 - 1 / (2 * math.pi))):
        U = by[lam].reduced_basis
        assert U.shape[1] == 1 and float((U.T @ Hr @ U)[0, 0]) == pytest.approx(val, abs=1e-14)


@pytest.mark.parametrize("k", [4, 5, 6])
def test_character_sum_projector_of_the_trivial_type_has_trace_two(k):
    """W ↦ PWPᵀ fixes exactly span{I, 11ᵀ}: the trivial type has multiplicity 2."""
    assert np.trace(character_projector(k, (k,))) == pytest.approx(2.0, abs=1e-12)
