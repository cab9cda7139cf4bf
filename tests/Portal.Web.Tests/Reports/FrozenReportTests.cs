using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Application.Leaderboards;
using Portal.Application.Reports;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Reports;

/// <summary>A run's report is frozen when the run completes: the same run always gives the same PDF and CSV.</summary>
public sealed class FrozenReportTests
{
    private static readonly DateTime Created = new(2026, 11, 30, 14, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Finished = new(2026, 11, 30, 14, 7, 31, DateTimeKind.Utc);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pdf_and_csv_are_byte_identical_before_and_after_later_runs_change_the_regime_breakdown(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var runId = await AddCompletedRunAsync(server, team, "normal", Created, Finished);
        // Frozen as the worker freezes it when the run completes.
        await server.Services.GetRequiredService<RunReports>().FreezeAsync(runId);
        using var client = await server.SignedInClientAsync();
        var before = await DownloadAsync(client, runId);
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        var frozen = await server.Services.GetRequiredService<RunReports>().GetAsync(team, runId);
        Assert.NotNull(frozen);
        await using (var db = await server.Db())
        {
            // At completion the breakdown pools exactly as the leaderboard does.
            var run = await db.Runs.AsNoTracking().Include(r => r.Strategies).SingleAsync(r => r.Id == runId);
            var pooled = await server.Create<LeaderboardService>().AcrossRegimesAsync(await server.AccessAsync(userId), run);
            Assert.Equal(pooled.Count, frozen.Regimes.Count);
            foreach (var row in pooled)
            {
                var same = frozen.Regimes.Single(r => r.Regime == row.Regime && r.StrategyId == row.StrategyId);
                Assert.Equal((row.Runs, row.Episodes), (same.Runs, same.Episodes));
                Assert.Equal(row.MeanBps, same.MeanBps, 9);
                Assert.Equal(row.CiLowBps, same.CiLowBps, 9);
                Assert.Equal(row.CiHighBps, same.CiHighBps, 9);
            }
        }

        // Later runs of the same team: another regime appears and the run's own regime gets more runs.
        await AddCompletedRunAsync(server, team, "volatile", Finished.AddHours(1), Finished.AddHours(2));
        await AddCompletedRunAsync(server, team, "normal", Finished.AddHours(3), Finished.AddHours(4));
        await using (var db = await server.Db())
        {
            var run = await db.Runs.AsNoTracking().Include(r => r.Strategies).SingleAsync(r => r.Id == runId);
            var live = await server.Create<LeaderboardService>().AcrossRegimesAsync(await server.AccessAsync(userId), run);
            Assert.Contains(live, r => r.Regime == "volatile");
            Assert.Contains(live, r => r.Regime == "normal" && r.Runs == 2);
        }

        var after = await DownloadAsync(client, runId);

        Assert.Equal(before.Pdf, after.Pdf);
        Assert.Equal(before.Summary, after.Summary);
        Assert.Equal(before.Episodes, after.Episodes);
        var report = await server.Services.GetRequiredService<RunReports>().GetAsync(team, runId);
        Assert.NotNull(report);
        Assert.Equal(["normal"], report.Regimes.Select(r => r.Regime).Distinct());
        Assert.All(report.Regimes, r => Assert.Equal(1, r.Runs));
        // The PDF's dates are the run's, not the clock's.
        var pdfText = Encoding.Latin1.GetString(before.Pdf);
        Assert.Contains("/CreationDate (D:20261130140731", pdfText);
        Assert.Contains("/ModDate (D:20261130140731", pdfText);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_run_completed_before_reports_were_frozen_is_frozen_on_first_view_with_its_breakdown_as_of_completion(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var runId = await AddCompletedRunAsync(server, team, "normal", Created, Finished);
        // A later run in another regime, before anyone looks at the first one.
        await AddCompletedRunAsync(server, team, "volatile", Finished.AddHours(1), Finished.AddHours(2));
        await using (var db = await server.Db())
        {
            Assert.Null(await db.Runs.Where(r => r.Id == runId).Select(r => r.ReportJson).SingleAsync());
        }

        using var client = await server.SignedInClientAsync();
        var first = await DownloadAsync(client, runId);
        var second = await DownloadAsync(client, runId);

        await using (var db = await server.Db())
        {
            var stored = RunReportSnapshot.TryDeserialize(await db.Runs.Where(r => r.Id == runId).Select(r => r.ReportJson).SingleAsync());
            Assert.NotNull(stored);
            Assert.Equal(["normal"], stored.Regimes.Select(r => r.Regime).Distinct());
            Assert.Equal(Finished, stored.FinishedUtc);
        }
        Assert.Equal(first.Pdf, second.Pdf);
        Assert.Equal(first.Summary, second.Summary);
    }

    [Fact]
    public async Task A_snapshot_reads_back_to_a_report_that_renders_the_same_bytes()
    {
        var report = ReportSamples.SixStrategies() with { Warnings = ["The parameters admit price manipulation: test"], RiskAversion = 1e-6 };
        var withHistogram = report with { CostHistogram = CostHistogram.Of(report) };

        var json = RunReportSnapshot.Serialize(withHistogram);
        var back = RunReportSnapshot.TryDeserialize(json);

        Assert.NotNull(back);
        Assert.Equal(json, RunReportSnapshot.Serialize(back));
        Assert.Equal(await PdfAsync(withHistogram), await PdfAsync(back));
        Assert.Equal(await SummaryAsync(withHistogram), await SummaryAsync(back));
        Assert.Null(RunReportSnapshot.TryDeserialize(json.Replace("\"version\":1", "\"version\":0", StringComparison.Ordinal)));
        Assert.Null(RunReportSnapshot.TryDeserialize("{not json"));
    }

    private static async Task<byte[]> PdfAsync(RunReport report)
    {
        using var stream = new MemoryStream();
        await new Features.Reports.RunPdfReport().WriteAsync(report, stream);
        return stream.ToArray();
    }

    private static async Task<byte[]> SummaryAsync(RunReport report)
    {
        using var stream = new MemoryStream();
        await new Features.Reports.RunCsvReport().WriteSummaryAsync(report, stream);
        return stream.ToArray();
    }

    private static async Task<(byte[] Pdf, byte[] Summary, byte[] Episodes)> DownloadAsync(HttpClient client, Guid runId) => (
        await client.GetByteArrayAsync($"/api/runs/{runId}/report.pdf"),
        await client.GetByteArrayAsync($"/api/runs/{runId}/summary.csv"),
        await client.GetByteArrayAsync($"/api/runs/{runId}/episodes.csv"));

    private static async Task<Guid> AddCompletedRunAsync(PortalServer server, Guid team, string regime, DateTime created, DateTime finished)
    {
        var scenario = ScenarioJson.Serialize(ScenarioPresets.Demo() with { Name = $"{regime} desk run {created:HHmm}" });
        var id = await server.AddSucceededRunAsync(team, regime, SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [10.0, 12, 11, 13, 9]), ("ac", [9.0, 11.5, 10, 12, 8.5])], createdUtc: created, scenarioJson: scenario);
        await using var db = await server.Db();
        await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedUtc, finished));
        return id;
    }
}
