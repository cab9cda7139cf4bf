using System.Text.Json.Serialization;

namespace Portal.Application.Reports;

/// <summary>
/// Everything a run report shows: who ran what, on which scenario, and how every strategy did. Built once from a stored
/// run by <see cref="RunReportBuilder"/>, frozen when the run completes (<see cref="RunReportSnapshot"/>), and rendered
/// alike by the run page, the PDF and the CSV, which read nothing else.
/// </summary>
/// <param name="RunId">Identifier of the run.</param>
/// <param name="Title">Title printed at the top of the report.</param>
/// <param name="TeamName">Team that owns the run.</param>
/// <param name="ScenarioName">Name of the scenario that was run.</param>
/// <param name="CreatedUtc">When the run was created (UTC).</param>
/// <param name="FinishedUtc">When the run finished (UTC), or null while it has not.</param>
/// <param name="SoftwareVersion">Version of the software that produced the results.</param>
/// <param name="Parameters">The scenario's parameters, values formatted with their units.</param>
/// <param name="Episodes">Episodes per strategy the scenario asked for.</param>
/// <param name="Seed">Seed of the common random numbers.</param>
/// <param name="OptimumName">Name of the known optimal schedule for this market model, if one exists.</param>
/// <param name="OptimumExpectedCostBps">Expected cost of that optimum in basis points; present exactly when <paramref name="OptimumName"/> is.</param>
/// <param name="Strategies">One summary per strategy, in the order they are shown.</param>
/// <param name="Regimes">The team's pooled out-of-sample results for the run's size and horizon, per regime and strategy.</param>
/// <param name="AgentCurves">Learning curves of the trained agents the run used.</param>
public sealed record RunReport(
    Guid RunId, string Title, string TeamName, string ScenarioName, DateTime CreatedUtc, DateTime? FinishedUtc,
    string SoftwareVersion, IReadOnlyList<ReportParameter> Parameters,
    int Episodes, long Seed, string? OptimumName, double? OptimumExpectedCostBps,
    IReadOnlyList<ReportStrategySummary> Strategies,
    IReadOnlyList<ReportRegimeRow>? Regimes = null, IReadOnlyList<ReportAgentCurves>? AgentCurves = null)
{
    /// <summary>Per regime and strategy, the team's pooled results for this run's size and horizon buckets (may be empty).</summary>
    public IReadOnlyList<ReportRegimeRow> Regimes { get; } = Regimes ?? [];

    /// <summary>Independent units every interval of the run rests on (episodes, or replay windows); 0 when not recorded.</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is (<c>episode</c> or <c>window</c>); empty when not recorded.</summary>
    public string UnitKind { get; init; } = "";

    /// <summary>Learning curves of the agents among the strategies (may be empty).</summary>
    public IReadOnlyList<ReportAgentCurves> AgentCurves { get; } = AgentCurves ?? [];

    /// <summary>Identifier of the run; never <see cref="Guid.Empty"/>.</summary>
    public Guid RunId { get; } = RunId != Guid.Empty
        ? RunId
        : throw new ArgumentException("RunId must not be the empty GUID.", nameof(RunId));

    /// <summary>Title printed at the top of the report; not blank.</summary>
    public string Title { get; } = ReportGuard.NotBlank(Title, nameof(Title));

    /// <summary>Team that owns the run.</summary>
    public string TeamName { get; } = ReportGuard.NotNull(TeamName, nameof(TeamName));

    /// <summary>Name of the scenario that was run.</summary>
    public string ScenarioName { get; } = ReportGuard.NotNull(ScenarioName, nameof(ScenarioName));

    /// <summary>When the run was created, in UTC.</summary>
    public DateTime CreatedUtc { get; } = ReportGuard.Utc(CreatedUtc, nameof(CreatedUtc));

    /// <summary>When the run finished, in UTC; not before <see cref="CreatedUtc"/>.</summary>
    public DateTime? FinishedUtc { get; } = ReportGuard.NotBefore(FinishedUtc, CreatedUtc, nameof(FinishedUtc));

    /// <summary>Version of the software that produced the results; not blank.</summary>
    public string SoftwareVersion { get; } = ReportGuard.NotBlank(SoftwareVersion, nameof(SoftwareVersion));

    /// <summary>The scenario's parameters; names are unique.</summary>
    public IReadOnlyList<ReportParameter> Parameters { get; } =
        ReportGuard.UniqueItems(Parameters, p => p.Name, nameof(Parameters));

    /// <summary>Episodes per strategy the scenario asked for; zero or more.</summary>
    public int Episodes { get; } = Episodes >= 0
        ? Episodes
        : throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "Episodes must be zero or more.");

    /// <summary>Name of the known optimum, if the market model has one.</summary>
    public string? OptimumName { get; } = OptimumName is null || !string.IsNullOrWhiteSpace(OptimumName)
        ? OptimumName
        : throw new ArgumentException("OptimumName must be null or not blank.", nameof(OptimumName));

    /// <summary>Expected cost of the optimum in basis points; present exactly when <see cref="OptimumName"/> is.</summary>
    public double? OptimumExpectedCostBps { get; } = (OptimumName is null) == (OptimumExpectedCostBps is null)
        ? OptimumExpectedCostBps
        : throw new ArgumentException(
            $"OptimumExpectedCostBps ({OptimumExpectedCostBps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}) must be given exactly when OptimumName ({OptimumName ?? "null"}) is.",
            nameof(OptimumExpectedCostBps));

    /// <summary>One summary per strategy; strategy ids are unique.</summary>
    public IReadOnlyList<ReportStrategySummary> Strategies { get; } =
        ReportGuard.UniqueItems(Strategies, s => s.StrategyId, nameof(Strategies));

    /// <summary>What the known optimum does not cover, when a strategy of this run is outside its action set: the
    /// optimum is a schedule of market orders, so a strategy that posts limit orders earns part of the spread on what
    /// fills passively and may cost less without contradicting it. Null when every strategy trades market orders only.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? OptimumScope => OptimumName is not null && Strategies.Any(s => s.Execution?.PassiveShare > 0)
        ? "It is optimal among schedules of market orders; strategies that post limit orders earn part of the spread on their passive fills and may cost less."
        : null;

    /// <summary>What the run found wrong with its scenario's parameters (e.g. that they admit price manipulation).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Who submitted the run.</summary>
    public string CreatedBy { get; init; } = "";

    /// <summary>The run's regime (its scenario family), as the regime breakdown names it.</summary>
    public string Regime { get; init; } = "";

    /// <summary>The run's order-size bucket as people read it, e.g. "5–10% ADV".</summary>
    public string SizeBucket { get; init; } = "";

    /// <summary>The run's horizon bucket as people read it.</summary>
    public string HorizonBucket { get; init; } = "";

    /// <summary>Risk aversion λ of the run's objective E + λ·Var (per currency unit), the one the best static schedule minimises.</summary>
    public double RiskAversion { get; init; }

    /// <summary>Trading minutes per decision step; 0 for reports frozen before it was recorded (time axes then count steps).</summary>
    public double StepMinutes { get; init; }

    /// <summary>Minutes after the open at which the order starts (where the time axes begin).</summary>
    public double StartMinutesAfterOpen { get; init; }

    private readonly SessionClock? _clock;

    /// <summary>How the report's time axes read (exchange clock, minutes from the start, or steps), built once with the
    /// report; a report frozen before the clock was recorded reads minutes from its <see cref="StepMinutes"/>.</summary>
    public SessionClock Clock
    {
        get => _clock ?? (StepMinutes > 0 ? SessionClock.Minutes(StepMinutes) : SessionClock.Steps);
        init => _clock = value;
    }

    /// <summary>The bins every strategy's cost histogram shares (<see cref="CostHistogram"/>); null without episodes.</summary>
    public CostHistogram? CostHistogram { get; init; }
}

