using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>A deterministic schedule given by target holdings x_0 = X, …, x_N = 0: at step k it trades
/// <c>(x_k − x_(k+1))/x_k</c> of what remains, so it follows the holdings exactly when nothing constrains it.</summary>
public sealed class ScheduleStrategy : IExecutionStrategy
{
    private readonly double[] _fractions;

    /// <summary>Creates the schedule from target holdings (any positive scale; the last must be 0).</summary>
    public ScheduleStrategy(string id, string displayName, ReadOnlySpan<double> holdings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (holdings.Length < 2) throw new ArgumentException($"Need at least 2 holdings points, got {holdings.Length}.", nameof(holdings));
        Id = id;
        DisplayName = displayName;
        HoldingsFraction = new double[holdings.Length];
        _fractions = new double[holdings.Length - 1];
        for (int k = 0; k < holdings.Length; k++) HoldingsFraction[k] = holdings[k] / holdings[0];
        for (int k = 0; k < _fractions.Length; k++)
        {
            double x = holdings[k];
            _fractions[k] = x > 0 ? Math.Clamp((x - holdings[k + 1]) / x, 0, 1) : 1;
        }

        _fractions[^1] = 1;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>Target holdings as fractions of the order, Steps + 1 points from 1 to 0.</summary>
    public double[] HoldingsFraction { get; }

    /// <inheritdoc />
    public bool UsesObservations => false;

    /// <summary>What was found wrong with the scenario while building the schedule (e.g. that its parameters admit price
    /// manipulation); a run reports them.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Holdings of a schedule that sells 1/<paramref name="steps"/> of the order at each of the first
    /// <paramref name="steps"/> of <paramref name="n"/> steps: <c>x_k = max(0, 1 − k/steps)</c>, k = 0…n.</summary>
    public static double[] LinearHoldings(int n, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var x = new double[n + 1];
        for (int k = 0; k <= n; k++) x[k] = Math.Max(0, 1 - (double)k / steps);
        return x;
    }

    /// <summary>The fraction of the remaining quantity traded at <paramref name="step"/> (what <see cref="Decide"/> fills).</summary>
    public double FractionAt(int step) => _fractions[Math.Clamp(step, 0, _fractions.Length - 1)];

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        fractionOfRemaining.Fill(FractionAt(context.Step));
    }
}
