using System.Globalization;
using System.Text;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Impact;

/// <summary>Closed form and simulation of the worked example side by side.</summary>
/// <param name="Kappa">Discrete urgency κ per day.</param>
/// <param name="HoldingsShares">Optimal holdings x_0 … x_N.</param>
/// <param name="ExpectedShortfall">Closed-form E (currency).</param>
/// <param name="StdShortfall">Closed-form √V (currency).</param>
/// <param name="SimulatedMean">Mean simulated shortfall of the <c>ac</c> strategy (currency).</param>
/// <param name="SimulatedStd">Standard deviation of the simulated shortfall (currency).</param>
/// <param name="MeanStandardError">Monte Carlo standard error of the simulated mean (currency).</param>
/// <param name="Episodes">Simulated episodes.</param>
public sealed record WorkedExampleResult(double Kappa, double[] HoldingsShares, double ExpectedShortfall, double StdShortfall,
    double SimulatedMean, double SimulatedStd, double MeanStandardError, int Episodes)
{
    /// <summary>True when the simulated mean is within 3 standard errors of E.</summary>
    public bool MeanAgrees => Math.Abs(SimulatedMean - ExpectedShortfall) <= 3 * MeanStandardError;

    /// <summary>A readable report.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Almgren & Chriss (2000), section 3 worked example: sell X = 1,000,000 shares, S0 = 50, σ = 0.95 $/share/day^½,");
        sb.AppendLine("ε = 0.0625, η = 2.5e-6, γ = 2.5e-7, T = 5 days, N = 5, λ = 1e-6");
        sb.AppendLine(c, $"κ = {Kappa:F6} per day (from (2/τ²)(cosh κτ − 1) = λσ²/η̃)");
        sb.AppendLine(c, $"optimal holdings: {string.Join(", ", HoldingsShares.Select(x => x.ToString("N0", c)))}");
        sb.AppendLine(c, $"closed form:  E = {ExpectedShortfall,14:N0}   √V = {StdShortfall,14:N0}");
        sb.AppendLine(c, $"simulated:    E = {SimulatedMean,14:N0}   sd = {SimulatedStd,14:N0}   ({Episodes} episodes, standard error of E {MeanStandardError:N0})");
        sb.AppendLine(MeanAgrees ? "agreement: simulated mean within 3 standard errors of the closed form" : "DISAGREEMENT: simulated mean is more than 3 standard errors from the closed form");
        return sb.ToString();
    }
}

/// <summary>The worked example of Almgren and Chriss (2000), section 3, computed in closed form and by simulation.</summary>
/// <remarks>Almgren, R. and Chriss, N. (2000), "Optimal execution of portfolio transactions", J. Risk 3(2): X = 10⁶ shares,
/// S0 = 50, σ = 0.95 per share per day^½ (30% annual volatility), α = 0, ε = 0.0625, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷, T = 5 days,
/// N = 5, λ = 10⁻⁶. The scenario is <see cref="ScenarioPresets.AlmgrenChriss2000"/>.</remarks>
public static class AlmgrenChrissWorkedExample
{
    /// <summary>Computes the closed form and simulates the <c>ac</c> strategy.</summary>
    public static WorkedExampleResult Run(int episodes = 20_000, long seed = 2000)
    {
        const double x = 1e6, sigma = 0.95, eps = 0.0625, eta = 2.5e-6, gamma = 2.5e-7, lambda = 1e-6, horizon = 5, tau = 1;
        const int n = 5;
        double kappa = AlmgrenChriss.Kappa(lambda, sigma, eta, gamma, tau);
        var holdings = AlmgrenChriss.Holdings(x, kappa, horizon, n);
        double e = AlmgrenChriss.ExpectedCost(holdings, eps, eta, gamma, tau);
        double v = AlmgrenChriss.Variance(holdings, sigma, tau);

        var scenario = ScenarioPresets.AlmgrenChriss2000() with { Episodes = episodes, Seed = seed, Strategies = ["ac"] };
        var result = BacktestRunner.Run(scenario, new BacktestOptions { KeepEpisodes = false });
        var ac = result.Strategies.Single(r => r.StrategyId == "ac").Summary;
        double std = ac.StdBps / 1e4 * result.ArrivalNotional;
        return new WorkedExampleResult(kappa, holdings, e, Math.Sqrt(v), ac.MeanShortfallCurrency, std, std / Math.Sqrt(episodes), episodes);
    }
}
