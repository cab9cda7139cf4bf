using Portal.Domain.Impact;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Simulation;

/// <summary>A validated scenario compiled into per-step constants shared read-only by every batch.</summary>
/// <remarks>Exact discretisation of the Ornstein–Uhlenbeck processes: <c>x(t+τ) = μ + (x(t) − μ)e^(−θτ) + σ√((1 − e^(−2θτ))/(2θ))·ξ</c>.
/// Jumps use one Bernoulli draw per step with probability <c>1 − e^(−λτ)</c> (at most one jump per step).</remarks>
internal sealed class MarketModel
{
    public MarketModel(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.EnsureValid();
        Scenario = scenario;
        var m = scenario.Market;
        Steps = scenario.Order.Steps;
        Tau = scenario.StepDays;
        HorizonDays = scenario.HorizonDays;
        S0 = m.ArrivalPrice;
        Quantity = scenario.Quantity;
        Sign = scenario.Order.Side == Side.Buy ? 1.0 : -1.0;
        SigmaAbs = m.DailyVolatility * S0;
        Gbm = m.Price.Model == PriceModels.Gbm;
        Drift = m.Price.DriftPerDay;
        JumpProb = m.Price.JumpIntensityPerDay > 0 ? -double.ExpM1(-m.Price.JumpIntensityPerDay * Tau) : 0;
        JumpMean = m.Price.JumpMeanBps / 1e4;
        JumpStd = m.Price.JumpStdBps / 1e4;

        var sp = m.Spread;
        SpreadMeanBps = sp.MeanBps;
        SpreadMinBps = sp.MinBps;
        (SpreadDecay, SpreadShock) = OuCoefficients(sp.MeanReversionPerDay, sp.VolatilityBpsPerSqrtDay, Tau);
        SpreadStochastic = SpreadShock > 0;

        var lq = m.Liquidity;
        (LiquidityDecay, LiquidityShock) = OuCoefficients(lq.MeanReversionPerDay, lq.VolatilityPerSqrtDay, Tau);
        LiquidityShockProb = lq.ShockIntensityPerDay > 0 ? -double.ExpM1(-lq.ShockIntensityPerDay * Tau) : 0;
        LiquidityShockMultiplier = lq.ShockMultiplier;
        LiquidityStochastic = LiquidityShock > 0 || LiquidityShockProb > 0;

        VolumeNoise = m.Volume.Noise;
        SlipAbs = scenario.Costs.SlippageNoiseBps / 1e4 * S0;
        FeeRate = scenario.Costs.FeeBps / 1e4;
        FeePerShare = scenario.Costs.FeePerShare;
        CapFraction = scenario.Constraints.MaxParticipationPct is { } cap ? cap / 100.0 : double.PositiveInfinity;
        HoldCap = scenario.Constraints.AtHorizon == HorizonRule.HoldCap && scenario.Constraints.MaxParticipationPct is not null;

        ExpectedVolume = new double[Steps];
        double minutesPerDay = m.TradingMinutesPerDay;
        double stepMinutes = scenario.Order.HorizonMinutes / Steps;
        for (int k = 0; k < Steps; k++)
        {
            double a = scenario.Order.StartMinutesAfterOpen + k * stepMinutes;
            double b = a + stepMinutes;
            ExpectedVolume[k] = m.Adv * (CumulativeVolume(b / minutesPerDay, m.Volume.UShape) - CumulativeVolume(a / minutesPerDay, m.Volume.UShape));
        }

        var im = m.Impact;
        LiquidityScaled = im.LiquidityScaled;
        var c = ImpactModelFactory.Create(im).Coefficients(m, Tau, ExpectedVolume);
        Epsilon = c.Epsilon;
        EtaOverTau = c.LinearTemporary;
        Gamma = c.Permanent;
        PermanentOwnShare = c.PermanentOwnShare;
        RateTemporary = c.RateTemporary?.ToArray() ?? new double[Steps];
        RateExponent = c.RateExponent;
        HasRateTemporary = c.RateTemporary is not null && RateTemporary.Any(x => x > 0);
        var tk = c.Transient;
        HasTransient = tk is not null && tk.StepScale.Any(x => x > 0);
        TransientScale = tk?.StepScale.ToArray() ?? new double[Steps];
        TransientExponent = tk?.Exponent ?? 1;
        TransientRealizedVolume = HasTransient && tk!.RealizedVolume;
        TransientCarry = HasTransient ? tk!.Carry.ToArray() : [];
        TransientIncrement = HasTransient ? tk!.Increment.ToArray() : [];
        TransientDecay = HasTransient ? tk!.Decay.ToArray() : [];
        TransientOwnShare = tk?.OwnShare ?? 0;

        VolatilityMultiplier = Ones(Steps + 1);
        LiquidityMultiplier = Ones(Steps + 1);
        ImpactMultiplier = Ones(Steps + 1);
        SpreadMultiplier = Ones(Steps + 1);
        PriceOffset = new double[Steps + 1];
        StepMinutes = stepMinutes;
        HorizonMinutes = scenario.Order.HorizonMinutes;
        var random = new List<(int Index, MarketEvent Event)>();
        for (int j = 0; j < m.Events.Count; j++)
        {
            var e = m.Events[j];
            if (e.IsRandom)
            {
                random.Add((j, e));
                continue;
            }

            // A fixed event hits every episode alike: its effect is a per-step constant.
            var draw = new EventDraw(true, e.AtFraction * scenario.Order.HorizonMinutes, 1);
            for (int k = 0; k <= Steps; k++)
            {
                StressEvents.Accumulate(e, draw, k * stepMinutes, ref VolatilityMultiplier[k], ref LiquidityMultiplier[k],
                    ref ImpactMultiplier[k], ref SpreadMultiplier[k], ref PriceOffset[k]);
            }
        }

        RandomEvents = [.. random];
        HasEvents = m.Events.Count > 0;
        StrategyScenario = DecisionContext.StrategyView(scenario);
    }

