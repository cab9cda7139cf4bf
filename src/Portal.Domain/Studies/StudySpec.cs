using System.Globalization;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Domain.Studies;

/// <summary>
/// The values a study sweeps. Each axis left empty keeps the base scenario's value (one value); the grid is the Cartesian
/// product of the axes in this order: size, horizon, regime, stress variant, impact model, λ (λ varies fastest).
/// </summary>
public sealed record StudyAxes
{
    /// <summary>Order sizes in percent of ADV (<c>order.sizePctAdv</c>). Allowed: each in (0, 1000].</summary>
    public IReadOnlyList<double> SizePctAdv { get; init; } = [];

    /// <summary>Horizons in trading minutes (<c>order.horizonMinutes</c>); the number of decision steps stays the base
    /// scenario's, so a longer horizon has longer steps. Allowed: each in (0, 30 trading days].</summary>
    public IReadOnlyList<double> HorizonMinutes { get; init; } = [];

    /// <summary>Regime presets (<see cref="RegimePresets.Names"/>), applied to the base market with
    /// <see cref="RegimePresets.Apply"/> (reference levels and impact coefficients kept).</summary>
    public IReadOnlyList<string> Regime { get; init; } = [];

    /// <summary>Stress variants (<see cref="StressVariants.Names"/>), applied to the cell's market after its regime with
    /// <see cref="StressVariants.Apply"/>: a study over this axis is a stress report.</summary>
    public IReadOnlyList<string> Stress { get; init; } = [];

    /// <summary>Impact models (<see cref="ImpactModels.All"/>): the base model keeps its coefficients, another model takes its
    /// defaults (<see cref="ImpactSpec.SwitchTo"/>).</summary>
    public IReadOnlyList<string> ImpactModel { get; init; } = [];

    /// <summary>Risk aversions λ of the <c>ac</c> strategy and of the run's objective E + λ·Var, per unit of currency
    /// (<c>strategySettings.riskAversion</c>). Allowed: each in [0, 1].</summary>
    public IReadOnlyList<double> RiskAversion { get; init; } = [];
}

/// <summary>The coordinates of one cell of a study's grid.</summary>
/// <param name="Index">Position in the grid (λ fastest, then impact model, stress variant, regime, horizon, size).</param>
/// <param name="Stress">Stress variant (<see cref="StressVariants"/>), <c>none</c> outside stress reports.</param>
public sealed record StudyCoordinates(int Index, double SizePctAdv, double HorizonMinutes, string Regime, string ImpactModel, double RiskAversion,
    string Stress = StressVariants.None)
{
    /// <summary>Short label, e.g. <c>5% ADV · 60 min · normal · almgren-chriss · λ 1e-06</c>, with <c>· stress NAME</c> after
    /// the regime when a stress variant applies.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture,
        $"{SizePctAdv:G6}% ADV · {HorizonMinutes:G6} min · {Regime}{(Stress == StressVariants.None ? "" : " · stress " + Stress)} · {ImpactModel} · λ {RiskAversion:G3}");
}

/// <summary>One cell of a study: its coordinates and the scenario its run executes.</summary>
public sealed record StudyCell(StudyCoordinates Coordinates, Scenario Scenario);

/// <summary>
/// A study: one base scenario swept over a grid of order size, horizon, regime, impact model and risk aversion λ, each
/// cell an ordinary run of the same strategies. Every cell keeps the base scenario's seed and episodes, so episode i of
/// every cell draws its market path from the same random stream (common random numbers across cells): cells that differ
/// only in the order (size, horizon, λ) see the same price, spread and volume shocks, and the differences between them
/// are paired; cells that differ in regime or impact model see the same draws mapped through different models.
/// </summary>
public sealed record StudySpec
{
    /// <summary>Most cells in one study: 400 runs keep the workers busy for minutes, not hours, at the default episodes.</summary>
    public const int MaxCells = 400;

    /// <summary>Most values on one axis.</summary>
    public const int MaxAxisValues = 20;

    /// <summary>Longest study name.</summary>
    public const int MaxNameLength = 150;

    /// <summary>Human-readable name; each cell's run is named after it.</summary>
    public string Name { get; init; } = "study";

    /// <summary>The base scenario every cell starts from (simulated: a replay has no size, regime or impact to sweep).</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>The grid.</summary>
    public StudyAxes Axes { get; init; } = new();

