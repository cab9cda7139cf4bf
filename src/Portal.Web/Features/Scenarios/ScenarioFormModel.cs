using Portal.Domain.Backtesting;
using Portal.Domain.Calibration;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Web.Features.Scenarios;

/// <summary>Where a scenario's market comes from.</summary>
public enum MarketSource
{
    /// <summary>The simulator with the parameters of the form (a regime preset or custom values).</summary>
    Synthetic = 0,
    /// <summary>The simulator with parameters calibrated from one of the team's datasets (a market profile).</summary>
    CalibratedProfile = 1,
    /// <summary>The recorded order book of one of the team's datasets, replayed.</summary>
    Replay = 2,
}

/// <summary>
/// The scenario builder's editable fields. It edits a copy of a full <see cref="Scenario"/>, so fields the form does not
/// show (volume profile, events, ...) survive a round trip, and validation is the scenario's own.
/// </summary>
public sealed class ScenarioFormModel
{
    private readonly Scenario _original;
    private MarketSpec _market;

    public ScenarioFormModel(Scenario scenario)
    {
        _original = scenario;
        _market = scenario.Market;
        Source = scenario.Replay is null ? MarketSource.Synthetic : MarketSource.Replay;
        ReplayDatasetId = scenario.Replay?.DatasetId;
        var replay = scenario.Replay?.Options ?? new ReplayOptions { Segment = ReplaySegment.Test };
        ReplaySegment = replay.Segment;
        ReplayTrainFraction = replay.TrainFraction;
        ReplayTransientImpactFactor = replay.TransientImpactFactor;
        ReplayImpactDecaySeconds = replay.ImpactDecaySeconds;
        ReplaySessionSeconds = replay.SessionSeconds;
        ReplayAdv = replay.Adv;
        Name = scenario.Name;
        Side = scenario.Order.Side;
        SizePctAdv = scenario.Order.SizePctAdv;
        HorizonMinutes = scenario.Order.HorizonMinutes;
        Steps = scenario.Order.Steps;
        ArrivalPrice = scenario.Market.ArrivalPrice;
        Adv = scenario.Market.Adv;
        DailyVolatilityPct = scenario.Market.DailyVolatility * 100;
        ImpactModel = scenario.Market.Impact.Model;
        Epsilon = scenario.Market.Impact.Epsilon;
        _impacts[ImpactModel] = scenario.Market.Impact;
        _costs = scenario.Costs;
        MaxParticipationPct = scenario.Constraints.MaxParticipationPct;
        RiskAversion = scenario.StrategySettings.RiskAversion;
        PovRatePct = scenario.StrategySettings.PovRatePct;
        LimitOffsetBps = scenario.StrategySettings.LimitOffsetBps;
        LimitTtlPct = scenario.StrategySettings.LimitTtlPct;
        CatchUpPct = scenario.StrategySettings.CatchUpPct;
        PassiveFills = scenario.Market.PassiveFills;
        Episodes = scenario.Episodes;
        Seed = scenario.Seed;
        Strategies = [.. scenario.Strategies];
    }

    public string Name { get; set; }
    public Side Side { get; set; }
    public double SizePctAdv { get; set; }
    public double HorizonMinutes { get; set; }
    public int Steps { get; set; }
    public double ArrivalPrice { get; set; }
    public double Adv { get; set; }
    public double DailyVolatilityPct { get; set; }

    /// <summary>The regime the market's current values belong to (<see cref="RegimePresets.Derive"/>): choosing one with
    /// <see cref="ApplyRegime"/> sets its values, and editing any of them afterwards makes it <c>custom</c>.</summary>
    public string Regime => RegimePresets.Derive(CurrentMarket());

    /// <summary>The chosen impact model; the builder shows only its parameters.</summary>
    public string ImpactModel { get; set; }

    /// <summary>Fixed cost per share ε, common to every model.</summary>
    public double Epsilon { get; set; }

