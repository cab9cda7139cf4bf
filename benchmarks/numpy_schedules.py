#!/usr/bin/python3
"""Vectorised numpy port of the `schedules-ac` benchmark workload of `Portal.Jobs bench`.

The same model and the same work as the engine's schedule workload: arithmetic Brownian mid, Almgren-Chriss linear
temporary and permanent impact (Almgren and Chriss, 2000, eq. 2 and 3: per share at step k the child pays
d(S_k - S0) + gamma*(shares traded before k) + eta/tau*n_k + spread/2), log-normal volume noise around the expected
U-shaped profile, six deterministic schedules on common random numbers, and per strategy the summary the engine reports:
mean, standard deviation, 5/50/95th percentiles and 95% CVaR of the cost in bps, a paired difference to TWAP, mean
participation per step, maximum participation and the VWAP term. Episodes run in chunks of 2-D arrays (episodes x steps):
two normal draws per episode-step (price, volume), a cumulative sum for the price path and matrix products for the costs.

The model's parameters come from a JSON file the C# bench writes (`bench --numpy`), so both sides run exactly the same
workload. Usage: /usr/bin/python3 benchmarks/numpy_schedules.py SPEC.json REPETITIONS
Prints one line per repetition: `wall_seconds cpu_seconds checksum`. Needs Debian's python3-numpy.
"""
import json
import sys
import time

import numpy as np


def run(spec, chunk=10_000):
    episodes = spec["episodes"]
    steps = spec["steps"]
    q = np.asarray(spec["childQuantities"], dtype=np.float64)  # strategies x steps: shares traded at each step
    expected = np.asarray(spec["expectedVolume"], dtype=np.float64)
    sign, s0 = spec["sign"], spec["s0"]
    sigma_step = spec["sigmaAbs"] * np.sqrt(spec["tau"])
    noise = spec["volumeNoise"]
    eta_tau, gamma, half_spread = spec["etaOverTau"], spec["gamma"], spec["halfSpread"]
    notional = spec["arrivalNotional"]
    strategies = q.shape[0]

    # Deterministic parts of every schedule's cost: permanent impact of the shares sold before each step, temporary
    # impact and half spread (same on every path, so computed once).
    sold_before = np.cumsum(q, axis=1) - q
    fixed = (q * (gamma * sold_before + eta_tau * q + half_spread)).sum(axis=1)
    impact_before = gamma * sold_before  # strategies x steps: our permanent displacement at each step

    rng = np.random.default_rng(spec["seed"])
    cost = np.empty((strategies, episodes))
    participation = np.zeros((strategies, steps))
    max_participation = np.zeros(strategies)
    vwap_term = np.empty((strategies, episodes))
    for first in range(0, episodes, chunk):
        n = min(chunk, episodes - first)
        z_price = rng.standard_normal((n, steps))
        z_volume = rng.standard_normal((n, steps))
        # The adverse move d(S_k - S0) seen at step k: the sum of the increments of the steps before it.
        move = np.empty((n, steps))
        move[:, 0] = 0
        np.cumsum(sign * sigma_step * z_price[:, :-1], axis=1, out=move[:, 1:])
        volume = expected * np.exp(noise * z_volume - 0.5 * noise * noise)
        inverse = 1.0 / volume
        cost[:, first:first + n] = (move @ q.T).T + fixed[:, None]
        participation += q * inverse.sum(axis=0)
        # Largest child over its step's volume: the largest inverse volume of each step times that step's child.
        max_participation = np.maximum(max_participation, (q * inverse.max(axis=0)).max(axis=1))
        volume_sum = volume.sum(axis=1)
        vwap_term[:, first:first + n] = ((volume * move).sum(axis=1)[None, :] + (volume @ impact_before.T).T) / volume_sum

    cost_bps = cost * (1e4 / notional)
    summary = []
    twap = cost_bps[0]
    for j in range(strategies):
        c = cost_bps[j]
        ordered = np.sort(c)
        p5, p50, p95 = np.percentile(ordered, [5, 50, 95])
        tail = ordered[int(np.floor(0.95 * episodes)):]
        d = c - twap
        summary.append((c.mean(), c.std(ddof=1), p5, p50, p95, tail.mean(), d.mean(), d.std(ddof=1) / np.sqrt(episodes),
                        participation[j].mean() / episodes, max_participation[j], vwap_term[j].mean()))
    return float(np.sum(summary))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: numpy_schedules.py SPEC.json REPETITIONS")
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    repetitions = int(sys.argv[2])
    for _ in range(repetitions):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        checksum = run(spec)
        print(f"{time.perf_counter() - wall0:.6f} {time.process_time() - cpu0:.6f} {checksum:.6g}", flush=True)


if __name__ == "__main__":
    main()
