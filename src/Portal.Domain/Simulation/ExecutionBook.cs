using System.Numerics;
using Portal.Domain.Backtesting;

namespace Portal.Domain.Simulation;

/// <summary>One strategy's execution state and cost accumulators for a batch of episodes, stored as arrays across episodes.</summary>
/// <remarks>
/// <para>All prices are tracked as adverse displacements from the arrival price S0 (positive = against the order), so buys and
/// sells share one code path. A child order of n shares at step k executes, per share, at
/// <c>d·(S_k − S0) + P_k + κ·γn + Σ_i a_i·J_i + s·f(n) + h(n) + spread/2 + ε + noise</c>, where P is accumulated permanent
/// impact and κ the share of its own permanent move the child pays (0 in Almgren and Chriss, 2000, eq. 2; ½ for a child
/// traded evenly through the step), J_i the transient states with carry a_i, f(n) the child's transient size term of which
/// it pays the share s (Obizhaeva and Wang, 2013: a block of n shares against depth q costs n·(D + n/(2q)), s = ½), and h
/// the temporary impact (see <see cref="Impact.TransientKernel"/>). Implementation shortfall is the sum over steps of n times that plus fees, divided by S0·X.
/// Fees are linear in the traded quantity and execution price, so their total is computed from the totals.</para>
/// <para>While every episode trades the same quantity (a deterministic schedule without a binding cap or episode-dependent
/// impact), remaining quantity and impact state are identical across episodes and are kept as scalars; only the
/// path-dependent terms (timing, participation, VWAP) are accumulated per episode, in vector form, and with
/// <see cref="DeferUniform"/> they are summed later from the market's step history in the same order.</para>
/// </remarks>
internal sealed class ExecutionBook
{
    private readonly MarketModel _m;
    private readonly int _padded;
    private readonly double[] _fractions;
    private readonly double[] _sizeTerm;
    private readonly double[] _rateTerm;
    private readonly double[][] _states;
    private readonly double[] _uStates;
    private readonly double[] _stepQuantity;
    private readonly double[] _stepImpact;
    private readonly double[] _lastQuantity;
    private double _lastUniformQuantity;
    private bool _lastWasUniform;
    private double _participationSum;
    private int _participationStep;
    private MarketBlock? _participationMarket;
    private int _deferredFrom, _deferredTo;
    private bool _uniform;
    private double _uR, _uPerm, _uPermCost, _uTempCost, _uSpreadCost, _uForced;

    public ExecutionBook(MarketModel model, int capacity)
    {
        _m = model;
        int padded = (capacity + Vector<double>.Count - 1) / Vector<double>.Count * Vector<double>.Count;
        _padded = padded;
        Remaining = new double[padded];
        Permanent = new double[padded];
        Timing = new double[padded];
        PermanentCost = new double[padded];
        TemporaryCost = new double[padded];
        SpreadCost = new double[padded];
        Forced = new double[padded];
        MaxParticipation = new double[padded];
        VolumeImpact = new double[padded];
        Unfilled = new double[padded];
        Breaches = new double[padded];
        Opportunity = new double[padded];
        StepCost = new double[padded];
        _fractions = new double[padded];
        _stepQuantity = new double[model.Steps];
        _stepImpact = new double[model.Steps];
        _sizeTerm = new double[padded];
        _rateTerm = new double[padded];
        _states = new double[model.TransientStates][];
        for (int i = 0; i < _states.Length; i++) _states[i] = new double[padded];
        _uStates = new double[model.TransientStates];
        _lastQuantity = new double[padded];
        Posted = new double[padded];
        PassiveFilled = new double[padded];
        ExpiryCrossed = new double[padded];
        SpreadCaptured = new double[padded];
        MarkoutCost = new double[padded];
        MarkoutQuantity = new double[padded];
        _markoutPending = new double[padded];
        _markoutReference = new double[padded];
        _selection = new double[padded];
        _passiveFill = new double[padded];
        _marketFraction = new double[padded];
        _stepPosted = new double[padded];
        _stepFilled = new double[padded];
        _stepSelection = new double[padded];
        Fills = new PassiveFillModel(model.Scenario.Market.PassiveFills);
    }

    private readonly double[] _markoutPending;
    private readonly double[] _markoutReference;
    private readonly double[] _selection;
    private readonly double[] _passiveFill;
    private readonly double[] _marketFraction;

    /// <summary>Shares posted and filled passively by the last step's limit order (both 0 after a market-order step).</summary>
    private readonly double[] _stepPosted;
    private readonly double[] _stepFilled;
    private readonly double[] _stepSelection;
    private bool _postedLastStep;

    /// <summary>Per episode, the adverse-selection move of the mid (adverse displacement, currency per share) caused by the
    /// last step's limit order, ε·(N − E[N]) against the filled side: zero-mean given everything known before the step;
    /// 0 after a market-order step.</summary>
    public ReadOnlySpan<double> StepSelection => _stepSelection.AsSpan(0, Count);

    /// <summary>How posted limit orders fill on this market.</summary>
    public PassiveFillModel Fills { get; }

    /// <summary>Shares posted as limit orders.</summary>
    private double[] Posted { get; }

    /// <summary>Shares filled passively (limit orders).</summary>
    private double[] PassiveFilled { get; }

    /// <summary>Shares of expired limit orders crossed with market orders.</summary>
    private double[] ExpiryCrossed { get; }

