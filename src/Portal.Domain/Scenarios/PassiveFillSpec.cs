namespace Portal.Domain.Scenarios;

/// <summary>How limit orders posted on the simulated market are filled, and what a fill reveals (adverse selection).</summary>
/// <remarks>
/// <para>Fill intensity of a limit order posted δ beyond the touch: <c>λ(δ) = A·e^(−kδ)</c>, the exponential fill-rate
/// assumption of Cartea, Jaimungal and Penalva (2015), <i>Algorithmic and High-Frequency Trading</i>, Cambridge University
/// Press, §8.2 (liquidation with limit orders) and §10.2 (market making): a market order reaches a limit order at depth δ
/// with probability e^(−κδ), so the order is hit at rate λ·e^(−κδ). Symbol mapping: their λ is our A, the intensity of
/// market orders of the other side reaching the touch; their κ (per unit of currency) is our k·10⁴/S0 with k per basis
/// point of the arrival price S0; their δ is measured from the mid, ours from the touch, which moves the factor e^(−κ·spread/2)
/// into A. The market-order flow is tied to the scenario's volume: half of a step's market volume V arrives as market
/// orders of the other side, in orders of mean size m̄, so <c>A = (V/2)/(m̄·Δt)</c> per second over a step of Δt seconds.
/// Each hit fills <see cref="QueueShare"/>·m̄ shares of the posted order (the rest of the market order goes to the displayed
/// depth sharing the level), until the order is filled.</para>
/// <para>Adverse selection follows the same book (their §10.4): every market order moves the mid by ε in its own direction,
/// buy and sell flows being symmetric so the unconditional drift is zero. Given the number N of market orders that reached
/// the posted order during its life, the expected mid move is then <c>ε·(N − E[N])</c> against the filled side (up after a
/// sell order was lifted): a filled order is followed by a move against it, an unfilled one by a move against the rest of
/// the parent order. ε is <see cref="MarkoutBps"/>.</para>
/// <para>Defaults are calibrated (<see cref="Calibration.PassiveFillCalibrator"/>) on the LOBSTER sample day of AMZN,
/// 2012-06-21, level 5 (LOBSTER's free sample files, lobsterdata.com; shared/data/SOURCES.md): hypothetical orders of m̄
/// shares posted every 23.4 s at 0–4 ticks beyond the touch with lives of 1, 10, 60 and 300 s run through the replay's
/// queue-position model give k = 0.80 per bps and φ = 0.058 (fit RMSE 0.14 of the filled fraction); the 8,183 market
/// orders average 99 shares, so m̄ = 100 is kept, which is also the median US equity trade size (SEC MIDAS statistics);
/// the regression of 10-s mid changes on net market-order counts gives ε = 0.38 bps per market order (R² 0.39). The
/// values replace the earlier assumptions φ = 0.25 and ε = 0.05 bps; k was 0.5, CJP's order of magnitude.</para>
/// </remarks>
public sealed record PassiveFillSpec
{
    /// <summary>k in λ(δ) = A·e^(−kδ), per basis point of the arrival price beyond the touch. Allowed: [0, 100].</summary>
    public double FillDecayPerBps { get; init; } = 0.8;

    /// <summary>Mean size m̄ of a market order in shares; with the step's volume it sets the market-order count A·Δt.
    /// Allowed: (0, 10⁹].</summary>
    public double MeanMarketOrderShares { get; init; } = 100;

    /// <summary>Share of each market order reaching the posted price that fills our order (the rest fills the displayed
    /// depth sharing the level). Allowed: (0, 1].</summary>
    public double QueueShare { get; init; } = 0.058;

    /// <summary>Mid move ε against the filled side per market order that reached the posted order, in basis points of the
    /// arrival price (0 = no adverse selection). Allowed: [0, 100].</summary>
    public double MarkoutBps { get; init; } = 0.38;
}
