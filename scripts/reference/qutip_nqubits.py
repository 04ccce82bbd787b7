#!/usr/bin/python3
"""Independent QuTiP reference data for systems of n = 3 and 4 qubits (issue 20 item 6).

Extends scripts/reference/qutip_systems.py (whose parser, Pauli strings, spectra, zero-frequency
rule and QuTiP Bloch-Redfield tensor it imports unchanged) to n qubits, every model, declared
batteries and every long-time output, and writes test/data/qutip-nqubits.json:
- bloch-redfield (full or transitions coupling): QuTiP 4.7 bloch_redfield_tensor(use_secular=False);
- lindblad: QuTiP's liouvillian(H, [sqrt(2 rate) A]) for the system's jumps;
- redfield: MODEL.md's eigenbasis form, assembled with QuTiP's spre/spost/sprepost.
Written from shared/docs/MODEL.md ("Systems of n qubits") and the issue text, not from src/.

    /usr/bin/python3 scripts/reference/qutip_nqubits.py            # write the data
    /usr/bin/python3 scripts/reference/qutip_nqubits.py --check-n2 # reproduce qutip-systems.json

--check-n2 runs this script's general-n path on every case of test/data/qutip-systems.json
(bloch-redfield) and, for redfield and lindblad, on the public cases of test/data/public-cases.json,
and prints the largest deviations against the tolerances the tests use (generator 1e-10 of its
largest entry, long-time values 1e-8, gap 1e-8); it exits 1 if one is exceeded (and so does the
full run, before writing anything).
"""

import datetime
import json
import math
import os
import re
import sys

import numpy as np
import scipy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qutip_systems as qs  # noqa: E402  (imports QuTiP with its calibration line on stderr)
from qutip_systems import qutip  # noqa: E402
from qutip import Qobj  # noqa: E402

REPO = qs.REPO
OUT_JSON = os.path.join(REPO, "test", "data", "qutip-nqubits.json")
TOL = {"generator_relative": 1e-10, "long_time": 1e-8, "gap": 1e-8}
# below this level spacing the eigenbasis prescriptions (redfield, transitions) and QuTiP's
# exact-zero-frequency test would depend on rounding: such points are refused
MIN_LEVEL_SPACING = 1e-3


# ---------------------------------------------------------------------------------------
# Systems: n, the battery declaration.
def load_system(path):
    with open(os.path.join(REPO, path)) as fh:
        system = json.load(fh)
    return system, qs.qubit_count(system)


def battery_of(system, n, env):
    """(battery qubits 0-based in declared order, H_B on them). Default: the last qubit; a
    declaration without a Hamiltonian gets Z/2 on each of its qubits."""
    decl = system.get("battery", {})
    qubits = [q - 1 for q in decl.get("qubits", [n])]
    m = len(qubits)
    if len(set(qubits)) != m or any(q < 0 or q >= n for q in qubits):
        raise ValueError(f"{system['name']}: battery qubits {decl.get('qubits')} out of range or repeated")
    terms = decl.get("hamiltonian") or {"I" * k + "Z" + "I" * (m - 1 - k): "1/2" for k in range(m)}
    return qubits, qs.pauli_sum(terms, env, m)


def permuted(rho, first, n):
    """rho with the qubits `first` (in that order) moved to the front, as a (2,)*2n tensor."""
    order = list(first) + [q for q in range(n) if q not in first]
    t = rho.reshape((2,) * (2 * n))
    return t.transpose(order + [n + q for q in order])


def reduced_state(rho, keep, n):
    """Tr over every qubit not in `keep`; the kept qubits in the order of `keep`."""
    m = len(keep)
    t = permuted(rho, keep, n).reshape(2 ** m, 2 ** (n - m), 2 ** m, 2 ** (n - m))
    return np.einsum("ajbj->ab", t)


def negativity(rho, battery, n):
    """(||rho^(T_B)||_1 - 1)/2, the partial transpose on the battery qubits."""
    m = len(battery)
    t = permuted(rho, battery, n).reshape(2 ** m, 2 ** (n - m), 2 ** m, 2 ** (n - m))
    pt = t.transpose(2, 1, 0, 3).reshape(2 ** n, 2 ** n)
    # = -sum of the negative eigenvalues (Tr rho^(T_B) = 1): no -1e-16 from the subtraction
    ev = np.linalg.eigvalsh((pt + pt.conj().T) / 2)
    return float(-np.sum(ev[ev < 0])) + 0.0  # + 0.0: no -0.0


