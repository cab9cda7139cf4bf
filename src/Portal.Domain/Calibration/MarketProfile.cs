using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Domain.Calibration;

/// <summary>
/// What calibration learned about a market from one dataset; a scenario can use it ("calibrated from dataset X").
/// Serialised as camelCase JSON (<see cref="ToJson"/>). Time-based parameters are given per second and per trading day,
/// where a day is <see cref="SessionSeconds"/> long (the simulator's unit of time).
/// </summary>
public sealed record MarketProfile
{
    /// <summary>Instrument symbol.</summary>
    public required string Instrument { get; init; }
    /// <summary>Content hash of the dataset calibrated on.</summary>
    public required string DatasetHash { get; init; }
    /// <summary>First timestamp of the dataset (exchange clock).</summary>
    public required DateTime Start { get; init; }
    /// <summary>Last timestamp of the dataset.</summary>
    public required DateTime End { get; init; }
    /// <summary>Seconds covered by the dataset.</summary>
    public required double ObservedSeconds { get; init; }
    /// <summary>Length of one trading day in seconds (23,400 for US equities, 86,400 for crypto).</summary>
    public required double SessionSeconds { get; init; }
    /// <summary>Mean mid price over the dataset.</summary>
    public required double MeanMidPrice { get; init; }

    /// <summary>Average daily volume (shares or base units per day): traded volume scaled from the observed time to one session.</summary>
    public required double Adv { get; init; }
    /// <summary>Traded volume in the dataset.</summary>
    public required double TotalVolume { get; init; }
    /// <summary>Number of trades.</summary>
    public required int TradeCount { get; init; }

    /// <summary>Daily volatility (fraction of price per √day) from the horizon in <see cref="DailyVolatilityHorizonSeconds"/>.</summary>
    public required double DailyVolatility { get; init; }
    /// <summary>Sampling horizon that <see cref="DailyVolatility"/> comes from.</summary>
    public required double DailyVolatilityHorizonSeconds { get; init; }
    /// <summary>Realised volatility at every horizon that had enough returns.</summary>
    public required IReadOnlyList<VolatilityEstimate> RealisedVolatility { get; init; }

    /// <summary>Time-weighted mean spread in basis points of the mid.</summary>
    public required double MeanSpreadBps { get; init; }
    /// <summary>Time-weighted median spread in bps.</summary>
    public required double MedianSpreadBps { get; init; }
    /// <summary>Time-weighted 95th percentile spread in bps.</summary>
    public required double P95SpreadBps { get; init; }
    /// <summary>Depth statistics.</summary>
    public required DepthStatistics Depth { get; init; }

    /// <summary>Width of each volume-profile bucket in seconds.</summary>
    public required double VolumeProfileBucketSeconds { get; init; }
    /// <summary>Fraction of traded volume in each equal-width bucket of the observed time range (sums to 1).</summary>
    public required IReadOnlyList<double> VolumeProfile { get; init; }

    /// <summary>Autocorrelation of trade signs at lags 1, 2, ... (trades with a known aggressor side).</summary>
    public required IReadOnlyList<double> TradeSignAutocorrelation { get; init; }

    /// <summary>Impact parameters with fit quality.</summary>
    public required ImpactParameters Impact { get; init; }

    /// <summary>Ornstein–Uhlenbeck fit of the liquidity level (visible depth divided by its mean, so the mean is about 1).</summary>
    public required OuFit? Liquidity { get; init; }
    /// <summary>Ornstein–Uhlenbeck fit of the spread in bps.</summary>
    public required OuFit? Spread { get; init; }

    /// <summary>Limit-order fills, queue depletion and markouts (<see cref="PassiveFillCalibrator"/>); null when the dataset has no
    /// trade with a known aggressor side, or for a profile calibrated before these were measured.</summary>
    public PassiveFillProfile? PassiveFills { get; init; }