/// <summary>One scenario parameter as the report prints it.</summary>
/// <param name="Name">Parameter name, unique within a report.</param>
/// <param name="Value">Value formatted with its unit, e.g. <c>5 % ADV</c>.</param>
public sealed record ReportParameter(string Name, string Value)
{
    /// <summary>Parameter name; not blank.</summary>
    public string Name { get; } = ReportGuard.NotBlank(Name, nameof(Name));

    /// <summary>Value formatted with its unit.</summary>
    public string Value { get; } = ReportGuard.NotNull(Value, nameof(Value));
}

/// <summary>
/// What one strategy achieved over a run's episodes. Costs are implementation shortfall in basis points
/// of the arrival value, positive being a cost.
/// </summary>
/// <param name="StrategyId">Stable identifier of the strategy.</param>
/// <param name="DisplayName">Name shown to people.</param>
/// <param name="Episodes">Episodes this summary covers.</param>
/// <param name="MeanBps">Mean shortfall.</param>
/// <param name="StdBps">Standard deviation of the shortfall.</param>
/// <param name="MeanCiLowBps">Lower end of the 95% confidence interval of the mean.</param>
/// <param name="MeanCiHighBps">Upper end of the 95% confidence interval of the mean.</param>
/// <param name="P5Bps">5th percentile of the shortfall.</param>
/// <param name="P50Bps">Median shortfall.</param>
/// <param name="P95Bps">95th percentile of the shortfall.</param>
/// <param name="Cvar95Bps">Mean of the worst 5% of shortfalls.</param>
/// <param name="CostSharpe">−mean/std of the shortfall (cheaper scores higher); null when undefined (no spread, or fewer than 2 independent units).</param>
/// <param name="Completion">Mean fraction of the parent order filled before the forced trade at the horizon, in [0, 1].</param>
/// <param name="MeanShortfallCurrency">Mean shortfall in the instrument's currency.</param>
/// <param name="VsTwapMeanBps">Mean paired difference against TWAP on the same market paths (this strategy minus TWAP).</param>
/// <param name="VsTwapCiLowBps">Lower end of the 95% confidence interval of that difference.</param>
/// <param name="VsTwapCiHighBps">Upper end of the 95% confidence interval of that difference.</param>
/// <param name="RegretBps">Mean paired difference to the known optimum run on the same paths, where one exists.</param>
/// <param name="MeanInventoryFraction">Mean remaining fraction of the parent order at each decision step.</param>
/// <param name="InventoryP5Fraction">5th percentile of the remaining fraction at each decision step.</param>
/// <param name="InventoryP95Fraction">95th percentile of the remaining fraction at each decision step.</param>
/// <param name="ShortfallHistogramSampleBps">A sample of episode shortfalls for the cost distribution chart.</param>
/// <param name="MeanParticipation">Mean participation rate (child order / market volume of the step) at each decision step; empty when not recorded.</param>
/// <param name="Execution">What the participation cap and the horizon did to the order; none recorded for older runs.</param>
public sealed record ReportStrategySummary(
    string StrategyId, string DisplayName, int Episodes,
    double MeanBps, double StdBps, double MeanCiLowBps, double MeanCiHighBps, double P5Bps, double P50Bps, double P95Bps,
    double Cvar95Bps, double? CostSharpe, double Completion, double MeanShortfallCurrency,
    double? VsTwapMeanBps, double? VsTwapCiLowBps, double? VsTwapCiHighBps, double? RegretBps,
    IReadOnlyList<double> MeanInventoryFraction, IReadOnlyList<double> InventoryP5Fraction, IReadOnlyList<double> InventoryP95Fraction,
    IReadOnlyList<double> ShortfallHistogramSampleBps,
    IReadOnlyList<double>? MeanParticipation = null,
    ReportExecution? Execution = null)
{
    /// <summary>What the participation cap and the horizon did to the order (all zero for runs stored before it was recorded).</summary>
    public ReportExecution Execution { get; } = Execution ?? ReportExecution.None;

    /// <summary>Stable identifier of the strategy; not blank.</summary>
    public string StrategyId { get; } = ReportGuard.NotBlank(StrategyId, nameof(StrategyId));

    /// <summary>Name shown to people; not blank.</summary>
    public string DisplayName { get; } = ReportGuard.NotBlank(DisplayName, nameof(DisplayName));

    /// <summary>Episodes this summary covers; zero or more.</summary>
    public int Episodes { get; } = Episodes >= 0
        ? Episodes
        : throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "Episodes must be zero or more.");

    /// <summary>Upper end of the 95% confidence interval of the mean; not below the lower end.</summary>
    public double MeanCiHighBps { get; } = ReportGuard.Interval(MeanCiLowBps, MeanCiHighBps, nameof(MeanCiHighBps));

    /// <summary>Mean fraction of the order filled before the forced trade, in [0, 1] (NaN when there are no episodes).</summary>
    public double Completion { get; } = double.IsNaN(Completion) || Completion is >= 0 and <= 1
        ? Completion
        : throw new ArgumentOutOfRangeException(nameof(Completion), Completion, "Completion must be in [0, 1].");

    /// <summary>Upper end of the 95% confidence interval of the difference against TWAP; not below the lower end.</summary>
    public double? VsTwapCiHighBps { get; } = VsTwapCiLowBps is { } low && VsTwapCiHighBps is { } high
        ? ReportGuard.Interval(low, high, nameof(VsTwapCiHighBps))
        : VsTwapCiHighBps;

    /// <summary>Mean remaining fraction of the parent order at each decision step.</summary>
    public IReadOnlyList<double> MeanInventoryFraction { get; } = ReportGuard.NotNull(MeanInventoryFraction, nameof(MeanInventoryFraction));

    /// <summary>5th percentile of the remaining fraction at each decision step; as long as the mean.</summary>
    public IReadOnlyList<double> InventoryP5Fraction { get; } =
        ReportGuard.SameLength(InventoryP5Fraction, MeanInventoryFraction, nameof(InventoryP5Fraction));

    /// <summary>95th percentile of the remaining fraction at each decision step; as long as the mean.</summary>
    public IReadOnlyList<double> InventoryP95Fraction { get; } =
        ReportGuard.SameLength(InventoryP95Fraction, MeanInventoryFraction, nameof(InventoryP95Fraction));

    /// <summary>A sample of episode shortfalls for the cost distribution chart.</summary>
    public IReadOnlyList<double> ShortfallHistogramSampleBps { get; } =
        ReportGuard.NotNull(ShortfallHistogramSampleBps, nameof(ShortfallHistogramSampleBps));

    /// <summary>Mean participation rate at each decision step; empty when the run did not record it.</summary>
    public IReadOnlyList<double> MeanParticipation { get; } = MeanParticipation ?? [];

    /// <summary>Mean paired difference against the best static schedule on the same market paths (this strategy minus
    /// it); null for that schedule itself and for runs stored before it was always compared.</summary>
    public double? VsBestStaticMeanBps { get; init; }

    /// <summary>Lower end of the 95% confidence interval of <see cref="VsBestStaticMeanBps"/>.</summary>
    public double? VsBestStaticCiLowBps { get; init; }

    /// <summary>Upper end of the 95% confidence interval of <see cref="VsBestStaticMeanBps"/>.</summary>
    public double? VsBestStaticCiHighBps { get; init; }

    /// <summary>Paired difference (this − best static schedule) of the run's objective E + λ·Var in bps, the quantity the
    /// best static schedule minimises; null where <see cref="VsBestStaticMeanBps"/> is and for runs stored before it was recorded.</summary>
    public double? VsBestStaticObjectiveBps { get; init; }

    /// <summary>Lower end of the 95% confidence interval of <see cref="VsBestStaticObjectiveBps"/> (delta method).</summary>
    public double? VsBestStaticObjectiveCiLowBps { get; init; }

    /// <summary>Upper end of the 95% confidence interval of <see cref="VsBestStaticObjectiveBps"/>.</summary>
    public double? VsBestStaticObjectiveCiHighBps { get; init; }

    /// <summary>Share of this strategy's sampled episodes (percent) in each bin of the report's <see cref="CostHistogram"/>.</summary>
    public IReadOnlyList<double> CostHistogramShares { get; init; } = [];

    /// <summary>Mean cost components and slippages over every episode; null for reports frozen before they were recorded.</summary>
    public ReportCostBreakdown? CostBreakdown { get; init; }

    /// <summary>Independent units this strategy's intervals rest on (episodes, or replay windows); 0 when not recorded.</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit of <see cref="IndependentUnits"/> is (<c>episode</c> or <c>window</c>); empty when not recorded.</summary>
    public string UnitKind { get; init; } = "";

    /// <summary>The <see cref="ReportMetric.All"/> figures by <see cref="ReportMetric.Key"/> (null where not recorded); empty for
    /// reports frozen before they were held. Read through <see cref="ReportMetric.ValueOf"/>.</summary>
    public IReadOnlyDictionary<string, double?> Metrics { get; init; } = new Dictionary<string, double?>();

    /// <summary>For a guarded strategy (<c>guarded:ID</c>): how often each guard fired and the paired cost difference to ID
    /// (<see cref="GuardLines"/> words it); null for other strategies and for runs stored before it was recorded.</summary>
    public Portal.Domain.Backtesting.GuardResult? Guard { get; init; }

    /// <summary>
    /// A stored strategy as the report shows it: the one conversion from storage to the report's per-strategy row, read
    /// by the report builder (with the cost histogram's sample and breakdown) and by the API (without them).
    /// </summary>
    /// <param name="s">The stored strategy.</param>
    /// <param name="histogramSample">Episode shortfalls sampled for the cost histogram; empty when not read.</param>
    public static ReportStrategySummary From(Portal.Data.Entities.RunStrategyResult s, IReadOnlyList<double>? histogramSample = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var m = s.Summary;
        return new ReportStrategySummary(
            s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, m.P5Bps, m.P50Bps, m.P95Bps,
            m.Cvar95Bps, m.CostSharpe, m.Completion, m.MeanShortfallCurrency, m.VsTwapMeanBps, m.VsTwapCiLowBps, m.VsTwapCiHighBps,
            m.RegretBps, m.MeanInventory, m.InventoryP5, m.InventoryP95, histogramSample ?? [], m.MeanParticipation,
            new ReportExecution(m.ForcedFraction, m.UnfilledFraction, m.CapBreaches, m.MaxParticipation, m.OpportunityCostBps)
            {
                MaxParticipationP95 = m.MaxParticipationP95,
                FillRate = m.FillRate,
                PassiveShare = m.PassiveShare,
                PostedFillRatio = m.PostedFillRatio,
                SpreadCapturedBps = m.SpreadCapturedBps,
                MarkoutBps = m.MarkoutBps,
                Markout1sBps = m.Markout1sBps,
                Markout10sBps = m.Markout10sBps,
                Markout60sBps = m.Markout60sBps,
                Intervals = m.OrderIntervals,
            })
        {
            VsBestStaticMeanBps = m.VsBestStaticMeanBps,
            VsBestStaticCiLowBps = m.VsBestStaticCiLowBps,
            VsBestStaticCiHighBps = m.VsBestStaticCiHighBps,
            VsBestStaticObjectiveBps = m.VsBestStaticObjectiveBps,
            VsBestStaticObjectiveCiLowBps = m.VsBestStaticObjectiveCiLowBps,
            VsBestStaticObjectiveCiHighBps = m.VsBestStaticObjectiveCiHighBps,
            IndependentUnits = s.IndependentUnits,
            UnitKind = s.UnitKind,
            Metrics = ReportMetric.All.ToDictionary(x => x.Key, x => x.Read(m)),
            Guard = m.Guard,
        };
    }
}