    /// <summary>Σ passive fill × distance of its price from the mid (half-spread + offset), currency.</summary>
    private double[] SpreadCaptured { get; }

    /// <summary>Σ passive fill × mid move against it over the next decision step (market move and adverse selection), currency.</summary>
    private double[] MarkoutCost { get; }

    /// <summary>Passive fills whose one-step markout has been measured.</summary>
    private double[] MarkoutQuantity { get; }

    public int Count { get; private set; }

    /// <summary>Compute <see cref="StepCost"/> at every step (for stepping environments).</summary>
    public bool TrackStepCost { get; init; }

    /// <summary>While uniform, record each step's quantity and impact and accumulate the per-episode terms from the
    /// market's history in one pass at the end (the market must keep its history; not with execution noise).</summary>
    public bool DeferUniform { get; init; }

    private double[] Remaining { get; }
    private double[] Permanent { get; }
    private double[] Timing { get; }
    private double[] PermanentCost { get; }
    private double[] TemporaryCost { get; }
    private double[] SpreadCost { get; }
    private double[] Forced { get; }
    private double[] MaxParticipation { get; }
    private double[] VolumeImpact { get; }

    /// <summary>Shares the cap left unfilled at the horizon (<see cref="Scenarios.HorizonRule.HoldCap"/>).</summary>
    private double[] Unfilled { get; }

    /// <summary>Steps whose child order exceeded the cap (the forced last step with <see cref="Scenarios.HorizonRule.ForceFinish"/>).</summary>
    private double[] Breaches { get; }

    /// <summary>Opportunity cost of the unfilled shares in currency, set by <see cref="Close"/>.</summary>
    private double[] Opportunity { get; }

    /// <summary>Cost of the last step in currency (when <see cref="TrackStepCost"/>).</summary>
    public double[] StepCost { get; }

    /// <summary>True while every episode holds the same quantity and impact state.</summary>
    public bool IsUniform => _uniform;

    public void Reset(int count)
    {
        Count = count;
        _uniform = true;
        _deferredFrom = _deferredTo = 0;
        _uR = _m.Quantity;
        _uPerm = _uPermCost = _uTempCost = _uSpreadCost = _uForced = 0;
        Array.Clear(_uStates);
        foreach (var a in _states) Array.Clear(a);
        _lastUniformQuantity = 0;
        _lastWasUniform = true;
        _participationMarket = null;
        _postedLastStep = false;
        Array.Clear(Remaining);
        Array.Fill(Remaining, _m.Quantity, 0, count);
        foreach (var a in new[] { Permanent, Timing, PermanentCost, TemporaryCost, SpreadCost, Forced, MaxParticipation, VolumeImpact, StepCost, Unfilled, Breaches, Opportunity,
                     Posted, PassiveFilled, ExpiryCrossed, SpreadCaptured, MarkoutCost, MarkoutQuantity, _markoutPending, _markoutReference, _selection,
                     _stepPosted, _stepFilled, _stepSelection })
            Array.Clear(a);
    }

    /// <summary>Remaining quantity per episode; only meaningful when not <see cref="IsUniform"/>.</summary>
    public ReadOnlySpan<double> RemainingPerEpisode => Remaining.AsSpan(0, Count);

    /// <summary>The common remaining quantity while <see cref="IsUniform"/>.</summary>
    public double UniformRemaining => _uR;

    public double RemainingOf(int e) => _uniform ? _uR : Remaining[e];

    public double ForcedOf(int e) => _uniform ? _uForced : Forced[e];

    /// <summary>Transient displacement of episode <paramref name="e"/> (sum of the states).</summary>
    public double TransientOf(int e)
    {
        double sum = 0;
        if (_uniform) foreach (double j in _uStates) sum += j;
        else foreach (var a in _states) sum += a[e];
        return sum;
    }

    /// <summary>Shares left unfilled at the horizon by episode <paramref name="e"/> (cap held).</summary>
    public double UnfilledOf(int e) => _uniform ? 0 : Unfilled[e];

    /// <summary>Steps of episode <paramref name="e"/> whose child order exceeded the cap.</summary>
    public int BreachesOf(int e) => _uniform ? 0 : (int)Breaches[e];

    /// <summary>Largest participation of episode <paramref name="e"/> so far.</summary>
    public double MaxParticipationOf(int e) => MaxParticipation[e];

    /// <summary>Opportunity cost in currency of episode <paramref name="e"/>'s unfilled shares (after <see cref="Close"/>).</summary>
    public double OpportunityOf(int e) => _uniform ? 0 : Opportunity[e];

    /// <summary>
    /// Charges the shares left unfilled at the horizon their opportunity cost: unfilled × the adverse move of the observed
    /// mid (the market's mid plus the order's permanent and remaining transient impact) from arrival to the horizon, the
    /// opportunity-cost term of implementation shortfall (Perold, 1988). Call once, after the market has advanced past the
    /// last step; nothing to do unless the cap holds at the horizon.
    /// </summary>
    public void Close(MarketBlock market)
    {
        if (!_uniform) SettleMarkouts(market);
        if (_uniform || !_m.HoldCap) return;
        var m = _m;
        var mid = market.Mid;
        for (int e = 0; e < Count; e++)
        {
            double u = Unfilled[e];
            Opportunity[e] = u > 0 ? u * (m.Sign * (mid[e] - m.S0) + Permanent[e] + TransientOf(e)) : 0;
        }
    }

