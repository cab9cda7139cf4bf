using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Domain.Backtesting;
using Portal.Domain.Strategies;

namespace Portal.Domain.Scenarios;

/// <summary>Everything needed to reproduce a run: order, market model, costs, constraints, episodes, seed and strategies.
/// Its JSON form (<see cref="ScenarioJson"/>) is the one scenario format of the UI, the HTTP API and the command line.</summary>
public sealed record Scenario
{
    /// <summary>Largest number of episodes a run may ask for.</summary>
    public const int MaxEpisodes = 2_000_000;

    /// <summary>Largest number of decision steps.</summary>
    public const int MaxSteps = 100_000;

    /// <summary>Longest horizon in trading days: an order worked for more than about six weeks is a portfolio transition,
    /// not an execution, and the models' constant ADV and volatility do not hold over it.</summary>
    public const double MaxHorizonDays = 30;

    /// <summary>Most scheduled events in a market: the presets use one; twenty compose any stress test a desk would
    /// describe, and each event is evaluated at every step of every episode.</summary>
    public const int MaxEvents = 20;

    /// <summary>Most strategies in one run: the catalogue has fewer than a dozen baselines, and each strategy adds a full
    /// pass over every episode.</summary>
    public const int MaxStrategies = 50;

    /// <summary>Longest scenario name (the portal stores at most 200 characters).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest strategy id.</summary>
    public const int MaxStrategyIdLength = 100;

    /// <summary>Largest impact coefficient in price units per share-per-day of ADV: η·ADV or γ·ADV of more than 1,000 times
    /// the price would make trading one day's volume cost more than a thousand times the price per share.</summary>
    public const double MaxImpactTimesAdvOverPrice = 1000;

    /// <summary>Version of the JSON format (<see cref="ScenarioSchema.CurrentVersion"/>); older documents are upgraded on
    /// reading, and the portal always writes the current version.</summary>
    [JsonPropertyOrder(-1)]
    public int SchemaVersion { get; init; } = ScenarioSchema.CurrentVersion;

    /// <summary>Human-readable name.</summary>
    public string Name { get; init; } = "scenario";

    /// <summary>The parent order.</summary>
    public required OrderSpec Order { get; init; }

    /// <summary>The market model.</summary>
    public required MarketSpec Market { get; init; }

    /// <summary>Explicit costs.</summary>
    public CostSpec Costs { get; init; } = new();

    /// <summary>Trading constraints.</summary>
    public ConstraintSpec Constraints { get; init; } = new();

    /// <summary>Number of episodes (independent market paths). Allowed: [1, 2,000,000].</summary>
    public int Episodes { get; init; } = 10_000;

    /// <summary>Seed of the random streams: episode <c>i</c> draws from a stream derived from (seed, i).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Strategy ids to compare (see <see cref="StrategyRegistry"/>); ids containing ':' name external strategies
    /// (e.g. trained agents) supplied to the runner.</summary>
    public IReadOnlyList<string> Strategies { get; init; } = ["twap", "ac"];

    /// <summary>Parameters of the baseline strategies.</summary>
    public StrategySettings StrategySettings { get; init; } = new();

    /// <summary>When set, episodes replay this recorded dataset instead of simulating the market model.</summary>
    public ReplaySpec? Replay { get; init; }

    /// <summary>Order quantity in shares.</summary>
    [JsonIgnore]
    public double Quantity => Order.SizePctAdv / 100.0 * Market.Adv;

    /// <summary>Length of one decision step in trading days.</summary>
    [JsonIgnore]
    public double StepDays => Order.HorizonMinutes / Order.Steps / Market.TradingMinutesPerDay;

    /// <summary>Horizon in trading days.</summary>
    [JsonIgnore]
    public double HorizonDays => Order.HorizonMinutes / Market.TradingMinutesPerDay;

