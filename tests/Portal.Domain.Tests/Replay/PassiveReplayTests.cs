using Portal.Domain.Backtesting;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Tests.LookAhead;

namespace Portal.Domain.Tests.Replay;

/// <summary>Strategies posting limit orders on a replayed book: they finish the order, fill part of it passively, and
/// earn the spread on what they fill.</summary>
public class PassiveReplayTests
{
    [Theory]
    [InlineData(CancellationModel.Proportional)]
    [InlineData(CancellationModel.FromBack)]
    public void Passive_strategies_finish_fill_part_passively_and_capture_the_spread_on_a_replayed_book(CancellationModel model)
    {
        var scenario = new Scenario
        {
            Name = "passive replay",
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1, HorizonMinutes = 30, Steps = 6 },
            Market = new MarketSpec { DailyVolatility = 0.015 },
            Episodes = 4,
            Seed = 3,
            Strategies = ["twap", "twap-passive", "pegged"],
        };
        var options = new ReplayOptions { Adv = 2_000_000, Cancellations = model };
        var result = ReplayRunner.Run(scenario, LookAheadRecordings.Make(), options, new BacktestOptions());

        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        Assert.Equal(0, twap.Orders.PassiveShare);
        foreach (var r in result.Strategies.Where(r => r.StrategyId is "twap-passive" or "pegged"))
        {
            Assert.Equal(1, r.Orders.FillRate, 12);
            Assert.All(r.MeanInventoryFraction.TakeLast(1), x => Assert.Equal(0, x, 9));
            Assert.InRange(r.Orders.PassiveShare, 1e-6, 1);
            Assert.NotNull(r.Orders.PostedFillRatio);
            // A fill at the touch earns at least half the spread against the mid of the decision (one tick here).
            Assert.True(r.Orders.SpreadCapturedBps > 0, $"{r.StrategyId}: {r.Orders.SpreadCapturedBps}");
            Assert.NotNull(r.Orders.Markout1sBps);
            Assert.NotNull(r.Orders.Markout60sBps);

            // Intervals are clustered by market window, as the shortfall's: the same units, the same kind.
            var ci = r.Orders.Intervals!;
            Assert.Equal(UnitKinds.Window, ci.UnitKind);
            Assert.Equal(r.Summary.IndependentUnits, ci.IndependentUnits);
            Assert.Equal(result.IndependentUnits, ci.IndependentUnits);
            Assert.Equal(new ConfidenceBounds(1, 1), ci.FillRate);
            foreach (var (point, bounds) in new[]
            {
                (r.Orders.PassiveShare, ci.PassiveShare), (r.Orders.SpreadCapturedBps!.Value, ci.SpreadCapturedBps),
                (r.Orders.MarkoutBps!.Value, ci.MarkoutBps), (r.Orders.Markout1sBps!.Value, ci.Markout1sBps),
                (r.Orders.Markout10sBps!.Value, ci.Markout10sBps), (r.Orders.Markout60sBps!.Value, ci.Markout60sBps),
            })
            {
                Assert.NotNull(bounds);
                Assert.Equal(point, (bounds.Low + bounds.High) / 2, 9);
                Assert.True(bounds.Low <= point && point <= bounds.High);
            }
        }
        Assert.Equal(UnitKinds.Window, twap.Orders.Intervals!.UnitKind);
        Assert.Equal(new ConfidenceBounds(0, 0), twap.Orders.Intervals.PassiveShare);
    }
}
