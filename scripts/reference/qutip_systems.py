#!/usr/bin/python3
"""Independent QuTiP reference data for general two-qubit systems (issue 10).

Reads system definitions (JSON, issue-10 format), builds the non-secular Bloch-Redfield
generator with QuTiP 4.7's bloch_redfield_tensor(use_secular=False) at a list of points,
converts it to qbsweep's real 16x16 generator on the Pauli vector, and writes
test/data/qutip-systems.json (long-time limit, efficiency, spectrum, gap per point).

Its parser, Pauli strings, spectra and QuTiP call take n qubits: qutip_nqubits.py (n = 3, 4)
imports them. Written from shared/docs/MODEL.md and issue 10 only (not from the TypeScript sources), so
that it is an independent check. Run from the repository root with Debian's python:
    /usr/bin/python3 scripts/reference/qutip_systems.py
Needs python3-qutip (4.7), python3-numpy, python3-scipy (apt-get install).
"""

import datetime
import json
import math
import os
import re
import sys

import numpy as np
import scipy
import scipy.linalg

# QuTiP prints an OpenMP calibration line on first import; keep stdout for our report.
_stdout = sys.stdout
sys.stdout = sys.stderr
import qutip  # noqa: E402
from qutip import Qobj, bloch_redfield_tensor  # noqa: E402
sys.stdout = _stdout

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_JSON = os.path.join(REPO, "test", "data", "qutip-systems.json")

# ---------------------------------------------------------------------------------------
# Expressions: numbers, names, + - * / ^, parentheses, sqrt exp log sin cos abs.
# A tiny recursive-descent parser (names such as "lambda" are Python keywords, so no ast):
#   expr := term (("+"|"-") term)*      term := unary (("*"|"/") unary)*
#   unary := ("-"|"+") unary | power    power := atom ("^" unary)?   (right-assoc, -a^2 = -(a^2))
#   atom := number | name | func "(" expr ")" | "(" expr ")"
FUNCS = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "sin": math.sin,
         "cos": math.cos, "abs": abs}
_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\S))")


def eval_expr(text, env, calls=None):
    """Value of an expression; `calls` maps extra function names (emission, absorption) to
    Python callables of any number of arguments."""
    calls = calls or {}
    if isinstance(text, (int, float)):
        return float(text)
    toks = []
    for m in _TOKEN.finditer(str(text)):
        if m.group(1):
            toks.append(("num", float(m.group(1))))
        elif m.group(2):
            toks.append(("name", m.group(2)))
        elif m.group(3):
            toks.append(("op", m.group(3)))
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else ("end", None)

    def take(kind=None, val=None):
        t = peek()
        if (kind and t[0] != kind) or (val and t[1] != val):
            raise ValueError(f"syntax error in expression {text!r} at token {pos[0]}")
        pos[0] += 1
        return t

    def expr():
        v = term()
        while peek() in (("op", "+"), ("op", "-")):
            op = take()[1]
            v = v + term() if op == "+" else v - term()
        return v

    def term():
        v = unary()
        while peek() in (("op", "*"), ("op", "/")):
            op = take()[1]
            v = v * unary() if op == "*" else v / unary()
        return v

    def unary():
        if peek() in (("op", "-"), ("op", "+")):
            op = take()[1]
            v = unary()
            return -v if op == "-" else v
        return power()

    def power():
        v = atom()
        if peek() == ("op", "^"):
            take()
            v = v ** unary()
        return v

    def atom():
        t = peek()
        if t[0] == "num":
            take()
            return t[1]
        if t[0] == "name":
            take()
            if peek() == ("op", "("):
                if t[1] not in FUNCS and t[1] not in calls:
                    raise ValueError(f"unknown function {t[1]!r} in {text!r}")
                take()
                args = [expr()]
                while peek() == ("op", ","):
                    take()
                    args.append(expr())
                take("op", ")")
                return float((calls.get(t[1]) or FUNCS[t[1]])(*args))
            if t[1] == "pi" and t[1] not in env:
                return math.pi
            if t[1] not in env:
                raise ValueError(f"unknown name {t[1]!r} in expression {text!r}")
            return float(env[t[1]])
        take("op", "(")
        v = expr()
        take("op", ")")
        return v

    v = expr()
    if pos[0] != len(toks):
        raise ValueError(f"syntax error in expression {text!r} at token {pos[0]}")
    return v


# ---------------------------------------------------------------------------------------
# Pauli strings of n letters, the first on qubit 1 (the first tensor factor). Basis the tensor
# product of {|e>, |g>} in qubit order, |e> = (1, 0), sigma_z |e> = +|e> (n = 2: ee, eg, ge, gg).
SIGMA = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
    "P": np.array([[0, 1], [0, 0]], dtype=complex),  # sigma+ = |e><g|
    "M": np.array([[0, 0], [1, 0]], dtype=complex),  # sigma-
}
PAULI_LETTERS = "IXYZ"  # component index sum_k a_k 4^(n-k), a_1 = qubit 1 (n = 2: 4a + b)
_BASES = {}


