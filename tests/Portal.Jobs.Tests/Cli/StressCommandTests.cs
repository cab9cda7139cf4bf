using System.CommandLine;
using System.Text.Json;
using Portal.Application.Studies;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>stress</c> runs a scenario's strategies across stress variants: its numbers are those of separate runs of
/// the same variants, bit for bit, and it prints the stress table or the results as JSON.</summary>
public sealed class StressCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("el-stress-").FullName;

    private static Scenario Base() => ScenarioPresets.Demo() with { Episodes = 300, Seed = 31, Strategies = ["twap", "ac", "pov"] };

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await PortalCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private string WriteBase()
    {
        var path = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(path, ScenarioJson.Serialize(Base()));
        return path;
    }

    [Fact]
    public void Report_numbers_equal_separate_runs_of_the_same_variants_bit_for_bit()
    {
        string[] variants = [StressVariants.None, StressVariants.LiquidityCollapse, StressVariants.VolatilitySpike, StressVariants.ExtremeLiquidityDrop];
        var report = StressCommand.Run(new StressSpec { Scenario = Base(), Variants = variants });

        Assert.Equal(variants, report.Cells.Select(c => c.Coordinates.Stress));
        foreach (var cell in report.Cells)
        {
            var alone = BacktestRunner.Run(Base() with { Market = StressVariants.Apply(Base().Market, cell.Coordinates.Stress) });
            Assert.Equal(alone.Strategies.Select(s => s.StrategyId), cell.Strategies.Select(s => s.Id));
            foreach (var s in alone.Strategies)
            {
                var r = cell.Strategy(s.StrategyId)!;
                Assert.Equal(s.Summary.MeanBps, r.MeanCostBps);
                Assert.Equal(s.Summary.StdBps, r.StdBps);
                Assert.Equal(s.Summary.MeanCiLowBps, r.MeanCiLowBps);
                Assert.Equal(s.Summary.MeanCiHighBps, r.MeanCiHighBps);
                Assert.Equal(s.Summary.CostSharpe, r.CostSharpe);
                Assert.Equal(s.Summary.Cvar95Bps, r.Cvar95Bps);
                Assert.Equal(s.Summary.VsTwap?.MeanBps, r.VsTwapBps);
                Assert.Equal(s.Summary.VsTwap?.CiLowBps, r.VsTwapCiLowBps);
                Assert.Equal(300, r.Episodes);
            }
        }
        // The variants differ: the same paths under an extreme liquidity drop cost TWAP more.
        Assert.True(report.Cells[3].Strategy("twap")!.MeanCostBps > report.Cells[0].Strategy("twap")!.MeanCostBps);
    }

    [Fact]
    public async Task The_table_has_a_block_per_variant_with_the_best_strategy_and_its_significance()
    {
        var (exit, output, error) = await InvokeAsync("stress", "--scenario", WriteBase(), "--episodes", "200", "--variants", "none", "impact-shift");
        Assert.True(exit == 0, error);
        Assert.Contains("none — the base scenario unchanged", output, StringComparison.Ordinal);
        Assert.Contains("impact-shift — impact coefficients ×3", output, StringComparison.Ordinal);
        Assert.Contains("cost Sharpe", output, StringComparison.Ordinal);
        Assert.Contains("CVaR95", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("  best: ", StringComparison.Ordinal)));
        Assert.Contains("95%, over n independent episodes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_carries_a_cell_per_variant_with_sharpe_and_cvar()
    {
        var (exit, output, error) = await InvokeAsync("stress", "--scenario", WriteBase(), "--episodes", "100", "--variants", "liquidity-shocks", "--strategies", "twap", "vwap", "--json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var cell = Assert.Single(doc.RootElement.GetProperty("cells").EnumerateArray());
        Assert.Equal("liquidity-shocks", cell.GetProperty("coordinates").GetProperty("stress").GetString());
        var ids = cell.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(["twap", "vwap", "random", "best-static"], ids);
        Assert.All(cell.GetProperty("strategies").EnumerateArray(), s => Assert.True(s.GetProperty("cvar95Bps").GetDouble() > s.GetProperty("meanCostBps").GetDouble()));
    }

    [Fact]
    public async Task An_unknown_variant_fails_naming_it_and_help_lists_the_variants()
    {
        var (exit, _, error) = await InvokeAsync("stress", "--scenario", WriteBase(), "--variants", "meteor");
        Assert.Equal(2, exit);
        Assert.Contains("variants[0]", error, StringComparison.Ordinal);
        Assert.Contains("meteor", error, StringComparison.Ordinal);

        var (helpExit, help, _) = await InvokeAsync("stress", "--help");
        Assert.Equal(0, helpExit);
        foreach (var v in StressVariants.Names) Assert.Contains(v, help, StringComparison.Ordinal);
        Assert.Contains("--json", help, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
