using Portal.Domain.Scenarios;

namespace Portal.Domain.QualityDiversity;

/// <summary>Budget, seed and variation parameters of a MAP-Elites run.</summary>
/// <remarks>Defaults: 1,000 candidates in generations of 100; every candidate is evaluated on each niche's variant with
/// 32 episodes of the base scenario's 20 steps (9 niches × 32 episodes × 20 steps with the default grid and a linear
/// policy, the per-candidate budget of the published MAP-Elites execution study). Variation operators: Gaussian mutation
/// (Mouret and Clune, 2015, "Illuminating search spaces by mapping elites", arXiv:1504.04909) and the iso-line operator
/// <c>x' = xᵢ + σ_iso·N(0, I) + σ_line·N(0, 1)·(xⱼ − xᵢ)</c> of Vassiliades and Mouret (2018, "Discovering the elite
/// hypervolume by leveraging interspecies correlation", GECCO, eq. 1), with σ_iso = <see cref="IsoSigma"/> and
/// σ_line = <see cref="LineSigma"/>.</remarks>
public sealed record MapElitesSettings
{
    /// <summary>Largest total budget of candidates.</summary>
    public const int MaxCandidates = 10_000_000;

    /// <summary>Candidates evaluated in all. Allowed: [1, 10,000,000].</summary>
    public int Candidates { get; init; } = 1000;

    /// <summary>Candidates per generation (parents are drawn from the archive as it stood before the generation).
    /// Allowed: [1, 100,000].</summary>
    public int Batch { get; init; } = 100;

    /// <summary>Seed of the candidates' variation streams and of the evaluation paths.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Episodes per niche for each candidate (common random numbers: the same paths for every candidate).
    /// Allowed: [2, 4096].</summary>
    public int EpisodesPerNiche { get; init; } = 32;

    /// <summary>Standard deviation of the parameters of the first generation (around θ = 0, TWAP). Allowed: (0, 10].</summary>
    public double InitialStd { get; init; } = 0.5;

    /// <summary>σ of the Gaussian mutation. Allowed: (0, 10].</summary>
    public double MutationStd { get; init; } = 0.2;

    /// <summary>σ_iso of the iso-line operator. Allowed: [0, 10].</summary>
    public double IsoSigma { get; init; } = 0.05;

    /// <summary>σ_line of the iso-line operator. Allowed: [0, 10].</summary>
    public double LineSigma { get; init; } = 0.5;

    /// <summary>Share of offspring made by the iso-line operator (the rest by Gaussian mutation). Allowed: [0, 1].</summary>
    public double IsoLineShare { get; init; } = 0.5;

    /// <summary>Parameters are clipped to [−bound, bound]. Allowed: (0, 100].</summary>
    public double ParameterBound { get; init; } = 8;

    /// <summary>The niches.</summary>
    public NicheGrid Grid { get; init; } = new();

    /// <summary>Number of generations, ⌈candidates / batch⌉.</summary>
    public int Generations => (Candidates + Batch - 1) / Batch;

    /// <summary>Candidates of generation <paramref name="generation"/>.</summary>
    public int CountOf(int generation) => Math.Min(Batch, Candidates - generation * Batch);

    /// <summary>Throws when a parameter is out of range; returns the settings otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of its range; the message names it.</exception>
    public MapElitesSettings EnsureValid()
    {
        if (Candidates is < 1 or > MaxCandidates) throw new ArgumentOutOfRangeException(nameof(Candidates), Candidates, "Candidates must be in [1, 10,000,000].");
        if (Batch is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be in [1, 100,000].");
        if (EpisodesPerNiche is < 2 or > 4096) throw new ArgumentOutOfRangeException(nameof(EpisodesPerNiche), EpisodesPerNiche, "Episodes per niche must be in [2, 4096].");
        if (!(InitialStd > 0 && InitialStd <= 10)) throw new ArgumentOutOfRangeException(nameof(InitialStd), InitialStd, "Initial std must be in (0, 10].");
        if (!(MutationStd > 0 && MutationStd <= 10)) throw new ArgumentOutOfRangeException(nameof(MutationStd), MutationStd, "Mutation std must be in (0, 10].");
        if (!(IsoSigma >= 0 && IsoSigma <= 10)) throw new ArgumentOutOfRangeException(nameof(IsoSigma), IsoSigma, "σ_iso must be in [0, 10].");
        if (!(LineSigma >= 0 && LineSigma <= 10)) throw new ArgumentOutOfRangeException(nameof(LineSigma), LineSigma, "σ_line must be in [0, 10].");
        if (!(IsoLineShare >= 0 && IsoLineShare <= 1)) throw new ArgumentOutOfRangeException(nameof(IsoLineShare), IsoLineShare, "Iso-line share must be in [0, 1].");
        if (!(ParameterBound > 0 && ParameterBound <= 100)) throw new ArgumentOutOfRangeException(nameof(ParameterBound), ParameterBound, "Parameter bound must be in (0, 100].");
        ArgumentNullException.ThrowIfNull(Grid);
        Grid.EnsureValid();
        return this;
    }

    /// <summary>The default base scenario of a MAP-Elites run: a 2% ADV sell over one hour in 20 steps on an
    /// Almgren–Chriss market whose impact scales with a stochastic liquidity level, a 25% participation cap, and a risk
    /// aversion at which the volatility regime moves the optimal schedule.</summary>
    public static Scenario DefaultScenario() => new()
    {
        Name = "map-elites base",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 2, HorizonMinutes = 60, Steps = 20 },
        Market = new MarketSpec
        {
            Impact = new AlmgrenChrissImpactSpec { LiquidityScaled = true },
            Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 1, MeanReversionPerDay = 20 },
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = 25 },
        StrategySettings = new StrategySettings { RiskAversion = 1e-5 },
        Episodes = 1000,
        Seed = 1,
        Strategies = ["twap"],
    };
}