def battery_figures(rho, battery, HB, n):
    """MODEL.md "Systems of n qubits": energy, ergotropy (passive state), incoherent and
    coherent ergotropy, capacity, purity, entropy of rho_B; one qubit = the Bloch formulas."""
    rb = reduced_state(rho, battery, n)
    rb = (rb + rb.conj().T) / 2
    e, U = np.linalg.eigh(HB)
    e0 = float(e[0])
    energy = float(np.trace(rb @ HB).real)
    p = np.sort(np.linalg.eigvalsh(rb))[::-1]
    passive = float(p @ e)
    W = energy - passive
    # dephasing in H_B's eigenbasis = pinching on its eigenspaces (basis-independent where
    # H_B is degenerate, as the default (Z2 + Z3)/2 is): coherences inside an eigenspace stay
    rb_e = U.conj().T @ rb @ U
    same = np.abs(e[:, None] - e[None, :]) <= 1e-9 * max(1.0, float(np.max(np.abs(e))))
    pinched = U @ (rb_e * same) @ U.conj().T
    W_inc = energy - float(np.sort(np.linalg.eigvalsh((pinched + pinched.conj().T) / 2))[::-1] @ e)
    capacity = float(p @ e[::-1]) - passive
    pz = p[p > 0]
    EB = energy - e0
    return {
        "E_B_over_omega": EB,
        "ergotropy_over_omega": W,
        "efficiency": W / EB if EB > 1e-12 else 0.0,
        "ergotropy_incoherent_over_omega": W_inc,
        "ergotropy_coherent_over_omega": W - W_inc,
        "capacity_over_omega": capacity,
        "battery_purity": float(np.trace(rb @ rb).real),
        "battery_entropy": float(-np.sum(pz * np.log(pz))),
    }


# ---------------------------------------------------------------------------------------
# The three models as superoperators on column-stacked vec(rho) (QuTiP's), with per-reservoir
# dissipators D_k (for the heat currents) and particle-current operators N_k (<N_k> = absorptions
# minus emissions per unit time, MODEL.md / qbsweep's definition).
def q(m, n):
    return Qobj(m, dims=[[2] * n, [2] * n])


def super_full(s):
    return s.full() if hasattr(s, "full") else s


def unitary_superop(H):
    d = H.shape[0]
    I = np.eye(d)
    return -1j * (np.kron(I, H) - np.kron(H.T, I))


def rate_functions(spectra):
    """emission(k, w) = J Ncal(|w|), absorption(k, w) = J N(|w|) of reservoir k (from 1); at
    w = 0 the zero-frequency rule's S(0)/2."""
    def emission(k, w):
        return spectra[int(k) - 1](abs(w)) / 2

    def absorption(k, w):
        return spectra[int(k) - 1](-abs(w)) / 2

    return {"emission": emission, "absorption": absorption}


def rate_owner(rate_text):
    """The reservoir (0-based) and direction (+1 absorption, -1 emission) of a jump: the first
    emission/absorption call of its rate expression; (-1, 0) for none."""
    m = re.search(r"\b(emission|absorption)\s*\(\s*(\d+)", str(rate_text))
    if not m:
        return -1, 0
    return int(m.group(2)) - 1, (1 if m.group(1) == "absorption" else -1)


def lindblad_model(system, env, H, spectra, n, lindblad_freq):
    w_env = dict(env)
    w_env["w_lindblad"] = (float(lindblad_freq) if isinstance(lindblad_freq, (int, float))
                           else env[lindblad_freq])
    calls = rate_functions(spectra)
    c_ops, per_res, N, unowned = [], {}, {}, 0
    for j in system["jumps"]:
        A = qs.pauli_sum(j["op"], env, n)
        rate = qs.eval_expr(j["rate"], w_env, calls)
        if rate < 0:
            raise ValueError(f"negative jump rate {rate}")
        # D = rate (2 A rho A^+ - {A^+ A, rho}) = QuTiP's D[c] with c = sqrt(2 rate) A
        c = q(math.sqrt(2 * rate) * A, n)
        c_ops.append(c)
        k, direction = rate_owner(j["rate"])
        unowned += k < 0
        if k >= 0:
            per_res.setdefault(k, []).append(c)
            if direction:
                N[k] = N.get(k, 0) + direction * 2 * rate * (A.conj().T @ A)
    L = super_full(qutip.liouvillian(q(H, n), c_ops))
    D = {k: super_full(sum(qutip.lindblad_dissipator(c) for c in cs)) for k, cs in per_res.items()}
    return L, D, N, {"w_lindblad": w_env["w_lindblad"], "unowned_jumps": unowned}


def eigenbasis_desc(H):
    evals, V = np.linalg.eigh(H)
    order = np.argsort(-evals, kind="stable")
    return evals[order], V[:, order]


def redfield_model(H, couplings, spectra, n):
    """MODEL.md: L = strictly-lower part of X in the eigenbasis sorted by descending energy,
    A = L o emission rates, B = L^+ o absorption rates, D = A rho L^+ - L^+ A rho + B rho L -
    L B rho + h.c.; assembled with QuTiP's superoperators."""
    E, V = eigenbasis_desc(H)
    d = len(E)
    Vh = V.conj().T
    w = E[None, :] - E[:, None]  # w[r][c] = E_c - E_r > 0 below the diagonal
    lower = np.tril(np.ones((d, d)), -1).astype(bool)
    D, N = {}, {}
    L = unitary_superop(H)
    for k, (X, S) in enumerate(zip(couplings, spectra)):
        Le = np.where(lower, Vh @ X @ V, 0)
        em = np.where(lower, np.vectorize(lambda x: S(x) / 2)(np.where(lower, w, 1.0)), 0)
        ab = np.where(lower, np.vectorize(lambda x: S(-x) / 2)(np.where(lower, w, 1.0)), 0)
        Lc = V @ Le @ Vh
        A = V @ (Le * em) @ Vh
        B = V @ (Le * ab).conj().T @ Vh
        Lq, Aq, Bq = q(Lc, n), q(A, n), q(B, n)
        Dk = 0
        for X_, Y_ in ((Aq, Lq.dag()), (Bq, Lq)):
            # X rho Y - Y X rho + h.c.
            Dk = Dk + (qutip.sprepost(X_, Y_) - qutip.spre(Y_ * X_)
                       + qutip.sprepost(Y_.dag(), X_.dag()) - qutip.spost(X_.dag() * Y_.dag()))
        D[k] = super_full(Dk)
        L = L + D[k]
        # jump rates Tr(X rho Y + h.c.) = <Y X + h.c.>: B absorbs, A emits
        LB, LA = Lc @ B, Lc.conj().T @ A
        N[k] = (LB + LB.conj().T) - (LA + LA.conj().T)
    return L, D, N