    /// <summary>Serialises to indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a profile written by <see cref="ToJson"/>.</summary>
    public static MarketProfile FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        return JsonSerializer.Deserialize<MarketProfile>(json, Json) ?? throw new JsonException("Profile JSON is null.");
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>Realised volatility sampled every <paramref name="HorizonSeconds"/>.</summary>
/// <param name="HorizonSeconds">Sampling interval.</param>
/// <param name="DailyVolatility">√(Σ r² / observed seconds × session seconds), r = log mid returns.</param>
/// <param name="Returns">Number of returns used.</param>
public sealed record VolatilityEstimate(double HorizonSeconds, double DailyVolatility, int Returns);

/// <summary>Time-weighted depth averages (units: shares or base currency).</summary>
/// <param name="Levels">Levels per side in the data.</param>
/// <param name="MeanBestBidSize">Mean size at the best bid.</param>
/// <param name="MeanBestAskSize">Mean size at the best ask.</param>
/// <param name="MeanVisibleBidDepth">Mean size summed over all recorded bid levels.</param>
/// <param name="MeanVisibleAskDepth">Mean size summed over all recorded ask levels.</param>
public sealed record DepthStatistics(int Levels, double MeanBestBidSize, double MeanBestAskSize, double MeanVisibleBidDepth, double MeanVisibleAskDepth);

/// <summary>The three impact fits.</summary>
/// <param name="SquareRoot">Square-root law.</param>
/// <param name="Kyle">Kyle's λ.</param>
/// <param name="Propagator">Transient propagator with exponential decay.</param>
public sealed record ImpactParameters(SquareRootFit? SquareRoot, KyleFit? Kyle, PropagatorFit? Propagator);

/// <summary>Square-root law <c>Δm/m = Y·σ_day·sgn(q)·√(|q|/ADV)</c> fitted through the origin on binned net order flow q.</summary>
/// <param name="Y">Square-root coefficient Y (dimensionless).</param>
/// <param name="R2">Coefficient of determination.</param>
/// <param name="N">Number of bins with non-zero flow.</param>
/// <param name="BinSeconds">Bin width.</param>
public sealed record SquareRootFit(double Y, double R2, int N, double BinSeconds);

/// <summary>Kyle's λ: <c>Δm = α + λ·q</c> per bin (price per unit of net signed volume).</summary>
/// <param name="Lambda">λ in price per share (or per base unit).</param>
/// <param name="LambdaBpsPerPercentAdv">Mid move in bps for a net flow of 1 % of ADV.</param>
/// <param name="R2">Coefficient of determination.</param>
/// <param name="N">Number of bins.</param>
/// <param name="BinSeconds">Bin width.</param>
public sealed record KyleFit(double Lambda, double LambdaBpsPerPercentAdv, double R2, int N, double BinSeconds);

/// <summary>
/// Propagator <c>m(t) = Σ G(t − s)·q(s)</c> with <c>G(t) = Permanent + (G0 − Permanent)·e^(−t/τ)</c>, fitted on binned signed volume with Permanent ≥ 0 and G0 ≥ Permanent.
/// </summary>
/// <param name="G0">Immediate impact per unit of signed volume (price per share).</param>
/// <param name="Permanent">Long-run impact per unit (price per share).</param>
/// <param name="DecayTimeSeconds">τ in seconds.</param>
/// <param name="ResiliencePerDay">1/τ in trading days (the simulator's resilience).</param>
/// <param name="DecayTimeAtSearchBound">True when τ landed on an end of the search range [Δ/4, 10·K·Δ]: the data do not pin τ down.</param>
/// <param name="KernelR2">R² of the exponential fit to the estimated kernel.</param>
/// <param name="RegressionR2">R² of the distributed-lag regression of mid changes on lagged flow.</param>
/// <param name="N">Number of bins in the regression.</param>
/// <param name="BinSeconds">Bin width.</param>
/// <param name="Kernel">Estimated cumulative kernel G(k) at lags k = 0..K bins (price per share).</param>
public sealed record PropagatorFit(double G0, double Permanent, double DecayTimeSeconds, double ResiliencePerDay, bool DecayTimeAtSearchBound, double KernelR2,
    double RegressionR2, int N, double BinSeconds, IReadOnlyList<double> Kernel);

/// <summary>Ornstein–Uhlenbeck <c>dx = κ(θ − x)dt + σ dW</c> fitted by exact AR(1) discretisation.</summary>
/// <param name="Variable">What was fitted.</param>
/// <param name="Mean">θ.</param>
/// <param name="MeanReversionPerSecond">κ per second.</param>
/// <param name="MeanReversionPerDay">κ per trading day.</param>
/// <param name="VolatilityPerSqrtSecond">σ per √second.</param>
/// <param name="VolatilityPerSqrtDay">σ per √day.</param>
/// <param name="HalfLifeSeconds">ln 2 / κ.</param>
/// <param name="R2">R² of the AR(1) regression.</param>
/// <param name="N">Number of transitions.</param>
/// <param name="SampleSeconds">Sampling interval.</param>
public sealed record OuFit(string Variable, double Mean, double MeanReversionPerSecond, double MeanReversionPerDay,
    double VolatilityPerSqrtSecond, double VolatilityPerSqrtDay, double HalfLifeSeconds, double R2, int N, double SampleSeconds);

/// <summary>What a recorded book says about limit-order fills (<see cref="PassiveFillCalibrator"/>), with the simulated book's
/// parameters fitted to it.</summary>
public sealed record PassiveFillProfile
{
    /// <summary>Price tick the offsets are counted in (currency).</summary>
    public required double TickSize { get; init; }
    /// <summary>One tick in bps of the mean mid.</summary>
    public required double TickBps { get; init; }
    /// <summary>Number of market orders (executions grouped by timestamp and aggressor side).</summary>
    public required int MarketOrders { get; init; }
    /// <summary>m̄: mean market-order size (shares).</summary>
    public required double MeanMarketOrderShares { get; init; }
    /// <summary>A: market orders per second reaching each side's touch (all market orders / 2 / observed seconds).</summary>
    public required double MarketOrdersPerSecondPerSide { get; init; }
    /// <summary>Size Q of the hypothetical orders of the fill curves (shares).</summary>
    public required double PostedShares { get; init; }
    /// <summary>Fill probability and filled fraction by offset and time-to-live, with the fitted model's fraction.</summary>
    public required IReadOnlyList<FillCurvePoint> FillCurves { get; init; }
    /// <summary>k in A·e^(−kδ), per bps beyond the touch, fitted to the fill curves.</summary>
    public required double FillDecayPerBps { get; init; }
    /// <summary>φ: share of each market order reaching our price that fills us, fitted to the fill curves.</summary>
    public required double QueueShare { get; init; }
    /// <summary>Root-mean-square difference between the fitted model's and the measured filled fractions (null without cells).</summary>
    public required double? FillFitRmse { get; init; }
    /// <summary>ε: mid move in bps per market order in its own direction (slope of bin mid changes on net signed counts).</summary>
    public required double MarkoutBpsPerMarketOrder { get; init; }
    /// <summary>R² of the ε regression.</summary>
    public required double MarkoutRegressionR2 { get; init; }
    /// <summary>Bins in the ε regression.</summary>
    public required int MarkoutRegressionBins { get; init; }
    /// <summary>Bin width of the ε regression, seconds.</summary>
    public required double MarkoutRegressionBinSeconds { get; init; }
    /// <summary>Executions, cancellations and additions per level and side, shares per second.</summary>
    public required IReadOnlyList<QueueDepletionRate> QueueDepletion { get; init; }
    /// <summary>Post-fill markouts of the recorded resting orders at each horizon.</summary>
    public required IReadOnlyList<MarkoutEstimate> Markouts { get; init; }
}

/// <summary>One cell of the fill curves.</summary>
/// <param name="OffsetTicks">Ticks beyond the touch.</param>
/// <param name="OffsetBps">The offset in bps of the mean mid.</param>
/// <param name="TtlSeconds">Time-to-live.</param>
/// <param name="Posts">Hypothetical orders posted (both sides).</param>
/// <param name="FillProbability">Share of posts with any fill within the time-to-live.</param>
/// <param name="MeanFillFraction">Mean filled share of the posted size.</param>
/// <param name="ModelFillFraction">The fitted simulated book's expected filled share.</param>
public sealed record FillCurvePoint(int OffsetTicks, double OffsetBps, double TtlSeconds, int Posts, double FillProbability, double MeanFillFraction, double ModelFillFraction);

/// <summary>Queue depletion at one displayed level (shares per second of the observed time).</summary>
/// <param name="Side"><c>bid</c> or <c>ask</c>.</param>
/// <param name="Level">1 = the touch.</param>
/// <param name="MeanDepth">Time-weighted mean displayed depth (shares).</param>
/// <param name="ExecutionsPerSecond">Executed shares per second.</param>
/// <param name="CancellationsPerSecond">Cancelled shares per second.</param>
/// <param name="AdditionsPerSecond">Newly posted shares per second.</param>
public sealed record QueueDepletionRate(string Side, int Level, double MeanDepth, double ExecutionsPerSecond, double CancellationsPerSecond, double AdditionsPerSecond);

/// <summary>Size-weighted mid move against recorded resting orders after they were executed.</summary>
/// <param name="HorizonSeconds">Seconds after the execution.</param>
/// <param name="MeanBps">Mean move against the resting side, bps (positive = adverse selection).</param>
/// <param name="StandardErrorBps">Standard error from 300-second block means (null with fewer than two blocks).</param>
/// <param name="Fills">Executions measured.</param>
/// <param name="Blocks">Blocks in the standard error.</param>
public sealed record MarkoutEstimate(double HorizonSeconds, double MeanBps, double? StandardErrorBps, int Fills, int Blocks);