    /// <summary>Copies remaining quantities into <paramref name="destination"/>.</summary>
    public void CopyRemaining(Span<double> destination)
    {
        if (_uniform) destination[..Count].Fill(_uR);
        else Remaining.AsSpan(0, Count).CopyTo(destination);
    }

    /// <summary>Trades the clamped fractions at the market's current step and accumulates costs.</summary>
    public void Apply(MarketBlock market, ReadOnlySpan<double> fractions)
    {
        int n = Count;
        if (fractions.Length < n)
            throw new ArgumentException($"Expected {n} fractions, got {fractions.Length}.", nameof(fractions));
        if (_postedLastStep)
        {
            Array.Clear(_stepPosted, 0, n);
            Array.Clear(_stepFilled, 0, n);
            Array.Clear(_stepSelection, 0, n);
            _postedLastStep = false;
        }

        if (_uniform)
        {
            if (CanStayUniform(market, fractions[..n]))
            {
                ApplyUniform(market, fractions[0]);
                return;
            }

            Materialize(market);
        }

        ApplyGeneral(market, fractions);
    }

    /// <summary>
    /// Trades the same <paramref name="fraction"/> of the remaining quantity in every episode, exactly as
    /// <see cref="Apply"/> with that fraction repeated would, without reading a fraction per episode: the path of a
    /// deterministic schedule. Returns false, having done nothing, when the book cannot stay uniform (then call
    /// <see cref="Apply"/>).
    /// </summary>
    public bool TryApplyUniform(MarketBlock market, double fraction)
    {
        if (!_uniform || double.IsNaN(fraction) || !UniformModel(market)) return false;
        ApplyUniform(market, fraction);
        return true;
    }

    private bool UniformModel(MarketBlock market) =>
        double.IsPositiveInfinity(_m.CapFraction) && market.UniformImpactScale && !_m.TransientRealizedVolume;

    /// <summary>
    /// Trades child orders split into a market order and a limit order (<see cref="IOrderTypeStrategy"/>) at the market's
    /// current step: the limit part rests <paramref name="plan"/>'s offset beyond the touch for its time-to-live and fills
    /// by <see cref="Fills"/>; the market part and, with <see cref="ExpiryAction.Cross"/> (and always at the last step), the
    /// unfilled rest then trade as market orders through the usual impact and spread terms.
    /// </summary>
    /// <remarks>
    /// <para>A passive fill executes at the touch plus the offset: half the spread and the offset better than the mid, a full
    /// spread plus the offset better than a market order. It pays no temporary impact, spread or fixed cost ε, but it pays the
    /// mid's current displacement (permanent and transient impact) and, being part of the order's flow, adds to the permanent
    /// impact (γ·q) and to the transient states like a market order of its size. After the fills the mid moves by the adverse
    /// selection ε·(N − E[N]) against the filled side, a permanent displacement of the mid this order sees.</para>
    /// <para>Sequence within the step (the model's time resolution): passive fills, the adverse-selection move, then the
    /// market part and the crossed rest at the step's price. Fills are capped by the participation cap with the market part;
    /// with <see cref="Scenarios.HorizonRule.HoldCap"/> nothing is posted at the last step.</para>
    /// </remarks>
    public void ApplyOrders(MarketBlock market, ReadOnlySpan<double> fractions, ReadOnlySpan<double> passiveShare, LimitOrderPlan plan)
    {
        int n = Count;
        if (fractions.Length < n || passiveShare.Length < n)
            throw new ArgumentException($"Expected {n} fractions and passive shares, got {fractions.Length} and {passiveShare.Length}.", nameof(fractions));
        if (_uniform) Materialize(market);
        SettleMarkouts(market);
        _postedLastStep = true;
        var m = _m;
        int step = market.Step;
        bool last = step == m.Steps - 1;
        bool capped = !double.IsPositiveInfinity(m.CapFraction);
        bool postNothing = last && capped && m.HoldCap;
        double stepSeconds = m.StepMinutes * 60;
        double life = plan.TtlFraction * stepSeconds;
        double offset = plan.OffsetBps * m.S0 / 1e4;
        double selectionScale = m.S0 / 1e4;
        var half = market.HalfSpread;
        var move = market.Move;
        var vol = market.Volume;
        var scale = market.ImpactScale;
        for (int e = 0; e < n; e++)
        {
            double r = Remaining[e];
            double f = fractions[e];
            f = f > 0 ? (f < 1 ? f : 1) : 0;
            double ps = passiveShare[e];
            ps = ps > 0 ? (ps < 1 ? ps : 1) : 0;
            double q = f * r;
            double capQ = capped ? m.CapFraction * vol[e] : double.PositiveInfinity;
            double posted = postNothing ? 0 : ps * q;
            double marketPart = q - posted;
            double filled = 0;
            _stepPosted[e] = posted;
            _stepFilled[e] = 0;
            _stepSelection[e] = 0;
            if (posted > 0)
            {
                double u = RandomStream.CounterUniform(market.Seed, market.Episodes[e], step, PassiveFillModel.FillStream);
                var (_, fill, selectionBps) = Fills.Fill(posted, plan.OffsetBps, life, Fills.TouchIntensity(vol[e], stepSeconds), u);
                filled = Math.Min(fill, capQ);
                _stepFilled[e] = filled;
                double rest = posted - filled;
                Posted[e] += posted;
                if (plan.OnExpiry == ExpiryAction.Cross || last)
                {
                    marketPart += rest;
                    ExpiryCrossed[e] += rest;
                }

                if (filled > 0)
                {
                    double sc = scale[e];
                    double tr = 0, carried = 0;
                    for (int i = 0; i < _states.Length; i++)
                    {
                        tr += _states[i][e];
                        carried += m.TransientCarry[i] * _states[i][e];
                    }

                    double captured = half[e] + offset;
                    double exec = move[e] + Permanent[e] + carried - captured;
                    Timing[e] += filled * move[e];
                    PermanentCost[e] += filled * Permanent[e];
                    TemporaryCost[e] += filled * carried;
                    SpreadCost[e] -= filled * captured;
                    SpreadCaptured[e] += filled * captured;
                    PassiveFilled[e] += filled;
                    _passiveFill[e] = filled;
                    if (TrackStepCost) StepCost[e] = filled * exec + Fee(filled, exec);
                    Permanent[e] += sc * m.Gamma * filled;
                    _markoutPending[e] = filled;
                    _markoutReference[e] = move[e] + _selection[e];
                }

                // Adverse selection: the mid moves against the filled side (for the parent: favourable after fills,
                // adverse after a quiet book), in the parent's adverse-displacement coordinates.
                double selection = -selectionBps * selectionScale;
                Permanent[e] += selection;
                _selection[e] += selection;
                _stepSelection[e] = selection;
                Remaining[e] = r - filled;
            }

            if (capped) marketPart = Math.Min(marketPart, Math.Max(0, capQ - filled));
            double left = Remaining[e];
            _marketFraction[e] = left > 0 ? Math.Min(1, marketPart / left) : 0;
        }

        var passiveCost = TrackStepCost ? StepCost.AsSpan(0, n).ToArray() : null;
        ApplyGeneral(market, _marketFraction);
        _participationMarket = null; // the passive fills below change the step's quantities
        for (int e = 0; e < n; e++)
        {
            double filled = _passiveFill[e];
            if (filled <= 0) continue;
            _passiveFill[e] = 0;
            // The passive fill joins the order's flow in the transient states (after the step's decay, as traded now).
            if (m.HasTransient)
            {
                double dT = scale[e] * m.TransientScale[step] * SizeTerm(m.TransientRealizedVolume ? filled * market.InvVolume[e] : filled, m.TransientExponent);
                for (int i = 0; i < _states.Length; i++) _states[i][e] += m.TransientIncrement[i] * dT;
            }

            _lastQuantity[e] += filled;
            MaxParticipation[e] = Math.Max(MaxParticipation[e], _lastQuantity[e] * market.InvVolume[e]);
            if (passiveCost is not null) StepCost[e] += passiveCost[e];
        }
    }

