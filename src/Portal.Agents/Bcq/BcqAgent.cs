using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Domain.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Bcq;

/// <summary>BCQ hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record BcqHyperparameters
{
    /// <summary>The one declaration of every hyperparameter's range, unit and help; the constructor checks against it.</summary>
    public static HyperparameterSchema Schema { get; } = new(
        HyperparameterSpec.Positive(nameof(LearningRate), 1, "", "Adam step size of the VAE, the perturbation network and the critics (paper: 10⁻³)."),
        HyperparameterSpec.Between(nameof(Gamma), 0, 1, "", "Discount factor γ per decision (1: an episode's return is its negated objective)."),
        HyperparameterSpec.Positive(nameof(Polyak), 1, "", "Polyak coefficient τ of the target networks' soft update (paper: 0.005)."),
        HyperparameterSpec.Between(nameof(BatchSize), 1, 1_000_000, "transitions", "Transitions per gradient update (paper: 100)."),
        HyperparameterSpec.Between(nameof(HiddenUnits), 1, 4096, "units", "Units in each of the two hidden layers of every network."),
        HyperparameterSpec.Between(nameof(Perturbation), 0, 2, "", "Φ, the largest perturbation added to a VAE action on the [−1, 1] action scale (0 imitates the behaviour model)."),
        HyperparameterSpec.Between(nameof(Lambda), 0, 1, "", "λ of the soft clipped double-Q target λ·min(Q₁, Q₂) + (1 − λ)·max(Q₁, Q₂) (paper: 0.75)."),
        HyperparameterSpec.Between(nameof(SampledActions), 1, 1000, "actions", "Actions sampled from the VAE per next state in the critic target (paper: 10)."),
        HyperparameterSpec.Between(nameof(SelectionSamples), 1, 10_000, "actions", "Actions sampled per state when acting; the highest-Q₁ one is traded."),
        HyperparameterSpec.Between(nameof(LatentDimension), 1, 64, "", "Latent dimension of the VAE (paper: twice the action dimension)."),
        HyperparameterSpec.Between(nameof(KlWeight), 0, 100, "", "Weight of the KL term in the VAE loss (paper: 0.5)."),
        HyperparameterSpec.Positive(nameof(RewardScale), double.PositiveInfinity, "1/bps", "Multiplier applied to rewards (bps) before learning."));

    /// <summary>Creates a validated set of hyperparameters.</summary>
    public BcqHyperparameters(
        double learningRate = 1e-3, double gamma = 1.0, double polyak = 0.005, int batchSize = 256, int hiddenUnits = 64,
        double perturbation = 0.05, double lambda = 0.75, int sampledActions = 10, int selectionSamples = 100,
        int latentDimension = 2, double klWeight = 0.5, double rewardScale = 0.1)
    {
        LearningRate = Schema.Check(learningRate, nameof(LearningRate));
        Gamma = Schema.Check(gamma, nameof(Gamma));
        Polyak = Schema.Check(polyak, nameof(Polyak));
        BatchSize = Schema.Check(batchSize, nameof(BatchSize));
        HiddenUnits = Schema.Check(hiddenUnits, nameof(HiddenUnits));
        Perturbation = Schema.Check(perturbation, nameof(Perturbation));
        Lambda = Schema.Check(lambda, nameof(Lambda));
        SampledActions = Schema.Check(sampledActions, nameof(SampledActions));
        SelectionSamples = Schema.Check(selectionSamples, nameof(SelectionSamples));
        LatentDimension = Schema.Check(latentDimension, nameof(LatentDimension));
        KlWeight = Schema.Check(klWeight, nameof(KlWeight));
        RewardScale = Schema.Check(rewardScale, nameof(RewardScale));
    }

    /// <summary>Adam step size of the VAE, the perturbation network and the critics (paper: 10⁻³). Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision (paper: 0.99; 1 here, so an episode's return is its negated objective).
    /// Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>Polyak coefficient τ of the target networks' soft update (paper: 0.005). Allowed: (0, 1].</summary>
    public double Polyak { get; }

    /// <summary>Transitions per gradient update (paper: 100; the published execution set-up: 256). Allowed: [1, 10⁶].</summary>
    public int BatchSize { get; }

    /// <summary>Units in each of the two hidden layers of every network (paper: 400–300 critics and actor, 750–750 VAE).
    /// Allowed: [1, 4096].</summary>
    public int HiddenUnits { get; }

    /// <summary>Φ, the largest perturbation ξ may add to a VAE action, on the [−1, 1] action scale (paper: 0.05).
    /// Allowed: [0, 2] (0 = imitate the behaviour model; 2 = unconstrained).</summary>
    public double Perturbation { get; }

    /// <summary>λ of the soft clipped double-Q target λ·min(Q₁, Q₂) + (1 − λ)·max(Q₁, Q₂) (paper: 0.75). Allowed: [0, 1].</summary>
    public double Lambda { get; }

    /// <summary>n, actions sampled from the VAE per next state in the critic target (paper: 10). Allowed: [1, 1000].</summary>
    public int SampledActions { get; }

    /// <summary>Actions sampled per state when acting; the highest-Q₁ one is traded (paper's code: 100). Allowed: [1, 10⁴].</summary>
    public int SelectionSamples { get; }

    /// <summary>Latent dimension of the VAE (paper: twice the action dimension). Allowed: [1, 64].</summary>
    public int LatentDimension { get; }

    /// <summary>Weight of the KL term in the VAE loss (paper: 0.5). Allowed: [0, 100].</summary>
    public double KlWeight { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }
}

