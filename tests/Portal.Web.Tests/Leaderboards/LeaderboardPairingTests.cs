using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Application.Leaderboards;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Leaderboards;

/// <summary>Ranks paired on the statistics stored with each run are the ranks paired on every episode.</summary>
public sealed class LeaderboardPairingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_ranking_from_stored_pair_statistics_equals_the_ranking_from_every_episode(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        var random = new Random(11);
        // Three runs of one family on shared paths: ac ties with twap (0.001 bps cheaper, ± 0.05), vwap costs a steady 0.3 bps more, which only
        // pairing reveals, immediate 5 bps more; a fourth run of another family where pov is missing its first two episodes
        // (no complete pairing with it: intervals).
        for (var run = 0; run < 3; run++)
        {
            var twap = Enumerable.Range(0, 40 + 10 * run).Select(_ => 10 + 6 * random.NextDouble()).ToArray();
            await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [
                ("twap", twap),
                ("ac", [.. twap.Select((x, i) => x - 0.001 + (i % 2 == 0 ? 0.05 : -0.05))]),
                ("vwap", [.. twap.Select((x, i) => x + 0.3 + (i % 2 == 0 ? 0.01 : -0.01))]),
                ("immediate", [.. twap.Select(x => x + 5 + random.NextDouble())]),
            ]);
        }
        var other = Enumerable.Range(0, 30).Select(_ => 20 + 4 * random.NextDouble()).ToArray();
        var otherRun = await server.AddSucceededRunAsync(team, "volatile", SizeBucket.UpTo1Pct, HorizonBucket.UpTo5Min,
            [("twap", other), ("ac", [.. other.Select(x => x - 0.05 + 0.1 * random.NextDouble())]), ("pov", [.. other.Select(x => x + 0.02)])]);
        await using (var db = await server.Db())
        {
            await db.RunEpisodeResults.Where(e => e.RunId == otherRun && e.StrategyIndex == 2 && e.Episode < 2).ExecuteDeleteAsync();
        }
        var service = server.Create<LeaderboardService>();
        var access = await server.AccessAsync(userId);

        var fromEpisodes = await service.ComputeFromEpisodesAsync(access, new LeaderboardFilter());
        var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        Assert.Equal(4, await RunPairStatistics.BackfillAsync(factory));
        // From here on the leaderboard must not need a single episode: remove them all.
        await using (var db = await server.Db())
        {
            await db.RunEpisodeResults.ExecuteDeleteAsync();
        }
        var stored = await service.ComputeAsync(access, new LeaderboardFilter());

        Assert.Equal(["ac", "twap", "vwap", "immediate"], fromEpisodes.Where(r => r.Regime == "normal").Select(r => r.StrategyId));
        Assert.Equal(["1=", "1=", "3", "4"], fromEpisodes.Where(r => r.Regime == "normal").Select(r => r.MeanRankText));
        Assert.Equal("paired", fromEpisodes.Single(r => r.Regime == "normal" && r.StrategyId == "twap").RankBasis);
        Assert.Equal("intervals", fromEpisodes.Single(r => r.Regime == "volatile" && r.StrategyId == "pov").RankBasis);
        Assert.Equal(fromEpisodes.Count, stored.Count);
        foreach (var (want, got) in fromEpisodes.Zip(stored))
        {
            Assert.Equal((want.Regime, want.StrategyId, want.MeanRankText, want.RiskRank, want.RankBasis, want.Runs, want.Episodes),
                (got.Regime, got.StrategyId, got.MeanRankText, got.RiskRank, got.RankBasis, got.Runs, got.Episodes));
            Assert.Equal((want.MeanBps, want.StdBps, want.CiLowBps, want.CiHighBps), (got.MeanBps, got.StdBps, got.CiLowBps, got.CiHighBps));
            Assert.Equal(want.VsRankLeader.HasValue, got.VsRankLeader.HasValue);
            if (want.VsRankLeader is { } w && got.VsRankLeader is { } g)
            {
                // Summed over runs in another order and with the variance as Σnᵣsᵣ²/n²: equal up to rounding.
                Assert.Equal(w.Mean, g.Mean, 1e-12);
                Assert.Equal(w.Low, g.Low, 1e-12);
                Assert.Equal(w.High, g.High, 1e-12);
            }
        }
        // With the episodes gone, the per-episode pairing finds nothing left to pair: the paired ranks above came from the stored statistics.
        var withoutEpisodes = await service.ComputeFromEpisodesAsync(access, new LeaderboardFilter());
        Assert.Equal("intervals", withoutEpisodes.Single(r => r.Regime == "normal" && r.StrategyId == "twap").RankBasis);
    }
}