    /// <summary>One parameter record per impact model: the scenario's own for its model, the defaults for the others. The
    /// builder edits the chosen one; switching models and back keeps the edits, and the scenario keeps only the chosen
    /// model's record.</summary>
    private readonly Dictionary<string, ImpactSpec> _impacts = ImpactModels.All.ToDictionary(m => m, ImpactSpec.Default, StringComparer.Ordinal);

    /// <summary>The chosen model's record as the scenario will hold it.</summary>
    public ImpactSpec Impact => _impacts[ImpactModel] with { Epsilon = Epsilon, LiquidityScaled = _market.Impact.LiquidityScaled };

    private AlmgrenChrissImpactSpec Ac { get => (AlmgrenChrissImpactSpec)_impacts[ImpactModels.AlmgrenChriss]; set => _impacts[ImpactModels.AlmgrenChriss] = value; }
    private PowerLawImpactSpec PowerLaw { get => (PowerLawImpactSpec)_impacts[ImpactModels.PowerLaw]; set => _impacts[ImpactModels.PowerLaw] = value; }
    private SquareRootImpactSpec SquareRoot { get => (SquareRootImpactSpec)_impacts[ImpactModels.SquareRoot]; set => _impacts[ImpactModels.SquareRoot] = value; }
    private TransientImpactSpec Transient { get => (TransientImpactSpec)_impacts[ImpactModels.Transient]; set => _impacts[ImpactModels.Transient] = value; }
    private ObizhaevaWangImpactSpec ObizhaevaWang { get => (ObizhaevaWangImpactSpec)_impacts[ImpactModels.ObizhaevaWang]; set => _impacts[ImpactModels.ObizhaevaWang] = value; }

    // Almgren–Chriss (market.impact.eta, gamma).
    public double Eta { get => Ac.Eta; set => Ac = Ac with { Eta = value }; }
    public double Gamma { get => Ac.Gamma; set => Ac = Ac with { Gamma = value }; }

    // Power law (market.impact.eta, beta, gamma, sharesOutstandingToAdv).
    public double PowerLawEta { get => PowerLaw.Eta; set => PowerLaw = PowerLaw with { Eta = value }; }
    public double PowerLawBeta { get => PowerLaw.Beta; set => PowerLaw = PowerLaw with { Beta = value }; }
    public double PowerLawGamma { get => PowerLaw.Gamma; set => PowerLaw = PowerLaw with { Gamma = value }; }
    public double SharesOutstandingToAdv { get => PowerLaw.SharesOutstandingToAdv; set => PowerLaw = PowerLaw with { SharesOutstandingToAdv = value }; }

    // Square-root propagator (market.impact.y, delta, kernel, kernelExponent, relaxationMinutes).
    public double SquareRootY { get => SquareRoot.Y; set => SquareRoot = SquareRoot with { Y = value }; }
    public double Delta { get => SquareRoot.Delta; set => SquareRoot = SquareRoot with { Delta = value }; }
    public string Kernel { get => SquareRoot.Kernel; set => SquareRoot = SquareRoot with { Kernel = value }; }
    public double KernelExponent { get => SquareRoot.KernelExponent; set => SquareRoot = SquareRoot with { KernelExponent = value }; }
    public double RelaxationMinutes { get => SquareRoot.RelaxationMinutes; set => SquareRoot = SquareRoot with { RelaxationMinutes = value }; }

    // Transient, GEO (market.impact.g0, gamma, beta, decayMinutes).
    public double G0 { get => Transient.G0; set => Transient = Transient with { G0 = value }; }
    public double TransientGamma { get => Transient.Gamma; set => Transient = Transient with { Gamma = value }; }
    public double Beta { get => Transient.Beta; set => Transient = Transient with { Beta = value }; }
    public double TransientDecayMinutes { get => Transient.DecayMinutes; set => Transient = Transient with { DecayMinutes = value }; }

