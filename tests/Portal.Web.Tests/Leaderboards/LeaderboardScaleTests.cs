using System.Diagnostics;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Leaderboards;

/// <summary>
/// Fixed workload: 1,000 succeeded runs × 4 strategies over 120 scenario families on PostgreSQL. Checks the pooled
/// counts and reports (never asserts) how long the leaderboard takes.
/// </summary>
public sealed class LeaderboardScaleTests(ITestOutputHelper output)
{
    private const int RunCount = 1000;
    private static readonly string[] Strategies = ["twap", "ac", "vwap", "pov"];
    private static readonly string[] Regimes = ["normal", "volatile", "trending", "flash-crash", "liquidity-collapse", "impact-shift"];

    [Fact]
    public async Task Bench_leaderboard_over_a_thousand_runs_pools_every_run_once()
    {
        await using var server = await PortalServer.StartAsync(postgres: true);
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        await using (var db = await server.Db())
        {
            var start = DateTime.UtcNow.AddDays(-10);
            for (var i = 0; i < RunCount; i++)
            {
                var json = $"{{\"run\":{i}}}";
                var run = new Run
                {
                    TeamId = team, ScenarioName = $"bench {i}", ScenarioJson = json, ScenarioHash = ScenarioFamily.Fingerprint(json), Status = RunStatus.Succeeded,
                    Regime = Regimes[i % Regimes.Length], SizeBucket = (SizeBucket)(i / 6 % 4), HorizonBucket = (HorizonBucket)(i / 24 % 5),
                    Episodes = 1000, CreatedUtc = start.AddMinutes(i),
                };
                db.Runs.Add(run);
                for (var k = 0; k < Strategies.Length; k++)
                {
                    db.RunStrategyResults.Add(new RunStrategyResult
                    {
                        RunId = run.Id, Index = k, StrategyId = Strategies[k], DisplayName = Strategies[k], Episodes = 1000,
                        MeanBps = 10 + k + i % 7, StdBps = 5 + k, MeanCiLowBps = 9, MeanCiHighBps = 11,
                    });
                }
            }
            await db.SaveChangesAsync();
        }
        var service = server.Create<LeaderboardService>();
        var access = await server.AccessAsync(userId);
        await service.ComputeAsync(access, new LeaderboardFilter());

        var watch = Stopwatch.StartNew();
        var rows = await service.ComputeAsync(access, new LeaderboardFilter());
        var compute = watch.Elapsed;
        watch.Restart();
        var page = await service.PageAsync(access, new LeaderboardFilter(), LeaderboardOrder.RiskAdjusted, 0, 50);
        var paged = watch.Elapsed;
        watch.Restart();
        var filtered = await service.PageAsync(access, new LeaderboardFilter("volatile", Strategy: "ac"), LeaderboardOrder.MeanShortfall, 0, 50);
        var narrow = watch.Elapsed;

        Assert.Equal(120 * Strategies.Length, rows.Count);
        Assert.All(Strategies, s => Assert.Equal(RunCount, rows.Where(r => r.StrategyId == s).Sum(r => r.Runs)));
        Assert.Equal(RunCount * 1000L * Strategies.Length, rows.Sum(r => r.Episodes));
        Assert.Equal(50, page.Rows.Count);
        Assert.Equal(rows.Count, page.Total);
        Assert.All(filtered.Rows, r => Assert.Equal(("volatile", "ac"), (r.Regime, r.StrategyId)));
        output.WriteLine($"leaderboard over {RunCount} runs × {Strategies.Length} strategies on PostgreSQL: all rows {compute.TotalMilliseconds:F0} ms, "
            + $"first page of 50 with run links {paged.TotalMilliseconds:F0} ms, one regime and strategy {narrow.TotalMilliseconds:F0} ms");
    }
}
