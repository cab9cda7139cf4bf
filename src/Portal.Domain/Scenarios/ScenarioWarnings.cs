using System.Globalization;

namespace Portal.Domain.Scenarios;

/// <summary>A scenario that is valid but whose parameters a desk should look at twice.</summary>
/// <param name="Field">JSON path of the parameter, e.g. <c>market.impact.kernelExponent</c>.</param>
/// <param name="Message">What is wrong and why, naming the parameters and the source.</param>
public sealed record ScenarioWarning(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Warnings about a valid scenario: parameters that run, but admit price manipulation.</summary>
/// <remarks>Gatheral (2010), "No-dynamic-arbitrage and market impact", Quant. Finance 10(7): in a propagator model with
/// instantaneous impact f(v) ∝ v^δ, a power-law kernel G(t) ∝ t^(−γ) is free of dynamic arbitrage only when δ + γ ≥ 1
/// (section 5), and an exponential kernel only when f is linear (section 4): with δ &lt; 1 a round trip can have negative
/// expected cost, so an optimiser or a learning agent may "win" by manipulating the simulated price.</remarks>
public static class ScenarioWarnings
{
    /// <summary>The warnings of <paramref name="scenario"/> (empty when none, or when the scenario has no impact model).</summary>
    public static IReadOnlyList<ScenarioWarning> For(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var list = new List<ScenarioWarning>();
        var i = scenario.Market?.Impact;
        if (i is null || scenario.Replay is not null) return list;
        var c = CultureInfo.InvariantCulture;
        switch (i)
        {
            case SquareRootImpactSpec sr when sr.Kernel == PropagatorKernels.PowerLaw && sr.Delta + sr.KernelExponent < 1:
                list.Add(new("market.impact.kernelExponent", string.Create(c,
                    $"δ + γ = {sr.Delta:G4} + {sr.KernelExponent:G4} < 1: a power-law kernel t^(−γ) with instantaneous impact (v/V)^δ admits price manipulation (Gatheral 2010 needs δ + γ ≥ 1).")));
                break;
            case SquareRootImpactSpec sr when sr.Kernel == PropagatorKernels.Exponential && sr.Delta != 1:
                list.Add(new("market.impact.kernel", string.Create(c,
                    $"an exponential kernel with δ = {sr.Delta:G4} ≠ 1 admits price manipulation (Gatheral 2010: exponential decay is consistent only with linear instantaneous impact).")));
                break;
            case TransientImpactSpec tr when tr.Beta != 1 && tr.G0 > 0 && tr.Gamma > 0:
                list.Add(new("market.impact.beta", string.Create(c,
                    $"the transient model's exponential kernel with β = {tr.Beta:G4} ≠ 1 admits price manipulation (Gatheral 2010: exponential decay is consistent only with linear instantaneous impact).")));
                break;
        }

        return list;
    }
}