    // Obizhaeva–Wang (market.impact.depth, resiliencePerDay).
    public double Depth { get => ObizhaevaWang.Depth; set => ObizhaevaWang = ObizhaevaWang with { Depth = value }; }
    public double ResiliencePerDay { get => ObizhaevaWang.ResiliencePerDay; set => ObizhaevaWang = ObizhaevaWang with { ResiliencePerDay = value }; }
    /// <summary>Mean spread in bps (<c>market.spread.meanBps</c>).</summary>
    public double SpreadBps { get => _market.Spread.MeanBps; set => _market = _market with { Spread = _market.Spread with { MeanBps = value } }; }

    /// <summary>Fee in bps of traded notional (<c>costs.feeBps</c>).</summary>
    public double FeeBps { get => _costs.FeeBps; set => _costs = _costs with { FeeBps = value }; }

    private CostSpec _costs;

    /// <summary>Price process of the unaffected mid (<c>market.price.model</c>): <c>abm</c> or <c>gbm</c>.</summary>
    public string PriceModel { get => _market.Price.Model; set => _market = _market with { Price = _market.Price with { Model = value } }; }

    /// <summary>Divide the impact coefficients by the liquidity level (<c>market.impact.liquidityScaled</c>, a regime field).</summary>
    public bool LiquidityScaled { get => _market.Impact.LiquidityScaled; set => _market = _market with { Impact = _market.Impact with { LiquidityScaled = value } }; }

    /// <summary>The value of a declared market or cost parameter (<see cref="MarketParameters"/>) in the form; an impact
    /// parameter is read from its own model's record, whichever model is chosen.</summary>
    public double GetMarketParameter(MarketParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Read(RecordOf(parameter));
    }

    /// <summary>Sets a declared market or cost parameter (<see cref="MarketParameters"/>) in the form.</summary>
    public void SetMarketParameter(MarketParameterSpec parameter, double value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var written = parameter.Write(RecordOf(parameter), value);
        switch (written)
        {
            case MarketSpec m:
                (ArrivalPrice, Adv, DailyVolatilityPct) = (m.ArrivalPrice, m.Adv, m.DailyVolatility * 100);
                _market = _market with { TradingMinutesPerDay = m.TradingMinutesPerDay };
                break;
            case PriceSpec price: _market = _market with { Price = price }; break;
            case SpreadSpec spread: _market = _market with { Spread = spread }; break;
            case LiquiditySpec liquidity: _market = _market with { Liquidity = liquidity }; break;
            case VolumeSpec volume: _market = _market with { Volume = volume }; break;
            case PassiveFillSpec fills: PassiveFills = fills; break;
            case CostSpec costs: _costs = costs; break;
            case ImpactSpec impact when parameter.ImpactModel is null: Epsilon = impact.Epsilon; break;
            case ImpactSpec impact: _impacts[impact.Model] = impact; break;
            default: throw new ArgumentOutOfRangeException(nameof(parameter), parameter.Path, "Not a parameter the form holds.");
        }
    }

    private object RecordOf(MarketParameterSpec p) => p.Record switch
    {
        _ when p.Record == typeof(MarketSpec) => CurrentMarket(),
        _ when p.Record == typeof(PriceSpec) => _market.Price,
        _ when p.Record == typeof(SpreadSpec) => _market.Spread,
        _ when p.Record == typeof(LiquiditySpec) => _market.Liquidity,
        _ when p.Record == typeof(VolumeSpec) => _market.Volume,
        _ when p.Record == typeof(PassiveFillSpec) => PassiveFills,
        _ when p.Record == typeof(CostSpec) => _costs,
        _ when p.ImpactModel is { } model => _impacts[model],
        _ => Impact,
    };
    public double? MaxParticipationPct { get; set; }
    public double RiskAversion { get; set; }