    /// <summary>The scenario as strategies see it (without its events).</summary>
    public Scenario StrategyScenario { get; }

    /// <summary>Length of a decision step in minutes.</summary>
    public double StepMinutes { get; }

    /// <summary>Length of the horizon in minutes.</summary>
    public double HorizonMinutes { get; }

    /// <summary>Events that differ between episodes, with their index in the scenario's list (the key of their draws).
    /// Fixed events are folded into the per-step multiplier arrays instead.</summary>
    public (int Index, MarketEvent Event)[] RandomEvents { get; }

    public Scenario Scenario { get; }
    public int Steps { get; }
    public double Tau { get; }
    public double HorizonDays { get; }
    public double S0 { get; }
    public double Quantity { get; }
    public double Sign { get; }
    public double SigmaAbs { get; }
    public bool Gbm { get; }
    public double Drift { get; }
    public double JumpProb { get; }
    public double JumpMean { get; }
    public double JumpStd { get; }
    public double SpreadMeanBps { get; }
    public double SpreadMinBps { get; }
    public double SpreadDecay { get; }
    public double SpreadShock { get; }
    public bool SpreadStochastic { get; }
    public double LiquidityDecay { get; }
    public double LiquidityShock { get; }
    public double LiquidityShockProb { get; }
    public double LiquidityShockMultiplier { get; }
    public bool LiquidityStochastic { get; }
    public double VolumeNoise { get; }
    public double SlipAbs { get; }
    public double FeeRate { get; }
    public double FeePerShare { get; }
    public double CapFraction { get; }

    /// <summary>True when a cap is set and holds at the horizon (the unfilled rest is charged its opportunity cost).</summary>
    public bool HoldCap { get; }
    public double Epsilon { get; }
    public double EtaOverTau { get; }
    public double Gamma { get; }

    /// <summary>Share of its own permanent move a child pays (0 or ½).</summary>
    public double PermanentOwnShare { get; }

    /// <summary>Per step: coefficient of the rate-based temporary cost per share c_k·n^<see cref="RateExponent"/>.</summary>
    public double[] RateTemporary { get; }
    public double RateExponent { get; }
    public bool HasRateTemporary { get; }

    /// <summary>Transient states: per-step scale and exponent of the size term, and per state carry, increment and decay
    /// (see <see cref="TransientKernel"/>).</summary>
    public double[] TransientScale { get; }
    public double TransientExponent { get; }
    public bool TransientRealizedVolume { get; }
    public double[] TransientCarry { get; }
    public double[] TransientIncrement { get; }
    public double[] TransientDecay { get; }
    public double TransientOwnShare { get; }
    public int TransientStates => TransientDecay.Length;
    public bool HasTransient { get; }
    public bool LiquidityScaled { get; }
    public bool HasEvents { get; }

    /// <summary>Expected market volume of each step (shares).</summary>
    public double[] ExpectedVolume { get; }

    /// <summary>Event multipliers at each step time (Steps + 1 points).</summary>
    public double[] VolatilityMultiplier { get; }
    public double[] LiquidityMultiplier { get; }
    public double[] ImpactMultiplier { get; }
    public double[] SpreadMultiplier { get; }

    /// <summary>Deterministic event price offset at each step time as a fraction of the arrival price.</summary>
    public double[] PriceOffset { get; }

    /// <summary>Notional of the order at arrival (the denominator of shortfall in bps).</summary>
    public double ArrivalNotional => S0 * Quantity;

    /// <summary>Cumulative share of a day's volume traded by time <paramref name="days"/> (in days) under the U-shaped profile.</summary>
    public static double CumulativeVolume(double days, double c)
    {
        double whole = Math.Floor(days);
        double u = days - whole;
        double within = (u + c * Math.Pow(2 * u - 1, 3) / 6 + c / 6) / (1 + c / 3);
        return whole + within;
    }

    private static (double Decay, double Shock) OuCoefficients(double theta, double sigma, double tau)
    {
        double decay = Math.Exp(-theta * tau);
        double shock = theta > 0 ? sigma * Math.Sqrt(-double.ExpM1(-2 * theta * tau) / (2 * theta)) : sigma * Math.Sqrt(tau);
        return (decay, shock);
    }

    private static double[] Ones(int n)
    {
        var a = new double[n];
        Array.Fill(a, 1.0);
        return a;
    }
}
