using Portal.Domain.Scenarios;

namespace Portal.Domain.Simulation;

/// <summary>What one episode drew for one market event: whether it happens, when it starts and how hard it hits.</summary>
/// <param name="Occurs">True when the event happens in this episode.</param>
/// <param name="StartMinutes">Start in minutes after the order starts (+∞ when it does not occur).</param>
/// <param name="Size">Size factor s (1 = the stated size).</param>
public readonly record struct EventDraw(bool Occurs, double StartMinutes, double Size);

/// <summary>Per-episode draws of a scenario's stress events and their effect at a point in time.</summary>
/// <remarks>
/// <para>Each draw uses the stateless counter-based stream <see cref="RandomStream.CounterUniform"/> keyed by (seed, episode,
/// event index, purpose), so an episode's event is the same whatever its batch, its position in it, the number of threads or
/// the strategy, and drawing it does not move the episode's sequential stream (paths of scenarios without random events are
/// unchanged). Distributions, as stated in <see cref="MarketEvent"/>: occurrence Bernoulli(p); start uniform over
/// [atFraction, latestAtFraction] × horizon; size factor lognormal <c>exp(σz − σ²/2)</c> with z from the Box–Muller transform
/// of two uniforms (Box and Muller, 1958).</para>
/// <para>Effect at time t ≥ start, with recovery weight <c>w = e^(−(t − start)/recovery)</c> (1 without recovery): each
/// multiplier M acts as <c>1 + (M^s − 1)·w</c>; the price offset is <c>s·jump·(1 − r·(1 − w))</c> with r the recovered fraction
/// (0 without recovery), the jump floored at −90%.</para>
/// </remarks>
public static class StressEvents
{
    private const int StreamBase = 0x45564E54; // "EVNT"

    /// <summary>The draw of event <paramref name="index"/> of a scenario for episode <paramref name="episode"/> of a run seeded
    /// with <paramref name="seed"/>, for an order of <paramref name="horizonMinutes"/>.</summary>
    public static EventDraw Draw(long seed, long episode, int index, MarketEvent marketEvent, double horizonMinutes)
    {
        ArgumentNullException.ThrowIfNull(marketEvent);
        double earliest = marketEvent.AtFraction;
        double latest = marketEvent.LatestAtFraction is { } l && l > earliest ? l : earliest;
        bool occurs = marketEvent.Probability >= 1 || RandomStream.CounterUniform(seed, episode, index, StreamBase) < marketEvent.Probability;
        if (!occurs) return new EventDraw(false, double.PositiveInfinity, 1);
        double at = latest > earliest ? earliest + (latest - earliest) * RandomStream.CounterUniform(seed, episode, index, StreamBase + 1) : earliest;
        double size = 1;
        double sigma = marketEvent.SizeLogStd;
        if (sigma > 0)
        {
            double u1 = RandomStream.CounterUniform(seed, episode, index, StreamBase + 2);
            double u2 = RandomStream.CounterUniform(seed, episode, index, StreamBase + 3);
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            size = Math.Exp(sigma * z - 0.5 * sigma * sigma);
        }

        return new EventDraw(true, at * horizonMinutes, size);
    }

    /// <summary>Multiplies the effect of one drawn event at <paramref name="minutes"/> after the order starts into the
    /// running multipliers and adds its price offset (fraction of the arrival price).</summary>
    public static void Accumulate(MarketEvent e, in EventDraw draw, double minutes,
        ref double volatility, ref double liquidity, ref double impact, ref double spread, ref double priceOffset)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!draw.Occurs || minutes < draw.StartMinutes - 1e-9) return;
        double w = e.RecoveryMinutes > 0 ? Math.Exp(-(minutes - draw.StartMinutes) / e.RecoveryMinutes) : 1.0;
        double s = draw.Size;
        volatility *= 1 + (Scale(e.VolatilityMultiplier, s) - 1) * w;
        liquidity *= 1 + (Scale(e.LiquidityMultiplier, s) - 1) * w;
        impact *= 1 + (Scale(e.ImpactMultiplier, s) - 1) * w;
        spread *= 1 + (Scale(e.SpreadMultiplier, s) - 1) * w;
        double recovered = e.RecoveryMinutes > 0 ? e.PriceRecoveryFraction * (1 - w) : 0;
        double jump = s == 1 ? e.PriceJumpPct : Math.Max(-90, e.PriceJumpPct * s);
        priceOffset += jump / 100.0 * (1 - recovered);
    }

    private static double Scale(double multiplier, double s) => s == 1 ? multiplier : multiplier > 0 ? Math.Pow(multiplier, s) : 0;
}