    /// <summary>Participation rate of the POV strategy, percent of each step's market volume.</summary>
    public double PovRatePct { get; set; }
    /// <summary>Offset of the passive strategies' limit orders beyond the touch, bps of the arrival price.</summary>
    public double LimitOffsetBps { get; set; }
    /// <summary>Time-to-live of a limit order, percent of its decision step.</summary>
    public double LimitTtlPct { get; set; }
    /// <summary>The pegged strategy's catch-up lag, percent of the order.</summary>
    public double CatchUpPct { get; set; }
    /// <summary>The simulated book's limit-order fill model (<see cref="PassiveFillSpec"/>).</summary>
    public PassiveFillSpec PassiveFills { get; private set; }
    /// <summary>k in A·e^(−kδ), per bps beyond the touch.</summary>
    public double FillDecayPerBps { get => PassiveFills.FillDecayPerBps; set => PassiveFills = PassiveFills with { FillDecayPerBps = value }; }
    /// <summary>m̄, mean market-order size in shares.</summary>
    public double MeanMarketOrderShares { get => PassiveFills.MeanMarketOrderShares; set => PassiveFills = PassiveFills with { MeanMarketOrderShares = value }; }
    /// <summary>φ, the share of each market order reaching our price that fills us.</summary>
    public double QueueShare { get => PassiveFills.QueueShare; set => PassiveFills = PassiveFills with { QueueShare = value }; }
    /// <summary>ε, bps of adverse selection per market order that reached the posted order.</summary>
    public double MarkoutBps { get => PassiveFills.MarkoutBps; set => PassiveFills = PassiveFills with { MarkoutBps = value }; }
    /// <summary>True when a chosen strategy posts limit orders, so the limit-order fields matter.</summary>
    public bool PostsLimitOrders => StrategyRegistry.Baselines.Any(b => b.PostsLimitOrders && Strategies.Contains(b.Id));
    public int Episodes { get; set; }
    public long Seed { get; set; }
    public HashSet<string> Strategies { get; set; }

    /// <summary>Where the market comes from; the fields below apply to the calibrated and replay choices.</summary>
    public MarketSource Source { get; set; }

    /// <summary>The market profile applied by <see cref="ApplyProfile"/> (calibrated choice).</summary>
    public Guid? ProfileId { get; private set; }

    /// <summary>The team dataset to replay (replay choice).</summary>
    public Guid? ReplayDatasetId { get; set; }
    public ReplaySegment ReplaySegment { get; set; }
    public double ReplayTrainFraction { get; set; }
    public double ReplayTransientImpactFactor { get; set; }
    public double ReplayImpactDecaySeconds { get; set; }
    public double ReplaySessionSeconds { get; set; }
    public double? ReplayAdv { get; set; }

    /// <summary>
    /// Sets the market to the one calibrated in <paramref name="profile"/>, the same mapping as the dataset page's
    /// "new scenario from this profile" (<see cref="ProfileToScenario.ToMarketSpec"/>, with the current market supplying
    /// what calibration does not estimate), and refreshes the market fields of the form from it.
    /// </summary>
    public void ApplyProfile(Guid profileId, MarketProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _market = profile.ToMarketSpec(template: CurrentMarket());
        ProfileId = profileId;
        RefreshMarketFields();
    }

    /// <summary>
    /// Sets every value of the named regime (<see cref="RegimePresets.Apply"/>: volatility, drift and jumps, spread,
    /// liquidity, volume noise, events, liquidity-scaled impact), shown or not, keeping the reference levels and the impact
    /// model, and refreshes the form's market fields from it.
    /// </summary>
    public void ApplyRegime(string regime)
    {
        if (regime == RegimePresets.Custom || regime == Regime)
        {
            return;
        }
        _market = RegimePresets.Apply(CurrentMarket(), regime);
        RefreshMarketFields();
    }