/// <summary>How a <see cref="ReportMetric"/>'s value reads: basis points, or a fraction shown in percent.</summary>
public enum ReportMetricUnit
{
    /// <summary>Basis points of the arrival value (shown with two decimals).</summary>
    Bps,

    /// <summary>A fraction in [0, 1] (shown in percent).</summary>
    Fraction,
}

/// <summary>
/// A per-strategy figure that the run page, the PDF and the CSV render without naming it: each renderer iterates
/// <see cref="All"/> (a column in the page's and the PDF's "More figures" table, a CSV column named <see cref="Key"/>), so
/// a new stored metric reaches every renderer through one line here.
/// </summary>
/// <param name="Key">Stable name: the CSV column and the key of <see cref="ReportStrategySummary.Metrics"/> (snake case).</param>
/// <param name="Label">Column heading on the page and in the PDF.</param>
/// <param name="Unit">How the value reads.</param>
/// <param name="Help">What the figure is, in one sentence (the page's tooltip, the PDF's footnote).</param>
/// <param name="Read">The value from a stored strategy's summary; null when not recorded.</param>
public sealed record ReportMetric(string Key, string Label, ReportMetricUnit Unit, string Help, Func<Portal.Data.Entities.RunStrategySummary, double?> Read)
{
    /// <summary>Every figure the renderers iterate, in column order.</summary>
    public static IReadOnlyList<ReportMetric> All { get; } =
    [
        new("crossed_on_expiry_share", "Crossed on expiry", ReportMetricUnit.Fraction,
            "Share of the parent quantity crossed with a market order when a limit order's time-to-live ended (or at the horizon).",
            m => m.CrossedOnExpiryShare),
        new("p99_bps", "P99 (bps)", ReportMetricUnit.Bps,
            "99th percentile of the episode shortfalls (type 7): the cost exceeded in one episode in a hundred.", m => m.P99Bps),
        new("guard_vs_inner_bps", "Guarded − unguarded (bps)", ReportMetricUnit.Bps,
            "For a guarded strategy: mean paired cost difference to the same strategy without its risk guards on the same paths (negative = the guards saved).",
            m => m.Guard?.GuardedMinusUnguarded.MeanBps),
        new("guard_vs_inner_ci_low_bps", "Guarded − unguarded, 95% CI low (bps)", ReportMetricUnit.Bps,
            "Lower end of the 95% interval of the guarded − unguarded difference over the run's independent units.",
            m => m.Guard?.GuardedMinusUnguarded.CiLowBps),
        new("guard_vs_inner_ci_high_bps", "Guarded − unguarded, 95% CI high (bps)", ReportMetricUnit.Bps,
            "Upper end of the 95% interval of the guarded − unguarded difference over the run's independent units.",
            m => m.Guard?.GuardedMinusUnguarded.CiHighBps),
    ];

