using Portal.Domain.Backtesting;
using Portal.Domain.Benchmarks;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Strategies;

public class ProgressStrategyTests
{
    /// <summary>The same strategy seen only through <see cref="IExecutionStrategy"/>: the runner builds observations for it.</summary>
    private sealed class ThroughObservations(IExecutionStrategy inner) : IExecutionStrategy
    {
        public string Id => inner.Id + "-observed";

        public string DisplayName => inner.DisplayName + " (observed)";

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
            inner.Decide(context, observations, fractionOfRemaining);
    }

    [Theory]
    [InlineData("pov")]
    [InlineData("random")]
    public void Deciding_from_the_book_arrays_trades_exactly_as_deciding_from_observations(string id)
    {
        // Transient impact and stochastic liquidity: books leave the uniform path and episodes differ at every step.
        var scenario = SimulationBenchmark.AdaptiveScenario(1300, 30) with { Strategies = [id] };
        var inner = StrategyCatalog.Create(id, scenario);
        Assert.IsAssignableFrom<IProgressStrategy>(inner);
        var result = BacktestRunner.Run(scenario, new BacktestOptions { ExtraStrategies = [new ThroughObservations(inner)], ReferenceStrategies = false });

        var direct = result.Strategies.Single(s => s.StrategyId == id);
        var observed = result.Strategies.Single(s => s.StrategyId == id + "-observed");
        Assert.True(direct.Summary.StdBps > 0, "episodes should differ");
        Assert.Equal(direct.Episodes.Count, observed.Episodes.Count);
        for (int e = 0; e < direct.Episodes.Count; e++)
        {
            Assert.Equal(direct.Episodes[e], observed.Episodes[e]);
        }

        Assert.Equal(direct.Summary with { VsTwap = null }, observed.Summary with { VsTwap = null });
        Assert.Equal(direct.MeanParticipation, observed.MeanParticipation);
        Assert.Equal(direct.MeanInventoryFraction, observed.MeanInventoryFraction);
    }
}
