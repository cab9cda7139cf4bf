using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Pegged with catch-up: keeps a limit order pegged to the touch for the TWAP slice and crosses only when it has
/// fallen behind the TWAP schedule by more than <c>strategySettings.catchUpPct</c> of the order.</summary>
public sealed class PeggedBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "pegged";

    /// <inheritdoc />
    public override string Name => "Pegged (catch-up)";

    /// <inheritdoc />
    public override string Description => "Posts the TWAP slice pegged to the touch each step (unfilled orders are cancelled and re-pegged); crosses the whole lag once it exceeds strategySettings.catchUpPct of the order; the rest is crossed at the horizon.";

    /// <inheritdoc />
    public override int Order => 25;

    /// <inheritdoc />
    public override bool PostsLimitOrders => true;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.LimitOffsetBps, StrategyParameter.LimitTtlPct, StrategyParameter.CatchUpPct];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var settings = scenario.StrategySettings;
        return new PeggedStrategy(Id, Name, scenario.Order.Steps, settings.CatchUpPct / 100.0,
            PassiveScheduleBaseline.Plan(settings, ExpiryAction.Cancel));
    }
}

/// <summary>A limit order pegged to the touch for the TWAP schedule's slice, with a catch-up rule.</summary>
/// <remarks>At step k of N, with remaining fraction r (known at the start of the step) and TWAP holdings
/// x_k = 1 − k/N: the child is r − x_(k+1) (what brings the holdings to the schedule's next point); when the lag r − x_k
/// exceeds the tolerance c, the lag is crossed with a market order and only the step's slice x_k − x_(k+1) is posted;
/// otherwise the whole child is posted. Unfilled orders are cancelled at expiry and re-pegged at the next step, so the lag
/// carries forward; the horizon crosses what is left.</remarks>
public sealed class PeggedStrategy : IOrderTypeStrategy
{
    private readonly int _steps;
    private readonly double _tolerance;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1 or <paramref name="tolerance"/> outside [0, 1].</exception>
    public PeggedStrategy(string id, string displayName, int steps, double tolerance, LimitOrderPlan limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one step is needed.");
        if (!(tolerance >= 0 && tolerance <= 1)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The catch-up tolerance must be in [0, 1] of the order.");
        Id = id;
        DisplayName = displayName;
        _steps = steps;
        _tolerance = tolerance;
        Limit = limit;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public LimitOrderPlan Limit { get; }

    private double Holdings(int k) => Math.Max(0, 1 - (double)k / _steps);

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        double next = Holdings(context.Step + 1);
        for (int e = 0; e < fractionOfRemaining.Length; e++)
        {
            double r = observations[e].RemainingFraction;
            fractionOfRemaining[e] = r > 0 ? Math.Clamp((r - next) / r, 0, 1) : 0;
        }
    }

    /// <inheritdoc />
    public void DecidePassiveShare(in DecisionContext context, ReadOnlySpan<Observation> observations, ReadOnlySpan<double> fractionOfRemaining, Span<double> passiveShare)
    {
        double now = Holdings(context.Step);
        for (int e = 0; e < passiveShare.Length; e++)
        {
            double r = observations[e].RemainingFraction;
            double child = fractionOfRemaining[e] * r;
            double lag = r - now;
            passiveShare[e] = child <= 0 ? 1 : lag > _tolerance ? Math.Clamp(1 - lag / child, 0, 1) : 1;
        }
    }
}
