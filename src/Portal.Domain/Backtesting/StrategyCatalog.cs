using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Backtesting;

/// <summary>The baseline strategies every run can compare.</summary>
public static class StrategyCatalog
{
    /// <summary>Every baseline: id, display name, description.</summary>
    public static IReadOnlyList<(string Id, string Name, string Description)> Baselines { get; } =
    [
        ("immediate", "Immediate", "Trades the whole order at the first step."),
        ("twap", "TWAP", "Equal child orders at every step."),
        ("vwap", "VWAP", "Child orders proportional to the expected intraday volume profile."),
        ("pov", "POV", "A fixed percentage of each step's market volume (strategySettings.povRatePct); the remainder is force-traded at the end."),
        ("ac", "Almgren–Chriss (risk-averse)", "Almgren–Chriss (2000) optimal trajectory for risk aversion λ = strategySettings.riskAversion, using market.impact.eta and gamma (the Almgren–Chriss defaults on another impact model)."),
        ("ac-neutral", "Almgren–Chriss (risk-neutral)", "Almgren–Chriss (2000) trajectory for λ = 0: the expected-cost minimum under linear impact."),
        ("ow", "Obizhaeva–Wang optimum", "Discrete optimum of the linear block-book model with resilience market.impact.resiliencePerDay (Alfonsi, Fruth and Schied, 2010; the default 50 a day on another impact model)."),
        ("random", "Random", "Trades a uniform random fraction of the remainder at each step."),
        ("best-static", "Best static schedule", "The deterministic schedule minimising E + λ·Var of the cost (λ = strategySettings.riskAversion) for the scenario's own market: solved exactly for linear-quadratic models, otherwise searched on training paths of the simulator that are never the run's paths. The bar adaptivity must clear."),
    ];

    /// <summary>Baselines every run compares whatever the scenario lists: TWAP (the passive reference of every paired
    /// difference), Random (the floor a strategy worth anything must clear) and the best static schedule (the bar a
    /// learned, adaptive strategy must clear before adaptivity gets the credit).</summary>
    public static IReadOnlyList<string> AlwaysCompared { get; } = ["twap", "random", BestStatic];

    /// <summary>Id of the best static schedule (<see cref="BestStaticSchedule"/>).</summary>
    public const string BestStatic = "best-static";

    /// <summary>
    /// The strategies of a run: the scenario's, in its order (an id found among <paramref name="extras"/> is that strategy,
    /// e.g. a trained agent), then the remaining extras, then <see cref="AlwaysCompared"/> where missing (only TWAP, the reference of paired differences, when <paramref name="alwaysCompared"/> is false).
    /// </summary>
    /// <exception cref="ArgumentException">An id is neither a baseline nor an extra strategy; the message names it.</exception>
    public static List<IExecutionStrategy> Resolve(Scenario scenario, IReadOnlyList<IExecutionStrategy>? extras, bool alwaysCompared = true)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        extras ??= [];
        var list = new List<IExecutionStrategy>();
        foreach (string id in scenario.Strategies)
        {
            var extra = extras.FirstOrDefault(x => x.Id == id);
            if (extra is not null) list.Add(extra);
            else if (IsBaseline(id)) list.Add(Create(id, scenario));
            else throw new ArgumentException($"Strategy '{id}' is neither a baseline nor among the extra strategies supplied.", nameof(scenario));
        }

        foreach (var extra in extras)
        {
            if (!list.Any(x => x.Id == extra.Id)) list.Add(extra);
        }

        foreach (string id in alwaysCompared ? AlwaysCompared : ["twap"])
        {
            if (!list.Any(x => x.Id == id)) list.Add(Create(id, scenario));
        }