def bloch_redfield_model(H, couplings, spectra, n):
    """QuTiP's tensor (all reservoirs, then each alone less the unitary part for D_k); N_k from
    the emission (below the diagonal, descending order), absorption (above) parts of
    Lambda = X o S/2 in the eigenbasis, each a sandwich Lambda rho X + h.c."""
    L, _, _ = qs.qutip_superop(H, couplings, spectra)
    U = unitary_superop(H)
    D, N = {}, {}
    E, V = eigenbasis_desc(H)
    Vh = V.conj().T
    d = len(E)
    idx = np.arange(d)
    below = idx[:, None] > idx[None, :]
    above = idx[:, None] < idx[None, :]
    for k, (X, S) in enumerate(zip(couplings, spectra)):
        Lk, _, _ = qs.qutip_superop(H, [X], [S])
        D[k] = Lk - U
        Xe = Vh @ X @ V
        gam = np.array([[S(E[c] - E[r]) / 2 if r != c else 0.0 for c in range(d)] for r in range(d)])
        lam_e = V @ np.where(below, Xe * gam, 0) @ Vh
        lam_a = V @ np.where(above, Xe * gam, 0) @ Vh
        M = X @ (lam_a - lam_e)
        N[k] = M + M.conj().T
    return L, D, N


# ---------------------------------------------------------------------------------------
def evaluate_point(path, overrides, model, zero_freq, lindblad_freq=None, statistics=None):
    """One point; `statistics` (boson/fermion) sets every reservoir's, as a point's `reservoir`."""
    system, n = load_system(path)
    if statistics:
        system["reservoirs"] = [{**r, "statistics": statistics} for r in system["reservoirs"]]
    env = qs.point_env(system, overrides)
    H, couplings, spectra, infos, min_spacing = qs.build_operators(system, env, zero_freq)
    d = 2 ** n
    extra = {}
    if model == "bloch-redfield":
        L, D, N = bloch_redfield_model(H, couplings, spectra, n)
    elif model == "redfield":
        L, D, N = redfield_model(H, couplings, spectra, n)
    elif model == "lindblad":
        L, D, N, extra = lindblad_model(system, env, H, spectra, n, lindblad_freq)
    else:
        raise ValueError(f"unknown model {model!r}")

    Gc = qs.superop_pauli(L, n)
    G = Gc.real.copy()
    r, kernel_dim, sv = qs.steady_from_generator(G)
    ev = qs.sorted_eigenvalues(G)
    rho = qs.from_pauli_vector(r)
    battery, HB = battery_of(system, n, env)
    h = np.array([np.trace(P @ H).real for P in qs.pauli_basis(n)]) / d  # H = sum h_i P_i
    heat, particles = [], []
    for k in range(len(system["reservoirs"])):
        # J_k = Tr(H D_k[rho]) = h . (G_k r)
        heat.append(float(h @ (qs.superop_pauli(D[k], n).real @ r)) if k in D else 0.0)
        particles.append(float(np.trace(N[k] @ rho).real) if k in N else 0.0)
    sigma = -sum((J - (i["mu"] if i["statistics"] == "fermion" else 0.0) * Nk) / i["T"]
                 for J, Nk, i in zip(heat, particles, infos))
    steady = {"r": [float(v) for v in r], **battery_figures(rho, battery, HB, n),
              "rho_min_eigenvalue": float(np.min(np.linalg.eigvalsh(rho))),
              "negativity": negativity(rho, battery, n)}
    for k, (J, Nk) in enumerate(zip(heat, particles), start=1):
        steady[f"heat_current_{k}"] = J
        steady[f"particle_current_{k}"] = Nk
    steady["entropy_production"] = float(sigma)

    # checks: trace preservation, a real generator, the steady state against QuTiP's own solver
    rho_q = qutip.steadystate(Qobj(L, dims=[[[2] * n, [2] * n], [[2] * n, [2] * n]],
                                   type="super")).full()
    checks = {
        "kernel_dimension": kernel_dim,
        "smallest_nonzero_singular_value": float(sv[-2]),
        "steady_residual_max": float(np.max(np.abs(G @ r))),
        "generator_imag_max": float(np.max(np.abs(Gc.imag))),
        "row0_max": float(np.max(np.abs(G[0]))),
        "qutip_steadystate_max_diff": float(np.max(np.abs(rho_q - rho))),
        "qutip_steadystate_hermitian_max": float(np.max(np.abs(rho_q - rho_q.conj().T))),
        "first_law_sum_heat": float(sum(heat)),
        "jumps_of_no_reservoir": extra.pop("unowned_jumps", 0),
        "min_level_spacing": min_spacing,
    }
    # purity, entropy and negativity again with QuTiP's ptrace, entropy_vn, partial_transpose
    rho_qobj = q(rho, n)
    rb_q = rho_qobj.ptrace(sorted(battery))
    pt_q = qutip.partial_transpose(rho_qobj, [1 if k in battery else 0 for k in range(n)])
    neg_q = (float(np.sum(np.abs(np.linalg.eigvalsh(pt_q.full())))) - 1) / 2
    checks["qutip_state_functions_max"] = max(
        abs(float((rb_q * rb_q).tr().real) - steady["battery_purity"]),
        abs(float(qutip.entropy_vn(rb_q)) - steady["battery_entropy"]),
        abs(neg_q - steady["negativity"]))
    if len(battery) > 1:
        # the same battery declared in reverse order (H_B's letters reversed): same figures
        terms = system["battery"].get("hamiltonian") or {
            "I" * k + "Z" + "I" * (len(battery) - 1 - k): "1/2" for k in range(len(battery))}
        HB_rev = qs.pauli_sum({k[::-1]: v for k, v in terms.items()}, env, len(battery))
        rev = battery_figures(rho, battery[::-1], HB_rev, n)
        checks["battery_order_invariance"] = max(
            abs(rev[k] - steady[k]) for k in rev) + abs(
            negativity(rho, battery[::-1], n) - steady["negativity"])
    if model == "bloch-redfield":
        Gn = qs.pauli_generator(qs.numpy_bloch_redfield(H, couplings, spectra), n)
        checks["numpy_vs_qutip_max"] = float(np.max(np.abs(Gn - Gc)))
    temps = {i["T"] for i in infos}
    if model != "lindblad" and all(i["statistics"] == "boson" for i in infos) and len(temps) == 1:
        # detailed balance, no Lamb shift: the steady state is exp(-H/T)/Z exactly (MODEL.md)
        checks["gibbs_trace_distance"] = qs.trace_distance(rho, qs.gibbs(H, temps.pop()))
    return {
        "system": system, "n": n, "env": env, "G": G, "ev": ev, "steady": steady,
        "checks": checks, "extra": extra, "battery": [b + 1 for b in battery],
        "complex": qs.is_complex_system(system),
        "coupling": system.get("bloch_redfield_coupling", "full"),
    }