    /// <summary>Measures the one-step markout of the previous step's passive fills against the current mid: the move of the
    /// market mid plus the adverse-selection displacement since the fill, against the filled side.</summary>
    private void SettleMarkouts(MarketBlock market)
    {
        var mid = market.Mid;
        for (int e = 0; e < Count; e++)
        {
            double q = _markoutPending[e];
            if (q <= 0) continue;
            double now = _m.Sign * (mid[e] - _m.S0) + _selection[e];
            // Adverse to the parent is favourable to the filled side: the filled side loses when the parent's displacement falls.
            MarkoutCost[e] += q * (_markoutReference[e] - now);
            MarkoutQuantity[e] += q;
            _markoutPending[e] = 0;
        }
    }

    /// <summary>Passive-order statistics of episode <paramref name="e"/> in shares and currency.</summary>
    public PassiveStats PassiveOf(int e) => _uniform
        ? default
        : new PassiveStats(Posted[e], PassiveFilled[e], ExpiryCrossed[e], SpreadCaptured[e], MarkoutCost[e], MarkoutQuantity[e]);

    private bool CanStayUniform(MarketBlock market, ReadOnlySpan<double> fractions)
    {
        if (!UniformModel(market)) return false;
        double f0 = fractions[0];
        if (double.IsNaN(f0)) return false;
        return fractions.IndexOfAnyExcept(f0) < 0;
    }

