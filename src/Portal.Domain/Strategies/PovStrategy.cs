using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>Percentage of volume: trades a fixed share of the market's volume, using only what is known when it decides;
/// what is left at the horizon is force-traded at the last step.</summary>
/// <remarks>
/// The volume of the step about to be traded is unknown until the step ends, so at step k the strategy trades
/// <c>max(0, rate × (V_past + forecast_k) − traded)</c>, i.e. rate × the forecast plus the shortfall (less any lead) against
/// <c>rate × V_past</c>: the forecast is the expected step volume scaled by the last
/// step's realised-to-expected ratio (<see cref="Observation.VolumeRatio"/>, a one-step persistence forecast of the volume
/// surprise), and V_past is the realised market volume of the steps already past (<see cref="Observation.PastMarketVolume"/>),
/// so the order catches up on what the forecast missed; <c>rate × V</c> is the target of a participation order (Kissell and Glantz, 2003,
/// "Optimal Trading Strategies", ch. 6). Overshoots are not sold back: the order only ever trades in its own direction.
/// </remarks>
public sealed class PovStrategy : IProgressStrategy
{
    private readonly double _rate;

    /// <summary>Creates the strategy with a participation rate in (0, 1].</summary>
    public PovStrategy(double rate)
    {
        if (!(rate > 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "Participation rate must be in (0, 1].");
        _rate = rate;
    }

    /// <summary>The participation rate in (0, 1].</summary>
    internal double Rate => _rate;

    /// <inheritdoc />
    public string Id => "pov";

    /// <inheritdoc />
    public string DisplayName => $"POV {_rate * 100:0.#}%";

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        double quantity = context.Quantity;
        double forecastShare = _rate * context.ExpectedStepVolume / quantity;
        for (int e = 0; e < fractionOfRemaining.Length; e++)
        {
            var o = observations[e];
            double remaining = o.RemainingFraction;
            if (!(remaining > 0))
            {
                fractionOfRemaining[e] = 0;
                continue;
            }

            double traded = 1 - remaining;
            double want = Math.Max(0, _rate * o.PastMarketVolume / quantity + forecastShare * o.VolumeRatio - traded);
            fractionOfRemaining[e] = Math.Min(1, want / remaining);
        }
    }

    /// <inheritdoc />
    public void Decide(in DecisionContext context, in OrderProgress progress, Span<double> fractionOfRemaining)
    {
        double quantity = context.Quantity;
        double forecastShare = _rate * context.ExpectedStepVolume / quantity;
        var past = progress.PastMarketVolume;
        var ratio = progress.VolumeRatio;
        for (int e = 0; e < fractionOfRemaining.Length; e++)
        {
            double remaining = progress.RemainingFraction(e);
            if (!(remaining > 0))
            {
                fractionOfRemaining[e] = 0;
                continue;
            }

            double traded = 1 - remaining;
            double want = Math.Max(0, _rate * past[e] / quantity + forecastShare * ratio[e] - traded);
            fractionOfRemaining[e] = Math.Min(1, want / remaining);
        }
    }
}

/// <summary>Registers <see cref="PovStrategy"/> as the <c>pov</c> baseline, at rate <c>strategySettings.povRatePct</c>.</summary>
public sealed class PovBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "pov";

    /// <inheritdoc />
    public override string Name => "POV";

    /// <inheritdoc />
    public override string Description => "A fixed percentage of each step's market volume (strategySettings.povRatePct); the remainder is force-traded at the end.";

    /// <inheritdoc />
    public override int Order => 30;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.PovRatePct];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new PovStrategy(scenario.StrategySettings.PovRatePct / 100.0);
    }
}
