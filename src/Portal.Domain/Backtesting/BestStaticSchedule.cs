using System.Globalization;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Backtesting;

/// <summary>Settings of the search for the best static schedule. Defaults keep a run of up to 100 steps to about a second
/// or two of search.</summary>
public sealed record BestStaticSettings
{
    /// <summary>Market paths of the sample-average objective the search minimises. Allowed: [16, 100,000].</summary>
    public int TrainingPaths { get; init; } = 1024;

    /// <summary>Independent market paths on which the searched schedule and its starting schedules are compared at the
    /// end; the best of them there is the answer. Allowed: [16, 100,000].</summary>
    public int ValidationPaths { get; init; } = 2048;

    /// <summary>Largest number of free holdings knots (the schedule is piecewise linear between them; the first and last
    /// step always carry one, so block trades at either end stay reachable). Allowed: [1, 200].</summary>
    public int MaxKnots { get; init; } = 16;

    /// <summary>Projected-gradient iterations at most. Allowed: [0, 1,000].</summary>
    public int MaxIterations { get; init; } = 40;

    /// <summary>Budget of the sample-average search in simulated schedule-episode-steps (schedules × paths × steps summed
    /// over every simulator call); the search stops when the next iteration would exceed it. Allowed: [10⁵, 10¹¹].</summary>
    public long MaxScheduleEpisodeSteps { get; init; } = 40_000_000;

    /// <summary>Finite-difference step of the gradient, in holdings as a fraction of the order. Allowed: (0, 0.1].</summary>
    public double DifferenceStep { get; init; } = 1e-3;

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is outside its allowed range; the message names it.</exception>
    public void Check()
    {
        if (TrainingPaths is < 16 or > 100_000) throw new ArgumentOutOfRangeException(nameof(TrainingPaths), TrainingPaths, "Must be in [16, 100,000].");
        if (ValidationPaths is < 16 or > 100_000) throw new ArgumentOutOfRangeException(nameof(ValidationPaths), ValidationPaths, "Must be in [16, 100,000].");
        if (MaxKnots is < 1 or > 200) throw new ArgumentOutOfRangeException(nameof(MaxKnots), MaxKnots, "Must be in [1, 200].");
        if (MaxIterations is < 0 or > 1000) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "Must be in [0, 1,000].");
        if (MaxScheduleEpisodeSteps is < 100_000 or > 100_000_000_000) throw new ArgumentOutOfRangeException(nameof(MaxScheduleEpisodeSteps), MaxScheduleEpisodeSteps, "Must be in [10^5, 10^11].");
        if (!(DifferenceStep > 0 && DifferenceStep <= 0.1)) throw new ArgumentOutOfRangeException(nameof(DifferenceStep), DifferenceStep, "Must be in (0, 0.1].");
    }
}

/// <summary>The best static schedule found for a scenario.</summary>
/// <param name="HoldingsFraction">Holdings x_0 = 1 ≥ x_1 ≥ … ≥ x_N = 0 as fractions of the order.</param>
/// <param name="Method">How it was found: <see cref="BestStaticSchedule.ExactMethod"/> or <see cref="BestStaticSchedule.SampleAverageMethod"/>.</param>
/// <param name="ExpectedCost">Expected cost in currency: exact for the quadratic programme, the validation paths' mean otherwise.</param>
/// <param name="Variance">Variance of the cost in currency², likewise.</param>
/// <param name="Objective">E + λ·Var in currency with λ = strategySettings.riskAversion.</param>
/// <param name="Origin">The schedule the answer came from: "optimised" or the id of a starting schedule that did better on the validation paths.</param>
/// <param name="Warnings">What the search found wrong with the parameters, e.g. that they admit price manipulation.</param>
public sealed record BestStaticResult(double[] HoldingsFraction, string Method, double ExpectedCost, double Variance, double Objective,
    string Origin, IReadOnlyList<string> Warnings);