    private void ApplyUniform(MarketBlock market, double f)
    {
        var m = _m;
        int n = Count;
        bool last = market.Step == m.Steps - 1;
        f = f > 0 ? (f < 1 ? f : 1) : 0;
        double r = _uR;
        double q = f * r;
        if (last)
        {
            _uForced = r - q;
            q = r;
        }

        double sc = market.ImpactScaleValue;
        int step = market.Step;
        double temp = m.EtaOverTau * q;
        if (m.HasRateTemporary && q > 0) temp += m.RateTemporary[step] * SizeTerm(q, m.RateExponent);
        temp *= sc;
        double size = m.HasTransient && q > 0 ? sc * m.TransientScale[step] * SizeTerm(q, m.TransientExponent) : 0;
        double tr = 0, carried = 0;
        var states = _uStates;
        for (int i = 0; i < states.Length; i++)
        {
            tr += states[i];
            carried += m.TransientCarry[i] * states[i];
        }

        double impact = _uPerm + tr;
        double ownPermanent = m.PermanentOwnShare * sc * m.Gamma * q;
        double ownImpact = m.TransientOwnShare * size + temp;
        _uPermCost += q * (_uPerm + ownPermanent);
        _uTempCost += q * (carried + ownImpact);

        bool uniformSpread = market.UniformHalfSpread;
        double hsU = market.HalfSpreadValue + m.Epsilon;
        if (uniformSpread) _uSpreadCost += q * hsU;
        else
        {
            var half = market.HalfSpread;
            for (int e = 0; e < n; e++) SpreadCost[e] += q * (half[e] + m.Epsilon);
        }

        int w = Vector<double>.Count;
        int padded = (n + w - 1) / w * w;
        var move = market.Move;
        var inv = market.InvVolume;
        var vol = market.Volume;
        bool defer = DeferUniform && !TrackStepCost && !market.HasSlip && market.MoveHistory is not null;
        if (defer)
        {
            _stepQuantity[market.Step] = q;
            _stepImpact[market.Step] = impact;
            _deferredTo = market.Step + 1;
        }
        else if (market.HasSlip && q > 0)
        {
            var slip = market.Slip;
            for (int e = 0; e < n; e++) Timing[e] += q * slip[e];
        }

        if (!defer && (q > 0 || impact != 0))
        {
            var vq = new Vector<double>(q);
            var vImpact = new Vector<double>(impact);
            for (int e = 0; e < padded; e += w)
            {
                (new Vector<double>(Timing, e) + vq * new Vector<double>(move, e)).CopyTo(Timing, e);
                Vector.Max(new Vector<double>(MaxParticipation, e), vq * new Vector<double>(inv, e)).CopyTo(MaxParticipation, e);
                (new Vector<double>(VolumeImpact, e) + new Vector<double>(vol, e) * vImpact).CopyTo(VolumeImpact, e);
            }
        }

        if (TrackStepCost)
        {
            var half = market.HalfSpread;
            var slip = market.Slip;
            for (int e = 0; e < n; e++)
            {
                double exec = move[e] + slip[e] + _uPerm + ownPermanent + carried + ownImpact + (uniformSpread ? hsU : half[e] + m.Epsilon);
                StepCost[e] = q * exec + Fee(q, exec);
            }
        }

        _uPerm += sc * m.Gamma * q;
        for (int i = 0; i < states.Length; i++) states[i] = m.TransientDecay[i] * states[i] + m.TransientIncrement[i] * size;
        _uR = r - q;
        _lastUniformQuantity = q;
        _lastWasUniform = true;
    }

    /// <summary>While uniform and deferring: each step's child quantity and impact so far, and the scalar cost totals, as
    /// the uniform path holds them (what the fused schedule kernel reuses, bit for bit).</summary>
    internal (double[] StepQuantity, double[] StepImpact, double PermanentCost, double TemporaryCost, double SpreadCost, double Forced, double Remaining) UniformState() =>
        (_stepQuantity.ToArray(), _stepImpact.ToArray(), _uPermCost, _uTempCost, _uSpreadCost, _uForced, _uR);

    /// <summary>Sum over the batch's episodes of the last applied child order divided by its step's market volume (a step
    /// without volume adds 0). Call after <see cref="Apply"/> and before the market advances.</summary>
    /// <param name="market">The market at the step just traded.</param>
    /// <param name="inverseVolumeSum">Σ 1/volume over the batch at this step, when the caller already has it (shared by
    /// every strategy that is still uniform); null computes it.</param>
    public double StepParticipationSum(MarketBlock market, double? inverseVolumeSum = null)
    {
        int n = Count;
        var inv = market.InvVolume;
        if (_lastWasUniform)
        {
            if (_lastUniformQuantity == 0) return 0;
            return _lastUniformQuantity * (inverseVolumeSum ?? InverseVolumeSum(market, n));
        }

        // Taken by the last ApplyGeneral in the same order, when nothing has changed the quantities or the market since.
        if (ReferenceEquals(_participationMarket, market) && _participationStep == market.Step) return _participationSum;

        double sum = 0;
        for (int e = 0; e < n; e++) sum += _lastQuantity[e] * inv[e];
        return sum;
    }

    /// <summary>Σ 1/volume over the first <paramref name="count"/> episodes of the market's current step.</summary>
    public static double InverseVolumeSum(MarketBlock market, int count)
    {
        var inv = market.InvVolume;
        double sum = 0;
        for (int e = 0; e < count; e++) sum += inv[e];
        return sum;
    }

    /// <summary>Adds the deferred steps' timing, participation and VWAP terms from the market's history, one pass over the
    /// batch with the accumulators in registers; the additions happen in step order, as they would have step by step.</summary>
    public void Flush(MarketBlock market)
    {
        if (_deferredTo <= _deferredFrom) return;
        var moveH = market.MoveHistory!;
        var invH = market.InvVolumeHistory!;
        var volH = market.VolumeHistory!;
        int stride = market.HistoryStride;
        int w = Vector<double>.Count;
        int padded = (Count + w - 1) / w * w;
        for (int e = 0; e < padded; e += w)
        {
            var t = new Vector<double>(Timing, e);
            var p = new Vector<double>(MaxParticipation, e);
            var vi = new Vector<double>(VolumeImpact, e);
            for (int k = _deferredFrom; k < _deferredTo; k++)
            {
                double q = _stepQuantity[k], c = _stepImpact[k];
                if (q == 0 && c == 0) continue;
                var vq = new Vector<double>(q);
                int h = k * stride + e;
                t += vq * new Vector<double>(moveH, h);
                p = Vector.Max(p, vq * new Vector<double>(invH, h));
                vi += new Vector<double>(volH, h) * new Vector<double>(c);
            }

            t.CopyTo(Timing, e);
            p.CopyTo(MaxParticipation, e);
            vi.CopyTo(VolumeImpact, e);
        }

        _deferredFrom = _deferredTo;
    }