/// <summary>
/// Batch-constrained deep Q-learning, continuous version: a conditional VAE models the behaviour policy's actions, a
/// perturbation network ξ nudges its samples by at most Φ, and clipped double-Q critics pick the best of n perturbed
/// samples. The policy therefore only trades actions the data supports.
/// </summary>
/// <remarks>Fujimoto, Meger and Precup (2019), "Off-policy deep reinforcement learning without exploration", ICML,
/// Algorithm 1: VAE G_ω = (E, D) trained on reconstruction + ½·KL (eq. 13–14, latent clipped to [−0.5, 0.5] at
/// sampling); perturbation ξ_φ(s, a, Φ) ∈ [−Φ, Φ] trained to maximise Q_θ₁(s, a + ξ_φ) (eq. 15); critic target
/// r + γ·max_{a_i}[λ·min_j Q_θ′_j(s′, a_i) + (1 − λ)·max_j Q_θ′_j(s′, a_i)] over n actions a_i = a + ξ_φ′(s′, a, Φ),
/// a ~ G_ω(s′) (eq. 13). Symbol mapping: the action is the traded fraction of the remainder over the step's mask, mapped to
/// [−1, 1] (max action 1, so Φ keeps the paper's scale); s is the normalised <see cref="ExecutionObservation"/>.
/// Networks are this codebase's two-layer tanh perceptrons (<see cref="Networks.Mlp"/>) rather than the paper's ReLU
/// 400–300 / 750–750 layers, to keep training cheap; structure follows the authors' reference BCQ.py.</remarks>
public sealed class BcqAgent : IExecutionAgent
{
    private readonly Vae _vae;
    private readonly Perturber _actor;
    private readonly nn.Module<Tensor, Tensor> _q1;

    private BcqAgent(BcqHyperparameters hyperparameters)
    {
        Parameters = hyperparameters;
        int f = ExecutionEnvironment.FeatureCount;
        _vae = new Vae(f, hyperparameters.HiddenUnits, hyperparameters.LatentDimension);
        _actor = new Perturber(f, hyperparameters.HiddenUnits, hyperparameters.Perturbation);
        _q1 = Networks.Mlp(f + 1, hyperparameters.HiddenUnits, 1);
    }

    /// <inheritdoc />
    public string Algorithm => "bcq";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public BcqHyperparameters Parameters { get; }

