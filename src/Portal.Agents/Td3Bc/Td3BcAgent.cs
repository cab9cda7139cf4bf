using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Domain.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Td3Bc;

/// <summary>TD3+BC hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record Td3BcHyperparameters
{
    /// <summary>The one declaration of every hyperparameter's range, unit and help; the constructor checks against it.</summary>
    public static HyperparameterSchema Schema { get; } = new(
        HyperparameterSpec.Positive(nameof(LearningRate), 1, "", "Adam step size of actor and critics (paper: 3·10⁻⁴)."),
        HyperparameterSpec.Between(nameof(Gamma), 0, 1, "", "Discount factor γ per decision (1: an episode's return is its negated objective)."),
        HyperparameterSpec.Positive(nameof(Polyak), 1, "", "Polyak coefficient τ of the target networks' soft update (paper: 0.005)."),
        HyperparameterSpec.Between(nameof(BatchSize), 1, 1_000_000, "transitions", "Transitions per gradient update (paper: 256)."),
        HyperparameterSpec.Between(nameof(HiddenUnits), 1, 4096, "units", "Units in each of the two hidden layers of actor and critics."),
        HyperparameterSpec.Between(nameof(Alpha), 0, 1e6, "", "α, the weight of the Q term against behaviour cloning (paper: 2.5; 0 is pure behaviour cloning)."),
        HyperparameterSpec.Between(nameof(PolicyNoise), 0, 10, "", "Standard deviation of the target policy smoothing noise on the [−1, 1] action scale (paper: 0.2)."),
        HyperparameterSpec.Between(nameof(NoiseClip), 0, 10, "", "Clip of the target policy smoothing noise (paper: 0.5)."),
        HyperparameterSpec.Between(nameof(PolicyDelay), 1, 100, "updates", "Critic updates per actor and target update (paper: 2)."),
        HyperparameterSpec.Flag(nameof(NormalizeStates), "Standardise states by the dataset's mean and standard deviation, as the paper does."),
        HyperparameterSpec.Positive(nameof(RewardScale), double.PositiveInfinity, "1/bps", "Multiplier applied to rewards (bps) before learning."),
        HyperparameterSpec.OneOf(nameof(ActionScale), OfflineActionScale.Names, "How the [−1, 1] action maps to the traded fraction: twap-log puts TWAP's child at 0, fraction maps the mask linearly."));

    /// <summary>Creates a validated set of hyperparameters.</summary>
    public Td3BcHyperparameters(
        double learningRate = 3e-4, double gamma = 1.0, double polyak = 0.005, int batchSize = 256, int hiddenUnits = 64,
        double alpha = 2.5, double policyNoise = 0.2, double noiseClip = 0.5, int policyDelay = 2, bool normalizeStates = true,
        double rewardScale = 0.1, string actionScale = OfflineActionScale.TwapLog)
    {
        LearningRate = Schema.Check(learningRate, nameof(LearningRate));
        Gamma = Schema.Check(gamma, nameof(Gamma));
        Polyak = Schema.Check(polyak, nameof(Polyak));
        BatchSize = Schema.Check(batchSize, nameof(BatchSize));
        HiddenUnits = Schema.Check(hiddenUnits, nameof(HiddenUnits));
        Alpha = Schema.Check(alpha, nameof(Alpha));
        PolicyNoise = Schema.Check(policyNoise, nameof(PolicyNoise));
        NoiseClip = Schema.Check(noiseClip, nameof(NoiseClip));
        PolicyDelay = Schema.Check(policyDelay, nameof(PolicyDelay));
        NormalizeStates = normalizeStates;
        RewardScale = Schema.Check(rewardScale, nameof(RewardScale));
        ActionScale = Schema.Check(actionScale, nameof(ActionScale));
    }

    /// <summary>Adam step size of actor and critics (paper: 3·10⁻⁴). Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision (paper: 0.99; 1 here, so an episode's return is its negated objective).
    /// Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>Polyak coefficient τ of the target networks' soft update (paper: 0.005). Allowed: (0, 1].</summary>
    public double Polyak { get; }

    /// <summary>Transitions per gradient update (paper: 256). Allowed: [1, 10⁶].</summary>
    public int BatchSize { get; }

    /// <summary>Units in each of the two hidden layers of actor and critics (paper: 256). Allowed: [1, 4096].</summary>
    public int HiddenUnits { get; }

    /// <summary>α, the weight of the Q term against behaviour cloning: λ = α / mean|Q(s, π(s))| (paper: 2.5; 0 = pure
    /// behaviour cloning). Allowed: [0, 10⁶].</summary>
    public double Alpha { get; }

    /// <summary>Standard deviation of the target policy smoothing noise, on the [−1, 1] action scale (paper: 0.2). Allowed: [0, 10].</summary>
    public double PolicyNoise { get; }

    /// <summary>Clip of that noise (paper: 0.5). Allowed: [0, 10].</summary>
    public double NoiseClip { get; }

    /// <summary>Critic updates per actor and target update (paper: 2). Allowed: [1, 100].</summary>
    public int PolicyDelay { get; }

    /// <summary>Standardise states by the dataset's mean and standard deviation (+10⁻³), as the paper does. Allowed: true/false.</summary>
    public bool NormalizeStates { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }

    /// <summary>How the [−1, 1] action maps to the traded fraction (<see cref="OfflineActionScale"/>): <c>twap-log</c>
    /// (default; TWAP's child at 0) or <c>fraction</c> (the fraction of the mask, linearly; the mapping of agents trained
    /// before <c>twap-log</c> existed, under which α = 2.5 collapses to trading nothing). Allowed: twap-log, fraction.</summary>
    public string ActionScale { get; }
}

