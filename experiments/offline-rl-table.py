"""Table of the offline-RL runs (experiments/run-offline-rl.sh) and the Almgren–Chriss closed form of the same world.

Usage: python3 experiments/offline-rl-table.py [experiments/out/offline-rl]
Proceeds of the sale = X0*S0*(1 - IS/1e4) with X0*S0 = 100,000 (X0 = 1000, S0 = 100). The closed form (Almgren and
Chriss 2000, eq. 16-18 with eps = 0): E = gamma*X^2/2 + (eta - gamma*tau/2)/tau * sum n_k^2, V = sigma^2*tau*sum x_k^2.
"""
import json
import math
import pathlib
import sys

X, S0, SIGMA, T, N, ETA, GAMMA = 1000.0, 100.0, 2.0, 20.0, 20, 0.01, 0.001
TAU = T / N
ETA_T = ETA - 0.5 * GAMMA * TAU


def schedule(lam):
    if lam == 0:
        return [X * (1 - k / N) for k in range(N + 1)]
    kappa = math.acosh(1 + lam * SIGMA ** 2 / ETA_T * TAU ** 2 / 2) / TAU
    return [X * math.sinh(kappa * (T - k * TAU)) / math.sinh(kappa * T) for k in range(N + 1)]


def moments(x):
    n = [x[k] - x[k + 1] for k in range(N)]
    e = 0.5 * GAMMA * X ** 2 + ETA_T / TAU * sum(v * v for v in n)
    v = SIGMA ** 2 * TAU * sum(x[k] ** 2 for k in range(1, N + 1))
    return e, math.sqrt(v), x[0] - x[1]


print("closed form | expected cost $ | sd of cost $ | expected proceeds $ | first child | sd of a 100-episode mean $")
for name, lam in [("TWAP", 0), ("AC, lambda = 5e-6 per $", 5e-6), ("AC, lambda = 0.5 per $ (literal)", 0.5)]:
    e, sd, first = moments(schedule(lam))
    print(f"{name} | {e:,.1f} | {sd:,.1f} | {X * S0 - e:,.1f} | {first:,.1f} | {sd / 10:,.1f}")
print(f"any policy, static or adaptive | >= {0.5 * GAMMA * X ** 2 + ETA_T * X ** 2 / T:,.1f} | | <= {X * S0 - 0.5 * GAMMA * X ** 2 - ETA_T * X ** 2 / T:,.1f} | |")

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "experiments/out/offline-rl")
print()
print("data | agent | seed | agent IS bps | agent proceeds | behaviour IS bps | behaviour proceeds | TWAP objective bps | "
      "agent objective bps | agent - behaviour objective [95% CI] | agent - optimum objective [95% CI]")
for data in ["twap", "noisy-twap"]:
    for agent in ["bcq", "td3bc", "td3bc-fraction"]:
        path = root / data / agent / "summary.json"
        if not path.exists():
            continue
        s = json.loads(path.read_text())
        for a in s["agents"]:
            e = a["evaluation"]
            vb, rg = e["vsBehaviour"], e["regretVsOptimum"]
            print(f'{data} | {agent} | {a["seed"]} | {e["meanShortfallBps"]:.2f} | {1e5 * (1 - e["meanShortfallBps"] / 1e4):,.0f} | '
                  f'{e["behaviourShortfallBps"]:.2f} | {1e5 * (1 - e["behaviourShortfallBps"] / 1e4):,.0f} | {e["twapObjectiveBps"]:.2f} | '
                  f'{e["meanObjectiveBps"]:.2f} | {vb["meanBps"]:.2f} [{vb["ciLowBps"]:.2f}, {vb["ciHighBps"]:.2f}] | '
                  f'{rg["meanBps"]:.2f} [{rg["ciLowBps"]:.2f}, {rg["ciHighBps"]:.2f}]')
