using System.Text.Json.Serialization;

namespace Portal.Domain.Scenarios;

/// <summary>The market model: reference levels, price process, impact, spread, liquidity, volume and scheduled events.</summary>
/// <remarks>Time in the model parameters is measured in trading days (as in Almgren and Chriss, 2000, section 3);
/// a day has <see cref="TradingMinutesPerDay"/> minutes.</remarks>
public sealed record MarketSpec
{
    /// <summary>Mid price when the parent order starts (price currency per share). Allowed: (0, ∞).</summary>
    public double ArrivalPrice { get; init; } = 50;

    /// <summary>Average daily volume in shares per day. Allowed: (0, ∞).</summary>
    public double Adv { get; init; } = 5_000_000;

    /// <summary>Daily volatility of the price as a fraction of the arrival price (0.02 = 2% per day^½). Allowed: [0, 1].</summary>
    public double DailyVolatility { get; init; } = 0.02;

    /// <summary>Name of the regime preset these parameters came from (see <see cref="RegimePresets"/>), or <c>custom</c>.</summary>
    public string Regime { get; init; } = RegimePresets.Normal;

    /// <summary>Length of a trading day in minutes. Allowed: [1, 1440].</summary>
    public double TradingMinutesPerDay { get; init; } = 390;

    /// <summary>What the market was calibrated from when it was (<see cref="Calibration.ProfileToScenario"/>), e.g.
    /// <c>AMZN 2012-06-21</c>; absent for a synthetic market. Its volume profile, volatility and impact describe that one
    /// recorded session, so a horizon must end within it (<see cref="HorizonLimits"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CalibratedFrom { get; init; }

    /// <summary>Price process: model, drift and jumps.</summary>
    public PriceSpec Price { get; init; } = new();

    /// <summary>Market impact model and its own parameters (one record per model, see <see cref="ImpactSpec"/>).</summary>
    public ImpactSpec Impact { get; init; } = new AlmgrenChrissImpactSpec();

    /// <summary>Bid–ask spread process.</summary>
    public SpreadSpec Spread { get; init; } = new();

    /// <summary>Stochastic liquidity level (1 = normal) that scales market volume and, for liquidity-scaled impact, impact.</summary>
    public LiquiditySpec Liquidity { get; init; } = new();

    /// <summary>Intraday volume profile and its noise.</summary>
    public VolumeSpec Volume { get; init; } = new();

    /// <summary>Scheduled events within the horizon (crash, liquidity collapse, volatility spike, impact shift).</summary>
    public IReadOnlyList<MarketEvent> Events { get; init; } = [];

    /// <summary>How posted limit orders are filled on the simulated market and the adverse selection a fill reveals
    /// (optional in the JSON: the defaults apply).</summary>
    public PassiveFillSpec PassiveFills { get; init; } = new();
}

/// <summary>Price process of the unaffected mid price.</summary>
/// <remarks>Arithmetic Brownian motion <c>S(t+τ) = S(t) + μ·S0·τ + σ·S0·√τ·ξ</c> as in Almgren and Chriss (2000, eq. 1);
/// geometric Brownian motion <c>S(t+τ) = S(t)·exp((μ − σ²/2)τ + σ√τ·ξ)</c> (Black and Scholes, 1973); jumps arrive as a
/// Poisson process with normally distributed sizes in basis points of the current price (Merton, 1976).</remarks>
public sealed record PriceSpec
{
    /// <summary><c>abm</c> (arithmetic Brownian motion) or <c>gbm</c> (geometric Brownian motion).</summary>
    public string Model { get; init; } = PriceModels.Abm;

    /// <summary>Drift as a fraction of the price per trading day (0.01 = +1% a day). Allowed: [−1, 1].</summary>
    public double DriftPerDay { get; init; }

    /// <summary>Expected number of jumps per trading day. Allowed: [0, 10000].</summary>
    public double JumpIntensityPerDay { get; init; }

    /// <summary>Mean jump size in basis points of the price. Allowed: [−5000, 5000].</summary>
    public double JumpMeanBps { get; init; }

    /// <summary>Standard deviation of the jump size in basis points. Allowed: [0, 5000].</summary>
    public double JumpStdBps { get; init; }
}

/// <summary>Names of the price models.</summary>
public static class PriceModels
{
    /// <summary>Arithmetic Brownian motion.</summary>
    public const string Abm = "abm";