def pauli_basis(n):
    """The 4^n Pauli strings in component order, as (2^n x 2^n) matrices."""
    if n not in _BASES:
        basis = [np.eye(1, dtype=complex)]
        for _ in range(n):
            basis = [np.kron(m, SIGMA[c]) for m in basis for c in PAULI_LETTERS]
        _BASES[n] = basis
    return _BASES[n]


def pauli_string(s):
    if not s or any(c not in SIGMA for c in s):
        raise ValueError(f"bad Pauli string {s!r}")
    m = np.eye(1, dtype=complex)
    for c in s:
        m = np.kron(m, SIGMA[c])
    return m


def pauli_sum(terms, env, n=2):
    m = np.zeros((2 ** n, 2 ** n), dtype=complex)
    for s, coef in terms.items():
        if len(s) != n:
            raise ValueError(f"Pauli string {s!r} is not of {n} letters")
        m += eval_expr(coef, env) * pauli_string(s)
    return m


def system_strings(system):
    strings = list(system["hamiltonian"])
    for r in system["reservoirs"]:
        strings += list(r["coupling"])
    return strings


def qubit_count(system):
    """n from the strings' length (all equal), checked against an optional "qubits"."""
    lengths = {len(s) for s in system_strings(system)}
    for j in system.get("jumps", []):
        lengths |= {len(s) for s in j["op"]}
    if len(lengths) != 1:
        raise ValueError(f"{system['name']}: Pauli strings of mixed length {sorted(lengths)}")
    n = lengths.pop()
    if system.get("qubits", n) != n:
        raise ValueError(f"{system['name']}: \"qubits\": {system['qubits']} but strings of {n}")
    return n


def is_complex_system(system):
    """True where a Pauli string with an odd number of Y letters appears (H not real)."""
    return any(s.count("Y") % 2 == 1 for s in system_strings(system))


def pauli_matrix(n):
    """Columns vec(P_j) (column-stacked, QuTiP's vec), shape (4^n, 4^n)."""
    return np.column_stack([P.flatten(order="F") for P in pauli_basis(n)])


def to_pauli_vector(rho):
    n = int(round(math.log2(rho.shape[0])))
    return np.array([np.trace(P @ rho).real for P in pauli_basis(n)])


def from_pauli_vector(r):
    n = int(round(math.log(len(r), 4)))
    return sum(r[i] * P for i, P in enumerate(pauli_basis(n))) / 2 ** n


# ---------------------------------------------------------------------------------------
# Point evaluation: defaults, overrides, derived names (in file order).
def derived_expr(entry):
    return entry["expr"] if isinstance(entry, dict) else entry


def point_env(system, overrides):
    """Parameters at the point: defaults, then overrides (a parameter, or a derived name with
    `sets`, which sets each of its parameters to the value), then derived names in file order."""
    env = {k: float(v["default"]) for k, v in system["parameters"].items()}
    derived = system.get("derived", {})
    for k, v in overrides.items():
        sets = derived.get(k, {}).get("sets") if isinstance(derived.get(k), dict) else None
        if k in env:
            env[k] = float(v)
        elif sets:
            for p in sets:
                env[p] = float(v)
        else:
            raise ValueError(f"override {k!r} is not a parameter of {system['name']}")
    for k, entry in derived.items():
        env[k] = eval_expr(derived_expr(entry), env)
    return env


def make_spectrum(res, env, zero_freq):
    """S(w) for QuTiP: 2 x emission rate for w > 0, 2 x absorption rate at |w| for w < 0."""
    stat = res["statistics"]
    T = eval_expr(res["T"], env)
    mu = eval_expr(res["mu"], env) if stat == "fermion" else 0.0
    sd = res["spectral_density"]
    kind = sd["kind"]
    alpha = eval_expr(sd["alpha"], env)
    wc = eval_expr(sd["omega_c"], env)
    s = eval_expr(sd.get("s", "1"), env) if kind == "ohmic" else 1.0
    if stat not in ("boson", "fermion"):
        raise ValueError(f"unknown statistics {stat!r}")
    if kind not in ("ohmic", "drude-lorentz"):
        raise ValueError(f"unknown spectral density {kind!r}")

    def J(a):  # a > 0
        if kind == "ohmic":
            return alpha * wc ** (1 - s) * a ** s * math.exp(-a / wc)
        return alpha * a * wc * wc / (a * a + wc * wc)

    # w -> 0 limit of S
    if zero_freq == "zero" or stat == "fermion" or T == 0:
        S0 = 0.0
    elif kind == "drude-lorentz" or s == 1:
        S0 = 2 * alpha * T
    elif s > 1:
        S0 = 0.0
    else:
        raise ValueError("Ohmic s < 1 boson: the w -> 0 limit diverges; use zero_freq 'zero'")

    def S(w):
        w = float(w)
        if w == 0.0:
            return S0
        a = abs(w)
        if stat == "boson":
            if T == 0:
                n = 0.0
            else:
                n = 1.0 / math.expm1(a / T)
            return 2 * J(a) * (1 + n) if w > 0 else 2 * J(a) * n
        # fermion, stable for large |a - mu|/T
        if T == 0:
            f = 1.0 if a < mu else (0.5 if a == mu else 0.0)
        else:
            f = 0.5 * (1 - math.tanh((a - mu) / (2 * T)))
        return 2 * J(a) * (1 - f) if w > 0 else 2 * J(a) * f

    info = {"statistics": stat, "T": T, "mu": mu, "kind": kind, "alpha": alpha,
            "omega_c": wc, "s": s, "S0": S0}
    return S, info


