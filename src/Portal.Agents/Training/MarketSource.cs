using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Agents.Environment;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Training;

/// <summary>What a market is created for: training (and fitting the normaliser) or held-out evaluation.</summary>
public enum MarketPurpose
{
    /// <summary>Training episodes: a replayed dataset's training segment.</summary>
    Training,

    /// <summary>Evaluation episodes: a replayed dataset's test segment (simulated markets use seeds disjoint from training).</summary>
    Evaluation,
}

/// <summary>
/// Where training and evaluation episodes come from: the stand-alone Almgren–Chriss world (<see cref="AlmgrenChriss"/>,
/// the paper's units, with its closed-form optimum), any portal scenario run by the simulator (<see cref="Scenario"/>,
/// with risk aversion <see cref="RiskAversion"/> in the reward), or a scenario replayed on a recorded dataset
/// (<see cref="Scenario"/> with <see cref="Dataset"/>).
/// </summary>
/// <remarks>
/// A replay trains on the training segment and evaluates on the test segment of the scenario's
/// <see cref="ReplayOptions"/> (<c>replay.options</c>, defaults when the scenario has none), whatever segment those options
/// name for backtests: <see cref="ReplayOptions.TrainFraction"/> sets the split. The dataset itself is not serialised;
/// stored artifacts keep the scenario's <c>replay.datasetId</c> and <see cref="DatasetContentHash"/>.
/// </remarks>
public sealed record MarketSource
{
    /// <summary>Almgren–Chriss world parameters (exclusive with <see cref="Scenario"/>).</summary>
    public AlmgrenChrissParameters? AlmgrenChriss { get; init; }

    /// <summary>A portal scenario (exclusive with <see cref="AlmgrenChriss"/>).</summary>
    [JsonConverter(typeof(ScenarioJsonConverter))]
    public Scenario? Scenario { get; init; }

    /// <summary>Risk aversion λ (1/currency) of the reward's risk penalty for a scenario; the AC world carries its own.</summary>
    public double RiskAversion { get; init; }

    /// <summary>The recorded dataset a replayed <see cref="Scenario"/> runs on (null for simulated markets). Not serialised.</summary>
    [JsonIgnore]
    public MarketDataset? Dataset { get; init; }

    /// <summary>Content hash of <see cref="Dataset"/> (which recording an agent was trained on; null for simulated markets).</summary>
    public string? DatasetContentHash { get; init; }

    /// <summary>
    /// A MAP-Elites niche grid (null = the scenario alone): episodes are then spread evenly over the scenario variants of
    /// every niche of the grid (<see cref="NicheGrid.Variant"/>: the base scenario with a hidden, permanent regime at the
    /// niche's bin centres), stratified by path (<see cref="MixtureMarket"/>). See <see cref="ForNiches"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NicheGrid? Niches { get; init; }

    /// <summary>The AC world.</summary>
    public static MarketSource For(AlmgrenChrissParameters parameters) => new() { AlmgrenChriss = parameters };

    /// <summary>A scenario with λ taken from its strategy settings unless given.</summary>
    public static MarketSource For(Scenario scenario, double? riskAversion = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new() { Scenario = scenario, RiskAversion = riskAversion ?? scenario.StrategySettings.RiskAversion };
    }

    /// <summary>
    /// <paramref name="scenario"/> replayed on <paramref name="dataset"/> (the dataset its <c>replay.datasetId</c> names, loaded
    /// by the caller; a scenario without a replay spec is replayed with default <see cref="ReplayOptions"/>), λ as above.
    /// </summary>
    public static MarketSource For(Scenario scenario, MarketDataset dataset, double? riskAversion = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return For(scenario, riskAversion) with { Dataset = dataset, DatasetContentHash = dataset.ContentHash };
    }

    /// <summary>
    /// <paramref name="scenario"/>'s MAP-Elites niche variants mixed evenly: every batch spreads its paths over the niches of
    /// <paramref name="grid"/> in turn (<see cref="MixtureMarket"/>), so one agent trains on all of them, λ as above.
    /// </summary>
    /// <remarks>The variants are the ones the MAP-Elites search evaluates its candidates on (Mouret and Clune, 2015; the
    /// niche sampler of <see cref="NicheGrid.Variant"/>: bin centres of volatility × liquidity, hidden from the strategy).
    /// The risk penalty of a niche's reward, λσ²τx², uses that niche's volatility (σ × the niche's volatility multiplier),
    /// so the reward is the E + λ·Var objective the MAP-Elites candidates are selected on, niche by niche; the agent never
    /// observes the multiplier.</remarks>
    public static MarketSource ForNiches(Scenario scenario, NicheGrid grid, double? riskAversion = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        grid.EnsureValid();
        if (scenario?.Replay is not null)
        {
            throw new ArgumentException("A niche mixture varies a simulated scenario; a replayed dataset has no niche variants.", nameof(scenario));
        }

        return For(scenario!, riskAversion) with { Niches = grid };
    }