    /// <summary>Geometric Brownian motion.</summary>
    public const string Gbm = "gbm";

    /// <summary>Every supported price model.</summary>
    public static IReadOnlyList<string> All { get; } = [Abm, Gbm];
}

/// <summary>Names of the propagator kernels of the square-root model.</summary>
public static class PropagatorKernels
{
    /// <summary>Power-law decay t^(−γ), approximated by a fixed sum of exponentials, cut off at the relaxation time.</summary>
    public const string PowerLaw = "power-law";

    /// <summary>Exponential decay e^(−t/T_r).</summary>
    public const string Exponential = "exponential";

    /// <summary>Every supported kernel.</summary>
    public static IReadOnlyList<string> All { get; } = [PowerLaw, Exponential];
}

/// <summary>Names of the impact models.</summary>
public static class ImpactModels
{
    /// <summary>Almgren–Chriss linear temporary and permanent impact.</summary>
    public const string AlmgrenChriss = "almgren-chriss";

    /// <summary>Power-law temporary impact on the trading rate with permanent impact (Almgren, Thum, Hauptmann and Li, 2005).</summary>
    public const string PowerLaw = "power-law";

    /// <summary>Square-root metaorder impact through a propagator (Gatheral, 2010).</summary>
    public const string SquareRoot = "square-root";

    /// <summary>Transient impact with exponential kernel on the bar's participation (the GEO environment).</summary>
    public const string Transient = "transient";

    /// <summary>Linear block-shaped book with exponential resilience.</summary>
    public const string ObizhaevaWang = "obizhaeva-wang";

    /// <summary>Every supported impact model.</summary>
    public static IReadOnlyList<string> All { get; } = [AlmgrenChriss, PowerLaw, SquareRoot, Transient, ObizhaevaWang];
}

/// <summary>Mean-reverting bid–ask spread in basis points of the arrival price.</summary>
/// <remarks>Ornstein–Uhlenbeck process <c>ds = θ(s̄ − s)dt + σ_s dW</c> sampled exactly at step times (Uhlenbeck and Ornstein, 1930),
/// floored at <see cref="MinBps"/>. A trade pays half the spread per share.</remarks>
public sealed record SpreadSpec
{
    /// <summary>Long-run mean spread s̄ in bps (the spread at arrival). Allowed: [0, 10000].</summary>
    public double MeanBps { get; init; } = 4;

    /// <summary>Mean-reversion speed θ per trading day. Allowed: [0, 1e6].</summary>
    public double MeanReversionPerDay { get; init; } = 100;

    /// <summary>Volatility σ_s in bps per day^½. Allowed: [0, 10000].</summary>
    public double VolatilityBpsPerSqrtDay { get; init; }

    /// <summary>Floor of the spread in bps. Allowed: [0, 10000].</summary>
    public double MinBps { get; init; } = 0.5;
}

/// <summary>Stochastic liquidity level, 1 = normal.</summary>
/// <remarks>Ornstein–Uhlenbeck level around 1 sampled exactly at step times, with Poisson shocks that multiply the level by
/// <see cref="ShockMultiplier"/> (a reduced form of the liquidity dynamics in Cartea, Jaimungal and Penalva, 2015, ch. 7),
/// floored at 0.01. Market volume is proportional to the level.</remarks>
public sealed record LiquiditySpec
{
    /// <summary>Mean-reversion speed θ of the level towards 1, per trading day. Allowed: [0, 1e6].</summary>
    public double MeanReversionPerDay { get; init; } = 20;

    /// <summary>Volatility of the level per day^½ (0 = constant liquidity). Allowed: [0, 100].</summary>
    public double VolatilityPerSqrtDay { get; init; }

    /// <summary>Expected number of liquidity shocks per trading day. Allowed: [0, 10000].</summary>
    public double ShockIntensityPerDay { get; init; }

    /// <summary>Factor applied to the level by a shock (0.5 halves it). Allowed: (0, 10].</summary>
    public double ShockMultiplier { get; init; } = 0.5;
}