    /// <summary>Restores an agent from weights written by <see cref="SaveWeights"/>.</summary>
    public static BcqAgent Load(BcqHyperparameters hyperparameters, Stream weights)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var agent = new BcqAgent(hyperparameters);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Load(agent._vae, reader);
        Networks.Load(agent._actor, reader);
        Networks.Load(agent._q1, reader);
        return agent;
    }

    /// <summary>Learns from <paramref name="data"/> until the session's budget of gradient updates is spent.</summary>
    public static BcqAgent Train(OfflineDataset data, ObservationNormalizer normalizer, BcqHyperparameters hp, TrainingSession session)
    {
        OfflineTraining.Require(data, normalizer, hp, session);
        var agent = new BcqAgent(hp);
        int f = ExecutionEnvironment.FeatureCount;
        using var actorTarget = new Perturber(f, hp.HiddenUnits, hp.Perturbation);
        Networks.CopyParameters(agent._actor, actorTarget);
        using var q2 = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q1Target = OfflineTraining.TargetOf(agent._q1, f + 1, hp.HiddenUnits);
        using var q2Target = OfflineTraining.TargetOf(q2, f + 1, hp.HiddenUnits);
        var vaeOptimizer = new AdamOptimizer(agent._vae.parameters(), hp.LearningRate);
        var actorOptimizer = new AdamOptimizer(agent._actor.parameters(), hp.LearningRate);
        var criticOptimizer = new AdamOptimizer(agent._q1.parameters().Concat(q2.parameters()), hp.LearningRate);
        var batches = new OfflineBatches(data, normalizer, hp.RewardScale, session.Seed);
        OfflineTraining.Run(session, () =>
        {
            var b = batches.Sample(hp.BatchSize);

            // Behaviour model: reconstruction + KL (eq. 13–14).
            var (reconstruction, mean, std) = agent._vae.Forward(b.Observations, b.Actions);
            var kl = -0.5 * (1 + std.pow(2).log() - mean.pow(2) - std.pow(2)).mean();
            var vaeLoss = (reconstruction - b.Actions).pow(2).mean() + hp.KlWeight * kl;
            vaeOptimizer.zero_grad();
            vaeLoss.backward();
            vaeOptimizer.step();

            // Critics: soft clipped double-Q over n perturbed VAE samples of the next state.
            Tensor target;
            using (torch.no_grad())
            {
                int n = hp.SampledActions;
                var next = b.NextObservations.repeat_interleave(n, 0);
                var nextActions = actorTarget.Forward(next, agent._vae.Sample(next));
                var input = torch.cat([next, nextActions], 1);
                var t1 = q1Target.forward(input);
                var t2 = q2Target.forward(input);
                var soft = hp.Lambda * torch.minimum(t1, t2) + (1 - hp.Lambda) * torch.maximum(t1, t2);
                var best = soft.reshape(-1, n).max(1).values;
                target = b.Rewards + hp.Gamma * b.NotDone * best;
            }

            var current = torch.cat([b.Observations, b.Actions], 1);
            var criticLoss = (agent._q1.forward(current).squeeze(1) - target).pow(2).mean() + (q2.forward(current).squeeze(1) - target).pow(2).mean();
            criticOptimizer.zero_grad();
            criticLoss.backward();
            criticOptimizer.step();

            // Perturbation network: maximise Q₁ of the perturbed behaviour sample (eq. 15).
            var sampled = agent._vae.Sample(b.Observations).detach();
            var perturbed = agent._actor.Forward(b.Observations, sampled);
            var actorLoss = -agent._q1.forward(torch.cat([b.Observations, perturbed], 1)).mean();
            actorOptimizer.zero_grad();
            actorLoss.backward();
            actorOptimizer.step();

            Networks.SoftUpdate(agent._q1, q1Target, hp.Polyak);
            Networks.SoftUpdate(q2, q2Target, hp.Polyak);
            Networks.SoftUpdate(agent._actor, actorTarget, hp.Polyak);
            return criticLoss.item<float>();
        });

        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        var chosen = ActionsInUnitRange(observations, n);
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = chosen[i] * maxFraction[i];
        }
    }

    /// <summary>
    /// The action chosen for each of <paramref name="rows"/> states, in [0, 1] (fraction of the mask): the highest-Q₁ of
    /// <see cref="BcqHyperparameters.SelectionSamples"/> perturbed VAE samples. The samples come from a generator seeded
    /// afresh on every call, so the same states always get the same actions.
    /// </summary>
    public float[] ActionsInUnitRange(ReadOnlySpan<float> observations, int rows)
    {
        int m = Parameters.SelectionSamples;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var generator = new Generator(0x5EED);
        var states = Networks.Batch(observations, rows, ExecutionEnvironment.FeatureCount).repeat_interleave(m, 0);
        var actions = _actor.Forward(states, _vae.Sample(states, generator));
        var q = _q1.forward(torch.cat([states, actions], 1)).reshape(rows, m);
        var index = q.argmax(1);
        var best = actions.reshape(rows, m).gather(1, index.unsqueeze(1)).squeeze(1);
        return ((best + 1) / 2).data<float>().ToArray();
    }

    /// <summary>Actions the behaviour model alone (no perturbation) proposes for each state, in [0, 1]; for support checks.</summary>
    public float[] BehaviourSamples(ReadOnlySpan<float> observations, int rows, int samplesPerRow)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var generator = new Generator(0xB0B);
        var states = Networks.Batch(observations, rows, ExecutionEnvironment.FeatureCount).repeat_interleave(samplesPerRow, 0);
        return ((_vae.Sample(states, generator) + 1) / 2).data<float>().ToArray();
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Save(_vae, writer);
        Networks.Save(_actor, writer);
        Networks.Save(_q1, writer);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vae.Dispose();
        _actor.Dispose();
        _q1.Dispose();
    }

    /// <summary>Conditional VAE of the behaviour policy's actions: encoder E(s, a) → (μ, σ), decoder D(s, z) → a ∈ [−1, 1].</summary>
    private sealed class Vae : nn.Module
    {
        private readonly nn.Module<Tensor, Tensor> encoder;
        private readonly nn.Module<Tensor, Tensor> decoder;
        private readonly int _latent;

        public Vae(int features, int hidden, int latent)
            : base(nameof(Vae))
        {
            _latent = latent;
            encoder = Networks.Mlp(features + 1, hidden, 2 * latent);
            decoder = Networks.Mlp(features + latent, hidden, 1);
            RegisterComponents();
        }

        public (Tensor Reconstruction, Tensor Mean, Tensor Std) Forward(Tensor states, Tensor actions)
        {
            var output = encoder.forward(torch.cat([states, actions], 1));
            var mean = output[.., .._latent];
            var std = output[.., _latent..].clamp(-4, 15).exp();
            var z = mean + std * torch.randn_like(std);
            return (Decode(states, z), mean, std);
        }

        /// <summary>Decodes latent <paramref name="z"/> into an action in [−1, 1].</summary>
        public Tensor Decode(Tensor states, Tensor z) => torch.tanh(decoder.forward(torch.cat([states, z], 1)));

        /// <summary>Samples an action: z ~ N(0, 1) clipped to [−0.5, 0.5] (the paper's sampling), decoded.</summary>
        public Tensor Sample(Tensor states, Generator? generator = null) =>
            Decode(states, torch.randn([states.shape[0], _latent], generator: generator).clamp(-0.5, 0.5));
    }

    /// <summary>Perturbation network ξ_φ(s, a, Φ): a + Φ·tanh(f(s, a)), clipped to [−1, 1].</summary>
    private sealed class Perturber : nn.Module
    {
        private readonly nn.Module<Tensor, Tensor> body;
        private readonly double _phi;

        public Perturber(int features, int hidden, double phi)
            : base(nameof(Perturber))
        {
            _phi = phi;
            body = Networks.Mlp(features + 1, hidden, 1);
            RegisterComponents();
        }

        public Tensor Forward(Tensor states, Tensor actions) =>
            (actions + _phi * torch.tanh(body.forward(torch.cat([states, actions], 1)))).clamp(-1, 1);
    }
}
