using Portal.Domain.Backtesting;
using Portal.Domain.Benchmarks;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Simulation;

/// <summary>The execution book's fast paths (a schedule traded without per-episode fractions, shortfalls read per batch)
/// give exactly what the general paths give.</summary>
public class ExecutionBookTests
{
    private const int Episodes = 37;

    private static Scenario Schedules(int steps = 20) => ScenarioPresets.Demo() with
    {
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 390, Steps = steps },
        Costs = new CostSpec { FeeBps = 1.5 },
        Strategies = ["twap", "ac"],
    };

    private static long[] EpisodeIndices() => [.. Enumerable.Range(100, Episodes).Select(i => (long)i)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_schedule_traded_directly_matches_decide_then_apply_bit_for_bit(bool deferred)
    {
        var s = Schedules();
        var model = new MarketModel(s);
        var market = new MarketBlock(model, Episodes, keepHistory: deferred);
        var direct = new ExecutionBook(model, Episodes) { DeferUniform = deferred };
        var general = new ExecutionBook(model, Episodes) { DeferUniform = deferred };
        var schedule = (ScheduleStrategy)StrategyCatalog.Create("ac", s);
        market.Reset(s.Seed, EpisodeIndices());
        direct.Reset(Episodes);
        general.Reset(Episodes);
        var fractions = new double[Episodes];
        for (int k = 0; k < model.Steps; k++)
        {
            Assert.True(direct.TryApplyUniform(market, schedule.FractionAt(k)));
            var ctx = new DecisionContext { Scenario = s, Seed = s.Seed, Step = k, Steps = model.Steps, Quantity = model.Quantity, ExpectedStepVolume = model.ExpectedVolume[k] };
            schedule.Decide(ctx, default, fractions);
            general.Apply(market, fractions);
            market.Advance();
        }

        direct.Flush(market);
        general.Flush(market);
        Assert.Equal(0, direct.UniformRemaining);
        for (int e = 0; e < Episodes; e++)
        {
            Assert.Equal(general.ShortfallCurrency(e), direct.ShortfallCurrency(e));
            Assert.Equal(general.MaxParticipationOf(e), direct.MaxParticipationOf(e));
            Assert.Equal(general.ForcedOf(e), direct.ForcedOf(e));
        }

        Assert.True(direct.ShortfallCurrency(0) != direct.ShortfallCurrency(1), "episodes see different paths");
    }

    [Fact]
    public void A_participation_cap_refuses_the_direct_path_and_leaves_the_book_untouched()
    {
        var s = Schedules() with { Constraints = new ConstraintSpec { MaxParticipationPct = 10 } };
        var model = new MarketModel(s);
        var market = new MarketBlock(model, Episodes);
        var book = new ExecutionBook(model, Episodes);
        market.Reset(s.Seed, EpisodeIndices());
        book.Reset(Episodes);
        Assert.False(book.TryApplyUniform(market, 0.5));
        Assert.False(new ExecutionBook(model, Episodes).TryApplyUniform(market, double.NaN));
        Assert.True(book.IsUniform);
        Assert.Equal(model.Quantity, book.UniformRemaining);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Shortfalls_read_per_batch_equal_those_read_per_episode(bool perEpisodeFractions)
    {
        // With a held cap some episodes end unfilled and pay an opportunity cost; fees are non-zero.
        var s = Schedules() with { Constraints = new ConstraintSpec { MaxParticipationPct = 3, AtHorizon = HorizonRule.HoldCap } };
        if (!perEpisodeFractions) s = Schedules();
        var model = new MarketModel(s);
        var market = new MarketBlock(model, Episodes);
        var book = new ExecutionBook(model, Episodes);
        market.Reset(s.Seed, EpisodeIndices());
        book.Reset(Episodes);
        var fractions = new double[Episodes];
        for (int k = 0; k < model.Steps; k++)
        {
            for (int e = 0; e < Episodes; e++) fractions[e] = perEpisodeFractions ? RandomStream.CounterUniform(3, e, k, 0) * 0.3 : 0.1;
            book.Apply(market, fractions);
            market.Advance();
        }

        book.Close(market);
        Assert.Equal(!perEpisodeFractions, book.IsUniform);
        var batch = new double[Episodes];
        book.ShortfallCurrency(batch);
        for (int e = 0; e < Episodes; e++) Assert.Equal(book.ShortfallCurrency(e), batch[e]);
        Assert.Equal(Enumerable.Range(0, Episodes).Max(book.MaxParticipationOf), book.MaxParticipationOfBatch());
        if (perEpisodeFractions) Assert.Contains(Enumerable.Range(0, Episodes), e => book.OpportunityOf(e) != 0);
    }

    [Fact]
    public void The_numpy_ports_schedules_sell_the_whole_order_as_the_engine_does()
    {
        var spec = SimulationBenchmark.ScheduleSpec(1000, 50);
        var model = new MarketModel(SimulationBenchmark.ScheduleScenario(1000, 50));
        Assert.Equal(6, spec.ChildQuantities.Length);
        Assert.Equal(50, spec.ExpectedVolume.Length);
        foreach (var children in spec.ChildQuantities)
        {
            Assert.Equal(50, children.Length);
            Assert.All(children, q => Assert.True(q >= 0));
            Assert.Equal(model.Quantity, children.Sum(), 1e-9 * model.Quantity);
        }

        // TWAP sells the same child at every step.
        Assert.All(spec.ChildQuantities[0], q => Assert.Equal(model.Quantity / 50, q, 1e-9 * model.Quantity));
    }
}