def transitions_coupling(H, X):
    """S = L + L^+, L the strictly-lower part of X in the eigenbasis of H sorted by
    descending energy (no diagonal, zero-frequency parts)."""
    evals, V = np.linalg.eigh(H)
    order = np.argsort(-evals)
    evals, V = evals[order], V[:, order]
    Xe = V.conj().T @ X @ V
    L = np.tril(Xe, -1)
    return V @ (L + L.conj().T) @ V.conj().T, float(np.min(np.abs(np.diff(evals))))


def build_operators(system, env, zero_freq):
    n = qubit_count(system)
    H = pauli_sum(system["hamiltonian"], env, n)
    couplings, spectra, infos = [], [], []
    min_level_spacing = float(np.min(np.abs(np.diff(np.linalg.eigvalsh(H)))))
    transitions = system.get("bloch_redfield_coupling") == "transitions"
    for res in system["reservoirs"]:
        X = pauli_sum(res["coupling"], env, n)
        if np.max(np.abs(X - X.conj().T)) > 1e-14:
            raise ValueError("non-Hermitian coupling")
        if transitions:
            X, _ = transitions_coupling(H, X)
        S, info = make_spectrum(res, env, zero_freq)
        couplings.append(X)
        spectra.append(S)
        infos.append(info)
    return H, couplings, spectra, infos, min_level_spacing


# ---------------------------------------------------------------------------------------
# Generators.
def qutip_superop(H, couplings, spectra):
    """QuTiP's Bloch-Redfield superoperator, moved to the computational basis, acting on
    the column-stacked vec(rho) (QuTiP's convention). atol = 0: no element is dropped."""
    n = int(round(math.log2(H.shape[0])))
    dims = [[2] * n, [2] * n]
    Hq = Qobj(H, dims=dims)
    a_ops = [[Qobj(X, dims=dims), S] for X, S in zip(couplings, spectra)]
    R, ekets = bloch_redfield_tensor(Hq, a_ops, use_secular=False, atol=0.0)
    Rm = R.full()
    V = np.column_stack([k.full().ravel() for k in ekets])
    # rho = V rho_eig V^+  ->  vec(rho) = (V* (x) V) vec(rho_eig) for column stacking
    to_comp = np.kron(V.conj(), V)
    to_eig = np.kron(V.T, V.conj().T)
    return to_comp @ Rm @ to_eig, Rm, V


def apply_superop(Lsup, rho):
    d = rho.shape[0]
    return (Lsup @ rho.flatten(order="F")).reshape((d, d), order="F")


def pauli_generator(apply_L, n=2):
    """G[i][j] = (1/2^n) Tr(P_i L(P_j)), complex (its imaginary part is a check)."""
    LP = np.column_stack([apply_L(P).flatten(order="F") for P in pauli_basis(n)])
    # Tr(P_i M) = conj(vec P_i) . vec M for Hermitian P_i
    return (pauli_matrix(n).conj().T @ LP) / 2 ** n


def superop_pauli(Lsup, n):
    """The same for a superoperator on the column-stacked vec(rho)."""
    Pm = pauli_matrix(n)
    return (Pm.conj().T @ Lsup @ Pm) / 2 ** n


def numpy_bloch_redfield(H, couplings, spectra):
    """Independent numpy form: D[rho] = Lam rho X - X Lam rho + h.c., with
    Lam_ij = X_ij S(E_j - E_i) / 2 in the eigenbasis; plus -i[H, rho]."""
    evals, V = np.linalg.eigh(H)
    lams = []
    for X, S in zip(couplings, spectra):
        Xe = V.conj().T @ X @ V
        d = len(evals)
        W = np.array([[S(evals[j] - evals[i]) for j in range(d)] for i in range(d)])
        lams.append((X, V @ (Xe * W / 2) @ V.conj().T))

    def apply_L(rho):
        out = -1j * (H @ rho - rho @ H)
        for X, Lam in lams:
            d = Lam @ rho @ X - X @ Lam @ rho
            out += d + d.conj().T
        return out

    return apply_L