# ---------------------------------------------------------------------------------------
# Cases: (id, system path, overrides, model, zero_freq[, lindblad_freq]); GEN: keep the generator.
U = "test/data/systems/"
CASES = [
    # three-qubit charger with two battery cells (issue 20's built-in to be)
    ("n3-charger-defaults", U + "n3-charger-two-cells.json", {}, "bloch-redfield", "limit"),
    ("n3-charger-hot-charger", U + "n3-charger-two-cells.json",
     {"T1": 2.5, "T2": 0.5, "T3": 0.6, "F": 1.0}, "bloch-redfield", "limit"),
    ("n3-charger-detuned", U + "n3-charger-two-cells.json",
     {"Delta1": 0.8, "Delta2": -0.5, "Delta3": 0.4, "alpha2": 0.05}, "bloch-redfield", "limit"),
    ("n3-charger-equilibrium", U + "n3-charger-two-cells.json",
     {"T": 0.7, "F": 0.9}, "bloch-redfield", "zero"),
    ("n3-charger-redfield", U + "n3-charger-two-cells.json",
     {"T1": 2.0, "T2": 0.8, "T3": 0.5}, "redfield", "limit"),
    ("n3-charger-redfield-drive", U + "n3-charger-two-cells.json",
     {"F": 1.5, "Delta1": -0.4, "T": 1.2}, "redfield", "limit"),
    ("n3-charger-lindblad", U + "n3-charger-two-cells.json",
     {"T1": 2.0, "T2": 0.5, "T3": 0.5}, "lindblad", "limit", "lambda"),
    ("n3-charger-lindblad-M", U + "n3-charger-two-cells.json",
     {"F": 1.2, "T1": 1.5}, "lindblad", "limit", "M"),
    # XXZ chain, fermion leads, transitions coupling
    ("n3-xxz-chain-defaults", U + "n3-xxz-chain-fermion.json", {}, "bloch-redfield", "limit"),
    ("n3-xxz-chain-bias", U + "n3-xxz-chain-fermion.json",
     {"dmu": -2.0, "dT": 1.2, "Jz": -0.6}, "bloch-redfield", "limit"),
    ("n3-xxz-chain-drive", U + "n3-xxz-chain-fermion.json",
     {"F": 1.6, "J": 0.7, "mubar": -0.8}, "bloch-redfield", "limit"),
    ("n3-xxz-chain-cold-zero", U + "n3-xxz-chain-fermion.json",
     {"Tbar": 0.4, "dT": 0.1, "Tm": 0.3}, "bloch-redfield", "zero"),
    ("n3-xxz-chain-redfield", U + "n3-xxz-chain-fermion.json", {"dmu": 2.0}, "redfield", "limit"),
    # one common bath (collective dissipation) + a local dephasing bath
    ("n3-common-bath-defaults", U + "n3-common-bath.json", {}, "bloch-redfield", "limit"),
    ("n3-common-bath-superohmic", U + "n3-common-bath.json",
     {"s": 3, "T": 2.0, "g3": 1.2}, "bloch-redfield", "limit"),
    ("n3-common-bath-cold-zero", U + "n3-common-bath.json",
     {"T": 0.3, "F": 1.1, "Jc": -0.4}, "bloch-redfield", "zero"),
    ("n3-common-bath-s2-zero", U + "n3-common-bath.json",
     {"s": 2, "alpha": 0.06, "Delta2": 0.9}, "bloch-redfield", "zero"),
    ("n3-common-bath-redfield", U + "n3-common-bath.json", {"T": 1.5}, "redfield", "limit"),
    # complex: y drive, XY - YX, sigma_y bath coupling, cos X + sin Y lead
    ("n3-complex-defaults", U + "n3-complex-dm-y.json", {}, "bloch-redfield", "limit"),
    ("n3-complex-strong-dm", U + "n3-complex-dm-y.json",
     {"D": 1.2, "F": 1.1, "angle": 1.3, "mu3": -0.8}, "bloch-redfield", "limit"),
    ("n3-complex-zero", U + "n3-complex-dm-y.json",
     {"Delta1": -0.7, "T1": 0.5, "T3": 1.8}, "bloch-redfield", "zero"),
    ("n3-complex-hot", U + "n3-complex-dm-y.json",
     {"T1": 3.0, "T2": 0.4, "J": 1.3, "alpha3": 0.15}, "bloch-redfield", "limit"),
    ("n3-complex-redfield", U + "n3-complex-dm-y.json", {"D": 0.8}, "redfield", "limit"),
    ("n3-complex-lindblad", U + "n3-complex-dm-y.json", {"F": 1.0}, "lindblad", "limit", 1.0),
    # declared two-cell battery [3, 2] with its own (interacting) Hamiltonian; s = 0.5 boson
    ("n3-own-battery-defaults", U + "n3-own-battery-subohmic.json", {}, "bloch-redfield", "zero"),
    ("n3-own-battery-bias", U + "n3-own-battery-subohmic.json",
     {"T1": 2.5, "T3": 0.3, "mu3": 0.8}, "bloch-redfield", "zero"),
    ("n3-own-battery-drive", U + "n3-own-battery-subohmic.json",
     {"F": 1.4, "g23": 0.6, "Delta3": -0.5}, "bloch-redfield", "zero"),
    ("n3-own-battery-s1", U + "n3-own-battery-subohmic.json",
     {"ohmicity": 1.0}, "bloch-redfield", "limit"),
    ("n3-own-battery-redfield", U + "n3-own-battery-subohmic.json",
     {"ohmicity": 1.0, "F": 1.0}, "redfield", "limit"),
    # Z couplings (w = 0 terms), four reservoirs, fermion lead
    ("n3-dephasing-defaults", U + "n3-dephasing-mixed.json", {}, "bloch-redfield", "limit"),
    ("n3-dephasing-defaults-zero", U + "n3-dephasing-mixed.json", {}, "bloch-redfield", "zero"),
    ("n3-dephasing-tilt", U + "n3-dephasing-mixed.json",
     {"tilt": 0.9, "Td": 2.5, "F": 1.0, "mu2": -1.0}, "bloch-redfield", "limit"),
    ("n3-dephasing-cold", U + "n3-dephasing-mixed.json",
     {"T1": 0.6, "T3": 0.2, "Td": 0.3, "eps3": 0.9}, "bloch-redfield", "limit"),
    ("n3-dephasing-lindblad", U + "n3-dephasing-mixed.json", {}, "lindblad", "limit", "eps3"),
    # four qubits: collective charging of three cells by a central spin; an XXZ chain
    ("n4-central-spin-defaults", U + "n4-central-spin.json", {}, "bloch-redfield", "limit"),
    ("n4-central-spin-hot", U + "n4-central-spin.json",
     {"T1": 3.0, "TB": 0.3, "F": 1.0}, "bloch-redfield", "limit"),
    ("n4-central-spin-lindblad", U + "n4-central-spin.json", {"T1": 2.0}, "lindblad", "limit", "lambda"),
    ("n4-xxz-chain-defaults", U + "n4-xxz-chain.json", {}, "bloch-redfield", "limit"),
    ("n4-xxz-chain-bias", U + "n4-xxz-chain.json",
     {"mu4": -1.0, "T1": 2.5, "Jz": -0.3}, "bloch-redfield", "zero"),
]
# n = 4 generators are 65,536 numbers (~0.8 MB as JSON): stored for this point only
N4_GENERATOR_KEPT = "n4-central-spin-defaults"
# stored generator entries at or below this fraction of the largest are QuTiP's rounding (the
# structural zeros come out as ~1e-17): written as 0, the others to 15 significant digits (5e-16
# relative, below QuTiP's own rounding): half the file; the tests allow 1e-10
GENERATOR_ZERO = 1e-14