    /// <summary>This figure of a strategy's row; null when the row does not hold it (e.g. a report frozen before it was recorded).</summary>
    public double? ValueOf(ReportStrategySummary strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.Metrics.TryGetValue(Key, out var value) ? value : null;
    }
}

/// <summary>
/// Where a strategy's mean shortfall went, averaged over every episode of the run (bps of arrival value, positive a cost):
/// the components add up to the mean shortfall (implementation shortfall decomposed after Perold, 1988: execution costs
/// against the arrival price, the market's move while the order was worked, and the opportunity cost of what was not filled).
/// </summary>
/// <param name="SpreadAndFeesBps">Half-spread, fixed cost ε and fees.</param>
/// <param name="TemporaryImpactBps">Temporary and transient impact.</param>
/// <param name="PermanentImpactBps">Permanent impact of earlier child orders.</param>
/// <param name="TimingBps">Market moves since arrival while the order was worked.</param>
/// <param name="OpportunityBps">Opportunity cost of the shares left unfilled at the horizon.</param>
/// <param name="ArrivalSlippageBps">Mean average execution price against the arrival price, fees excluded.</param>
/// <param name="VwapSlippageBps">Mean average execution price against the market's interval VWAP, fees excluded.</param>
public sealed record ReportCostBreakdown(double SpreadAndFeesBps, double TemporaryImpactBps, double PermanentImpactBps, double TimingBps,
    double OpportunityBps, double ArrivalSlippageBps, double VwapSlippageBps)
{
    /// <summary>Sum of the components: the mean shortfall.</summary>
    [JsonIgnore]
    public double TotalBps => SpreadAndFeesBps + TemporaryImpactBps + PermanentImpactBps + TimingBps + OpportunityBps;

    /// <summary>The components with their names, in the order the stacked bars draw them.</summary>
    [JsonIgnore]
    public IReadOnlyList<(string Name, double Bps)> Components =>
    [
        ("Spread and fees", SpreadAndFeesBps), ("Temporary impact", TemporaryImpactBps), ("Permanent impact", PermanentImpactBps),
        ("Timing", TimingBps), ("Opportunity", OpportunityBps),
    ];

    /// <summary>Means of the episodes' components and slippages; the opportunity cost is the remainder of the shortfall.</summary>
    public static ReportCostBreakdown? Mean(IEnumerable<ReportEpisodeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sum = new Accumulator();
        foreach (var r in rows) sum.Add(r);
        return sum.Mean();
    }

    /// <summary>Running sums over episodes, so a run's episodes need not be held in memory at once.</summary>
    public sealed class Accumulator
    {
        private long _n;
        private double _spread, _temporary, _permanent, _timing, _shortfall, _arrival, _vwap;

        /// <summary>Adds one episode.</summary>
        public void Add(ReportEpisodeRow r)
        {
            ArgumentNullException.ThrowIfNull(r);
            _n++;
            _spread += r.SpreadAndFeesBps;
            _temporary += r.TemporaryImpactBps;
            _permanent += r.PermanentImpactBps;
            _timing += r.TimingBps;
            _shortfall += r.ShortfallBps;
            _arrival += r.ArrivalSlippageBps;
            _vwap += r.VwapSlippageBps;
        }

        /// <summary>The means so far, or null before any episode.</summary>
        public ReportCostBreakdown? Mean()
        {
            if (_n == 0) return null;
            double n = _n;
            double opportunity = (_shortfall - _spread - _temporary - _permanent - _timing) / n;
            // Rounding leaves a few 1e-12 bps where nothing was left unfilled.
            if (Math.Abs(opportunity) < 1e-9) opportunity = 0;
            return new ReportCostBreakdown(_spread / n, _temporary / n, _permanent / n, _timing / n, opportunity, _arrival / n, _vwap / n);
        }
    }
}