    private void Materialize(MarketBlock market)
    {
        Flush(market);
        int n = Count;
        for (int e = 0; e < n; e++)
        {
            Remaining[e] = _uR;
            Permanent[e] = _uPerm;
            for (int i = 0; i < _states.Length; i++) _states[i][e] = _uStates[i];
            PermanentCost[e] += _uPermCost;
            TemporaryCost[e] += _uTempCost;
            SpreadCost[e] += _uSpreadCost;
            Forced[e] = _uForced;
        }

        _uPermCost = _uTempCost = _uSpreadCost = 0;
        _uniform = false;
    }

    /// <summary>Episode-by-episode trading in vector form (several episodes per instruction).</summary>
    private void ApplyGeneral(MarketBlock market, ReadOnlySpan<double> fractions)
    {
        var m = _m;
        int n = Count;
        int w = Vector<double>.Count;
        int step = market.Step;
        bool last = step == m.Steps - 1;
        bool capped = !double.IsPositiveInfinity(m.CapFraction);
        bool transient = m.HasTransient;
        bool realized = m.TransientRealizedVolume;
        bool rate = m.HasRateTemporary;
        bool track = TrackStepCost;
        bool ownPermanent = m.PermanentOwnShare > 0;
        // Size terms that are not q or √q are computed episode by episode first; q/V and √(q/V) in vector form.
        bool scalarSize = transient && !IsVectorExponent(m.TransientExponent);
        bool scalarRate = rate && !IsVectorExponent(m.RateExponent);
        bool holdCap = capped && m.HoldCap;

        fractions[..n].CopyTo(_fractions);
        Array.Clear(_fractions, n, _padded - n);
        if (scalarSize || scalarRate)
        {
            var inv = market.InvVolume;
            for (int e = 0; e < n; e++)
            {
                double f = _fractions[e];
                f = f > 0 ? (f < 1 ? f : 1) : 0;
                double q = f * Remaining[e];
                if (capped && q > m.CapFraction * market.Volume[e]) q = m.CapFraction * market.Volume[e];
                if (last) q = holdCap ? Math.Min(Remaining[e], m.CapFraction * market.Volume[e]) : Remaining[e];
                if (scalarSize) _sizeTerm[e] = q > 0 ? SizeTerm(realized ? q * inv[e] : q, m.TransientExponent) : 0;
                if (scalarRate) _rateTerm[e] = q > 0 ? SizeTerm(q, m.RateExponent) : 0;
            }
        }

        var zero = Vector<double>.Zero;
        var one = Vector<double>.One;
        var cap = new Vector<double>(capped ? m.CapFraction : 0);
        var eps = new Vector<double>(m.Epsilon);
        var etaTau = new Vector<double>(m.EtaOverTau);
        var gamma = new Vector<double>(m.Gamma);
        var ownPermShare = new Vector<double>(m.PermanentOwnShare);
        var rateCoef = new Vector<double>(rate ? m.RateTemporary[step] : 0);
        var trScale = new Vector<double>(transient ? m.TransientScale[step] : 0);
        var trOwn = new Vector<double>(m.TransientOwnShare);
        var feeBase = new Vector<double>(m.FeePerShare + m.FeeRate * m.S0);
        var feeSlope = new Vector<double>(m.FeeRate * m.Sign);
        var move = market.Move;
        var half = market.HalfSpread;
        var vol = market.Volume;
        var invVolume = market.InvVolume;
        var scale = market.ImpactScale;
        var slip = market.Slip;
        var states = _states;
        // One transient state (an exponential kernel): its array and coefficients are taken once, not per vector.
        bool oneState = transient && states.Length == 1;
        var state0 = oneState ? states[0] : [];
        var carry0 = new Vector<double>(oneState ? m.TransientCarry[0] : 0);
        var decay0 = new Vector<double>(oneState ? m.TransientDecay[0] : 0);
        var increment0 = new Vector<double>(oneState ? m.TransientIncrement[0] : 0);
        // The step's participation sum, Σ q·(1/V) in episode order (what StepParticipationSum adds), taken here while q is
        // in a register.
        double participationSum = 0;
        for (int e = 0; e < _padded; e += w)
        {
            var r = new Vector<double>(Remaining, e);
            var f = new Vector<double>(_fractions, e);
            f = Vector.Min(Vector.ConditionalSelect(Vector.GreaterThan(f, zero), f, zero), one); // NaN becomes 0
            var q = f * r;
            var v = new Vector<double>(vol, e);
            if (capped) q = Vector.Min(q, cap * v);
            if (last && holdCap)
            {
                // The cap holds: trade what it allows, leave the rest for its opportunity cost.
                var allowed = Vector.Min(r, cap * v);
                (allowed - q).CopyTo(Forced, e);
                (r - allowed).CopyTo(Unfilled, e);
                q = allowed;
            }
            else if (last)
            {
                (r - q).CopyTo(Forced, e);
                q = r;
                if (capped)
                {
                    var over = Vector.GreaterThan(q, cap * v * new Vector<double>(1 + 1e-12));
                    (new Vector<double>(Breaches, e) + Vector.ConditionalSelect(over, one, zero)).CopyTo(Breaches, e);
                }
            }

            var sc = new Vector<double>(scale, e);
            var perm = new Vector<double>(Permanent, e);
            var temp = etaTau * q;
            if (rate) temp += rateCoef * (scalarRate ? new Vector<double>(_rateTerm, e) : m.RateExponent == 1 ? q : Vector.SquareRoot(q));
            temp *= sc;
            var permPaid = perm;
            if (ownPermanent) permPaid += ownPermShare * sc * gamma * q;
            var tr = zero;
            var carried = zero;
            var ownImpact = temp;
            if (transient)
            {
                var sizeBase = realized ? q * new Vector<double>(invVolume, e) : q;
                var size = scalarSize ? new Vector<double>(_sizeTerm, e) : m.TransientExponent == 1 ? sizeBase : Vector.SquareRoot(sizeBase);
                var dT = sc * trScale * size;
                ownImpact += trOwn * dT;
                if (oneState)
                {
                    var j = new Vector<double>(state0, e);
                    tr += j;
                    carried += carry0 * j;
                    (decay0 * j + increment0 * dT).CopyTo(state0, e);
                }
                else for (int i = 0; i < states.Length; i++)
                {
                    var j = new Vector<double>(states[i], e);
                    tr += j;
                    carried += new Vector<double>(m.TransientCarry[i]) * j;
                    (new Vector<double>(m.TransientDecay[i]) * j + new Vector<double>(m.TransientIncrement[i]) * dT).CopyTo(states[i], e);
                }
            }

            var hs = new Vector<double>(half, e) + eps;
            var mv = new Vector<double>(move, e) + new Vector<double>(slip, e);
            var impact = perm + tr;

            (new Vector<double>(Timing, e) + q * mv).CopyTo(Timing, e);
            (new Vector<double>(PermanentCost, e) + q * permPaid).CopyTo(PermanentCost, e);
            (new Vector<double>(TemporaryCost, e) + q * (carried + ownImpact)).CopyTo(TemporaryCost, e);
            (new Vector<double>(SpreadCost, e) + q * hs).CopyTo(SpreadCost, e);
            (new Vector<double>(VolumeImpact, e) + v * impact).CopyTo(VolumeImpact, e);
            var participation = q * new Vector<double>(invVolume, e);
            Vector.Max(new Vector<double>(MaxParticipation, e), participation).CopyTo(MaxParticipation, e);
            if (e + 4 <= n && w == 4)
            {
                participationSum += participation[0];
                participationSum += participation[1];
                participationSum += participation[2];
                participationSum += participation[3];
            }
            else
            {
                for (int l = 0; l < w && e + l < n; l++) participationSum += participation[l];
            }

            if (track)
            {
                var exec = mv + permPaid + carried + ownImpact + hs;
                (q * exec + q * (feeBase + feeSlope * exec)).CopyTo(StepCost, e);
            }

            (perm + sc * gamma * q).CopyTo(Permanent, e);
            (r - q).CopyTo(Remaining, e);
            q.CopyTo(_lastQuantity, e);
        }

        _lastWasUniform = false;
        _participationSum = participationSum;
        _participationStep = step;
        _participationMarket = market;
    }