def make_case(cid, path, overrides, model, zero_freq, lindblad_freq=None):
    p = evaluate_point(path, overrides, model, zero_freq, lindblad_freq)
    c = p["checks"]
    if c["kernel_dimension"] != 1:
        raise SystemExit(f"{cid}: kernel dimension {c['kernel_dimension']}")
    if p["ev"][1].real >= 0 or abs(p["ev"][0]) > 1e-12:
        raise SystemExit(f"{cid}: spectrum {p['ev'][:2]} (unstable: qbsweep reports NaN there)")
    if c["min_level_spacing"] < MIN_LEVEL_SPACING:
        raise SystemExit(f"{cid}: level spacing {c['min_level_spacing']:.1e} (near-degenerate)")
    case = {"id": cid, "system": path, "qubits": p["n"], "params": overrides, "model": model,
            "zero_freq": zero_freq}
    if model == "lindblad":
        case["lindblad_freq"] = lindblad_freq
    if model == "bloch-redfield":
        case["bloch_redfield_coupling"] = p["coupling"]
    case["complex"] = p["complex"]
    case["battery_qubits"] = p["battery"]
    gmax = float(np.max(np.abs(p["G"])))
    if p["n"] == 3 or cid == N4_GENERATOR_KEPT:
        case["generator"] = [float(f"{v:.15g}") if abs(v) > GENERATOR_ZERO * gmax else 0.0
                             for v in p["G"].ravel()]
    case["generator_max_abs"] = gmax
    case["steady"] = p["steady"]
    case["gap"] = float(p["ev"][1].real)
    keep = len(p["ev"]) if p["n"] == 3 else 16
    case["eigenvalues"] = [[float(z.real), float(z.imag)] for z in p["ev"][:keep]]
    case["resolved"] = {**p["env"], **p["extra"]}
    case["checks"] = c
    return case