/// <summary>What the participation cap and the horizon did to one strategy's order, with the warning a reader must see.</summary>
/// <param name="ForcedFraction">Mean share of the order force-traded at the last step beyond what the strategy asked for.</param>
/// <param name="UnfilledFraction">Mean share of the order left unfilled at the horizon (the cap held).</param>
/// <param name="CapBreaches">Child orders over the participation cap, over every episode.</param>
/// <param name="MaxParticipation">Largest child order over its step's market volume in any episode.</param>
/// <param name="OpportunityCostBps">Mean opportunity cost of the unfilled rest (Perold 1988), inside the shortfall.</param>
public sealed record ReportExecution(double ForcedFraction, double UnfilledFraction, long CapBreaches, double MaxParticipation, double OpportunityCostBps)
{
    /// <summary>Nothing recorded.</summary>
    public static ReportExecution None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Share of the parent quantity executed by the horizon (passively or by market orders); null for runs stored
    /// before it was recorded.</summary>
    public double? FillRate { get; init; }

    /// <summary>95th percentile across episodes of each episode's largest child order over its step's market volume (a
    /// fraction); what the pages show, since <see cref="MaxParticipation"/> is one extreme draw (a step whose simulated
    /// volume came out near zero). Null for runs stored before it was recorded.</summary>
    public double? MaxParticipationP95 { get; init; }

