using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>
/// The threshold of a confidence fallback taken from the data: a quantile of a strategy's own uncertainty signal
/// (<see cref="IUncertaintySignal"/>) over the decisions it takes on calibration paths of the nominal market.
/// </summary>
/// <remarks>
/// The calibration runs the strategy alone on <c>episodes</c> episodes of the scenario without its stress events (what a
/// strategy may know of it, <see cref="DecisionContext.StrategyView"/>) and without guards, on the seed
/// <see cref="CalibrationSeed"/> (paths other than the run's own), and records the signal at every decision but the
/// last (where the remainder is sold whatever the signal says). The q-quantile is the order statistic at rank
/// ⌈q·N⌉ of the N recorded values (the lower empirical quantile, Hyndman and Fan 1996, definition 1): a fallback with
/// this threshold fires on at most a fraction 1 − q of ordinary decisions and more often only where the strategy is less
/// sure than it is on the nominal market. Deterministic for a scenario: the values are sorted before the order
/// statistic is read, whatever order the parallel batches recorded them in.
/// </remarks>
public static class UncertaintyCalibration
{
    /// <summary>The seed of the calibration paths of a run on <paramref name="runSeed"/>: a fixed bit pattern XOR the run's
    /// seed, so the calibration never draws the paths the run is scored on.</summary>
    public static long CalibrationSeed(long runSeed) => runSeed ^ 0x0CA1_1B7A_7E00_0001L;

    /// <summary>The <paramref name="quantile"/>-quantile of <paramref name="strategy"/>'s signal on calibration paths of
    /// <paramref name="scenario"/> (see the remarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> outside (0, 1) or <paramref name="episodes"/>
    /// outside [1, <see cref="Scenario.MaxEpisodes"/>].</exception>
    public static double Quantile<T>(T strategy, Scenario scenario, int episodes, double quantile)
        where T : IExecutionStrategy, IUncertaintySignal
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(scenario);
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must be in (0, 1).");
        if (episodes < 1 || episodes > Scenario.MaxEpisodes)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"Calibration episodes must be in [1, {Scenario.MaxEpisodes}].");
        var values = Record(strategy, scenario, episodes);
        values.Sort();
        int rank = Math.Max(1, (int)Math.Ceiling(quantile * values.Count));
        return values.Count == 0 ? 0 : values[rank - 1];
    }

    /// <summary>Every non-final decision's signal on the calibration paths (unsorted).</summary>
    public static List<double> Record<T>(T strategy, Scenario scenario, int episodes)
        where T : IExecutionStrategy, IUncertaintySignal
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(scenario);
        var nominal = DecisionContext.StrategyView(scenario) with
        {
            Episodes = episodes,
            Seed = CalibrationSeed(scenario.Seed),
            Strategies = ["twap"],
            StrategySettings = scenario.StrategySettings with { Guards = null },
        };
        var recorder = new Recorder(strategy);
        BacktestRunner.Run(nominal, new BacktestOptions { ExtraStrategies = [recorder], ReferenceStrategies = false, KeepEpisodes = false });
        return recorder.Values;
    }

    /// <summary>Trades as the strategy does and records its signal at each decision but the last.</summary>
    private sealed class Recorder(IExecutionStrategy inner) : IExecutionStrategy
    {
        private readonly Lock _gate = new();

        public List<double> Values { get; } = [];

        public string Id => "calibration:" + inner.Id;

        public string DisplayName => inner.DisplayName + " (calibration)";

        public bool UsesObservations => true;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            inner.Decide(context, inner.UsesObservations ? observations : [], fractionOfRemaining);
            if (context.IsLastStep) return;
            var u = new double[fractionOfRemaining.Length];
            ((IUncertaintySignal)inner).Uncertainty(context, observations, u);
            lock (_gate) Values.AddRange(u);
        }
    }
}