# ---------------------------------------------------------------------------------------
# Long-time limit and spectrum.
def steady_from_generator(G):
    sv = np.linalg.svd(G, compute_uv=False)
    kernel_dim = int(np.sum(sv < 1e-10 * sv[0]))
    x = np.linalg.solve(G[1:, 1:], -G[1:, 0])
    r = np.concatenate([[1.0], x])
    return r, kernel_dim, sv


def battery_observables(r):
    x, y, z = r[1], r[2], r[3]  # r_{0x}, r_{0y}, r_{0z}: battery = qubit 2
    rb = math.sqrt(x * x + y * y + z * z)
    EB = (1 + z) / 2
    W = (rb + z) / 2
    return {"efficiency": W / EB, "E_B_over_omega": EB, "ergotropy_over_omega": W}


def sorted_eigenvalues(G):
    ev = np.linalg.eigvals(G)
    # by real part, descending; conjugate pairs (equal real parts) by imaginary part
    return sorted(ev, key=lambda z: (-round(z.real, 11), -z.imag))


def trace_distance(a, b):
    return 0.5 * float(np.sum(np.abs(np.linalg.eigvalsh(a - b))))


def gibbs(H, T):
    rho = scipy.linalg.expm(-H / T)
    return rho / np.trace(rho)


# ---------------------------------------------------------------------------------------
# Checks that do not depend on a case.
def one_qubit_sign_check():
    """A boson bath at T must relax H = w0/2 sz to exp(-H/T)/Z, not the inverted state."""
    w0, T, alpha, wc = 1.0, 0.5, 0.1, 5.0
    Hq = Qobj(0.5 * w0 * SIGMA["Z"])

    def S(w):
        if w == 0:
            return 2 * alpha * T
        a = abs(w)
        J = alpha * a * math.exp(-a / wc)
        n = 1.0 / math.expm1(a / T)
        return 2 * J * (1 + n) if w > 0 else 2 * J * n

    R, ekets = bloch_redfield_tensor(Hq, [[Qobj(SIGMA["X"]), S]], use_secular=False, atol=0.0)
    V = np.column_stack([k.full().ravel() for k in ekets])
    Rm = R.full()
    w, vecs = np.linalg.eig(Rm)
    v = vecs[:, np.argmin(np.abs(w))]
    rho_eig = v.reshape((2, 2), order="F")
    rho = V @ rho_eig @ V.conj().T
    rho = rho / np.trace(rho)
    p_e = float(rho[0, 0].real)
    p_e_gibbs = math.exp(-w0 / (2 * T)) / (2 * math.cosh(w0 / (2 * T)))
    return {
        "system": "one qubit H = w0/2 sigma_z, w0 = 1, coupling sigma_x, Ohmic s = 1 boson, "
                  "alpha = 0.1, omega_c = 5, T = 0.5, S(w > 0) = 2 J (1 + n) (emission)",
        "p_excited": p_e,
        "p_excited_gibbs": p_e_gibbs,
        "abs_error_vs_gibbs": abs(p_e - p_e_gibbs),
        "abs_error_vs_inverted": abs(p_e - (1 - p_e_gibbs)),
        "conclusion": "QuTiP's spectrum argument w > 0 is emission (system loses energy w): "
                      "S(w > 0) = 2 J (1 + n) relaxes to Gibbs, as MODEL.md states",
    }


def public_redfield_crosscheck(rng):
    """wang2023 with the transitions coupling against the shared public float64 redfield
    cases (boson, off resonance): equal at equilibrium (both Gibbs), within MODEL.md's
    ~1.4e-4 out of equilibrium."""
    with open(os.path.join(REPO, "test", "data", "public-cases.json")) as fh:
        public = json.load(fh)
    eq, neq = 0.0, 0.0
    n_eq = n_neq = 0
    for pc in public["cases"]:
        i = pc["inputs"]
        if (i["model"] != "redfield" or i["reservoir"] != "boson"
                or (i["Delta1"] == 0 and i["Delta2"] == 0)):
            continue
        ov = {k: i[k] for k in ("Delta1", "Delta2", "F", "lambda", "alpha1", "alpha2",
                                "omega_c", "T1", "T2")}
        c = run_case(pc["name"], "systems/wang2023.json", ov, i["zero_freq"], rng)
        d = abs(c["steady"]["efficiency"] - pc["outputs"]["extra"]["efficiency_kernel_projection"])
        if i["T1"] == i["T2"]:
            eq, n_eq = max(eq, d), n_eq + 1
        else:
            neq, n_neq = max(neq, d), n_neq + 1
    return {"description": "|efficiency(bloch-redfield, transitions) - efficiency(public "
                           "redfield, kernel projection)| over the off-resonant boson cases "
                           "of test/data/public-cases.json",
            "equilibrium_cases": n_eq, "equilibrium_max_abs_diff": eq,
            "nonequilibrium_cases": n_neq, "nonequilibrium_max_abs_diff": neq}