    /// <summary>Share of the parent quantity filled by limit orders; null for runs stored before it was recorded.</summary>
    public double? PassiveShare { get; init; }

    /// <summary>Shares filled passively over shares posted as limit orders; null when nothing was posted.</summary>
    public double? PostedFillRatio { get; init; }

    /// <summary>What the passive fills earned against the mid (half-spread plus offset) in bps of their notional; null without passive fills.</summary>
    public double? SpreadCapturedBps { get; init; }

    /// <summary>Mid move against the passive fills over the next decision step in bps (positive = adverse selection); null without passive fills.</summary>
    public double? MarkoutBps { get; init; }

    /// <summary>Mid move against the passive fills 1 s, 10 s and 60 s after each fill in bps (replayed books only).</summary>
    public double? Markout1sBps { get; init; }

    /// <summary>See <see cref="Markout1sBps"/>.</summary>
    public double? Markout10sBps { get; init; }

    /// <summary>See <see cref="Markout1sBps"/>.</summary>
    public double? Markout60sBps { get; init; }

    /// <summary>95% intervals of the metrics above with their independent units; null for runs stored before they were recorded.</summary>
    public Portal.Domain.Backtesting.OrderTypeIntervals? Intervals { get; init; }

    /// <summary>True when the strategy posted limit orders.</summary>
    [JsonIgnore]
    public bool PostedLimitOrders => PostedFillRatio is not null;