    /// <summary>Every problem with the scenario, each naming its JSON field and the allowed range; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var v = new Validator();
        if (SchemaVersion != ScenarioSchema.CurrentVersion)
            v.Add("schemaVersion", $"is {SchemaVersion}; a scenario object is always version {ScenarioSchema.CurrentVersion} (older JSON is upgraded by ScenarioJson.Parse)");
        if (string.IsNullOrWhiteSpace(Name)) v.Add("name", "must not be empty");
        else if (Name.Length > MaxNameLength) v.Add("name", $"has {Name.Length} characters, at most {MaxNameLength} allowed");
        else if (Name.Any(char.IsControl)) v.Add("name", "must not contain control characters (line breaks, tabs, NUL)");
        v.Range("episodes", Episodes, 1, MaxEpisodes);
        ValidateOrder(v);
        ValidateMarket(v);
        ValidateCosts(v);
        ValidateStrategies(v);
        ValidateReplay(v);
        return v.Errors;
    }

    /// <summary>Throws <see cref="ScenarioValidationException"/> listing every problem when the scenario is invalid.</summary>
    public Scenario EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return this;
    }

    private void ValidateOrder(Validator v)
    {
        if (Order is null) { v.Add("order", "is required"); return; }
        v.RangeOpenLow("order.sizePctAdv", Order.SizePctAdv, 0, 1000);
        // The market model decides how long an order may run (a replay its recording, a calibrated market its session).
        if (HorizonLimits.Check(this) is { } horizon) v.Errors.Add(horizon);
        v.Range("order.steps", Order.Steps, 1, MaxSteps);
        v.Range("order.startMinutesAfterOpen", Order.StartMinutesAfterOpen, 0, 1440);
        if (Order.HorizonMinutes > 0 && Order.Steps >= 1 && Order.HorizonMinutes * 60 < Order.Steps)
        {
            v.Add("order.steps", string.Create(CultureInfo.InvariantCulture,
                $"is {Order.Steps} but a horizon of {Order.HorizonMinutes} minutes allows at most {Math.Floor(Order.HorizonMinutes * 60)} steps (the resolution is one second per step)"));
        }
    }

    private void ValidateMarket(Validator v)
    {
        var m = Market;
        if (m is null) { v.Add("market", "is required"); return; }
        // Ranges are declared once, in MarketParameters (the builder and the docs read the same declarations).
        MarketParameters.Check(v, m, m);
        if (m.CalibratedFrom is { } source && (source.Length is 0 or > MaxNameLength || source.Any(char.IsControl)))
            v.Add("market.calibratedFrom", $"must name the recorded session in 1 to {MaxNameLength} characters without control characters");
        if (m.Regime is null || !(RegimePresets.Names.Contains(m.Regime, StringComparer.Ordinal) || m.Regime == RegimePresets.Custom))
        {
            v.Add("market.regime", $"is '{m.Regime}', allowed: {string.Join(", ", RegimePresets.Names)}, {RegimePresets.Custom}");
        }

        if (m.Price is null) v.Add("market.price", "is required");
        else
        {
            if (!PriceModels.All.Contains(m.Price.Model, StringComparer.Ordinal))
                v.Add("market.price.model", $"is '{m.Price.Model}', allowed: {string.Join(", ", PriceModels.All)}");
            MarketParameters.Check(v, m.Price, m);
        }

        var i = m.Impact;
        if (i is null) v.Add("market.impact", "is required");
        else
        {
            bool hasSteps = Order is { Steps: >= 1, HorizonMinutes: > 0 } && m.TradingMinutesPerDay > 0;
            i.Validate(v, m, hasSteps ? StepDays : null);
        }

        if (m.Spread is null) v.Add("market.spread", "is required");
        else MarketParameters.Check(v, m.Spread, m);

        if (m.Liquidity is null) v.Add("market.liquidity", "is required");
        else MarketParameters.Check(v, m.Liquidity, m);

        if (m.Volume is null) v.Add("market.volume", "is required");
        else MarketParameters.Check(v, m.Volume, m);

        if (m.PassiveFills is null) v.Add("market.passiveFills", "is required");
        else MarketParameters.Check(v, m.PassiveFills, m);

        if (m.Events is null) v.Add("market.events", "must be a list (possibly empty)");
        else if (m.Events.Count > MaxEvents)
        {
            v.Add("market.events", $"has {m.Events.Count} events, at most {MaxEvents} allowed (each is evaluated at every step of every episode)");
        }
        else
        {
            var noEffect = JsonSerializer.Serialize(new MarketEvent(), ScenarioJson.Options);
            for (int k = 0; k < m.Events.Count; k++)
            {
                var e = m.Events[k];
                string p = $"market.events[{k}]";
                if (e is null) { v.Add(p, "must not be null"); continue; }
                v.Range(p + ".atFraction", e.AtFraction, 0, 1);
                if (e.LatestAtFraction is { } latest) v.Range(p + ".latestAtFraction", latest, e.AtFraction, 1);
                v.Range(p + ".probability", e.Probability, 0, 1);
                v.Range(p + ".sizeLogStd", e.SizeLogStd, 0, 3);
                v.Range(p + ".priceJumpPct", e.PriceJumpPct, -90, 1000);
                v.Range(p + ".priceRecoveryFraction", e.PriceRecoveryFraction, 0, 1);
                v.RangeOpenLow(p + ".liquidityMultiplier", e.LiquidityMultiplier, 0, 100);
                v.Range(p + ".volatilityMultiplier", e.VolatilityMultiplier, 0, 100);
                v.Range(p + ".impactMultiplier", e.ImpactMultiplier, 0, 100);
                v.Range(p + ".spreadMultiplier", e.SpreadMultiplier, 0, 100);
                v.Range(p + ".recoveryMinutes", e.RecoveryMinutes, 0, MaxHorizonDays * 1440, "30 days of 1,440 minutes");
                if (JsonSerializer.Serialize(e with { AtFraction = new MarketEvent().AtFraction, RecoveryMinutes = 0 }, ScenarioJson.Options) == noEffect)
                    v.Add(p, "changes nothing: give a price jump or a multiplier other than 1");
            }
        }
    }

    private void ValidateCosts(Validator v)
    {
        if (Costs is null) v.Add("costs", "is required");
        else MarketParameters.Check(v, Costs, Market);

        if (Constraints is null) v.Add("constraints", "is required");
        else if (Constraints.MaxParticipationPct is { } cap) v.RangeOpenLow("constraints.maxParticipationPct", cap, 0, 100);
    }

    private static void ValidateGuards(Validator v, GuardSettings g)
    {
        const string path = "strategySettings.guards";
        if (g.Fallback is null && g.Breaker is null) v.Add(path, "turns nothing on: give 'fallback', 'breaker' or both");
        if (g.Strategies is null) v.Add(path + ".strategies", "must be a list of strategy ids (empty guards every learned agent)");
        else if (g.Strategies.Count > GuardSettings.MaxGuarded) v.Add(path + ".strategies", $"lists {g.Strategies.Count} strategies, at most {GuardSettings.MaxGuarded} allowed");
        else
        {
            for (int k = 0; k < g.Strategies.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(g.Strategies[k])) v.Add($"{path}.strategies[{k}]", "must not be empty");
            }
        }
        if (g.Fallback is { } f)
        {
            v.Range(path + ".fallback.threshold", f.Threshold, 0, 1e6);
            if (f.ThresholdQuantile is { } q && !(q > 0 && q < 1)) v.Add(path + ".fallback.thresholdQuantile", string.Create(CultureInfo.InvariantCulture, $"is {q:G6}, allowed: (0, 1), or omit it to use the threshold"));
            if (f.CalibrationEpisodes is < 16 or > 100_000) v.Add(path + ".fallback.calibrationEpisodes", $"is {f.CalibrationEpisodes}, allowed range [16, 100000]");
            if (!FallbackGuardSettings.SafeSchedules.Contains(f.Safe ?? "")) v.Add(path + ".fallback.safe", $"is '{f.Safe}', allowed: {string.Join(", ", FallbackGuardSettings.SafeSchedules)}");
        }
        if (g.Breaker is { } b)
        {
            if (!(b.MaxSpreadRatio > 1 && b.MaxSpreadRatio <= 1000)) v.Add(path + ".breaker.maxSpreadRatio", $"is {b.MaxSpreadRatio}, allowed: (1, 1000]");
            if (!(b.MinLiquidity >= 0 && b.MinLiquidity < 1)) v.Add(path + ".breaker.minLiquidity", $"is {b.MinLiquidity}, allowed: [0, 1)");
            v.RangeOpenLow(path + ".breaker.maxMoveSigma", b.MaxMoveSigma, 0, 100);
            if (!(b.MinVolumeRatio >= 0 && b.MinVolumeRatio < 1)) v.Add(path + ".breaker.minVolumeRatio", $"is {b.MinVolumeRatio}, allowed: [0, 1)");
            v.Range(path + ".breaker.slowFactor", b.SlowFactor, 0, 1);
            v.RangeOpenLow(path + ".breaker.completionPct", b.CompletionPct, 0, 100);
        }
    }

    private void ValidateStrategies(Validator v)
    {
        if (StrategySettings is null) v.Add("strategySettings", "is required");
        else
        {
            foreach (var p in StrategyRegistry.Parameters)
            {
                if (p.MinExclusive) v.RangeOpenLow(p.Path, p.Read(StrategySettings), p.Min, p.Max);
                else v.Range(p.Path, p.Read(StrategySettings), p.Min, p.Max);
            }

            if (StrategySettings.Guards is { } g) ValidateGuards(v, g);
            if (StrategySettings.AgentSeed is { } seed && seed is < 1 or > StrategySettings.MaxAgentSeed)
                v.Add("strategySettings.agentSeed", string.Create(CultureInfo.InvariantCulture, $"is {seed}, allowed range [1, {StrategySettings.MaxAgentSeed}] (a training seed of the agent; omit it for the first seed)"));
        }

        if (Strategies is null || Strategies.Count == 0) { v.Add("strategies", "must list at least one strategy id"); return; }
        if (Strategies.Count > MaxStrategies) { v.Add("strategies", $"lists {Strategies.Count} strategies, at most {MaxStrategies} allowed"); return; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < Strategies.Count; k++)
        {
            string? id = Strategies[k];
            if (string.IsNullOrWhiteSpace(id)) { v.Add($"strategies[{k}]", "must not be empty"); continue; }
            if (id.Length > MaxStrategyIdLength || id.Any(char.IsControl)) { v.Add($"strategies[{k}]", $"must be at most {MaxStrategyIdLength} characters without control characters"); continue; }
            if (!seen.Add(id)) v.Add($"strategies[{k}]", $"'{id}' is listed twice");
            if (StrategyId.Parse(id).Kind == StrategyKind.Unknown)
                v.Add($"strategies[{k}]", $"'{id}' is unknown, allowed: {string.Join(", ", StrategyRegistry.Baselines.Select(b => b.Id))} or an external id such as '{StrategyId.AgentPrefix}NAME'");
        }
    }

    private void ValidateReplay(Validator v)
    {
        if (Replay is null) return;
        if (Replay.DatasetId == Guid.Empty) v.Add("replay.datasetId", "must name a stored dataset");
        if (Replay.Options is null) { v.Add("replay.options", "is required"); return; }
        try
        {
            Replay.Options.Check();
        }
        catch (ArgumentOutOfRangeException e)
        {
            var name = e.ParamName ?? "";
            var field = name.Length == 0 ? "replay.options" : "replay.options." + char.ToLowerInvariant(name[0]) + name[1..];
            v.Add(field, string.Create(CultureInfo.InvariantCulture, $"is {e.ActualValue}, {e.Message.Split(" (Parameter")[0]}"));
        }
    }

    /// <summary>Collects range errors, each naming its field and the allowed range.</summary>
    internal sealed class Validator
    {
        public List<ValidationError> Errors { get; } = [];

        public void Add(string field, string message) => Errors.Add(new ValidationError(field, message));

        public void Range(string field, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
                Add(field, string.Create(CultureInfo.InvariantCulture, $"is {value:G6}, allowed range [{Fmt(min)}, {Fmt(max)}]"));
        }

        /// <summary>A range whose upper end depends on other fields; <paramref name="maxMeaning"/> says which.</summary>
        public void Range(string field, double value, double min, double max, string maxMeaning)
        {
            if (!(value >= min && value <= max))
                Add(field, string.Create(CultureInfo.InvariantCulture, $"is {value:G6}, allowed range [{Fmt(min)}, {Fmt(max)}] (the upper end is {maxMeaning})"));
        }

        public void RangeOpenLow(string field, double value, double min, double max)
        {
            if (!(value > min && value <= max))
                Add(field, string.Create(CultureInfo.InvariantCulture, $"is {value:G6}, allowed range ({Fmt(min)}, {Fmt(max)}]"));
        }

        private static string Fmt(double x) => x == double.MaxValue ? "∞" : x.ToString("G10", CultureInfo.InvariantCulture);
    }
}