def fermion_equilibrium_check(rng):
    """Fermion reservoirs at one T and one mu: Gibbs exp(-H/T)/Z only for mu = 0, where
    f/(1 - f) = e^(-w/T) is the boson-like detailed balance; mu != 0 shifts it."""
    path = "test/data/systems/fermion-ohmic-local.json"
    with open(os.path.join(REPO, path)) as fh:
        system = json.load(fh)
    out = {}
    for mubar in (0.0, 1.5):
        ov = {"dT": 0.0, "dmu": 0.0, "mubar": mubar}
        c = run_case("fermion-equilibrium", path, ov, "limit", rng)
        env = point_env(system, ov)
        rg = gibbs(pauli_sum(system["hamiltonian"], env), env["Tbar"])
        out[f"mu={mubar}"] = trace_distance(from_pauli_vector(np.array(c["steady"]["r"])), rg)
    return {"description": f"trace distance of the Bloch-Redfield steady state to "
                           f"exp(-H/T)/Z, {path} defaults with dT = dmu = 0",
            "trace_distance": out}


def to_json(obj, indent=0):
    """Pretty JSON with numeric arrays on one line (floats as repr: exact round trip)."""
    pad, pad1 = " " * indent, " " * (indent + 1)

    def flat(o):
        return isinstance(o, (int, float)) or (isinstance(o, list) and all(map(flat, o)))

    if isinstance(obj, dict) and obj:
        items = [f"{pad1}{json.dumps(k)}: {to_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and not flat(obj):
        return "[\n" + ",\n".join(pad1 + to_json(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, separators=(", ", ": "))


# ---------------------------------------------------------------------------------------
# Cases: (system path relative to the repo root, overrides, zero_freq)
B = "systems/"
U = "test/data/systems/"
# The built-in defaults sit on the resonant line D1 = D2 = 0, where the kernel is not
# one-dimensional: kept for the generator only (degenerate_kernel_cases).
DEGENERATE = "degenerate"
CASES = [
    # built-in wang2023 (Bloch-Redfield with the transitions coupling S = L + L^+)
    ("wang2023-defaults", B + "wang2023.json", {}, "limit", DEGENERATE),
    ("wang2023-near-defaults", B + "wang2023.json", {"Delta1": 0.5}, "limit"),
    ("wang2023-detuned-noneq", B + "wang2023.json",
     {"Delta1": 1.0, "Delta2": -0.5, "T1": 2.0, "T2": 0.5}, "limit"),
    ("wang2023-drive-coupling", B + "wang2023.json",
     {"Delta1": 0.3, "Delta2": 0.1, "F": 1.5, "lambda": 0.7, "alpha1": 0.05, "alpha2": 0.15},
     "limit"),
    ("wang2023-fig9-corner", B + "wang2023.json",
     {"Delta1": 2.0, "Delta2": -2.0, "T1": 1.5, "T2": 0.5}, "limit"),
    # built-in xxz
    ("xxz-defaults", B + "xxz.json", {}, "limit", DEGENERATE),
    ("xxz-near-defaults", B + "xxz.json", {"Delta1": 0.5}, "limit"),
    ("xxz-detuned-noneq", B + "xxz.json",
     {"Delta1": 1.2, "Delta2": 0.4, "T1": 2.5, "T2": 0.5}, "limit"),
    ("xxz-drive-coupling", B + "xxz.json",
     {"F": 1.2, "J": 0.6, "Jz": -0.8, "alpha1": 0.05, "Delta1": 0.2}, "limit"),
    # built-in common-bath
    ("common-bath-defaults", B + "common-bath.json", {}, "limit", DEGENERATE),
    ("common-bath-near-defaults", B + "common-bath.json", {"Delta1": 0.5}, "limit"),
    ("common-bath-detuned-cold", B + "common-bath.json",
     {"Delta1": 0.8, "Delta2": -0.3, "T": 0.5}, "limit"),
    ("common-bath-drive-coupling", B + "common-bath.json",
     {"F": 1.5, "g1": 0.5, "g2": 1.2, "lambda": 0.8, "Delta1": -0.4}, "limit"),
    # user systems
    ("heisenberg-fermion-drude-defaults", U + "heisenberg-fermion-drude.json", {}, "limit"),
    ("heisenberg-fermion-drude-bias", U + "heisenberg-fermion-drude.json",
     {"dT": 1.2, "dmu": -2.0, "Delta1": 1.0}, "limit"),
    ("heisenberg-fermion-drude-drive", U + "heisenberg-fermion-drude.json",
     {"F": 1.5, "J": 0.4, "mubar": -0.8}, "limit"),
    ("heisenberg-fermion-drude-cold", U + "heisenberg-fermion-drude.json",
     {"Tbar": 0.3, "dT": 0.1, "alpha1": 0.2}, "limit"),
    ("dephasing-three-baths-defaults", U + "dephasing-three-baths.json", {}, "limit"),
    ("dephasing-three-baths-defaults-zero", U + "dephasing-three-baths.json", {}, "zero"),
    ("dephasing-three-baths-tilt", U + "dephasing-three-baths.json",
     {"tilt": 0.8, "Td": 2.5, "F": 1.0}, "limit"),
    ("dephasing-three-baths-detuned", U + "dephasing-three-baths.json",
     {"eps1": 0.5, "eps2": -0.3, "F": 1.2, "T1": 2.5, "T2": 0.4}, "limit"),
    ("dephasing-three-baths-small-splitting", U + "dephasing-three-baths.json",
     {"eps1": 0.2, "eps2": 0.1, "F": 1.0}, "limit"),
    ("dephasing-three-baths-equilibrium", U + "dephasing-three-baths.json",
     {"T1": 1.0, "T2": 1.0, "Td": 1.0}, "limit"),
    ("superohmic-common-xxz-defaults", U + "superohmic-common-xxz.json", {}, "limit"),
    ("superohmic-common-xxz-hot", U + "superohmic-common-xxz.json",
     {"T": 2.5, "Delta1": 1.5}, "limit"),
    ("superohmic-common-xxz-drive", U + "superohmic-common-xxz.json",
     {"F": 1.8, "g2": 0.4, "Jz": 0.6}, "limit"),
    ("superohmic-common-xxz-cold", U + "superohmic-common-xxz.json",
     {"alpha": 0.15, "T": 0.3}, "limit"),
    ("subohmic-mixed-local-defaults", U + "subohmic-mixed-local.json", {}, "zero"),
    ("subohmic-mixed-local-bias", U + "subohmic-mixed-local.json",
     {"T1": 2.5, "T2": 0.3, "mu2": -0.5}, "zero"),
    ("subohmic-mixed-local-drive", U + "subohmic-mixed-local.json",
     {"F": 1.4, "lambda": 0.3, "eps2": 0.5}, "zero"),
    ("subohmic-mixed-local-s1", U + "subohmic-mixed-local.json",
     {"ohmicity": 1.0}, "limit"),
    ("fermion-ohmic-local-defaults", U + "fermion-ohmic-local.json", {}, "limit"),
    ("fermion-ohmic-local-bias", U + "fermion-ohmic-local.json",
     {"dT": -0.8, "dmu": 3.0, "mubar": 0.0}, "limit"),
    ("fermion-ohmic-local-drive", U + "fermion-ohmic-local.json",
     {"F": 2.0, "Delta": -1.5, "Jz": -0.5}, "limit"),
    ("fermion-ohmic-local-hot", U + "fermion-ohmic-local.json",
     {"Tbar": 2.5, "alpha1": 0.03, "alpha2": 0.18}, "limit"),
    ("complex-y-drive-defaults", U + "complex-y-drive.json", {}, "limit"),
    ("complex-y-drive-detuned", U + "complex-y-drive.json",
     {"Delta1": -1.0, "F": 1.2, "T1": 0.4, "T2": 2.0}, "limit"),
    ("complex-dm-y-bath-defaults", U + "complex-dm-y-bath.json", {}, "limit"),
    ("complex-dm-y-bath-strong-dm", U + "complex-dm-y-bath.json",
     {"D": 1.2, "lambda": 0.5, "F": 1.1, "angle": 1.3, "mu2": -0.8}, "limit"),
    ("complex-dm-y-bath-zero", U + "complex-dm-y-bath.json",
     {"Delta1": -0.7, "T1": 0.5, "T2": 1.8}, "zero"),
    ("complex-common-y-defaults", U + "complex-common-y.json", {}, "limit"),
    ("complex-common-y-dm-coupling", U + "complex-common-y.json",
     {"g1": 0.3, "g2": 1.2, "g3": 0.9, "F": 1.3, "mu2": 1.0}, "limit"),
    ("complex-common-y-cold", U + "complex-common-y.json",
     {"T": 0.4, "T2": 1.5, "Jz": -0.6, "Delta2": 0.8}, "zero"),
]

RNG_SEED = 20261202


def run_case(cid, path, overrides, zero_freq, rng):
    with open(os.path.join(REPO, path)) as fh:
        system = json.load(fh)
    env = point_env(system, overrides)
    H, couplings, spectra, infos, min_spacing = build_operators(system, env, zero_freq)

    Lq, _, _ = qutip_superop(H, couplings, spectra)
    Gc = pauli_generator(lambda rho: apply_superop(Lq, rho))
    imag_max = float(np.max(np.abs(Gc.imag)))
    G = Gc.real.copy()
    row0_max = float(np.max(np.abs(G[0])))

    # the Pauli form reproduces QuTiP's own L on random Hermitian rho
    repro = 0.0
    for _ in range(5):
        d = H.shape[0]
        A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        rho = A @ A.conj().T
        rho /= np.trace(rho)
        lhs = from_pauli_vector(G @ to_pauli_vector(rho))
        repro = max(repro, float(np.max(np.abs(lhs - apply_superop(Lq, rho)))))

    # independent numpy Bloch-Redfield
    Gn = pauli_generator(numpy_bloch_redfield(H, couplings, spectra))
    numpy_diff = float(np.max(np.abs(Gn - Gc)))

    r, kernel_dim, sv = steady_from_generator(G)
    residual = float(np.max(np.abs(G @ r)))
    ev = sorted_eigenvalues(G)
    rho_ss = from_pauli_vector(r)

    case = {
        "id": cid,
        "system": path,
        "params": overrides,
        "model": "bloch-redfield",
        "zero_freq": zero_freq,
        "complex": is_complex_system(system),
        "generator": [float(v) for v in G.ravel()],
        "steady": {"r": [float(v) for v in r], **battery_observables(r)},
        "gap": float(ev[1].real),
        "eigenvalues": [[float(z.real), float(z.imag)] for z in ev],
        "resolved": {k: v for k, v in env.items()},
        "checks": {
            "kernel_dimension": kernel_dim,
            "smallest_nonzero_singular_value": float(sv[-2]),
            "steady_residual_max": residual,
            "steady_min_eigenvalue": float(np.min(np.linalg.eigvalsh(rho_ss))),
            "generator_imag_max": imag_max,
            "row0_max": row0_max,
            "reproduces_qutip_L_max": repro,
            "numpy_vs_qutip_max": numpy_diff,
            "min_level_spacing": min_spacing,
        },
    }
    if system.get("bloch_redfield_coupling") == "transitions":
        case["bloch_redfield_coupling"] = "transitions"
    temps = {i["T"] for i in infos}
    if all(i["statistics"] == "boson" for i in infos) and len(temps) == 1:
        T = temps.pop()
        rg = gibbs(H, T)
        case["checks"]["equilibrium_T"] = T
        case["checks"]["gibbs_trace_distance"] = trace_distance(rho_ss, rg)
        case["checks"]["gibbs_pauli_max_diff"] = float(
            np.max(np.abs(r - to_pauli_vector(rg))))
        case["checks"]["gibbs_generator_residual"] = float(
            np.max(np.abs(G @ to_pauli_vector(rg))))
    return case


def main():
    rng = np.random.default_rng(RNG_SEED)
    cases, degenerate = [], []
    for cid, path, overrides, zero_freq, *flags in CASES:
        case = run_case(cid, path, overrides, zero_freq, rng)
        c = case["checks"]
        line = (f"{cid:40s} eff={case['steady']['efficiency']:.10f} gap={case['gap']:.3e} "
                f"ker={c['kernel_dimension']} imag={c['generator_imag_max']:.1e} "
                f"repro={c['reproduces_qutip_L_max']:.1e} np={c['numpy_vs_qutip_max']:.1e} "
                f"minsp={c['min_level_spacing']:.2e}")
        if "gibbs_trace_distance" in c:
            line += (f" gibbs_td={c['gibbs_trace_distance']:.2e}"
                     f" |G r_gibbs|={c['gibbs_generator_residual']:.1e}")
        print(line)
        expect_degenerate = DEGENERATE in flags
        if (c["kernel_dimension"] != 1) != expect_degenerate:
            raise SystemExit(f"{cid}: kernel dimension {c['kernel_dimension']} unexpected")
        if expect_degenerate:
            # no unique long-time limit: keep the generator, the spectrum (gap ~ 0) and the
            # kernel size; the Gibbs residual shows Gibbs is one of the steady states
            del case["steady"]
            for key in ("steady_residual_max", "steady_min_eigenvalue", "gibbs_trace_distance",
                        "gibbs_pauli_max_diff", "smallest_nonzero_singular_value"):
                c.pop(key, None)
            degenerate.append(case)
        else:
            cases.append(case)

    def worst(key):
        return max(c["checks"][key] for c in cases)

    sign = one_qubit_sign_check()
    public = public_redfield_crosscheck(rng)
    fermion_eq = fermion_equilibrium_check(rng)
    eq = [{"id": c["id"], "T": c["checks"]["equilibrium_T"],
           "gibbs_trace_distance": c["checks"]["gibbs_trace_distance"],
           "gibbs_pauli_max_diff": c["checks"]["gibbs_pauli_max_diff"],
           "coupling": c.get("bloch_redfield_coupling", "full")}
          for c in cases if "gibbs_trace_distance" in c["checks"]]
    meta = {
        "generator": "scripts/reference/qutip_systems.py",
        "command": "/usr/bin/python3 scripts/reference/qutip_systems.py",
        "qutip_version": qutip.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "python_version": sys.version.split()[0],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "conventions": {
            "basis": "{|ee>, |eg>, |ge>, |gg>}, |e> = (1,0), sigma_z|e> = +|e>, "
                     "sigma_y = [[0,-i],[i,0]]; Pauli string letter 1 acts on qubit 1 "
                     "(charger, first tensor factor), letter 2 on qubit 2 (battery)",
            "pauli_vector": "rho = (1/4) sum_ab r_ab sigma_a (x) sigma_b, component 4a+b, "
                            "a,b in (0,x,y,z) = (0,1,2,3), a = qubit 1",
            "generator": "G[i][j] = (1/4) Tr(P_i L(P_j)), row-major 256 numbers; "
                         "dr/dt = G r; row 0 is zero",
            "master_equation": "QuTiP 4.7 bloch_redfield_tensor(H, [[X_k, S_k]], "
                               "use_secular=False, atol=0) (includes -i[H, rho]; no Lamb "
                               "shift), moved from the eigenbasis of its returned ekets to "
                               "the computational basis",
            "spectrum": "S(w) = 2 J(|w|)(1 + n) for w > 0, 2 J(|w|) n for w < 0 (bosons, "
                        "n = 1/(e^(|w|/T) - 1)); fermions 2 J (1 - f) and 2 J f, "
                        "f = 1/(e^((|w| - mu)/T) + 1); J = pi sum g^2 delta: ohmic "
                        "alpha omega_c^(1-s) w^s e^(-w/omega_c), drude-lorentz "
                        "alpha w omega_c^2/(w^2 + omega_c^2)",
            "zero_frequency": "zero_freq 'limit': S(0) = 2 alpha T for Ohmic s = 1 and "
                              "Drude-Lorentz bosons, 0 for s > 1, fermions, T = 0 (s < 1 "
                              "bosons rejected); zero_freq 'zero': S(0) = 0 for every "
                              "reservoir. S(0) enters only through w = 0 exactly "
                              "(diagonal elements; no test point has degenerate levels)",
            "transitions_coupling": "systems with \"bloch_redfield_coupling\": "
                                    "\"transitions\" (wang2023): X_k replaced by L + L^+, L "
                                    "the strictly-lower part of X_k in the eigenbasis of H "
                                    "sorted by descending energy (numpy eigh)",
            "steady": "null vector of G with r_00 = 1 (solve G[1:,1:] x = -G[1:,0]); "
                      "battery = qubit 2: z = r_0z, r_B = (r_0x, r_0y, r_0z); "
                      "E_B/omega = (1+z)/2, ergotropy/omega = (|r_B|+z)/2, "
                      "efficiency = ergotropy/E_B",
            "eigenvalues": "eigenvalues of G as [re, im], sorted by real part descending "
                           "(ties, i.e. conjugate pairs, by imaginary part descending); "
                           "gap = real part of the second",
            "complex": "true where a Pauli string with an odd number of Y letters appears "
                       "in H or a coupling; all other systems are real",
            "resolved": "every parameter and derived name at the point (for debugging)",
        },
        "checks": {
            "generator_imag_max": worst("generator_imag_max"),
            "row0_max": worst("row0_max"),
            "row0_note": "G is stored as computed from QuTiP: row 0 is zero to row0_max, "
                         "not set to exact zeros",
            "reproduces_qutip_L_max": worst("reproduces_qutip_L_max"),
            "numpy_vs_qutip_max": worst("numpy_vs_qutip_max"),
            "steady_residual_max": worst("steady_residual_max"),
            "kernel_dimension": "1 at every entry of cases (singular values < 1e-10 "
                                "sigma_max); degenerate_kernel_cases: "
                                + ", ".join(f"{d['id']} {d['checks']['kernel_dimension']}"
                                            for d in degenerate),
            "smallest_nonzero_singular_value_min": min(
                c["checks"]["smallest_nonzero_singular_value"] for c in cases),
            "min_level_spacing_min": min(c["checks"]["min_level_spacing"] for c in cases),
            "one_qubit_sign": sign,
            "wang2023_vs_public_redfield": public,
            "degenerate_kernel_gibbs_generator_residual_max": max(
                d["checks"].get("gibbs_generator_residual", 0.0) for d in degenerate),
            "equilibrium_gibbs": eq,
            "equilibrium_gibbs_note": "the steady state is Gibbs to rounding (not merely "
                                      "close) at every all-boson, one-temperature case, "
                                      "full or transitions coupling: with no Lamb shift and "
                                      "S(-w) = e^(-w/T) S(w), the dissipator annihilates "
                                      "exp(-H/T) term by term (an identity, not an accident "
                                      "of these points); G r_Gibbs = 0 holds on the "
                                      "degenerate-kernel defaults too",
            "fermion_equilibrium": fermion_eq,
        },
    }
    with open(OUT_JSON, "w") as fh:
        fh.write(to_json({"meta": meta, "cases": cases, "degenerate_kernel_cases": degenerate}))
        fh.write("\n")
    print(json.dumps(meta["checks"], indent=1))
    print(f"wrote {len(cases)} cases and {len(degenerate)} degenerate-kernel cases to "
          f"{os.path.relpath(OUT_JSON, REPO)}")


if __name__ == "__main__":
    main()