# ---------------------------------------------------------------------------------------
def check_n2():
    """This script's general path against test/data/qutip-systems.json (n = 2)."""
    with open(qs.OUT_JSON) as fh:
        ref = json.load(fh)
    worst = {"generator_relative": 0.0, "long_time": 0.0, "gap": 0.0, "battery_formulas": 0.0}
    count = 0
    for c in ref["cases"] + ref["degenerate_kernel_cases"]:
        p = evaluate_point(c["system"], c["params"], c["model"], c["zero_freq"])
        G = p["G"].ravel()
        g_ref = np.array(c["generator"])
        scale = max(1.0, float(np.max(np.abs(g_ref))))
        worst["generator_relative"] = max(worst["generator_relative"],
                                          float(np.max(np.abs(G[16:] - g_ref[16:]))) / scale)
        worst["gap"] = max(worst["gap"], abs(float(p["ev"][1].real) - c["gap"]))
        if "steady" in c:
            s = p["steady"]
            dev = [abs(s[k] - c["steady"][k]) for k in
                   ("efficiency", "E_B_over_omega", "ergotropy_over_omega")]
            dev += list(np.abs(np.array(s["r"]) - np.array(c["steady"]["r"])))
            worst["long_time"] = max(worst["long_time"], float(max(dev)))
            # the general battery formulas (passive state, pinching) against the Bloch ones
            r = np.array(s["r"])
            rb = float(np.linalg.norm(r[1:4]))
            bloch = {"E_B_over_omega": (1 + r[3]) / 2, "ergotropy_over_omega": (rb + r[3]) / 2,
                     "ergotropy_incoherent_over_omega": max(r[3], 0.0),
                     "capacity_over_omega": rb, "battery_purity": (1 + rb * rb) / 2}
            pe = np.array([(1 + rb) / 2, (1 - rb) / 2])
            bloch["battery_entropy"] = float(-np.sum(pe[pe > 0] * np.log(pe[pe > 0])))
            worst["battery_formulas"] = max(worst["battery_formulas"],
                                            max(abs(s[k] - v) for k, v in bloch.items()))
        count += 1
    print(f"n = 2 reproduction of {os.path.relpath(qs.OUT_JSON, REPO)} ({count} cases): "
          + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    # redfield and lindblad (not in qutip-systems.json): the public float64 cases of the paper's
    # system with a one-dimensional kernel, long-time efficiency and gap
    with open(os.path.join(REPO, "test", "data", "public-cases.json")) as fh:
        public = json.load(fh)
    pub = {"efficiency": 0.0, "gap": 0.0, "cases": 0}
    for pc in public["cases"]:
        i, out = pc["inputs"], pc["outputs"]
        if out["extra"]["kernel_dim"] != 1:
            continue
        ov = {k: i[k] for k in ("Delta1", "Delta2", "F", "lambda", "alpha1", "alpha2", "omega_c",
                                "T1", "T2", "mu1", "mu2")}
        p = evaluate_point("systems/wang2023.json", ov, i["model"], i["zero_freq"],
                           i.get("lindblad_freq", "lambda"), i["reservoir"])
        pub["efficiency"] = max(pub["efficiency"], abs(
            p["steady"]["efficiency"] - out["extra"]["efficiency_kernel_projection"]))
        pub["gap"] = max(pub["gap"], abs(float(p["ev"][1].real) - out["liouvillian_gap"]))
        pub["cases"] += 1
    worst["public_redfield_lindblad"] = pub
    print(f"n = 2 redfield and lindblad against test/data/public-cases.json ({pub['cases']} cases): "
          f"efficiency {pub['efficiency']:.2e}, gap {pub['gap']:.2e}")
    ok = (pub["efficiency"] < TOL["long_time"] and pub["gap"] < TOL["gap"]
          and worst["generator_relative"] < TOL["generator_relative"]
          and worst["long_time"] < TOL["long_time"] and worst["gap"] < TOL["gap"]
          and worst["battery_formulas"] < 1e-12)
    return worst, ok


def main():
    if "--check-n2" in sys.argv:
        _, ok = check_n2()
        sys.exit(0 if ok else 1)
    n2, ok = check_n2()
    if not ok:
        raise SystemExit("the n = 2 reproduction exceeds the tolerances")
    cases = []
    for spec in CASES:
        case = make_case(*spec)
        c, s = case["checks"], case["steady"]
        print(f"{case['id']:30s} {case['model']:14s} eff={s['efficiency']:.10f} "
              f"W={s['ergotropy_over_omega']:.6f} neg={s['negativity']:.2e} gap={case['gap']:.3e} "
              f"imag={c['generator_imag_max']:.1e} row0={c['row0_max']:.1e} "
              f"qss={c['qutip_steadystate_max_diff']:.1e} "
              f"sumJ={c['first_law_sum_heat']:.1e} sigma={s['entropy_production']:.2e} "
              f"minsp={c['min_level_spacing']:.2e}"
              + (f" np={c['numpy_vs_qutip_max']:.1e}" if "numpy_vs_qutip_max" in c else ""))
        cases.append(case)

    def worst(key):
        return max(abs(c["checks"][key]) for c in cases if key in c["checks"])

    meta = {
        "generator": "scripts/reference/qutip_nqubits.py",
        "command": "/usr/bin/python3 scripts/reference/qutip_nqubits.py",
        "qutip_version": qutip.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "python_version": sys.version.split()[0],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tolerances": TOL,
        "conventions": {
            "basis": "tensor product of {|e>, |g>} in qubit order, |e> = (1,0), sigma_z|e> = "
                     "+|e>, sigma_y = [[0,-i],[i,0]], P = |e><g|, M = |g><e|; the first letter of "
                     "a Pauli string acts on qubit 1 (n = 3: index 0 = |eee>, 7 = |ggg>)",
            "pauli_vector": "rho = (1/2^n) sum r_(a1..an) sigma_a1 x ... x sigma_an, component "
                            "index sum_k a_k 4^(n-k), a in (0,x,y,z) = (0,1,2,3), a_1 = qubit 1",
            "generator": "G[i][j] = (1/2^n) Tr(P_i L(P_j)), row-major 4^n x 4^n numbers (stored "
                         "for every n = 3 case and for n4-central-spin-defaults); dr/dt = G r; "
                         "entries |G_ij| <= 1e-14 max|G| (QuTiP's rounding of structural zeros, "
                         "row 0 included: row0_max) written as 0, the others rounded to 15 "
                         "significant digits; "
                         "generator_max_abs = the largest |G_ij| (the scale of the 1e-10 "
                         "tolerance)",
            "models": "bloch-redfield: QuTiP 4.7 bloch_redfield_tensor(H, [[X_k, S_k]], "
                      "use_secular=False, atol=0), moved from the eigenbasis of its ekets to the "
                      "computational basis; X_k the full coupling, or with "
                      "bloch_redfield_coupling 'transitions' X_k without its diagonal in the "
                      "energy basis (L + L^+). redfield: MODEL.md's eigenbasis form (L = strictly "
                      "lower part of X_k in the eigenbasis sorted by descending energy, A = L o "
                      "emission rates, B = L^+ o absorption rates, D = A rho L^+ - L^+ A rho + "
                      "B rho L - L B rho + h.c.) assembled with QuTiP's sprepost/spre/spost, plus "
                      "-i[H, rho]. lindblad: QuTiP's liouvillian(H, [sqrt(2 rate_j) A_j]), i.e. "
                      "D = rate (2 A rho A^+ - {A^+ A, rho}); rates by the system's expressions "
                      "with emission(k, w) = J Ncal(|w|), absorption(k, w) = J N(|w|) of "
                      "reservoir k and w_lindblad = the case's lindblad_freq (a number or a "
                      "name of the system)",
            "spectrum": "as qutip-systems.json: S(w) = 2 x emission rate (w > 0), 2 x "
                        "absorption rate at |w| (w < 0); zero_freq 'limit': S(0) = 2 alpha T "
                        "(Ohmic s = 1, Drude-Lorentz bosons), 0 (s > 1, fermions, T = 0); "
                        "'zero': S(0) = 0; S(0) enters only at w = 0 exactly; every case has a "
                        "level spacing >= 1e-3 (checks.min_level_spacing)",
            "steady": "null vector of G with r_0 = 1 (solve G[1:,1:] x = -G[1:,0]); every case "
                      "has a one-dimensional kernel",
            "battery": "the system's \"battery\": {\"qubits\": [...], \"hamiltonian\": {...}} "
                       "(qubits from 1, H_B's strings on the battery qubits in that order); "
                       "default the last qubit, H_B = Z/2 on each battery qubit; "
                       "battery_qubits lists them per case",
            "long_time_values": "rho_B = Tr_(not B) rho; E_B_over_omega = Tr(rho_B H_B) - e_0; "
                                "ergotropy = Tr(rho_B H_B) - sum_k r_k e_k (r_k decreasing, e_k "
                                "increasing); efficiency = ergotropy / E_B; incoherent "
                                "ergotropy = ergotropy of rho_B pinched on H_B's eigenspaces "
                                "(degenerate H_B: coherences inside an eigenspace are kept); "
                                "coherent = ergotropy - incoherent; capacity = sum_k r_k "
                                "(e'_k - e_k), e' decreasing; battery_purity = Tr rho_B^2; "
                                "battery_entropy = -Tr rho_B ln rho_B (nats); "
                                "rho_min_eigenvalue of the full rho; negativity = "
                                "(||rho^(T_B)||_1 - 1)/2, the partial transpose on the battery "
                                "qubits",
            "currents": "heat_current_k = Tr(H D_k[rho]) (energy from reservoir k, D_k its part "
                        "of the dissipator: QuTiP's tensor with X_k alone less -i[H, .] for "
                        "bloch-redfield; for lindblad the jumps whose rate calls emission(k, .) "
                        "or absorption(k, .)); particle_current_k = absorptions - emissions per "
                        "unit time: the jump rate Tr(X rho Y + h.c.) of each sandwich X rho Y of "
                        "reservoir k (bloch-redfield: Lambda_e/a rho X_k with Lambda = X o S/2 "
                        "below/above the diagonal of the descending eigenbasis, the w = 0 "
                        "diagonal not counted; redfield: B rho L absorbs, A rho L^+ emits; "
                        "lindblad: 2 rate <A^+ A>, the direction of the rate's first call); "
                        "entropy_production = -sum_k (J_k - mu_k N_k)/T_k (mu = 0 for bosons)",
            "eigenvalues": "eigenvalues of G as [re, im], real part descending (conjugate pairs "
                           "by imaginary part descending): all 64 for n = 3, the 16 slowest for "
                           "n = 4; gap = real part of the second",
            "complex": "true where a Pauli string with an odd number of Y letters appears in H "
                       "or a coupling",
            "resolved": "every parameter and derived name at the point (and w_lindblad)",
        },
        "checks": {
            "n2_reproduction_of_qutip_systems_json": {**n2, "note": (
                "this script's general-n path on the 43 cases of test/data/qutip-systems.json: "
                "largest generator deviation / its largest entry, long-time efficiency, E_B, "
                "ergotropy and r, gap; battery_formulas = the passive-state/pinching formulas "
                "against the one-qubit Bloch ones; public_redfield_lindblad = redfield and "
                "lindblad of this script on systems/wang2023.json against the public float64 "
                "cases with a one-dimensional kernel (efficiency_kernel_projection, gap)")},
            "generator_imag_max": worst("generator_imag_max"),
            "row0_max": worst("row0_max"),
            "numpy_vs_qutip_max": worst("numpy_vs_qutip_max"),
            "steady_residual_max": worst("steady_residual_max"),
            "qutip_steadystate_max_diff": worst("qutip_steadystate_max_diff"),
            "qutip_steadystate_hermitian_max": worst("qutip_steadystate_hermitian_max"),
            "first_law_sum_heat_max": max(abs(c["checks"]["first_law_sum_heat"]) for c in cases
                                          if not c["checks"]["jumps_of_no_reservoir"]),
            "smallest_nonzero_singular_value_min": min(
                c["checks"]["smallest_nonzero_singular_value"] for c in cases),
            "min_level_spacing_min": min(c["checks"]["min_level_spacing"] for c in cases),
            "battery_order_invariance_max": worst("battery_order_invariance"),
            "qutip_state_functions_max": worst("qutip_state_functions_max"),
            "equilibrium_gibbs_trace_distance": {
                c["id"]: c["checks"]["gibbs_trace_distance"] for c in cases
                if "gibbs_trace_distance" in c["checks"]},
            "first_law_note": "sum_k heat_current_k = 0 to rounding (first_law_sum_heat_max) "
                              "except where a Lindblad jump belongs to no reservoir "
                              "(checks.jumps_of_no_reservoir: n3-dephasing-lindblad's Z jump, "
                              "whose rate calls no emission/absorption, sum 1.6e-2)",
        },
    }
    with open(OUT_JSON, "w") as fh:
        fh.write(qs.to_json({"meta": meta, "cases": cases}))
        fh.write("\n")
    print(json.dumps(meta["checks"], indent=1))
    print(f"wrote {len(cases)} cases ({sum(c['qubits'] == 3 for c in cases)} for n = 3, "
          f"{sum(c['qubits'] == 4 for c in cases)} for n = 4) to {os.path.relpath(OUT_JSON, REPO)}")


if __name__ == "__main__":
    main()