/// <summary>
/// TD3 with a behaviour-cloning term: the actor maximises λ·Q(s, π(s)) − (π(s) − a)² over logged (s, a), with
/// λ = α / mean|Q|, so it improves on the data while staying near it; critics are TD3's clipped double Q with target
/// policy smoothing and delayed actor updates.
/// </summary>
/// <remarks>Fujimoto and Gu (2021), "A minimalist approach to offline reinforcement learning", NeurIPS, eq. 3–5:
/// π = argmax E[λ·Q(s, π(s)) − (π(s) − a)²], λ = α / ((1/N)·Σ|Q(s_i, a_i)|) with α = 2.5; states normalised
/// s_i ← (s_i − μ)/(σ + ε), ε = 10⁻³, from the dataset's statistics; TD3 (Fujimoto, van Hoof and Meger 2018) target
/// r + γ·min_j Q_θ′_j(s′, clip(π′(s′) + clip(N(0, σ̃), −c, c), −1, 1)), σ̃ = 0.2, c = 0.5, actor and targets updated every
/// d = 2 critic updates. Symbol mapping: the action a ∈ [−1, 1] (max action 1) is the child's size relative to TWAP's on a
/// log scale by default (<see cref="OfflineActionScale.TwapLog"/>: a = 0 is TWAP, ±1 the whole remainder or TWAP's child
/// over N − k), so the paper's α, noise and cloning term meet actions spread over [−1, 1] as in its benchmarks; s is the
/// normalised <see cref="ExecutionObservation"/>. Networks are this codebase's two-layer
/// tanh perceptrons (<see cref="Networks.Mlp"/>) rather than the paper's ReLU 256–256 ones; structure follows the authors'
/// reference TD3_BC.py.</remarks>
public sealed class Td3BcAgent : IExecutionAgent
{
    private readonly nn.Module<Tensor, Tensor> _actor;
    private readonly float[] _stateMean;
    private readonly float[] _stateStd;

    private Td3BcAgent(Td3BcHyperparameters hyperparameters, float[] stateMean, float[] stateStd)
    {
        Parameters = hyperparameters;
        _actor = Networks.Mlp(ExecutionEnvironment.FeatureCount, hyperparameters.HiddenUnits, 1);
        _stateMean = stateMean;
        _stateStd = stateStd;
    }

    /// <inheritdoc />
    public string Algorithm => "td3bc";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public Td3BcHyperparameters Parameters { get; }