    private static bool IsVectorExponent(double beta) => beta == 1 || beta == 0.5;

    private static double SizeTerm(double q, double beta) => beta == 1 ? q : beta == 0.5 ? Math.Sqrt(q) : Math.Pow(q, beta);

    private double Fee(double q, double execAdverse) => q * (_m.FeePerShare + _m.FeeRate * (_m.S0 + _m.Sign * execAdverse));

    /// <summary>Fills observations for the market's current step.</summary>
    public void Observe(MarketBlock market, Span<Observation> observations)
    {
        var m = _m;
        int n = Count;
        double invX = 1.0 / m.Quantity;
        double sigmaH = m.SigmaAbs * Math.Sqrt(m.HorizonDays);
        double invSigmaH = sigmaH > 0 ? 1.0 / sigmaH : 0;
        double time = (double)market.Step / m.Steps;
        double toBps = 1e4 / m.S0;
        double sign = m.Sign;
        double s0 = m.S0;
        bool uniform = _uniform;
        var obs = observations[..n];
        var mid = market.Mid.AsSpan(0, n);
        var rv = market.RealizedVariance.AsSpan(0, n);
        var spread = market.SpreadBps.AsSpan(0, n);
        var liq = market.Liquidity.AsSpan(0, n);
        var lastRatio = market.LastVolumeRatio.AsSpan(0, n);
        var pastVolume = market.PastVolume.AsSpan(0, n);
        var episodes = market.Episodes.AsSpan(0, n);
        var remaining = Remaining.AsSpan(0, n);
        var permanent = Permanent.AsSpan(0, n);
        double uTr = uniform ? TransientOf(0) : 0;
        var posted = _stepPosted.AsSpan(0, n);
        var filled = _stepFilled.AsSpan(0, n);
        for (int e = 0; e < obs.Length; e++)
        {
            double perm = uniform ? _uPerm : permanent[e];
            double tr = uniform ? uTr : TransientOf(e);
            double r = uniform ? _uR : remaining[e];
            obs[e] = new Observation
            {
                Episode = episodes[e],
                RemainingFraction = r * invX,
                TimeFraction = time,
                PriceMoveSigma = (sign * (mid[e] - s0) + perm + tr) * invSigmaH,
                RealizedVolatility = Math.Sqrt(rv[e]),
                SpreadBps = spread[e],
                Liquidity = liq[e],
                VolumeRatio = lastRatio[e],
                PastMarketVolume = pastVolume[e],
                TransientImpactBps = tr * toBps,
                LastPassiveFillShare = uniform || posted[e] <= 0 ? null : filled[e] / posted[e],
            };
        }
    }