    private void RefreshMarketFields()
    {
        ArrivalPrice = _market.ArrivalPrice;
        Adv = _market.Adv;
        DailyVolatilityPct = _market.DailyVolatility * 100;
        ImpactModel = _market.Impact.Model;
        Epsilon = _market.Impact.Epsilon;
        _impacts[ImpactModel] = _market.Impact;
        PassiveFills = _market.PassiveFills;
    }

    // The label is derived from the values when the scenario is built, so it can never name a regime that is not simulated.
    private MarketSpec CurrentMarket() => _market with
    {
        ArrivalPrice = ArrivalPrice,
        Adv = Adv,
        DailyVolatility = DailyVolatilityPct / 100,
        Impact = Impact,
        PassiveFills = PassiveFills,
    };

    private ReplaySpec? Replay() => Source != MarketSource.Replay ? null : new ReplaySpec
    {
        DatasetId = ReplayDatasetId ?? Guid.Empty,
        Options = new ReplayOptions
        {
            Segment = ReplaySegment,
            TrainFraction = ReplayTrainFraction,
            TransientImpactFactor = ReplayTransientImpactFactor,
            ImpactDecaySeconds = ReplayImpactDecaySeconds,
            SessionSeconds = ReplaySessionSeconds,
            Adv = ReplayAdv,
            DailyVolatility = _original.Replay?.Options.DailyVolatility,
        },
    };

    public Scenario ToScenario() => _original with
    {
        SchemaVersion = ScenarioSchema.CurrentVersion,
        Name = Name,
        Order = _original.Order with { Side = Side, SizePctAdv = SizePctAdv, HorizonMinutes = HorizonMinutes, Steps = Steps },
        Market = RegimePresets.Labelled(CurrentMarket()),
        Replay = Replay(),
        Costs = _costs,
        Constraints = _original.Constraints with { MaxParticipationPct = MaxParticipationPct },
        StrategySettings = _original.StrategySettings with
        {
            RiskAversion = RiskAversion, PovRatePct = PovRatePct, LimitOffsetBps = LimitOffsetBps, LimitTtlPct = LimitTtlPct, CatchUpPct = CatchUpPct,
        },
        Episodes = Episodes,
        Seed = Seed,
        Strategies = [.. Strategies.OrderBy(CatalogOrder).ThenBy(id => id, StringComparer.Ordinal)],
    };

    private static int CatalogOrder(string id) => StrategyRegistry.OrderOf(id);

    /// <summary>The value of a strategy parameter of the registry (<see cref="StrategyRegistry.Parameters"/>) in the form.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The form has no field for <paramref name="field"/>.</exception>
    public double GetStrategyParameter(string field) => field switch
    {
        "riskAversion" => RiskAversion,
        "povRatePct" => PovRatePct,
        "limitOffsetBps" => LimitOffsetBps,
        "limitTtlPct" => LimitTtlPct,
        "catchUpPct" => CatchUpPct,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a strategy parameter the form edits (riskAversion, povRatePct, limitOffsetBps, limitTtlPct, catchUpPct)."),
    };