/// <summary>
/// The best deterministic schedule (inventory path) for a scenario's objective E + λ·Var of the cost in currency, for any
/// impact model the simulator knows.
/// </summary>
/// <remarks>
/// <para><b>Linear-quadratic markets</b> (Almgren–Chriss linear impact or the Obizhaeva–Wang block book, arithmetic Brownian
/// price without drift, jumps or events, constant spread and liquidity, no participation cap): the cost of trades
/// u (fractions of the order Q) is exactly quadratic, <c>E = C + s·Q²·½uᵀMu</c> with <c>M_kk = 2η/τ + κ</c>,
/// <c>M_jk = γ + κ·a^|j−k|</c> (κ the block book's 1/q, a = e^(−ρτ); Almgren and Chriss, 2000, eq. for E with linear impact;
/// Obizhaeva and Wang, 2013, and Alfonsi, Fruth and Schied, 2010, section 4, for the Kac–Murdock–Szegő form) and
/// <c>Var = s²·Q²·σ²τ·Σ_(k=1..N−1) x_k²</c> (Almgren and Chriss, 2000), s = 1 + side·fee rate. Minimising E + λ·Var over
/// the simplex {u ≥ 0, Σu = 1} (never trading against the side) is a convex quadratic programme, solved exactly by a
/// primal active-set method (Nocedal and Wright, 2006, "Numerical Optimization", algorithm 16.3). Without binding
/// constraints it reproduces the Almgren–Chriss closed form and the discrete Obizhaeva–Wang optimum. If M is not
/// positive semi-definite a round trip has negative expected cost (Huberman and Stanzl, 2004, "Price manipulation and
/// quasi-arbitrage", Econometrica 72(4)) and the result says so.</para>
/// <para><b>Any other market</b>: sample-average approximation (Shapiro, Dentcheva and Ruszczyński, 2009, "Lectures on
/// Stochastic Programming", ch. 5). The objective is the mean plus λ times the variance of the simulated cost over
/// <see cref="BestStaticSettings.TrainingPaths"/> paths drawn from a training stream whose tag is mixed into the run's
/// seed (<see cref="RandomStream.TaggedSeed"/>), so they are never the run's evaluation paths; every evaluation runs the
/// real simulator (<see cref="BacktestRunner"/> with <see cref="ScheduleStrategy"/>), so whatever the simulator charges
/// (impact model, spread, fees, events, caps) is what is optimised. Holdings are piecewise linear between at most
/// <see cref="BestStaticSettings.MaxKnots"/> knots; the search is a projected gradient method with Barzilai–Borwein step
/// sizes (Birgin, Martínez and Raydan, 2000, SIAM J. Optim. 10(4)) on the set 1 ≥ y_1 ≥ … ≥ y_J ≥ 0 (projection: isotonic
/// regression by pool-adjacent-violators, then clipping), with forward differences on common random numbers that stay
/// inside the set, started from the best of TWAP, VWAP, Almgren–Chriss, Obizhaeva–Wang and Immediate on the training
/// paths. Finally the searched schedule and every start are compared on a second, independent validation stream and the
/// best there is returned, so the answer is no worse than those schedules beyond sampling error.</para>
/// <para>Nothing is cached: the same scenario (seed included) and settings give the same schedule, bit for bit.</para>
/// </remarks>
public static class BestStaticSchedule
{
    /// <summary>Method name of the exact quadratic programme.</summary>
    public const string ExactMethod = "exact quadratic programme";

    /// <summary>Method name of the sample-average search.</summary>
    public const string SampleAverageMethod = "sample-average search";

    /// <summary>Tag of the training stream ("BSTRAIN").</summary>
    public const ulong TrainingStream = 0x42_53_54_52_41_49_4E;

    /// <summary>Tag of the validation stream ("BSVALID").</summary>
    public const ulong ValidationStream = 0x42_53_56_41_4C_49_44;

    /// <summary>Largest number of steps solved by the dense quadratic programme (cubic in the steps); longer schedules
    /// use the sample-average search.</summary>
    public const int MaxExactSteps = 400;

    /// <summary>Finds the best static schedule of <paramref name="scenario"/>.</summary>
    /// <exception cref="ScenarioValidationException">The scenario is invalid.</exception>
    public static BestStaticResult Optimise(Scenario scenario, BestStaticSettings? settings = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        settings ??= new BestStaticSettings();
        settings.Check();
        var model = new MarketModel(scenario);
        var warnings = new List<string>();
        if (model.Steps <= MaxExactSteps && IsLinearQuadratic(scenario, model))
        {
            var exact = SolveExact(scenario, model, warnings);
            if (exact is not null) return exact;
        }

        return SampleAverage(scenario, model, settings, warnings, ct);
    }