        return list;
    }

    /// <summary>True when <paramref name="id"/> is a baseline id.</summary>
    public static bool IsBaseline(string id) => Baselines.Any(b => b.Id == id);

    /// <summary>Creates baseline <paramref name="id"/> for a scenario.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a baseline.</exception>
    public static IExecutionStrategy Create(string id, Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        int n = s.Order.Steps;
        double tau = s.StepDays;
        return id switch
        {
            "immediate" => new ScheduleStrategy(id, "Immediate", Linear(1)),
            "twap" => new ScheduleStrategy(id, "TWAP", Linear(n)),
            "vwap" => new ScheduleStrategy(id, "VWAP", VwapHoldings(s)),
            "pov" => new PovStrategy(s.StrategySettings.PovRatePct / 100.0),
            "ac" => new ScheduleStrategy(id, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Almgren–Chriss λ={s.StrategySettings.RiskAversion:G3}"), AcHoldings(s, s.StrategySettings.RiskAversion)),
            "ac-neutral" => new ScheduleStrategy(id, "Almgren–Chriss (risk-neutral)", AcHoldings(s, 0)),
            "ow" => new ScheduleStrategy(id, "Obizhaeva–Wang optimum", OwHoldings(OwResilience(s.Market), tau, n)),
            "random" => new RandomStrategy(),
            BestStatic => BestStaticStrategy(s),
            _ => throw new ArgumentOutOfRangeException(nameof(id), id, $"Unknown strategy; allowed: {string.Join(", ", Baselines.Select(b => b.Id))}"),
        };

        double[] Linear(int steps)
        {
            var x = new double[n + 1];
            for (int k = 0; k <= n; k++) x[k] = Math.Max(0, 1 - (double)k / steps);
            return x;
        }
    }

    /// <summary>Almgren–Chriss holdings (as fractions of the order) for risk aversion λ.</summary>
    public static double[] AcHoldings(Scenario s, double lambda)
    {
        ArgumentNullException.ThrowIfNull(s);
        var m = s.Market;
        double sigma = m.DailyVolatility * m.ArrivalPrice;
        var ac = AcCoefficients(m);
        double etaTilde = ac.Eta - 0.5 * ac.Gamma * s.StepDays;
        if (!(etaTilde > 0) && lambda > 0 && sigma > 0)
        {
            var now = new double[s.Order.Steps + 1];
            now[0] = 1;
            return now;
        }

        double kappa = AlmgrenChriss.Kappa(lambda, sigma, ac.Eta, ac.Gamma, s.StepDays);
        return AlmgrenChriss.Holdings(1, kappa, s.HorizonDays, s.Order.Steps);
    }

    /// <summary>The Almgren–Chriss coefficients the <c>ac</c> schedules plan with: the market's own on an Almgren–Chriss
    /// market, otherwise the model's defaults (an <c>ac</c> schedule in another world is a fixed reference shape, not an
    /// optimum of that world).</summary>
    public static AlmgrenChrissImpactSpec AcCoefficients(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return market.Impact as AlmgrenChrissImpactSpec ?? new AlmgrenChrissImpactSpec();
    }

    /// <summary>The resilience ρ (per day) the <c>ow</c> schedule plans with: the market's own on an Obizhaeva–Wang
    /// market, otherwise the model's default.</summary>
    public static double OwResilience(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return (market.Impact as ObizhaevaWangImpactSpec ?? new ObizhaevaWangImpactSpec()).ResiliencePerDay;
    }

    /// <summary>The best static schedule as a strategy may find it: optimised on the scenario without its stress events
    /// (<see cref="DecisionContext.StrategyView"/>), like every other strategy, which never reads the event list.</summary>
    private static ScheduleStrategy BestStaticStrategy(Scenario s)
    {
        var best = BestStaticSchedule.Optimise(DecisionContext.StrategyView(s));
        return new ScheduleStrategy(BestStatic, "Best static schedule", best.HoldingsFraction) { Warnings = best.Warnings };
    }

    /// <summary>VWAP holdings (fractions of the order) along the expected intraday volume profile.</summary>
    internal static double[] VwapHoldings(Scenario s)
    {
        var model = new MarketModel(s);
        var v = model.ExpectedVolume;
        double total = v.Sum();
        var x = new double[v.Length + 1];
        x[0] = 1;
        double done = 0;
        for (int k = 0; k < v.Length; k++)
        {
            done += v[k];
            x[k + 1] = Math.Max(0, 1 - done / total);
        }

        x[^1] = 0;
        return x;
    }

    /// <summary>Discrete Obizhaeva–Wang optimal holdings (fractions of the order).</summary>
    internal static double[] OwHoldings(double rho, double tau, int n)
    {
        var trades = ObizhaevaWang.OptimalTrades(1, rho, tau, n);
        var x = new double[n + 1];
        x[0] = 1;
        for (int k = 0; k < n; k++) x[k + 1] = Math.Max(0, x[k] - trades[k]);
        x[^1] = 0;
        return x;
    }
}
