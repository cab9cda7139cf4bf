using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Backtesting;

namespace Portal.Data.Tests;

/// <summary>The paired statistics leaderboards rank with are stored with a run's results, and filled once for runs stored before.</summary>
public sealed class RunPairStatisticsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Storing_a_result_stores_every_pair_of_strategies_with_the_count_sum_and_sum_of_squares_of_their_differences(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var result = Result(strategies: 3, episodes: 400);
        var runId = await SeedRunAsync(store);

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        var pairs = await db.RunStrategyPairs.AsNoTracking().Where(p => p.RunId == runId).OrderBy(p => p.IndexA).ThenBy(p => p.IndexB).ToListAsync();
        Assert.Equal([(0, 1), (0, 2), (1, 2)], pairs.Select(p => (p.IndexA, p.IndexB)));
        foreach (var p in pairs)
        {
            var d = result.Strategies[p.IndexA].Episodes.Zip(result.Strategies[p.IndexB].Episodes, (x, y) => x.ShortfallBps - y.ShortfallBps).ToArray();
            var mean = d.Average();
            Assert.Equal((result.Strategies[p.IndexA].StrategyId, result.Strategies[p.IndexB].StrategyId), (p.StrategyA, p.StrategyB));
            Assert.Equal((400, 400, 400), (p.Pairs, p.EpisodesA, p.EpisodesB));
            Assert.Equal(d.Aggregate(0.0, (s, x) => s + x), p.Sum);
            Assert.Equal(d.Aggregate(0.0, (s, x) => s + x * x), p.SumSquares);
            // n·s², s² the sample variance of the differences.
            Assert.Equal(d.Sum(x => (x - mean) * (x - mean)) * p.Pairs / (p.Pairs - 1.0), p.WeightedVariance, 1e-9 * p.WeightedVariance);
        }
        Assert.NotNull((await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId)).PairsStoredUtc);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Runs_stored_before_get_the_same_pairs_once_from_their_episodes_and_a_second_backfill_finds_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var result = Result(strategies: 4, episodes: 300);
        var packedRun = await SeedRunAsync(store);
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(packedRun, result, CancellationToken.None);
        // As runs were stored before: summaries, one row per episode (strategy 3 missing its first 10 episodes), no pairs, not marked.
        var legacyRun = await SeedRunAsync(store);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            foreach (var s in await db.RunStrategyResults.AsNoTracking().Where(s => s.RunId == packedRun).ToListAsync())
            {
                s.RunId = legacyRun;
                db.RunStrategyResults.Add(s);
            }
            for (var i = 0; i < result.Strategies.Count; i++)
            {
                foreach (var e in result.Strategies[i].Episodes.Where(e => i != 3 || e.Episode >= 10))
                {
                    db.RunEpisodeResults.Add(new RunEpisodeResult { RunId = legacyRun, StrategyIndex = i, Episode = e.Episode, ShortfallBps = e.ShortfallBps });
                }
            }
            var legacy = await db.Runs.SingleAsync(r => r.Id == legacyRun);
            legacy.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await RunPairStatistics.BackfillAsync(store.Factory, batch: 1));
        Assert.Equal(0, await RunPairStatistics.BackfillAsync(store.Factory));

        await using var check = await store.Factory.CreateDbContextAsync();
        var stored = await check.RunStrategyPairs.AsNoTracking().Where(p => p.RunId == packedRun).ToListAsync();
        var filled = await check.RunStrategyPairs.AsNoTracking().Where(p => p.RunId == legacyRun).ToListAsync();
        Assert.Equal(6, filled.Count);
        foreach (var p in filled)
        {
            var twin = stored.Single(s => s.IndexA == p.IndexA && s.IndexB == p.IndexB);
            if (p.IndexB == 3)
            {
                // Only the episodes both hold are paired.
                var d = result.Strategies[p.IndexA].Episodes.Skip(10).Zip(result.Strategies[3].Episodes.Skip(10), (x, y) => x.ShortfallBps - y.ShortfallBps).ToArray();
                Assert.Equal((290, 300, 300), (p.Pairs, p.EpisodesA, p.EpisodesB));
                Assert.Equal(d.Aggregate(0.0, (s, x) => s + x), p.Sum);
            }
            else
            {
                Assert.Equal((twin.Pairs, twin.Sum, twin.SumSquares, twin.WeightedVariance), (p.Pairs, p.Sum, p.SumSquares, p.WeightedVariance));
            }
        }
        Assert.NotNull((await check.Runs.AsNoTracking().SingleAsync(r => r.Id == legacyRun)).PairsStoredUtc);
    }

    [Fact]
    public void Strategies_without_a_shared_episode_have_no_pair_and_one_difference_has_no_variance()
    {
        var none = EpisodeColumns.From([]);
        var one = EpisodeColumns.From([new EpisodeResult(4, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0)]);
        var other = EpisodeColumns.From([new EpisodeResult(4, 7.5, 0, 0, 0, 0, 0, 0, 0, 0, 0), new EpisodeResult(5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)]);

        var rows = RunPairStatistics.Compute(Guid.Empty, [new(0, "a", 0, none), new(1, "b", 1, one), new(2, "c", 2, other)]);

        var pair = Assert.Single(rows);
        Assert.Equal((1, 2, 1, 2.5, 6.25, 0.0), (pair.IndexA, pair.IndexB, pair.Pairs, pair.Sum, pair.SumSquares, pair.WeightedVariance));
    }

    private static BacktestResult Result(int strategies, int episodes) => new()
    {
        Episodes = episodes,
        Strategies = [.. Enumerable.Range(0, strategies).Select(s => new StrategyResult
        {
            StrategyId = $"s{s}",
            DisplayName = $"Strategy {s}",
            Summary = new StrategySummary(episodes, 1, 1, 0, 2, 0, 1, 2, 2, null, 1, 1, null, null),
            Episodes = Synthetic(s, episodes),
        })],
    };

    /// <summary>Common market noise plus each strategy's own, so differences are far smaller than the shortfalls.</summary>
    private static List<EpisodeResult> Synthetic(int strategy, int episodes)
    {
        var market = new Random(7);
        var own = new Random(100 + strategy);
        return [.. Enumerable.Range(0, episodes).Select(e =>
        {
            var shortfall = 10 + 30 * (market.NextDouble() - 0.5) + strategy * 0.2 + own.NextDouble();
            return new EpisodeResult(e, shortfall, shortfall * 500, shortfall, 0, 2.5, 3, 2, shortfall - 7.5, 0, 0.1);
        })];
    }

    private static async Task<Guid> SeedRunAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        db.Teams.Add(team);
        var run = new Run { TeamId = team.Id, ScenarioName = "pairs", ScenarioJson = "{}", Episodes = 400, Seed = 1 };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}