    /// <summary>The scenarios episodes run on: the niche variants of a mixture, else the scenario alone.</summary>
    [JsonIgnore]
    public IReadOnlyList<Scenario> Variants => Niches is { } grid && Scenario is { } s
        ? [.. Enumerable.Range(0, grid.Count).Select(j => grid.Variant(s, j))]
        : Scenario is { } single ? [single] : [];

    /// <summary>Whether episodes replay a recorded dataset.</summary>
    [JsonIgnore]
    public bool IsReplay => Dataset is not null || Scenario?.Replay is not null;

    /// <summary>Replay settings for <paramref name="purpose"/>: the scenario's, with the training or the test segment.</summary>
    public ReplayOptions ReplayOptionsFor(MarketPurpose purpose) =>
        (Scenario?.Replay?.Options ?? new ReplayOptions()) with
        {
            Segment = purpose == MarketPurpose.Training ? ReplaySegment.Train : ReplaySegment.Test,
        };

    /// <summary>
    /// What training on <paramref name="markets"/> with the seed <paramref name="streams"/> sees: for a replay the dataset's
    /// content hash and the union of its training windows; for a scenario its world hash and the streams; for the
    /// Almgren–Chriss world (never a backtest's) the streams alone.
    /// </summary>
    public static Portal.Domain.Backtesting.TrainingExposure Exposure(IEnumerable<MarketSource> markets, IReadOnlyList<Portal.Domain.Backtesting.SeedStreamRange> streams)
    {
        ArgumentNullException.ThrowIfNull(markets);
        return new()
        {
            // A niche mixture names every variant it trains on (each with the session's streams, a superset of what it drew).
            Sources = markets.SelectMany(m => m.Dataset is { } dataset
                ? [Portal.Domain.Backtesting.OutOfSample.ReplayTraining(m.Scenario!, dataset, m.ReplayOptionsFor(MarketPurpose.Training))]
                : m.Scenario is not null
                    ? m.Variants.Select(v => Portal.Domain.Backtesting.OutOfSample.SimulatedTraining(v, streams))
                    : [new Portal.Domain.Backtesting.TrainingSource { Kind = "almgren-chriss", SeedStreams = streams }]).ToArray(),
        };
    }

    /// <summary>Risk aversion in force.</summary>
    [JsonIgnore]
    public double Lambda => AlmgrenChriss?.RiskAversion ?? RiskAversion;

    /// <summary>Trading steps per episode.</summary>
    [JsonIgnore]
    public int Steps => AlmgrenChriss?.Steps ?? Scenario!.Order.Steps;

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid field.</summary>
    public MarketSource Validated()
    {
        if ((AlmgrenChriss is null) == (Scenario is null))
        {
            throw new ArgumentException("Exactly one of AlmgrenChriss and Scenario must be set.", nameof(Scenario));
        }

        AlmgrenChriss?.Validated();
        Scenario?.EnsureValid();
        if (Niches is { } niches)
        {
            niches.EnsureValid();
            if (Scenario is null || IsReplay)
            {
                throw new ArgumentException("A niche mixture varies a simulated portal scenario (not the Almgren–Chriss world or a replay).", nameof(Niches));
            }
        }

        if (Dataset is not null && Scenario is null)
        {
            throw new ArgumentException("A dataset is replayed with a scenario's order; the Almgren–Chriss world takes none.", nameof(Dataset));
        }

        if (Scenario?.Replay is { } replay && Dataset is null)
        {
            throw new ArgumentException(
                $"The scenario replays dataset {replay.DatasetId} (replay.datasetId): load it and pass it with MarketSource.For(scenario, dataset).", nameof(Dataset));
        }

        if (Dataset is { } dataset)
        {
            if (dataset.Book.Count < 2)
            {
                throw new ArgumentException($"Replay needs book snapshots; dataset has {dataset.Book.Count}.", nameof(Dataset));
            }

            // Both segments must hold at least one window of the horizon: fail here, naming the segment, not mid-training.
            ReplayRunner.Windows(Scenario!, dataset, ReplayOptionsFor(MarketPurpose.Training));
            ReplayRunner.Windows(Scenario!, dataset, ReplayOptionsFor(MarketPurpose.Evaluation));
        }
        if (!(RiskAversion >= 0) || double.IsInfinity(RiskAversion))
        {
            throw new ArgumentOutOfRangeException(nameof(RiskAversion), RiskAversion, "RiskAversion must be finite and >= 0.");
        }

        if (Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "An agent needs at least 2 steps.");
        }

