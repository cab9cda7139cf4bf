using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Application.Reports;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Compare;
using Portal.Web.Features.Reports;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Reports;

/// <summary>
/// Every CSV the portal writes carries its numbers in invariant format without thousands separators, so
/// <c>double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture)</c> reads every numeric cell of every export.
/// </summary>
public sealed class CsvNumberFormatTests
{
    /// <summary>Columns of the run summary that hold text (everything else, parameters included, is checked).</summary>
    private static readonly HashSet<string> SummaryText =
    [
        "run_id", "run_title", "team", "scenario", "created_utc", "finished_utc", "software_version", "optimum", "strategy_id",
        "strategy", "warnings", "unit_kind", "warning",
    ];

    [Fact]
    public async Task Summary_episodes_and_comparison_csv_parse_every_numeric_column_with_the_invariant_culture()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var scenario = ScenarioPresets.Demo() with { Name = "csv numbers" };
        Assert.True(scenario.Quantity >= 1000 && scenario.Market.Adv >= 1000, "the demo's quantity and ADV print with separators");
        var json = ScenarioJson.Serialize(scenario);
        var first = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [10.5, 12, 11.25, 13, 9]), ("ac", [9.0, 11.5, 10, 12, 8.5])], scenarioJson: json);
        var second = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [1250.0, 1312, 1101, 1013, 1009]), ("ac", [1009.0, 1111.5, 1010, 1012, 1008.5])],
            scenarioJson: ScenarioJson.Serialize(scenario with { Order = scenario.Order with { SizePctAdv = 12.5 } }));
        await server.Services.GetRequiredService<RunReports>().FreezeAsync(first);
        using var client = await server.SignedInClientAsync();

        var (header, rows) = Read(await client.GetByteArrayAsync($"/api/runs/{first}/summary.csv"));
        Assert.Equal(2, rows.Count);
        var numeric = header.Where(h => !SummaryText.Contains(h) && !IsTextParameter(h)).ToList();
        AssertNumeric(numeric, rows);
        Assert.All(rows, r => Assert.Equal(scenario.Quantity, Number(r["param:Quantity (shares)"])));
        Assert.All(rows, r => Assert.Equal(scenario.Market.Adv, Number(r["param:ADV (shares)"])));
        Assert.All(rows, r => Assert.DoesNotContain(',', r["param:Quantity (shares)"]));

        var (episodeHeader, episodes) = Read(await client.GetByteArrayAsync($"/api/runs/{first}/episodes.csv"));
        Assert.Equal(10, episodes.Count);
        AssertNumeric(episodeHeader.Where(h => h != "strategy_id").ToList(), episodes);
        Assert.Contains(episodes, e => Number(e["shortfall_bps"]) == 11.25);

        await using var db = await server.Db();
        var runs = await db.Runs.AsNoTracking().Include(r => r.Strategies).Where(r => r.Id == first || r.Id == second).OrderBy(r => r.CreatedUtc).ToListAsync();
        var parameters = ParameterDifferences.Build(runs.Select(r => r.ScenarioJson).ToList());
        var compare = ParameterDifferences.ToCsv(runs, parameters, RunComparison.Build(runs));
        var lines = compare.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        // Rows are "section, field, one value per run"; every row but the header and the ids holds numbers here.
        var numbers = lines.Where(l => l[0] is not ("section" or "run")).ToList();
        Assert.Contains(numbers, l => l[0] == "parameter" && l[1] == "order.sizePctAdv");
        Assert.Contains(numbers, l => l[0] == "meanCostBps" && l.Skip(2).Any(c => Number(c) == 1137));
        // The reference run has no difference to itself: those cells are empty, every other one is a number.
        Assert.All(numbers.SelectMany(l => l.Skip(2)).Where(c => c.Length > 0), c => Number(c));
        Assert.Contains(numbers, l => l[0] == "diffVsReferenceBps" && l[2].Length == 0 && l[3].Length > 0);
    }

    /// <summary>Parameters whose value is text (names, lists, values with a unit word) rather than a number.</summary>
    private static bool IsTextParameter(string column) =>
        column.StartsWith(RunCsvReport.ParameterColumnPrefix, StringComparison.Ordinal)
        && column[RunCsvReport.ParameterColumnPrefix.Length..] is "Side" or "Regime" or "Impact model" or "Strategies" or "Participation cap (%)";

    internal static void AssertNumeric(IReadOnlyList<string> columns, IReadOnlyList<Dictionary<string, string>> rows)
    {
        Assert.NotEmpty(columns);
        foreach (var column in columns)
        {
            foreach (var row in rows)
            {
                var cell = row[column];
                if (cell.Length == 0)
                {
                    continue;
                }
                Assert.True(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
                    $"column '{column}' holds '{cell}', not an invariant number");
            }
        }
    }

    private static double Number(string cell) => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

    internal static (IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows) Read(byte[] bytes)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes), CsvReaderOptions.Default with { Separator = ',' });
        var header = reader.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            Assert.Equal(header.Length, reader.FieldCount);
            rows.Add(header.Select((name, i) => (name, value: reader.GetString(i))).ToDictionary(x => x.name, x => x.value));
        }
        return (header, rows);
    }
}