    /// <summary>The exact optimum of a linear-quadratic scenario of at most <see cref="MaxExactSteps"/> steps, or null
    /// (other markets, longer schedules, or parameters that make the programme non-convex).</summary>
    public static BestStaticResult? Exact(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = new MarketModel(scenario);
        return model.Steps <= MaxExactSteps && IsLinearQuadratic(scenario, model) ? SolveExact(scenario, model, []) : null;
    }

    /// <summary>True when the scenario's cost is exactly quadratic in a deterministic schedule (see remarks).</summary>
    internal static bool IsLinearQuadratic(Scenario scenario, MarketModel model)
    {
        var m = scenario.Market;
        bool lqModel = m.Impact.Model is ImpactModels.AlmgrenChriss or ImpactModels.ObizhaevaWang;
        bool linear = !model.HasRateTemporary && model.PermanentOwnShare == 0 && (!model.HasTransient
            || (model.TransientExponent == 1 && model.TransientStates == 1 && !model.TransientRealizedVolume && model.TransientCarry[0] == 1
                && model.TransientIncrement[0] == model.TransientDecay[0] && model.TransientOwnShare == 0.5));
        bool plainPrice = m.Price.Model == PriceModels.Abm && m.Price.DriftPerDay == 0 && m.Price.JumpIntensityPerDay == 0 && m.Events.Count == 0;
        bool constantSpread = !model.SpreadStochastic;
        bool constantLiquidity = !model.LiquidityScaled || !model.LiquidityStochastic;
        bool noCap = double.IsPositiveInfinity(model.CapFraction);
        bool noiseFree = model.SlipAbs == 0 || scenario.StrategySettings.RiskAversion == 0;
        return lqModel && linear && plainPrice && constantSpread && constantLiquidity && noCap && noiseFree;
    }

    private static BestStaticResult? SolveExact(Scenario scenario, MarketModel model, List<string> warnings)
    {
        int n = model.Steps;
        double lambda = scenario.StrategySettings.RiskAversion;
        double q = model.Quantity;
        double s = 1 + model.Sign * model.FeeRate;
        double kappa = model.HasTransient ? model.TransientScale[0] : 0;
        double decay = model.HasTransient ? model.TransientDecay[0] : 1;
        var impact = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
                impact[j, k] = j == k ? 2 * model.EtaOverTau + kappa : model.Gamma + kappa * Math.Pow(decay, Math.Abs(j - k));
        }

        if (RoundTripWarning(impact) is { } roundTrip) warnings.Add(roundTrip);

        // Objective ½uᵀAu + bᵀu (+ constant) in fractions u of the order, scaled by 1/(s·Q²) for conditioning.
        double varScale = 2 * lambda * s * model.SigmaAbs * model.SigmaAbs * model.Tau;
        var a = new double[n, n];
        var b = new double[n];
        for (int j = 0; j < n; j++)
        {
            b[j] = -varScale * (n - 1 - j);
            for (int k = 0; k < n; k++) a[j, k] = impact[j, k] + varScale * (n - 1 - Math.Max(j, k));
        }