    /// <summary>The warning to show next to the strategy, or null when it finished within every constraint.</summary>
    [JsonIgnore]
    public string? Warning => (CapBreaches > 0, UnfilledFraction > 0) switch
    {
        (true, _) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"cap breached at {CapBreaches} step(s), max participation {MaxParticipation:P1}, {ForcedFraction:P1} force-traded at the horizon"),
        (false, true) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"order not completed: {UnfilledFraction:P1} unfilled at the horizon, opportunity cost {OpportunityCostBps:F2} bps"),
        _ => null,
    };
}

/// <summary>One episode of one strategy, as the per-episode CSV writes it. Costs in basis points of the arrival value unless named otherwise.</summary>
/// <param name="StrategyId">Strategy that traded the episode.</param>
/// <param name="Episode">Episode index (the same index is the same market path for every strategy).</param>
/// <param name="ShortfallBps">Implementation shortfall.</param>
/// <param name="ShortfallCurrency">Implementation shortfall in the instrument's currency.</param>
/// <param name="ArrivalSlippageBps">Average execution price against the arrival price.</param>
/// <param name="VwapSlippageBps">Average execution price against the market VWAP over the horizon.</param>
/// <param name="SpreadAndFeesBps">Half-spread and fees paid.</param>
/// <param name="TemporaryImpactBps">Cost from temporary impact.</param>
/// <param name="PermanentImpactBps">Cost from permanent impact.</param>
/// <param name="TimingBps">Cost from price moves while the order was worked.</param>
/// <param name="ForcedQuantity">Quantity force-traded at the horizon.</param>
/// <param name="MaxParticipation">Largest participation rate of any step.</param>
public sealed record ReportEpisodeRow(string StrategyId, int Episode, double ShortfallBps, double ShortfallCurrency,
    double ArrivalSlippageBps, double VwapSlippageBps, double SpreadAndFeesBps, double TemporaryImpactBps, double PermanentImpactBps,
    double TimingBps, double ForcedQuantity, double MaxParticipation)
{
    /// <summary>Strategy that traded the episode; not blank.</summary>
    public string StrategyId { get; } = ReportGuard.NotBlank(StrategyId, nameof(StrategyId));

    /// <summary>Episode index; zero or more.</summary>
    public int Episode { get; } = Episode >= 0
        ? Episode
        : throw new ArgumentOutOfRangeException(nameof(Episode), Episode, "Episode must be zero or more.");
}

/// <summary>One strategy's pooled result in one regime, for the run's order-size and horizon buckets.</summary>
/// <param name="Regime">Regime name.</param>
/// <param name="StrategyId">Strategy id.</param>
/// <param name="DisplayName">Strategy name as shown.</param>
/// <param name="Runs">Out-of-sample runs pooled.</param>
/// <param name="Episodes">Episodes pooled.</param>
/// <param name="MeanBps">Mean shortfall.</param>
/// <param name="CiLowBps">Lower end of its 95% confidence interval.</param>
/// <param name="CiHighBps">Upper end of its 95% confidence interval.</param>
public sealed record ReportRegimeRow(string Regime, string StrategyId, string DisplayName, int Runs, long Episodes, double MeanBps, double CiLowBps, double CiHighBps);