    /// <summary>Strategies every cell compares (baseline ids of <see cref="StrategyRegistry"/>); empty keeps the base
    /// scenario's. TWAP and the references every run carries (<see cref="StrategyRegistry.AlwaysCompared"/>) are added by
    /// the runs themselves.</summary>
    public IReadOnlyList<string> Strategies { get; init; } = [];

    /// <summary>The strategies the cells run: <see cref="Strategies"/>, or the base scenario's when empty.</summary>
    public IReadOnlyList<string> EffectiveStrategies => Strategies is { Count: > 0 } s ? s : Scenario.Strategies;

    /// <summary>True for a stress report (a study over the stress axis): it may compare trained agents and guarded
    /// strategies as well as baselines (<see cref="StressStrategies"/>); other studies compare baselines.</summary>
    public bool IsStressReport => Axes?.Stress is { Count: > 0 };

    private IReadOnlyList<double> Sizes => Axes.SizePctAdv is { Count: > 0 } v ? v : [Scenario.Order.SizePctAdv];
    private IReadOnlyList<double> Horizons => Axes.HorizonMinutes is { Count: > 0 } v ? v : [Scenario.Order.HorizonMinutes];
    private IReadOnlyList<string> Regimes => Axes.Regime is { Count: > 0 } v ? v : [Scenario.Market.Regime];
    private IReadOnlyList<string> Stresses => Axes.Stress is { Count: > 0 } v ? v : [StressVariants.None];
    private IReadOnlyList<string> Impacts => Axes.ImpactModel is { Count: > 0 } v ? v : [Scenario.Market.Impact.Model];
    private IReadOnlyList<double> Lambdas => Axes.RiskAversion is { Count: > 0 } v ? v : [Scenario.StrategySettings.RiskAversion];

    /// <summary>Number of cells: the product of the axes' lengths (an empty axis counts one).</summary>
    public long CellCount => (long)Sizes.Count * Horizons.Count * Regimes.Count * Stresses.Count * Impacts.Count * Lambdas.Count;

    /// <summary>The axes with more than one value, in grid order, with their values as labels (what heatmaps are drawn over).</summary>
    public IReadOnlyList<(string Axis, IReadOnlyList<string> Values)> VaryingAxes()
    {
        var all = new List<(string, IReadOnlyList<string>)>
        {
            (StudyAxisNames.SizePctAdv, [.. Sizes.Select(Format)]),
            (StudyAxisNames.HorizonMinutes, [.. Horizons.Select(Format)]),
            (StudyAxisNames.Regime, Regimes),
            (StudyAxisNames.Stress, Stresses),
            (StudyAxisNames.ImpactModel, Impacts),
            (StudyAxisNames.RiskAversion, [.. Lambdas.Select(Format)]),
        };
        return [.. all.Where(a => a.Item2.Count > 1)];
    }

