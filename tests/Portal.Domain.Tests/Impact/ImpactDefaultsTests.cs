using System.Globalization;
using System.Text;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Xunit.Abstractions;
using static Portal.Domain.Tests.Impact.ImpactTestScenarios;

namespace Portal.Domain.Tests.Impact;

/// <summary>Every impact model at its literature defaults, on the demo market (S0 = 50, ADV = 5·10⁶, σ = 2% a day, 4 bps
/// spread, U-shaped volume), at 1%, 5% and 10% ADV over 5 minutes, 30 minutes, 1 hour and 1 day in 12 steps.</summary>
public class ImpactDefaultsTests(ITestOutputHelper output)
{
    private static readonly double[] Sizes = [1, 5, 10];
    private static readonly double[] Horizons = [5, 30, 60, 390];

    /// <summary>Directory where each model's rows of the table in docs/impact-models.md are written (scripts/defaults-table.sh).</summary>
    public const string TableVariable = "EXECUTIONLAB_DEFAULTS_TABLE";

    /// <summary>Expected impact cost in bps (shortfall without its zero-mean timing term, without the 2 bps half-spread) of
    /// TWAP, Immediate and the best static schedule (which every run carries; it minimises E + λ·Var with the demo's
    /// λ = 10⁻⁶, so it may trade faster than the cheapest schedule in expectation).</summary>
    private static (double Twap, double Immediate, double BestStatic) Costs(string model, double pct, double minutes)
    {
        var s = With(model, pct, minutes) with { Episodes = model == ImpactModels.Transient ? 2000 : 16 };
        var result = BacktestRunner.Run(s);
        return (Mean(result, "twap", withoutTiming: true).Mean - 2, Mean(result, "immediate", withoutTiming: true).Mean - 2,
            Mean(result, StrategyCatalog.BestStatic, withoutTiming: true).Mean - 2);
    }

    /// <summary>Ranges (bps of impact, TWAP over 30 minutes to an hour, i.e. 10%–100% of the market's volume, where the papers
    /// have data; 5-minute orders of 1–10% ADV trade several times the market's volume) for 1–10% ADV orders: the
    /// square-root law with Y ≈ 0.5–1 and σ = 2% gives 10–63 bps at the peak and about 2/3 of that as cost (Tóth et al. 2011;
    /// Bouchaud et al. 2018, ch. 12); Almgren et al. (2005) report costs of a few to some tens of bps for 1–10% ADV over
    /// hours; GEO's TWAP arrival slippage is about 7 bps on orders of 0–10% ADV over 1–390 minutes (de Witt and Pakkanen
    /// 2026, Table 1). The Almgren–Chriss and Obizhaeva–Wang defaults are the demo's illustrative coefficients.</summary>
    private static (double Low, double High) Range(string model) => model switch
    {
        ImpactModels.SquareRoot => (4, 60),
        ImpactModels.PowerLaw => (2, 80),
        ImpactModels.Transient => (0.5, 60),
        _ => (0.2, 100),
    };

    private static string ModelLabel(string model) => model == ImpactModels.Transient ? "transient (GEO)" : model;

    [Theory]
    [InlineData(ImpactModels.AlmgrenChriss)]
    [InlineData(ImpactModels.PowerLaw)]
    [InlineData(ImpactModels.SquareRoot)]
    [InlineData(ImpactModels.Transient)]
    [InlineData(ImpactModels.ObizhaevaWang)]
    public void Defaults_give_sane_costs_at_every_size_and_horizon(string model)
    {
        var table = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{model}: impact bps, TWAP / Immediate / best static\n% ADV   5 min                 30 min                1 h                   1 day\n");
        var costs = new (double Twap, double Immediate, double BestStatic)[Sizes.Length, Horizons.Length];
        var markdown = new StringBuilder();
        for (int i = 0; i < Sizes.Length; i++)
        {
            table.Append(CultureInfo.InvariantCulture, $"{Sizes[i],5}");
            markdown.Append(CultureInfo.InvariantCulture, $"| {(i == 0 ? ModelLabel(model) : "")} | {Sizes[i]} |");
            for (int j = 0; j < Horizons.Length; j++)
            {
                costs[i, j] = Costs(model, Sizes[i], Horizons[j]);
                var c = costs[i, j];
                table.Append(CultureInfo.InvariantCulture, $"  {c.Twap,6:F1} /{c.Immediate,6:F1} /{c.BestStatic,6:F1}");
                markdown.Append(CultureInfo.InvariantCulture, $" {c.Twap:F1} / {c.Immediate:F1} / {c.BestStatic:F1} |");
            }

            table.AppendLine();
            markdown.Append('\n');
        }

        output.WriteLine(table.ToString());
        if (Environment.GetEnvironmentVariable(TableVariable) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, model + ".md"), markdown.ToString());
        }
        var (low, high) = Range(model);
        for (int i = 0; i < Sizes.Length; i++)
        {
            for (int j = 0; j < Horizons.Length; j++)
            {
                var c = costs[i, j];
                string cell = $"{model} at {Sizes[i]}% ADV over {Horizons[j]} min";
                Assert.True(c.Immediate > c.Twap, $"{cell}: Immediate {c.Immediate:F2} bps is not above TWAP {c.Twap:F2} bps");
                if (i > 0) Assert.True(c.Twap > costs[i - 1, j].Twap, $"{cell}: TWAP does not cost more than at {Sizes[i - 1]}% ADV");
                if (j > 0) Assert.True(c.Twap < costs[i, j - 1].Twap, $"{cell}: TWAP does not cost less than over {Horizons[j - 1]} min");
                if (Horizons[j] is >= 30 and <= 60) Assert.InRange(c.Twap, low, high);
            }
        }
    }
}