/// <summary>Intraday U-shaped volume profile with lognormal noise.</summary>
/// <remarks>Density over the trading day u ∈ [0, 1]: <c>p(u) = (1 + c·(2u − 1)²)/(1 + c/3)</c>, so the open and close trade 1 + c times
/// the midday rate (the U shape documented by Jain and Joh, 1988, and Admati and Pfleiderer, 1988). Each step's volume is its
/// expected share of ADV times the liquidity level times <c>exp(σ_v·z − σ_v²/2)</c>.</remarks>
public sealed record VolumeSpec
{
    /// <summary>Curvature c of the U shape (0 = flat). Allowed: [0, 100].</summary>
    public double UShape { get; init; } = 2;

    /// <summary>Lognormal noise σ_v of each step's volume. Allowed: [0, 5].</summary>
    public double Noise { get; init; } = 0.3;
}

/// <summary>A stress event: a change in market conditions within the horizon. Multipliers decay back to 1 with the recovery time.</summary>
/// <remarks>
/// <para>Each episode draws its own event from its own random stream (counter-based, keyed by seed, episode and event index,
/// so an episode's event does not depend on its batch or on the other random numbers of its path):</para>
/// <list type="bullet">
/// <item>whether it happens: with probability <see cref="Probability"/>;</item>
/// <item>when it starts: uniform over [<see cref="AtFraction"/>, <see cref="LatestAtFraction"/>] of the horizon (fixed at
/// <see cref="AtFraction"/> when <see cref="LatestAtFraction"/> is null);</item>
/// <item>how hard it hits: a size factor <c>s = exp(σ·z − σ²/2)</c>, z standard normal and σ = <see cref="SizeLogStd"/> (mean 1;
/// s = 1 when σ = 0), which scales the price jump (<c>s × PriceJumpPct</c>, floored at −90%) and raises every multiplier M to the
/// power s (<c>M^s</c>, so a halving stays a reduction and a doubling an increase whatever the draw).</item>
/// </list>
/// <para>With the defaults (probability 1, no window, σ = 0) the event is the fixed, scheduled event of earlier scenario files.
/// Strategies never see the event list: they learn of an event only through prices, spread, liquidity and volume.</para>
/// </remarks>
public sealed record MarketEvent
{
    /// <summary>When the event starts, as a fraction of the horizon; with <see cref="LatestAtFraction"/> the earliest start.
    /// Allowed: [0, 1].</summary>
    public double AtFraction { get; init; } = 0.5;

    /// <summary>Latest start as a fraction of the horizon: each episode draws the start uniformly over
    /// [<see cref="AtFraction"/>, <see cref="LatestAtFraction"/>]. Null = always at <see cref="AtFraction"/>.
    /// Allowed: [atFraction, 1].</summary>
    public double? LatestAtFraction { get; init; }

    /// <summary>Probability that the event happens at all in an episode. Allowed: [0, 1].</summary>
    public double Probability { get; init; } = 1;

    /// <summary>Standard deviation σ of the log of the event's size factor (mean-one lognormal; 0 = always the stated size).
    /// Allowed: [0, 3].</summary>
    public double SizeLogStd { get; init; }

    /// <summary>True when the event differs between episodes (random start, occurrence or size).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRandom => (LatestAtFraction is { } latest && latest > AtFraction) || Probability < 1 || SizeLogStd > 0;

    /// <summary>Price jump as a percentage of the arrival price (−5 = a 5% fall). Allowed: [−90, 1000].</summary>
    public double PriceJumpPct { get; init; }

    /// <summary>Fraction of the jump recovered over the recovery time (0 = none, 1 = full). Allowed: [0, 1].</summary>
    public double PriceRecoveryFraction { get; init; }

    /// <summary>Multiplier of the liquidity level. Allowed: (0, 100].</summary>
    public double LiquidityMultiplier { get; init; } = 1;

    /// <summary>Multiplier of the volatility. Allowed: [0, 100].</summary>
    public double VolatilityMultiplier { get; init; } = 1;

    /// <summary>Multiplier of every impact coefficient. Allowed: [0, 100].</summary>
    public double ImpactMultiplier { get; init; } = 1;

    /// <summary>Multiplier of the spread. Allowed: [0, 100].</summary>
    public double SpreadMultiplier { get; init; } = 1;

    /// <summary>Time constant in minutes of the exponential return of multipliers to 1 and of the price recovery (0 = never). Allowed: [0, ∞).</summary>
    public double RecoveryMinutes { get; init; }
}