    /// <summary>Sets a strategy parameter of the registry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The form has no field for <paramref name="field"/>.</exception>
    public void SetStrategyParameter(string field, double value)
    {
        switch (field)
        {
            case "riskAversion": RiskAversion = value; break;
            case "povRatePct": PovRatePct = value; break;
            case "limitOffsetBps": LimitOffsetBps = value; break;
            case "limitTtlPct": LimitTtlPct = value; break;
            case "catchUpPct": CatchUpPct = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(field), field, "Not a strategy parameter the form edits (riskAversion, povRatePct, limitOffsetBps, limitTtlPct, catchUpPct).");
        }
    }

    /// <summary>The registry's strategy parameters that the chosen strategies (and those every run compares) read.</summary>
    public IReadOnlyList<StrategyParameter> ActiveStrategyParameters =>
    [
        .. StrategyRegistry.Baselines.Where(b => Strategies.Contains(b.Id) || StrategyRegistry.AlwaysCompared.Contains(b.Id))
            .SelectMany(b => b.Parameters).Distinct(),
    ];

    /// <summary>The team's datasets (the builder sets them): a replay's horizon must fit the recorded segment it replays.</summary>
    public IReadOnlyList<DatasetChoice> Datasets { get; set; } = [];

    /// <summary>Chooses where the market comes from; a synthetic market keeps the values shown but no longer claims to be
    /// calibrated from a recorded session (so its horizon is no longer bounded by that session).</summary>
    public void ChooseSource(MarketSource source)
    {
        Source = source;
        if (source == MarketSource.Synthetic && _market.CalibratedFrom is not null)
        {
            _market = _market with { CalibratedFrom = null };
        }
    }

    /// <summary>Length in minutes of the replayed segment of the chosen dataset; null without a replay or a known recording.</summary>
    private double? RecordedSegmentMinutes =>
        Source == MarketSource.Replay && Replay() is { Options: var options } && Datasets.FirstOrDefault(d => d.Id == ReplayDatasetId) is { } dataset
            ? dataset.SegmentMinutes(options)
            : null;

    /// <summary>The longest horizon the chosen market model supports (<see cref="HorizonLimits"/>), with the recording's
    /// own length for a replay of a known dataset.</summary>
    public HorizonLimit HorizonLimit => HorizonLimits.For(ToScenario(), RecordedSegmentMinutes);

    /// <summary>Text typed into number fields that is not a number, by JSON field: what it says and what it should say.</summary>
    private readonly Dictionary<string, ValidationError> _unparsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Records that the number field of <paramref name="field"/> holds <paramref name="text"/>, which is not a number (the
    /// scenario keeps the field's last number meanwhile), or with a null text that it holds a number again. While any field
    /// holds such text, <see cref="Validate"/> names it first and the scenario cannot be saved.
    /// </summary>
    /// <param name="field">JSON field of the number, e.g. <c>order.horizonMinutes</c>.</param>
    /// <param name="text">What was typed, or null when the field holds a number.</param>
    /// <param name="whole">True when the field takes whole numbers only (steps, episodes, seed).</param>
    /// <param name="example">A number the field would take, for the message (its last valid value).</param>
    public void SetUnparsedText(string field, string? text, bool whole = false, string? example = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (text is null) _unparsed.Remove(field);
        else _unparsed[field] = new ValidationError(field, ScenarioFieldText.NotANumber(field, text, whole, example));
    }

    /// <summary>Every problem, keyed by the scenario's JSON field (e.g. <c>order.steps</c>); the choice of a calibrated
    /// profile, which is not part of the scenario JSON, is named <c>market.profile</c>; a number field holding text that
    /// is not a number is named by its field, before any range error of the number it still holds.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var scenario = ToScenario();
        var errors = scenario.Validate().Where(e => !_unparsed.ContainsKey(e.Field)).ToList();
        if (RecordedSegmentMinutes is { } recorded && !_unparsed.ContainsKey("order.horizonMinutes")
            && HorizonLimits.Check(scenario, recorded) is { } horizon)
        {
            // The recording is known here: its segment bounds the horizon, as the portal's check on saving does.
            errors.RemoveAll(e => e.Field == horizon.Field);
            errors.Insert(0, horizon);
        }
        errors.InsertRange(0, _unparsed.Values);
        if (Source == MarketSource.Replay && ReplayDatasetId is null)
        {
            errors.RemoveAll(e => e.Field == "replay.datasetId");
            errors.Insert(0, new ValidationError("replay.datasetId", "choose one of the team's datasets to replay"));
        }
        if (Source == MarketSource.CalibratedProfile && ProfileId is null)
        {
            errors.Insert(0, new ValidationError("market.profile", "choose a calibrated market profile of one of the team's datasets"));
        }
        return errors;
    }
}