    /// <summary>The label of one cell's value on an axis (as in <see cref="VaryingAxes"/>).</summary>
    public static string ValueOf(StudyCoordinates c, string axis)
    {
        ArgumentNullException.ThrowIfNull(c);
        return axis switch
        {
            StudyAxisNames.SizePctAdv => Format(c.SizePctAdv),
            StudyAxisNames.HorizonMinutes => Format(c.HorizonMinutes),
            StudyAxisNames.Regime => c.Regime,
            StudyAxisNames.Stress => c.Stress,
            StudyAxisNames.ImpactModel => c.ImpactModel,
            StudyAxisNames.RiskAversion => Format(c.RiskAversion),
            _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Unknown axis; allowed: {string.Join(", ", StudyAxisNames.All)}"),
        };
    }

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The coordinates of cell <paramref name="index"/> (λ fastest, then impact model, stress variant, regime, horizon, size).</summary>
    public StudyCoordinates Coordinates(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CellCount);
        int rest = index;
        int l = rest % Lambdas.Count; rest /= Lambdas.Count;
        int m = rest % Impacts.Count; rest /= Impacts.Count;
        int st = rest % Stresses.Count; rest /= Stresses.Count;
        int r = rest % Regimes.Count; rest /= Regimes.Count;
        int h = rest % Horizons.Count; rest /= Horizons.Count;
        return new StudyCoordinates(index, Sizes[rest], Horizons[h], Regimes[r], Impacts[m], Lambdas[l], Stresses[st]);
    }

    /// <summary>The scenario of the cell at <paramref name="c"/>: the base scenario with the cell's order size, horizon,
    /// regime (applied after the impact model, so the regime's liquidity scaling holds), stress variant (applied after the
    /// regime, its events appended to the regime's), impact model and λ, the study's
    /// strategies, and the base seed and episodes.</summary>
    public Scenario ScenarioOf(StudyCoordinates c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var market = Scenario.Market with { Impact = Scenario.Market.Impact.SwitchTo(c.ImpactModel) };
        if (Axes?.Regime is { Count: > 0 }) market = RegimePresets.Apply(market, c.Regime);
        market = StressVariants.Apply(market, c.Stress);
        var cell = Scenario with
        {
            Name = Truncate($"{Name} · {c.Label}", Scenarios.Scenario.MaxNameLength),
            Order = Scenario.Order with { SizePctAdv = c.SizePctAdv, HorizonMinutes = c.HorizonMinutes },
            Market = RegimePresets.Labelled(market),
            StrategySettings = Scenario.StrategySettings with { RiskAversion = c.RiskAversion },
            Strategies = EffectiveStrategies,
        };
        return IsStressReport ? StressStrategies.Apply(cell) : cell;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Every cell, in grid order. Deterministic: the same spec always gives the same cells.</summary>
    /// <exception cref="ScenarioValidationException">The spec is invalid (see <see cref="Validate"/>).</exception>
    public IReadOnlyList<StudyCell> Expand()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return [.. Enumerable.Range(0, (int)CellCount).Select(i => { var c = Coordinates(i); return new StudyCell(c, ScenarioOf(c)); })];
    }

    /// <summary>Every problem with the spec, each naming its JSON field (<c>axes.sizePctAdv[2]</c>, <c>scenario.order.steps</c>,
    /// <c>cells[4] (…)</c> for a cell whose scenario is invalid) and the allowed values; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        void Add(string field, string message) => errors.Add(new ValidationError(field, message));
        if (string.IsNullOrWhiteSpace(Name)) Add("name", "must not be empty");
        else if (Name.Length > MaxNameLength) Add("name", $"has {Name.Length} characters, at most {MaxNameLength} allowed");
        else if (Name.Any(char.IsControl)) Add("name", "must not contain control characters");
        if (Scenario is null) { Add("scenario", "is required"); return errors; }
        var baseErrors = Scenario.Validate();
        errors.AddRange(baseErrors.Select(e => e with { Field = "scenario." + e.Field }));
        if (Scenario.Replay is not null) Add("scenario.replay", "a study sweeps a simulated market: remove the replay section (a recorded market has no size, regime or impact model to vary)");
        if (Axes is null) { Add("axes", "is required (an object; leave an axis out to keep the scenario's value)"); return errors; }
        if (baseErrors.Count > 0) return errors;

        double maxHorizon = Scenarios.Scenario.MaxHorizonDays * Scenario.Market.TradingMinutesPerDay;
        CheckAxis(errors, StudyAxisNames.SizePctAdv, Axes.SizePctAdv, v => v > 0 && v <= 1000, "(0, 1000] percent of ADV");
        CheckAxis(errors, StudyAxisNames.HorizonMinutes, Axes.HorizonMinutes, v => v > 0 && v <= maxHorizon,
            string.Create(CultureInfo.InvariantCulture, $"(0, {maxHorizon:G10}] trading minutes ({Scenarios.Scenario.MaxHorizonDays} days)"));
        CheckAxis(errors, StudyAxisNames.Regime, Axes.Regime, v => RegimePresets.Names.Contains(v, StringComparer.Ordinal), string.Join(", ", RegimePresets.Names));
        CheckAxis(errors, StudyAxisNames.Stress, Axes.Stress, v => StressVariants.Names.Contains(v, StringComparer.Ordinal), string.Join(", ", StressVariants.Names));
        CheckAxis(errors, StudyAxisNames.ImpactModel, Axes.ImpactModel, v => ImpactModels.All.Contains(v, StringComparer.Ordinal), string.Join(", ", ImpactModels.All));
        CheckAxis(errors, StudyAxisNames.RiskAversion, Axes.RiskAversion, v => v >= 0 && v <= 1, "[0, 1] per unit of currency");

        var strategies = Strategies ?? [];
        bool stress = IsStressReport;
        for (int k = 0; k < strategies.Count; k++)
        {
            if (stress ? !StressStrategies.IsAllowed(strategies[k]) : !StrategyRegistry.IsBaseline(strategies[k] ?? ""))
                Add($"strategies[{k}]", stress ? StressStrategies.Refusal(strategies[k]) : $"'{strategies[k]}' is not a baseline, allowed: {string.Join(", ", StrategyRegistry.Baselines.Select(b => b.Id))}");
        }
        if (strategies.Count > Scenarios.Scenario.MaxStrategies) Add("strategies", $"lists {strategies.Count} strategies, at most {Scenarios.Scenario.MaxStrategies} allowed");
        if (strategies.Count == 0)
        {
            for (int k = 0; k < Scenario.Strategies.Count; k++)
            {
                if (stress ? !StressStrategies.IsAllowed(Scenario.Strategies[k]) : !StrategyRegistry.IsBaseline(Scenario.Strategies[k]))
                    Add($"scenario.strategies[{k}]", stress ? StressStrategies.Refusal(Scenario.Strategies[k]) : $"'{Scenario.Strategies[k]}' is not a baseline: a study compares baselines only (give 'strategies')");
            }
        }
        if (stress && StressStrategies.GuardedInners(EffectiveStrategies).Count > GuardSettings.MaxGuarded)
            Add("strategies", $"guards more than {GuardSettings.MaxGuarded} strategies");

        if (errors.Count > 0) return errors;
        if (CellCount > MaxCells)
        {
            Add("axes", string.Create(CultureInfo.InvariantCulture,
                $"the grid has {Sizes.Count} sizes × {Horizons.Count} horizons × {Regimes.Count} regimes × {Stresses.Count} stress variants × {Impacts.Count} impact models × {Lambdas.Count} λ = {CellCount:N0} cells, at most {MaxCells} allowed: remove values"));
            return errors;
        }

        for (int i = 0; i < CellCount; i++)
        {
            var c = Coordinates(i);
            foreach (var e in ScenarioOf(c).Validate())
            {
                Add($"cells[{i}]", $"({c.Label}) {e.Field}: {e.Message}");
            }
            if (errors.Count >= 10) break; // one kind of mistake usually repeats in every cell: the first ten say enough
        }
        return errors;
    }

    private static void CheckAxis<T>(List<ValidationError> errors, string axis, IReadOnlyList<T>? values, Func<T, bool> allowed, string range)
    {
        string field = "axes." + axis;
        if (values is null) return;
        if (values.Count > MaxAxisValues)
        {
            errors.Add(new ValidationError(field, $"has {values.Count} values, at most {MaxAxisValues} allowed"));
            return;
        }
        var seen = new HashSet<T>();
        for (int k = 0; k < values.Count; k++)
        {
            var v = values[k];
            string shown = v is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : $"'{v}'";
            if (v is null || !allowed(v)) errors.Add(new ValidationError($"{field}[{k}]", $"is {shown}, allowed: {range}"));
            else if (!seen.Add(v)) errors.Add(new ValidationError($"{field}[{k}]", $"{shown} is listed twice"));
        }
    }
}