    /// <summary>The order's progress in this batch at the market's current step, read from the book's and the market's
    /// arrays (no observation is built): what <see cref="IProgressStrategy"/> decides from.</summary>
    public OrderProgress Progress(MarketBlock market)
    {
        int n = Count;
        return new OrderProgress(market.Episodes.AsSpan(0, n), _uniform ? default : Remaining.AsSpan(0, n), _uR, 1.0 / _m.Quantity,
            market.PastVolume.AsSpan(0, n), market.LastVolumeRatio.AsSpan(0, n));
    }

    private (double Timing, double Permanent, double Temporary, double Spread) Components(int e) => _uniform
        ? (Timing[e], _uPermCost, _uTempCost, SpreadCost[e] + _uSpreadCost)
        : (Timing[e], PermanentCost[e], TemporaryCost[e], SpreadCost[e]);

    /// <summary>Fees paid so far by episode <paramref name="e"/>: linear in quantity and price, so from the totals.</summary>
    private double FeesOf(int e, double priceCost)
    {
        double traded = _m.Quantity - RemainingOf(e);
        return traded * (_m.FeePerShare + _m.FeeRate * _m.S0) + _m.FeeRate * _m.Sign * priceCost;
    }

    /// <summary>Implementation shortfall so far of episode <paramref name="e"/> in currency.</summary>
    public double ShortfallCurrency(int e)
    {
        var (t, p, tmp, s) = Components(e);
        double price = t + p + tmp + s;
        return price + FeesOf(e, price) + OpportunityOf(e);
    }

    /// <summary>
    /// <see cref="ShortfallCurrency(int)"/> of every episode of the batch into <paramref name="destination"/>, with the same
    /// arithmetic in the same order (bit-identical), in one pass.
    /// </summary>
    public void ShortfallCurrency(Span<double> destination)
    {
        int n = Count;
        var d = destination[..n];
        var m = _m;
        double perShare = m.FeePerShare + m.FeeRate * m.S0;
        double slope = m.FeeRate * m.Sign;
        var timing = Timing.AsSpan(0, n);
        var spread = SpreadCost.AsSpan(0, n);
        if (_uniform)
        {
            double fixedFees = (m.Quantity - _uR) * perShare;
            double p = _uPermCost, tmp = _uTempCost, us = _uSpreadCost;
            for (int e = 0; e < d.Length; e++)
            {
                double price = timing[e] + p + tmp + (spread[e] + us);
                d[e] = price + (fixedFees + slope * price) + 0.0;
            }

            return;
        }

        var permanent = PermanentCost.AsSpan(0, n);
        var temporary = TemporaryCost.AsSpan(0, n);
        var remaining = Remaining.AsSpan(0, n);
        var opportunity = Opportunity.AsSpan(0, n);
        for (int e = 0; e < d.Length; e++)
        {
            double price = timing[e] + permanent[e] + temporary[e] + spread[e];
            d[e] = price + ((m.Quantity - remaining[e]) * perShare + slope * price) + opportunity[e];
        }
    }

    /// <summary>Largest participation of any episode of the batch so far.</summary>
    public double MaxParticipationOfBatch()
    {
        double max = double.NegativeInfinity;
        foreach (double p in MaxParticipation.AsSpan(0, Count)) max = Math.Max(max, p);
        return max;
    }

    public EpisodeResult Result(MarketBlock market, int e, int episode)
    {
        var m = _m;
        double bps = 1e4 / m.ArrivalNotional;
        var (t, p, tmp, s) = Components(e);
        double price = t + p + tmp + s;
        double fees = FeesOf(e, price);
        double opportunity = OpportunityOf(e);
        double total = price + fees + opportunity;
        double volumeSum = market.VolumeSum[e];
        double vwapAdverse = volumeSum > 0 ? (market.VolumeMove[e] + VolumeImpact[e]) / volumeSum : 0;
        double traded = m.Quantity - RemainingOf(e);
        double execAdverse = traded > 0 ? price / traded : 0;
        double vwap = m.S0 + m.Sign * vwapAdverse;
        return new EpisodeResult(
            Episode: episode,
            ShortfallBps: total * bps,
            ShortfallCurrency: total,
            ArrivalSlippageBps: price * bps,
            VwapSlippageBps: vwap > 0 ? (execAdverse - vwapAdverse) / vwap * 1e4 : 0,
            SpreadAndFeesBps: (s + fees) * bps,
            TemporaryImpactBps: tmp * bps,
            PermanentImpactBps: p * bps,
            TimingBps: t * bps,
            ForcedQuantity: ForcedOf(e),
            MaxParticipation: MaxParticipation[e])
        {
            UnfilledQuantity = UnfilledOf(e),
            OpportunityCostBps = opportunity * bps,
        };
    }
}