/// <summary>A trained agent's learning curves: mean episode shortfall against environment steps, one series per seed.</summary>
/// <param name="StrategyId">The agent's strategy id in the run.</param>
/// <param name="Name">The agent's name.</param>
/// <param name="Steps">Shared x positions (environment steps).</param>
/// <param name="Seeds">Per seed, its shortfall (bps) at each of <paramref name="Steps"/>.</param>
public sealed record ReportAgentCurves(string StrategyId, string Name, IReadOnlyList<long> Steps, IReadOnlyList<(long Seed, double[] Values)> Seeds)
{
    /// <summary>The trained agent's id (links to its page); empty when not known.</summary>
    public Guid AgentId { get; init; }

    /// <summary>The agent's algorithm, e.g. <c>ppo</c>.</summary>
    public string Algorithm { get; init; } = "";

    /// <summary>The training seed whose policy the run used; null when the agent has no stored seeds.</summary>
    public long? UsedSeed { get; init; }

    /// <summary>True when the run chose <see cref="UsedSeed"/> (<c>strategySettings.agentSeed</c>); false for the default, the first seed.</summary>
    public bool SeedChosen { get; init; }
}

/// <summary>
/// The bins every strategy's cost histogram shares, so strategies compare bar for bar: <see cref="Bins"/> bins of equal
/// width from <see cref="LowBps"/>, spanning the 0.1st to 99.9th percentile of all strategies' sampled episodes pooled;
/// the rare episodes beyond fall into the end bins (one flash-crash episode would otherwise squeeze every other bar into
/// a sliver). One rule for the page, the PDF and the CSV.
/// </summary>
/// <param name="LowBps">Left edge of the first bin (bps).</param>
/// <param name="BinWidthBps">Width of every bin (bps).</param>
/// <param name="Bins">Number of bins.</param>
/// <param name="PeakShare">Tallest bar over all strategies (percent of episodes), at least 1.</param>
public sealed record CostHistogram(double LowBps, double BinWidthBps, int Bins, double PeakShare)
{
    /// <summary>Bins of every cost histogram.</summary>
    public const int DefaultBins = 40;

    /// <summary>Share of the pooled sample left out of the span on each side (it falls into the end bins).</summary>
    public const double PooledTail = 0.001;

    /// <summary>Right edge of the last bin (bps).</summary>
    [JsonIgnore]
    public double HighBps => LowBps + Bins * BinWidthBps;

    /// <summary>The shared bins for these samples, or null when no sample holds a finite value.</summary>
    public static CostHistogram? For(IEnumerable<IReadOnlyList<double>> samples, int bins = DefaultBins)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1.");
        var list = samples.ToList();
        var pooled = list.SelectMany(s => s).Where(double.IsFinite).Order().ToArray();
        if (pooled.Length == 0)
        {
            return null;
        }

        var low = pooled[(int)Math.Floor(PooledTail * (pooled.Length - 1))];
        var high = pooled[(int)Math.Ceiling((1 - PooledTail) * (pooled.Length - 1))];
        if (high - low < 1e-9)
        {
            low -= 0.5;
            high += 0.5;
        }

        var scale = new CostHistogram(low, (high - low) / bins, bins, 1);
        var peak = list.Select(s => scale.Shares(s).DefaultIfEmpty(0).Max()).DefaultIfEmpty(0).Max();
        return scale with { PeakShare = Math.Max(peak, 1) };
    }

    /// <summary>Share of the finite values (percent) in each bin; values outside the span count in the nearest end bin.</summary>
    public double[] Shares(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = new double[Bins];
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            counts[Math.Clamp((int)Math.Floor((v - LowBps) / BinWidthBps), 0, Bins - 1)]++;
            n++;
        }

        return n == 0 ? counts : [.. counts.Select(c => 100.0 * c / n)];
    }

    /// <summary>The strategy's shares as the report holds them, or computed from its sample when it holds none.</summary>
    public IReadOnlyList<double> SharesOf(ReportStrategySummary strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.CostHistogramShares.Count == Bins ? strategy.CostHistogramShares : Shares(strategy.ShortfallHistogramSampleBps);
    }

    /// <summary>The report's bins, or the bins of its strategies' samples when it holds none.</summary>
    public static CostHistogram? Of(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.CostHistogram ?? For(report.Strategies.Select(s => s.ShortfallHistogramSampleBps));
    }

    /// <summary>Centre of bin <paramref name="bin"/> (bps).</summary>
    public double Centre(int bin) => LowBps + (bin + 0.5) * BinWidthBps;
}