/// <summary>The JSON names of a study's axes.</summary>
public static class StudyAxisNames
{
    /// <summary>Order size in percent of ADV.</summary>
    public const string SizePctAdv = "sizePctAdv";

    /// <summary>Horizon in trading minutes.</summary>
    public const string HorizonMinutes = "horizonMinutes";

    /// <summary>Regime preset.</summary>
    public const string Regime = "regime";

    /// <summary>Stress variant (<see cref="StressVariants"/>).</summary>
    public const string Stress = "stress";

    /// <summary>Impact model.</summary>
    public const string ImpactModel = "impactModel";

    /// <summary>Risk aversion λ.</summary>
    public const string RiskAversion = "riskAversion";

    /// <summary>Every axis, in grid order.</summary>
    public static IReadOnlyList<string> All { get; } = [SizePctAdv, HorizonMinutes, Regime, Stress, ImpactModel, RiskAversion];

    /// <summary>What a user reads for an axis, with its unit.</summary>
    public static string Title(string axis) => axis switch
    {
        SizePctAdv => "Order size (% of ADV)",
        HorizonMinutes => "Horizon (trading minutes)",
        Regime => "Regime",
        Stress => "Stress variant",
        ImpactModel => "Impact model",
        RiskAversion => "Risk aversion λ (per unit of currency)",
        _ => axis,
    };
}