        return this;
    }

    /// <summary>
    /// A batch of <paramref name="batchSize"/> parallel episodes for <paramref name="purpose"/>. A replay draws training
    /// episodes from the training segment only and evaluation episodes from the test segment only.
    /// </summary>
    public IExecutionMarket CreateMarket(int batchSize, MarketPurpose purpose)
    {
        if (AlmgrenChriss is { } p)
        {
            return new AlmgrenChrissMarket(p, batchSize);
        }

        if (IsReplay)
        {
            var dataset = Dataset ?? throw new InvalidOperationException(
                $"The scenario replays dataset {Scenario!.Replay!.DatasetId}, which is not loaded: use MarketSource.For(scenario, dataset).");
            return new ReplayMarket(Scenario!, new RecordedMarket(dataset, ReplayOptionsFor(purpose)), batchSize, RiskAversion);
        }

        if (Niches is { } grid)
        {
            var variants = Variants;
            return new MixtureMarket(grid.Count, batchSize, (c, n) =>
            {
                double volatility = grid.VolatilityCentre(grid.VolatilityBin(c));
                return new ScenarioMarket(variants[c], n, RiskAversion * volatility * volatility);
            });
        }

        return new ScenarioMarket(Scenario!, batchSize, RiskAversion);
    }

    /// <summary>Reference strategies on these paths: TWAP and, where the model has one, the known optimum (as holdings x_0…x_N in fractions).</summary>
    public (string Name, double[] Holdings, double? ClosedFormObjectiveBps)? Optimum()
    {
        if (IsReplay || Niches is not null)
        {
            return null;  // A recorded market, or a mixture of regimes, has no known optimum.
        }

        if (AlmgrenChriss is { } p)
        {
            var x = AlmgrenChrissSolution.OptimalHoldings(p);
            return ("Almgren–Chriss closed form", x.Select(v => v / p.Quantity).ToArray(), AlmgrenChrissSolution.ObjectiveBps(p, x));
        }

        // The optimum of the objective this market trains and evaluates on: its own risk aversion, whatever the scenario's
        // strategy settings say (an override such as --lambda 0 changes the objective, so it changes the optimum too).
        var s = Scenario! with { StrategySettings = Scenario!.StrategySettings with { RiskAversion = RiskAversion } };
        if (s.Market.Impact.Model == ImpactModels.AlmgrenChriss && RiskAversion > 0 && KnownOptimum.For(s) is not null)
        {
            var ac = AlmgrenChrissFor(s, RiskAversion);
            var x = AlmgrenChrissSolution.OptimalHoldings(ac);
            return ("Almgren–Chriss closed form (λ > 0)", x.Select(v => v / ac.Quantity).ToArray(), null);
        }

        if (KnownOptimum.For(s) is { } known)
        {
            double notional = s.Quantity * s.Market.ArrivalPrice;
            return (known.Name, known.HoldingsFraction, RiskAversion == 0 ? known.ExpectedCost / notional * 1e4 : null);
        }

        return null;
    }

    /// <summary>The Almgren–Chriss parameters equivalent to an AC scenario (time in days, σ in currency per √day).</summary>
    public static AlmgrenChrissParameters AlmgrenChrissFor(Scenario scenario, double riskAversion)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var m = scenario.Market;
        return new AlmgrenChrissParameters
        {
            Quantity = scenario.Quantity,
            ArrivalPrice = m.ArrivalPrice,
            Sigma = m.DailyVolatility * m.ArrivalPrice,
            Horizon = scenario.HorizonDays,
            Steps = scenario.Order.Steps,
            Epsilon = m.Impact.Epsilon,
            Eta = StrategyCatalog.AcCoefficients(m).Eta,
            Gamma = StrategyCatalog.AcCoefficients(m).Gamma,
            RiskAversion = riskAversion,
        };
    }

    private sealed class ScenarioJsonConverter : JsonConverter<Scenario>
    {
        public override Scenario Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return ScenarioJson.Parse(document.RootElement.GetRawText());
        }

        public override void Write(Utf8JsonWriter writer, Scenario value, JsonSerializerOptions options) =>
            writer.WriteRawValue(ScenarioJson.Serialize(value));
    }
}
