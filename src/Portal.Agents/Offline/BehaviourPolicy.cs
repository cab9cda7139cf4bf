using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Offline;

/// <summary>
/// A policy that logs an offline dataset: <c>twap</c>, <c>noisy-twap</c>, <c>ac</c>, <c>pov</c>, <c>mixture</c> or
/// <c>agent:PATH</c> (a trained agent's artifact). Every draw comes from a stream of (batch seed, episode, decision), so a
/// behaviour's decisions on a path do not depend on how episodes are batched.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>twap</c>: trades 1/(N − k) of the remainder at decision k (equal children).</item>
/// <item><c>noisy-twap</c>: TWAP's child times a mean-one log-normal factor exp(σz − σ²/2), σ = <see cref="NoisyTwapSigma"/>,
/// so the logged actions cover a band around TWAP (a deterministic TWAP logs a single action per state).</item>
/// <item><c>ac</c>: the market's known optimum (Almgren–Chriss closed form, Almgren and Chriss 2000, eq. 18) where it has
/// one, else its best static schedule.</item>
/// <item><c>pov</c>: participation in last step's volume, the child = (1/N)·(last step's volume over its forecast) of the
/// parent, a rate that finishes at the horizon when volume is as expected; it reads only the past step's volume.</item>
/// <item><c>mixture</c>: each episode follows one of twap, noisy-twap, ac and pov, drawn with equal probability.</item>
/// </list>
/// </remarks>
public sealed class BehaviourPolicy : IDisposable
{
    /// <summary>Log-normal volatility of the noisy TWAP's factor.</summary>
    public const double NoisyTwapSigma = 0.5;

    /// <summary>The behaviours <see cref="Create"/> accepts (plus <c>agent:PATH</c>).</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["twap", "noisy-twap", "ac", "pov", "mixture"];

    private static readonly string[] MixtureParts = ["twap", "noisy-twap", "ac", "pov"];
    private readonly double[] _acFractions;
    private readonly IExecutionAgent? _agent;
    private readonly ObservationNormalizer? _agentNormalizer;
    private float[] _normalised = [];

    private BehaviourPolicy(string spec, double[] acFractions, IExecutionAgent? agent, ObservationNormalizer? agentNormalizer)
    {
        Spec = spec;
        _acFractions = acFractions;
        _agent = agent;
        _agentNormalizer = agentNormalizer;
    }

    /// <summary>The spec it was created from, e.g. <c>noisy-twap</c>.</summary>
    public string Spec { get; }

    /// <summary>Creates the behaviour <paramref name="spec"/> for <paramref name="market"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown behaviour; the message lists the known ones.</exception>
    public static BehaviourPolicy Create(string spec, MarketSource market)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ArgumentNullException.ThrowIfNull(market);
        if (spec.StartsWith("agent:", StringComparison.Ordinal))
        {
            var artifact = AgentArtifact.Load(spec["agent:".Length..]);
            return new BehaviourPolicy(spec, [], artifact.CreateAgent(), artifact.Normalizer);
        }

        if (!Kinds.Contains(spec))
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec, $"Behaviour must be one of {string.Join(", ", Kinds)} or agent:PATH.");
        }

        double[] ac = spec is "ac" or "mixture"
            ? AlmgrenChrissSolution.FractionsOfRemaining(market.Optimum()?.Holdings ?? AgentTrainer.BestStatic(market)?.HoldingsFraction
                ?? throw new ArgumentException("The market has neither a known optimum nor a best static schedule for the ac behaviour.", nameof(spec)))
            : [];
        return new BehaviourPolicy(spec, ac, null, null);
    }

    /// <summary>
    /// Writes the fraction of the remainder each episode of <paramref name="env"/> trades at its current decision, clamped to
    /// [0, mask]; <paramref name="batchSeed"/> is the seed the environment was reset with.
    /// </summary>
    public void Decide(ExecutionEnvironment env, long batchSeed, Span<double> fractions)
    {
        ArgumentNullException.ThrowIfNull(env);
        int n = env.BatchSize, k = env.DecisionIndex, steps = env.Market.Steps;
        if (_agent is not null)
        {
            int f = ExecutionEnvironment.FeatureCount;
            if (_normalised.Length != n * f) _normalised = new float[n * f];
            for (int i = 0; i < n; i++) _agentNormalizer!.Normalize(env.RawObservations[i], _normalised.AsSpan(i * f, f));
            _agent.Act(_normalised, env.MaxFraction, k, steps, fractions);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                string kind = Spec == "mixture" ? MixtureParts[(int)(new SplitMix64(batchSeed, -1 - i).NextUInt64() % 4)] : Spec;
                fractions[i] = Fraction(kind, env.RawObservations[i], k, steps, new SplitMix64(batchSeed, (long)i * 65_536 + k));
            }
        }

        for (int i = 0; i < n; i++)
        {
            fractions[i] = Math.Clamp(fractions[i], 0, env.MaxFraction[i]);
        }
    }

    private double Fraction(string kind, ExecutionObservation o, int k, int steps, SplitMix64 random)
    {
        double twap = 1.0 / (steps - k);
        return kind switch
        {
            "twap" => twap,
            "noisy-twap" => twap * Math.Exp(NoisyTwapSigma * random.NextGaussian() - 0.5 * NoisyTwapSigma * NoisyTwapSigma),
            "ac" => _acFractions[k],
            "pov" => o.RemainingFraction <= 0 ? 0 : Math.Min(1, o.VolumeRatio / steps / o.RemainingFraction),
            _ => throw new InvalidOperationException($"Unknown behaviour {kind}."),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _agent?.Dispose();
}