        var u = SimplexQp(a, b);
        if (u is null) return null;
        var holdings = new double[n + 1];
        holdings[0] = 1;
        for (int k = 0; k < n; k++) holdings[k + 1] = Math.Max(0, holdings[k] - u[k]);
        holdings[n] = 0;
        var (expected, variance) = ExactMoments(scenario, model, holdings);
        if (expected < 0)
            warnings.Add(ManipulationWarning(expected, model));
        return new BestStaticResult(holdings, ExactMethod, expected, variance, expected + lambda * variance, "optimised", warnings);
    }

    /// <summary>Exact expected cost and variance (currency) of a deterministic schedule in a linear-quadratic scenario.</summary>
    internal static (double Expected, double Variance) ExactMoments(Scenario scenario, MarketModel model, ReadOnlySpan<double> holdingsFraction)
    {
        double expected = KnownOptimum.ExpectedCost(scenario, holdingsFraction);
        double s = 1 + model.Sign * model.FeeRate;
        double sum = 0;
        for (int k = 1; k < holdingsFraction.Length - 1; k++) sum += holdingsFraction[k] * holdingsFraction[k];
        double x = model.Quantity;
        return (expected, s * s * x * x * model.SigmaAbs * model.SigmaAbs * model.Tau * sum);
    }

    private static string ManipulationWarning(double expectedCost, MarketModel model) => string.Create(CultureInfo.InvariantCulture,
        $"The parameters admit price manipulation: the best static schedule has negative expected cost ({expectedCost / model.ArrivalNotional * 1e4:F2} bps) without any favourable drift.");

    /// <summary>The warning that a round trip has negative expected cost, when the impact cost matrix M (cost ½qᵀMq of
    /// signed trades q summing to zero) is not positive semi-definite; null otherwise.</summary>
    internal static string? RoundTripWarning(double[,] impact) => IsPositiveSemiDefinite(impact)
        ? null
        : "The impact parameters admit price manipulation: a round trip (buying and selling back) has negative expected cost (Huberman and Stanzl, 2004).";

    private static bool IsPositiveSemiDefinite(double[,] m)
    {
        int n = m.GetLength(0);
        double max = 0;
        for (int i = 0; i < n; i++) max = Math.Max(max, Math.Abs(m[i, i]));
        if (max == 0) return true;
        var c = (double[,])m.Clone();
        for (int i = 0; i < n; i++) c[i, i] += 1e-10 * max;
        return Cholesky(c);
    }

    /// <summary>In-place Cholesky factor (lower triangle); false when the matrix is not positive definite.</summary>
    private static bool Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        for (int j = 0; j < n; j++)
        {
            double d = a[j, j];
            for (int k = 0; k < j; k++) d -= a[j, k] * a[j, k];
            if (!(d > 0)) return false;
            d = Math.Sqrt(d);
            a[j, j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double v = a[i, j];
                for (int k = 0; k < j; k++) v -= a[i, k] * a[j, k];
                a[i, j] = v / d;
            }
        }

        return true;
    }

    private static double[] CholeskySolve(double[,] l, double[] rhs)
    {
        int n = rhs.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = rhs[i];
            for (int k = 0; k < i; k++) v -= l[i, k] * y[k];
            y[i] = v / l[i, i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double v = y[i];
            for (int k = i + 1; k < n; k++) v -= l[k, i] * y[k];
            y[i] = v / l[i, i];
        }

        return y;
    }

    /// <summary>Minimises ½uᵀAu + bᵀu over u ≥ 0, Σu = 1 (A positive semi-definite) by a primal active-set method
    /// started at the uniform point; null when A is not positive semi-definite on the free set.</summary>
    internal static double[]? SimplexQp(double[,] a, double[] b)
    {
        int n = b.Length;
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(a[i, i]));
        if (scale == 0) scale = 1;
        double ridge = 1e-13 * scale;
        var u = new double[n];
        Array.Fill(u, 1.0 / n);
        var atZero = new bool[n];
        for (int iteration = 0; iteration < 20 * n + 100; iteration++)
        {
            var free = Enumerable.Range(0, n).Where(i => !atZero[i]).ToArray();
            int f = free.Length;
            var l = new double[f, f];
            for (int i = 0; i < f; i++)
            {
                for (int j = 0; j < f; j++) l[i, j] = a[free[i], free[j]];
                l[i, i] += ridge;
            }

            if (!Cholesky(l)) return null;
            var ones = new double[f];
            Array.Fill(ones, 1.0);
            var minusB = free.Select(i => -b[i]).ToArray();
            var p = CholeskySolve(l, ones);
            var r = CholeskySolve(l, minusB);
            double mu = (1 - r.Sum()) / p.Sum();
            var z = new double[f];
            for (int i = 0; i < f; i++) z[i] = r[i] + mu * p[i];

            int blocking = -1;
            double alpha = 1;
            for (int i = 0; i < f; i++)
            {
                if (z[i] >= 0) continue;
                double step = u[free[i]] / (u[free[i]] - z[i]);
                if (step < alpha)
                {
                    alpha = step;
                    blocking = free[i];
                }
            }

            for (int i = 0; i < f; i++) u[free[i]] += alpha * (z[i] - u[free[i]]);
            if (blocking >= 0)
            {
                u[blocking] = 0;
                atZero[blocking] = true;
                continue;
            }

            // At the minimum on the current face: release the bound whose multiplier is most negative, if any.
            int release = -1;
            double worst = -1e-12 * scale;
            for (int i = 0; i < n; i++)
            {
                if (!atZero[i]) continue;
                double g = b[i] - mu;
                for (int j = 0; j < n; j++) g += a[i, j] * u[j];
                if (g < worst)
                {
                    worst = g;
                    release = i;
                }
            }

            if (release < 0) return u;
            atZero[release] = false;
        }

        return u;
    }

    private static BestStaticResult SampleAverage(Scenario scenario, MarketModel model, BestStaticSettings settings, List<string> warnings, CancellationToken ct)
    {
        int n = model.Steps;
        double lambda = scenario.StrategySettings.RiskAversion;
        var starts = Starts(scenario, lambda);
        var knots = KnotSteps(n, settings.MaxKnots);
        int dim = knots.Length;

        // Fewer paths for very long schedules, so the budget still buys several iterations; beyond 200 steps the budget
        // itself shrinks as 1/√steps, since long paths no longer stay in the cache.
        long budget = n <= 200 ? settings.MaxScheduleEpisodeSteps : (long)(settings.MaxScheduleEpisodeSteps * Math.Sqrt(200.0 / n));
        int trainingPaths = (int)Math.Clamp(budget / (8L * n * (dim + 7)), 16, settings.TrainingPaths);
        int validationPaths = (int)Math.Clamp(budget / (6L * n * (starts.Count + 2)), 16, settings.ValidationPaths);
        if (n == 1)
        {
            var only = new double[] { 1, 0 };
            var (m1, v1) = Evaluate(Paths(scenario, ValidationStream, validationPaths), [only], ct);
            return Finish(only, m1[0], v1[0], "optimised");
        }

        var training = Paths(scenario, TrainingStream, trainingPaths);
        long perSchedule = (long)trainingPaths * n;
        long spent = 0;

        double Objective(double mean, double variance) => mean + lambda * variance;
        double[] Objectives(IReadOnlyList<double[]> holdings)
        {
            spent += perSchedule * (holdings.Count + 1);
            var (means, variances) = Evaluate(training, holdings, ct);
            var o = new double[holdings.Count];
            for (int i = 0; i < o.Length; i++) o[i] = Objective(means[i], variances[i]);
            return o;
        }

        var startKnots = starts.Select(st => Project(knots.Select(k => st.Holdings[k]).ToArray())).ToList();
        var startValues = Objectives(startKnots.Select(y => Expand(y, knots, n)).ToList());
        int bestStart = Array.IndexOf(startValues, startValues.Min());
        var y = startKnots[bestStart];
        double fy = startValues[bestStart];
        double h = settings.DifferenceStep;
        double alpha = 0;
        double[]? previousY = null, previousG = null;
        int stalls = 0;
        for (int iteration = 0; iteration < settings.MaxIterations; iteration++)
        {
            long next = perSchedule * (dim + 1 + 4 + 1 + 1);
            if (spent + next > budget) break;

            // Forward differences that stay inside the feasible set, on common random numbers.
            var probes = new List<double[]>();
            var probeIndex = new int[dim];
            var delta = new double[dim];
            for (int j = 0; j < dim; j++)
            {
                double up = (j == 0 ? 1 : y[j - 1]) - y[j];
                double down = y[j] - (j == dim - 1 ? 0 : y[j + 1]);
                delta[j] = up >= h ? h : down >= h ? -h : up >= down ? up : -down;
                probeIndex[j] = -1;
                if (Math.Abs(delta[j]) < 1e-9) continue;
                var p = (double[])y.Clone();
                p[j] += delta[j];
                probeIndex[j] = probes.Count;
                probes.Add(Expand(p, knots, n));
            }

            var g = new double[dim];
            if (probes.Count > 0)
            {
                var values = Objectives(probes);
                for (int j = 0; j < dim; j++)
                    g[j] = probeIndex[j] < 0 ? 0 : (values[probeIndex[j]] - fy) / delta[j];
            }

            double gMax = g.Max(Math.Abs);
            if (!(gMax > 0)) break;
            if (previousY is not null && previousG is not null)
            {
                double ss = 0, sy = 0;
                for (int j = 0; j < dim; j++)
                {
                    double sj = y[j] - previousY[j];
                    ss += sj * sj;
                    sy += sj * (g[j] - previousG[j]);
                }

                if (sy > 0 && ss > 0) alpha = ss / sy;
            }

            if (!(alpha > 0)) alpha = 0.1 / gMax;
            alpha = Math.Min(alpha, 1.0 / gMax);

            // Line search: several step lengths along the projected direction, in one simulator call.
            double[] factors = [4, 1, 0.25, 1.0 / 16, 1.0 / 64];
            var trials = factors.Select(c =>
            {
                var t = new double[dim];
                for (int j = 0; j < dim; j++) t[j] = y[j] - c * alpha * g[j];
                return Project(t);
            }).ToList();
            var trialValues = Objectives(trials.Select(t => Expand(t, knots, n)).ToList());
            int best = Array.IndexOf(trialValues, trialValues.Min());
            previousY = y;
            previousG = g;
            if (trialValues[best] < fy)
            {
                double gain = fy - trialValues[best];
                y = trials[best];
                fy = trialValues[best];
                alpha *= factors[best];
                stalls = gain <= 1e-9 * Math.Abs(fy) ? stalls + 1 : 0;
            }
            else
            {
                alpha = factors[^1] * alpha / 4;
                stalls++;
                previousY = null;
                previousG = null;
            }

            if (stalls >= 3) break;
        }

        // The searched schedule against every start on independent validation paths: the best there is the answer.
        var searched = Expand(y, knots, n);
        var candidates = new List<double[]> { searched };
        candidates.AddRange(starts.Select(st => st.Holdings));
        var validation = Paths(scenario, ValidationStream, validationPaths);
        var (vm, vv) = Evaluate(validation, candidates, ct);
        int chosen = 0;
        for (int i = 1; i < candidates.Count; i++)
        {
            // A start that ever buys back (holdings rising, by rounding or otherwise) trades against the side: never the answer.
            if (!IsNonIncreasing(candidates[i])) continue;
            if (Objective(vm[i], vv[i]) < Objective(vm[chosen], vv[chosen])) chosen = i;
        }

        return Finish(candidates[chosen], vm[chosen], vv[chosen], chosen == 0 ? "optimised" : starts[chosen - 1].Id);

        BestStaticResult Finish(double[] holdings, double mean, double variance, string origin)
        {
            // Negative expected cost only counts when no drift or jump mean could pay for it.
            bool neutralPrice = scenario.Market.Price.DriftPerDay == 0 && (scenario.Market.Price.JumpIntensityPerDay == 0 || scenario.Market.Price.JumpMeanBps == 0);
            double se = Math.Sqrt(variance / validationPaths);
            if (neutralPrice && mean + Statistics.Z95 * se < 0) warnings.Add(ManipulationWarning(mean, model));
            return new BestStaticResult(holdings, SampleAverageMethod, mean, variance, Objective(mean, variance), origin, warnings);
        }
    }

    /// <summary>True when holdings never rise: x_k ≥ x_(k+1) for every k.</summary>
    internal static bool IsNonIncreasing(ReadOnlySpan<double> holdings)
    {
        for (int k = 0; k + 1 < holdings.Length; k++)
        {
            if (!(holdings[k] >= holdings[k + 1])) return false;
        }

        return true;
    }

    /// <summary>The starting schedules of the search: the catalogue's static baselines.</summary>
    private static List<(string Id, double[] Holdings)> Starts(Scenario scenario, double lambda)
    {
        int n = scenario.Order.Steps;
        var starts = new List<(string, double[])>();
        var twap = new double[n + 1];
        for (int k = 0; k <= n; k++) twap[k] = 1 - (double)k / n;
        twap[n] = 0;
        starts.Add(("twap", twap));
        starts.Add(("vwap", VwapBaseline.Holdings(scenario)));
        try
        {
            starts.Add(("ac", AlmgrenChrissBaseline.Holdings(scenario, lambda)));
        }
        catch (ArgumentOutOfRangeException)
        {
            // No finite Almgren–Chriss urgency for these parameters: not a start.
        }

        starts.Add(("ow", ObizhaevaWangBaseline.Holdings(StrategyCatalog.OwResilience(scenario.Market), scenario.StepDays, n)));
        var immediate = new double[n + 1];
        immediate[0] = 1;
        starts.Add(("immediate", immediate));
        return starts;
    }

    /// <summary>The scenario drawing <paramref name="paths"/> episodes from the stream tagged <paramref name="stream"/>. Its
    /// risk guards are dropped: they name the run's strategies, which the search does not trade.</summary>
    private static Scenario Paths(Scenario scenario, ulong stream, int paths) => scenario with
    {
        Seed = RandomStream.TaggedSeed(scenario.Seed, stream),
        Episodes = paths,
        Strategies = ["twap"],
        StrategySettings = scenario.StrategySettings with { Guards = null },
        Replay = null,
    };

    /// <summary>Mean and variance (currency) of each schedule's cost over the scenario's paths, by the simulator.</summary>
    private static (double[] Means, double[] Variances) Evaluate(Scenario paths, IReadOnlyList<double[]> holdings, CancellationToken ct)
    {
        var extras = new IExecutionStrategy[holdings.Count];
        for (int i = 0; i < extras.Length; i++)
            extras[i] = new ScheduleStrategy("candidate:" + i.ToString(CultureInfo.InvariantCulture), "candidate", holdings[i]);
        var result = BacktestRunner.Run(paths, new BacktestOptions { ExtraStrategies = extras, KeepEpisodes = false, ReferenceStrategies = false }, null, ct);
        var means = new double[extras.Length];
        var variances = new double[extras.Length];
        double toCurrency = result.ArrivalNotional / 1e4;
        for (int i = 0; i < extras.Length; i++)
        {
            var summary = result.Strategies.Single(r => r.StrategyId == extras[i].Id).Summary;
            means[i] = summary.MeanShortfallCurrency;
            double std = summary.StdBps * toCurrency;
            variances[i] = std * std;
        }

        return (means, variances);
    }

    /// <summary>Steps carrying a free knot: every interior step when there are few, else the first and last interior steps
    /// and evenly spaced ones between.</summary>
    internal static int[] KnotSteps(int steps, int maxKnots)
    {
        int interior = steps - 1;
        if (interior <= maxKnots) return Enumerable.Range(1, interior).ToArray();
        if (maxKnots == 1) return [1];
        var k = new int[maxKnots];
        for (int j = 0; j < maxKnots; j++) k[j] = 1 + (int)Math.Round(j * (double)(steps - 2) / (maxKnots - 1));
        return k;
    }

    /// <summary>Holdings at every step, linear between the knots (1 at step 0, 0 at the last), non-increasing bit for bit
    /// whenever the knots are (a knot above its predecessor is lowered to it).</summary>
    internal static double[] Expand(ReadOnlySpan<double> knotValues, ReadOnlySpan<int> knotSteps, int steps)
    {
        var x = new double[steps + 1];
        x[0] = 1;
        int prevStep = 0;
        double prevValue = 1;
        for (int j = 0; j <= knotSteps.Length; j++)
        {
            int step = j < knotSteps.Length ? knotSteps[j] : steps;
            double value = j < knotSteps.Length ? knotValues[j] : 0;
            // Knots are hit exactly and points between stay inside [value, prevValue]: prevValue + (value − prevValue)·1
            // is not always value in floating point (1 + (y − 1) drops y's low bits), and the next segment starting from
            // the exact value could then step above it, a trade against the order's side.
            value = Math.Clamp(value, 0, prevValue);
            for (int k = prevStep + 1; k < step; k++)
                x[k] = Math.Clamp(prevValue + (value - prevValue) * (k - prevStep) / (step - prevStep), value, prevValue);
            x[step] = value;
            prevStep = step;
            prevValue = value;
        }

        x[steps] = 0;
        return x;
    }

    /// <summary>Euclidean projection onto 1 ≥ y_1 ≥ … ≥ y_J ≥ 0: decreasing isotonic regression (pool adjacent
    /// violators), then clipping to [0, 1].</summary>
    internal static double[] Project(ReadOnlySpan<double> y)
    {
        int n = y.Length;
        var value = new double[n];
        var weight = new int[n];
        int blocks = 0;
        for (int i = 0; i < n; i++)
        {
            value[blocks] = y[i];
            weight[blocks] = 1;
            blocks++;
            while (blocks > 1 && value[blocks - 2] < value[blocks - 1])
            {
                int w = weight[blocks - 2] + weight[blocks - 1];
                value[blocks - 2] = (value[blocks - 2] * weight[blocks - 2] + value[blocks - 1] * weight[blocks - 1]) / w;
                weight[blocks - 2] = w;
                blocks--;
            }
        }

        var x = new double[n];
        int at = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < weight[b]; i++) x[at++] = Math.Clamp(value[b], 0, 1);
        }

        return x;
    }
}
