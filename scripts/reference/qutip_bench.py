#!/usr/bin/python3
"""QuTiP 4.7 speed per point, the comparison `qbsweep bench` quotes (issue 20 item 7).

Per point, what a QuTiP user does for a long-time phase diagram: the Bloch-Redfield tensor
(bloch_redfield_tensor(H, [[X_k, S_k]], use_secular=False), the spectra and zero-frequency rule
of scripts/reference/qutip_systems.py), its steady state (qutip.steadystate) and the battery's
efficiency from it (battery_figures of qutip_nqubits.py). Points of a Delta1 x F grid of a
system file, or the points `qbsweep bench` hands over (--points-file), timed one after the other
in one process; prints points/s and the machine.

    /usr/bin/python3 scripts/reference/qutip_bench.py                  # n = 2, 3, 4 systems below
    /usr/bin/python3 scripts/reference/qutip_bench.py --system test/data/systems/n3-charger-two-cells.json --seconds 10 --json
    /usr/bin/python3 scripts/reference/qutip_bench.py --evolve 2        # also mesolve to tau = 20000
    /usr/bin/python3 scripts/reference/qutip_bench.py --points-file - --json < points.json

--json prints one JSON object per system (for `bench` to read); --evolve N also times N points of
QuTiP's time evolution of the same tensor to tau = 20000 (what qbsweep's `tau` outputs are).
--points-file (a path, or - for stdin) holds {"system": a system definition, "zero_freq": "limit"
or "zero", "points": [{parameter: value, ...}, ...]}: every point is timed, none skipped by the
time budget (the caller chose them).
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qutip_systems as qs  # noqa: E402
import qutip_nqubits as nq  # noqa: E402
from qutip_systems import qutip  # noqa: E402
from qutip import Qobj  # noqa: E402

DEFAULT_SYSTEMS = [
    "systems/wang2023.json",                      # n = 2, the paper's system
    "test/data/systems/n3-charger-two-cells.json",  # n = 3, a charger and two cells
    "test/data/systems/n4-central-spin.json",       # n = 4, collective charging of three cells
]


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        if names:
            cpu = names[0]
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "load_average_1min": os.getloadavg()[0],
            "python": platform.python_version(), "qutip": qutip.__version__,
            "numpy": np.__version__}


def grid_points(system, count):
    """Overrides of a Delta1 x F grid (the phase-diagram axes of the charger systems),
    off the resonant line; systems without those names get their defaults."""
    names = system["parameters"]
    side = max(1, int(np.ceil(np.sqrt(count))))
    pts = []
    for d in np.linspace(-2.0, 2.0, side) + 0.013:
        for f in np.linspace(0.2, 2.0, side):
            ov = {}
            if "Delta1" in names:
                ov["Delta1"] = float(d)
            if "F" in names:
                ov["F"] = float(f)
            pts.append(ov)
    return pts[:count]


def one_point(system, n, ov, zero_freq="limit"):
    """Tensor + steady state + efficiency; returns (efficiency, R, ekets, H)."""
    env = qs.point_env(system, ov)
    H, couplings, spectra, _, _ = qs.build_operators(system, env, zero_freq)
    dims = [[2] * n, [2] * n]
    a_ops = [[Qobj(X, dims=dims), S] for X, S in zip(couplings, spectra)]
    R, ekets = qutip.bloch_redfield_tensor(Qobj(H, dims=dims), a_ops, use_secular=False)
    rho_eig = qutip.steadystate(R).full()
    V = np.column_stack([k.full().ravel() for k in ekets])
    rho = V @ rho_eig @ V.conj().T
    battery, HB = nq.battery_of(system, n, env)
    return nq.battery_figures(rho, battery, HB, n)["efficiency"], R, ekets, H


def bench(path, seconds, max_points, evolve, tau, given=None):
    """Times a system file's grid_points within `seconds`, or every point of `given` (the
    contents of a --points-file) whatever the time."""
    if given is None:
        system, n = nq.load_system(path)
        pts, zero_freq = grid_points(system, max_points), "limit"
    else:
        system, n = given["system"], qs.qubit_count(given["system"])
        pts, zero_freq, seconds = given["points"], given.get("zero_freq", "limit"), float("inf")
    one_point(system, n, pts[0], zero_freq)  # warm-up (imports, caches)
    done, t0, c0 = 0, time.perf_counter(), time.process_time()
    for ov in pts:
        one_point(system, n, ov, zero_freq)
        done += 1
        if time.perf_counter() - t0 >= seconds:
            break
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    # the machine may be shared: points per CPU second of this process is the steadier figure
    out = {"system": path, "qubits": n, "points": done, "seconds": elapsed,
           "points_per_s": done / elapsed, "cpu_seconds": cpu, "points_per_cpu_s": done / cpu,
           "what": "bloch_redfield_tensor(use_secular=False) + steadystate + efficiency per point"}
    if evolve:
        dims = [[2] * n, [2] * n]
        rho0 = Qobj(np.diag([0.0] * (2 ** n - 1) + [1.0]).astype(complex), dims=dims)
        t1, c1 = time.perf_counter(), time.process_time()
        for ov in pts[:evolve]:
            _, R, ekets, _ = one_point(system, n, ov)
            # the all-|g> state in the eigenbasis, evolved by the tensor to tau
            V = np.column_stack([k.full().ravel() for k in ekets])
            r0 = Qobj(V.conj().T @ rho0.full() @ V, dims=dims)
            qutip.mesolve(R, r0, [0.0, tau], [], [], options=qutip.Options(nsteps=10 ** 9))
        t_ev, c_ev = time.perf_counter() - t1, time.process_time() - c1
        out["evolve"] = {"points": evolve, "tau": tau, "seconds": t_ev, "points_per_s": evolve / t_ev,
                         "points_per_cpu_s": evolve / c_ev,
                         "what": "the same + mesolve(R, rho0, [0, tau]) (QuTiP's default adams, "
                                 "atol 1e-8, rtol 1e-6; nsteps 1e9)"}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--system", action="append", help="system file (repeatable); default: n = 2, 3, 4")
    ap.add_argument("--seconds", type=float, default=5.0, help="time budget per system (default 5)")
    ap.add_argument("--points", type=int, default=400, help="at most this many points (default 400)")
    ap.add_argument("--evolve", type=int, default=0, help="also time N points of mesolve to tau")
    ap.add_argument("--tau", type=float, default=20000.0)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--points-file", help="JSON of a system and its points to time (- : stdin)")
    a = ap.parse_args()
    if not qutip.__version__.startswith("4.7"):
        sys.exit(f"qutip_bench.py: needs QuTiP 4.7 (its bloch_redfield_tensor), found {qutip.__version__}")
    m = machine()
    if a.points_file:
        with (sys.stdin if a.points_file == "-" else open(a.points_file)) as fh:
            given = json.load(fh)
        r = bench(given["system"]["name"], a.seconds, a.points, a.evolve, a.tau, given)
        print(json.dumps({**r, "machine": m}) if a.json else
              f"n = {r['qubits']} {r['system']}: {r['points_per_s']:.2f} points/s ({r['points']} points)")
        return
    if not a.json:
        print(f"machine: {m['cpu']}, {m['cores']} cores, load {m['load_average_1min']:.2f}; "
              f"QuTiP {m['qutip']}, numpy {m['numpy']}, Python {m['python']}")
    for path in a.system or DEFAULT_SYSTEMS:
        r = bench(path, a.seconds, a.points, a.evolve, a.tau)
        if a.json:
            print(json.dumps({**r, "machine": m}))
            continue
        line = (f"n = {r['qubits']} {path}: {r['points_per_s']:.2f} points/s, "
                f"{r['points_per_cpu_s']:.2f} per CPU second ({r['points']} points in "
                f"{r['seconds']:.2f} s; tensor + steady state)")
        if "evolve" in r:
            line += (f"; to tau = {a.tau:g}: {r['evolve']['points_per_s']:.3f} points/s, "
                     f"{r['evolve']['points_per_cpu_s']:.3f} per CPU second")
        print(line)


if __name__ == "__main__":
    main()
