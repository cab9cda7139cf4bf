using Portal.Agents.Environment;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>
/// What every <see cref="IExecutionMarket"/> promises, checked on each implementation: the Almgren–Chriss world, the
/// simulator over a scenario and the replay of a recorded dataset.
/// </summary>
public sealed class MarketContractTests
{
    public static TheoryData<string> Markets => ["almgren-chriss", "scenario", "replay"];

    private static IExecutionMarket Create(string kind, int batchSize) => kind switch
    {
        "almgren-chriss" => new AlmgrenChrissMarket(TestMarkets.Desk(3e-6) with { MaxParticipation = 0.05 }, batchSize),
        "scenario" => new ScenarioMarket(
            ScenarioPresets.Demo() with
            {
                Order = ScenarioPresets.Demo().Order with { Steps = 6 },
                Constraints = new ConstraintSpec { MaxParticipationPct = 25 },
            },
            batchSize, riskAversion: 1e-6),
        "replay" => new ReplayMarket(TestMarkets.AmznReplay(), TestMarkets.Amzn, new ReplayOptions { Segment = ReplaySegment.Train }, batchSize, riskAversion: 1e-5),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown market."),
    };

    [Theory]
    [MemberData(nameof(Markets))]
    public void Shaped_rewards_sum_exactly_to_minus_the_objective_and_the_unrealised_cost_vanishes_at_both_ends(string kind)
    {
        const int n = 32;
        var market = Create(kind, n);
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
        env.Reset(5);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, market.UnrealisedCostBps(i));
        }

        var sums = new double[n];
        var fractions = new double[n];
        var random = new Random(3);
        bool unrealisedMoved = false;
        while (!env.Done)
        {
            for (int i = 0; i < n; i++)
            {
                fractions[i] = random.NextDouble() * 0.5;
            }

            env.Step(fractions);
            for (int i = 0; i < n; i++)
            {
                sums[i] += env.Rewards[i];
                unrealisedMoved |= !env.Done && market.UnrealisedCostBps(i) != 0;
            }
        }

        Assert.True(unrealisedMoved, "the mark-to-market of the remainder should move during the episode");
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, market.UnrealisedCostBps(i));
            Assert.Equal(-env.EpisodeObjectiveBps[i], sums[i], 8);
            Assert.True(env.EpisodeObjectiveBps[i] > env.EpisodeShortfallBps[i], "a risk-averse reward adds a positive penalty");
        }
    }

    [Theory]
    [MemberData(nameof(Markets))]
    public void Same_seed_gives_the_same_paths_and_each_group_of_episodes_shares_one(string kind)
    {
        const int n = 8;
        var a = Create(kind, n);
        var b = Create(kind, n);
        a.Reset(11, episodesPerPath: 4);
        b.Reset(11, episodesPerPath: 4);
        var twap = new double[n];
        var costA = new double[n];
        var costB = new double[n];
        var penalty = new double[n];
        var sameGroup = true;
        var otherGroupDiffers = false;
        while (a.StepIndex < a.Steps)
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(a.Observe(i), b.Observe(i));
            }

            sameGroup &= a.Observe(0) == a.Observe(3) && a.Observe(4) == a.Observe(7);
            otherGroupDiffers |= a.Observe(0).PriceMoveSigmas != a.Observe(4).PriceMoveSigmas;
            Array.Fill(twap, 1.0 / (a.Steps - a.StepIndex));
            a.Step(twap, costA, penalty);
            b.Step(twap, costB, penalty);
            Assert.Equal(costA, costB);
            Assert.Equal(costA[0], costA[3]);
        }

        Assert.True(sameGroup, "episodes of one group replay one path");
        Assert.True(otherGroupDiffers, "the two groups should see different paths");
    }

    [Theory]
    [MemberData(nameof(Markets))]
    public void Garbage_fractions_become_legal_trades_and_the_order_completes_at_the_forced_last_step(string kind)
    {
        var market = Create(kind, 5);
        market.Reset(2);
        var cost = new double[5];
        var penalty = new double[5];
        var traded = new double[5];
        bool capBound = false;
        while (market.StepIndex < market.Steps)
        {
            int k = market.StepIndex;
            var before = Enumerable.Range(0, 5).Select(i => market.Observe(i)).ToArray();
            var mask = Enumerable.Range(0, 5).Select(market.MaxFractionOfRemaining).ToArray();
            market.Step([double.NaN, -3, 7, double.PositiveInfinity, 0.3], cost, penalty);
            Assert.Equal(k == market.Steps - 1, market.LastStepWasForced);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal((double)k / market.Steps, before[i].TimeFraction, 12);
                Assert.Equal(1 - traded[i], before[i].RemainingFraction, 9);
                Assert.InRange(mask[i], 0, 1);
                double t = market.LastTradedFraction[i];
                Assert.True(t >= 0, "never trades against the side");
                Assert.True(t <= before[i].RemainingFraction + 1e-12, "never trades beyond the remainder");
                if (!market.LastStepWasForced)
                {
                    // The mask forecasts the cap from the last step's volume; the cap then holds on the step's realised
                    // volume, which the next observation reveals: mask × realised / forecast volume ratio.
                    double realisedCap = mask[i] < 1 ? mask[i] * market.Observe(i).VolumeRatio / before[i].VolumeRatio : double.PositiveInfinity;
                    Assert.True(t <= realisedCap * before[i].RemainingFraction * (1 + 1e-9) + 1e-15, $"step {k}: traded {t} above the cap {realisedCap}");
                    capBound |= mask[i] < 1 && i >= 2;
                }

                Assert.True(double.IsFinite(cost[i]) && double.IsFinite(penalty[i]) && penalty[i] >= 0);
                traded[i] += t;
            }
        }

        Assert.True(capBound, "the participation cap should bind for the greedy episodes");
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, traded[i], 9);
            Assert.Equal(0, market.Observe(i).RemainingFraction, 9);
        }

        Assert.Throws<InvalidOperationException>(() => market.Step(new double[5], cost, penalty));
    }
}