    /// <summary>Restores an agent from weights written by <see cref="SaveWeights"/> (actor, then the state statistics).</summary>
    public static Td3BcAgent Load(Td3BcHyperparameters hyperparameters, Stream weights)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        int f = ExecutionEnvironment.FeatureCount;
        var agent = new Td3BcAgent(hyperparameters, new float[f], new float[f]);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Load(agent._actor, reader);
        for (int j = 0; j < f; j++) agent._stateMean[j] = reader.ReadSingle();
        for (int j = 0; j < f; j++) agent._stateStd[j] = reader.ReadSingle();
        return agent;
    }

    /// <summary>Learns from <paramref name="data"/> until the session's budget of gradient updates is spent.</summary>
    public static Td3BcAgent Train(OfflineDataset data, ObservationNormalizer normalizer, Td3BcHyperparameters hp, TrainingSession session)
    {
        OfflineTraining.Require(data, normalizer, hp, session);
        int f = ExecutionEnvironment.FeatureCount;
        var (mean, std) = hp.NormalizeStates
            ? OfflineBatches.StateStatistics(data, normalizer, 1e-3)
            : (new float[f], Enumerable.Repeat(1f, f).ToArray());
        var agent = new Td3BcAgent(hp, mean, std);
        using var actorTarget = OfflineTraining.TargetOf(agent._actor, f, hp.HiddenUnits);
        using var q1 = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q2 = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q1Target = OfflineTraining.TargetOf(q1, f + 1, hp.HiddenUnits);
        using var q2Target = OfflineTraining.TargetOf(q2, f + 1, hp.HiddenUnits);
        var actorOptimizer = new AdamOptimizer(agent._actor.parameters(), hp.LearningRate);
        var criticOptimizer = new AdamOptimizer(q1.parameters().Concat(q2.parameters()), hp.LearningRate);
        var batches = new OfflineBatches(data, normalizer, hp.RewardScale, session.Seed, mean, std, hp.ActionScale);
        long iteration = 0;
        OfflineTraining.Run(session, () =>
        {
            var b = batches.Sample(hp.BatchSize);
            Tensor target;
            using (torch.no_grad())
            {
                var noise = (torch.randn_like(b.Actions) * hp.PolicyNoise).clamp(-hp.NoiseClip, hp.NoiseClip);
                var nextAction = (torch.tanh(actorTarget.forward(b.NextObservations)) + noise).clamp(-1, 1);
                var nextInput = torch.cat([b.NextObservations, nextAction], 1);
                var minQ = torch.minimum(q1Target.forward(nextInput), q2Target.forward(nextInput)).squeeze(1);
                target = b.Rewards + hp.Gamma * b.NotDone * minQ;
            }

            var current = torch.cat([b.Observations, b.Actions], 1);
            var criticLoss = (q1.forward(current).squeeze(1) - target).pow(2).mean() + (q2.forward(current).squeeze(1) - target).pow(2).mean();
            criticOptimizer.zero_grad();
            criticLoss.backward();
            criticOptimizer.step();

            if (++iteration % hp.PolicyDelay == 0)
            {
                var pi = torch.tanh(agent._actor.forward(b.Observations));
                var q = q1.forward(torch.cat([b.Observations, pi], 1));
                var lambda = hp.Alpha / (q.abs().mean().detach() + 1e-8);
                var actorLoss = -lambda * q.mean() + (pi - b.Actions).pow(2).mean();
                actorOptimizer.zero_grad();
                actorLoss.backward();
                actorOptimizer.step();
                Networks.SoftUpdate(q1, q1Target, hp.Polyak);
                Networks.SoftUpdate(q2, q2Target, hp.Polyak);
                Networks.SoftUpdate(agent._actor, actorTarget, hp.Polyak);
            }

            return criticLoss.item<float>();
        });

        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        OfflineTraining.ToFractions(Parameters.ActionScale, Actions(observations, maxFraction.Length), maxFraction, decisionIndex, steps, fractionOfRemaining);
    }

    /// <summary>The deterministic action for each of <paramref name="rows"/> states, on the [−1, 1] scale of
    /// <see cref="Td3BcHyperparameters.ActionScale"/>.</summary>
    public float[] Actions(ReadOnlySpan<float> observations, int rows)
    {
        int f = ExecutionEnvironment.FeatureCount;
        var x = observations[..(rows * f)].ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (x[i] - _stateMean[i % f]) / _stateStd[i % f];
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return torch.tanh(_actor.forward(torch.tensor(x, rows, f))).squeeze(1).data<float>().ToArray();
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Save(_actor, writer);
        foreach (float v in _stateMean) writer.Write(v);
        foreach (float v in _stateStd) writer.Write(v);
    }

    /// <inheritdoc />
    public void Dispose() => _actor.Dispose();
}
