using Portal.Domain.Simulation;

namespace Portal.Domain.QualityDiversity;

/// <summary>Routes each episode at each step to the specialist of the niche it believes the market is in.</summary>
/// <remarks>
/// <para>The belief is read from the observation at the start of step k alone, i.e. from past market data: the
/// realised volatility (an exponential average of the squared standardised increments of the unaffected mid over the steps
/// already traded, divided by the scenario's nominal volatility) and the liquidity level shown at the start of the step
/// (the state behind the volumes of the steps already traded). The niche is the grid cell holding (realised volatility,
/// liquidity) (<see cref="NicheGrid.Locate"/>). The scenario in the decision context carries no events, so the hidden
/// regime's multipliers are never read; at step 0, before any increment is seen, the realised volatility is 1 (the nominal
/// level). The router keeps no state between calls, so it is safe in parallel runs and obeys the look-ahead contract
/// whenever its inputs do.</para>
/// <para>This is the "regime router" of MAP-Elites execution specialists: the archive's elites are its specialists
/// (Mouret and Clune, 2015), a niche left empty falls back to the generalist.</para>
/// </remarks>
public sealed class RegimeRouter : IExecutionStrategy
{
    private readonly NicheGrid _grid;
    private readonly double[][] _specialists;

    /// <summary>Creates a router over <paramref name="specialists"/> (one per niche, null for an empty niche).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The specialists are not one per niche, or all missing with no fallback.</exception>
    public RegimeRouter(string id, NicheGrid grid, IReadOnlyList<double[]?> specialists, double[]? fallback)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(specialists);
        if (specialists.Count != grid.Count)
            throw new ArgumentOutOfRangeException(nameof(specialists), specialists.Count, $"Need one specialist per niche ({grid.Count}).");
        var fb = fallback ?? specialists.FirstOrDefault(s => s is not null)
            ?? throw new ArgumentOutOfRangeException(nameof(specialists), specialists.Count, "Need at least one specialist or a fallback.");
        _grid = grid;
        _specialists = [.. specialists.Select(s => s ?? fb)];
        foreach (var s in _specialists)
        {
            if (s.Length != LinearPolicy.ParameterCount)
                throw new ArgumentOutOfRangeException(nameof(specialists), s.Length, $"A specialist has {LinearPolicy.ParameterCount} parameters.");
        }

        Id = id;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName => "Regime router";

    /// <summary>The niche the router believes an observation comes from.</summary>
    public static int Believe(NicheGrid grid, in Observation o)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return grid.Locate(o.RealizedVolatility, o.Liquidity);
    }

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        double spread = context.Scenario.Market.Spread.MeanBps;
        int left = context.Steps - context.Step;
        for (int e = 0; e < observations.Length; e++)
        {
            int niche = Believe(_grid, observations[e]);
            fractionOfRemaining[e] = LinearPolicy.Fraction(_specialists[niche], observations[e], spread, left);
        }
    }
}
