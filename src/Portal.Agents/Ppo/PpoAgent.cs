using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Strategies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Agents.Ppo;

/// <summary>PPO hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record PpoHyperparameters
{
    /// <summary>The one declaration of every hyperparameter's range, unit and help; the constructor checks against it.</summary>
    public static HyperparameterSchema Schema { get; } = new(
        HyperparameterSpec.Between(nameof(ParallelEpisodes), 1, 100_000, "episodes", "Episodes simulated in parallel per rollout; a rollout is one full batch of episodes."),
        HyperparameterSpec.Positive(nameof(LearningRate), 1, "", "Adam step size."),
        HyperparameterSpec.Between(nameof(Gamma), 0, 1, "", "Discount factor γ per decision."),
        HyperparameterSpec.Between(nameof(GaeLambda), 0, 1, "", "GAE λ, trading bias for variance in the advantages."),
        HyperparameterSpec.Positive(nameof(ClipRange), 1, "", "PPO clipping ε of the probability ratio."),
        HyperparameterSpec.Between(nameof(Epochs), 1, 1000, "passes", "Passes over each rollout per update."),
        HyperparameterSpec.Between(nameof(MiniBatches), 1, 100_000, "minibatches", "Minibatches each pass is split into (by episode-steps).") with { MaxOf = "parallelEpisodes" },
        HyperparameterSpec.Between(nameof(ValueCoefficient), 0, 100, "", "Weight of the value-function loss."),
        HyperparameterSpec.Between(nameof(EntropyCoefficient), 0, 10, "", "Weight of the entropy bonus."),
        HyperparameterSpec.Positive(nameof(MaxGradNorm), double.PositiveInfinity, "", "Global gradient-norm clip."),
        HyperparameterSpec.Between(nameof(HiddenUnits), 1, 4096, "units", "Units in each of the two hidden layers of actor and critic."),
        HyperparameterSpec.Between(nameof(InitialLogStd), -10, 2, "", "Initial log standard deviation of the Gaussian before the sigmoid squashing."),
        HyperparameterSpec.Positive(nameof(RewardScale), double.PositiveInfinity, "1/bps", "Multiplier applied to rewards (bps) before learning, keeping value targets near unit scale."),
        HyperparameterSpec.Flag(nameof(AnnealLearningRate), "Whether the learning rate decays linearly to 0 over the training budget."),
        HyperparameterSpec.Between(nameof(EpisodesPerPath), 1, 100_000, "episodes", "Episodes of a rollout sharing one market path, each advantage taken relative to the others on its path.") with { MaxOf = "parallelEpisodes", Divides = "parallelEpisodes" });

    /// <summary>Creates a validated set of hyperparameters.</summary>
    public PpoHyperparameters(
        int parallelEpisodes = 256, double learningRate = 3e-3, double gamma = 1.0, double gaeLambda = 0.95,
        double clipRange = 0.2, int epochs = 8, int miniBatches = 4, double valueCoefficient = 0.5,
        double entropyCoefficient = 0.0, double maxGradNorm = 0.5, int hiddenUnits = 64, double initialLogStd = -0.5,
        double rewardScale = 0.1, bool annealLearningRate = true, int episodesPerPath = 8)
    {
        ParallelEpisodes = Schema.Check(parallelEpisodes, nameof(ParallelEpisodes));
        LearningRate = Schema.Check(learningRate, nameof(LearningRate));
        Gamma = Schema.Check(gamma, nameof(Gamma));
        GaeLambda = Schema.Check(gaeLambda, nameof(GaeLambda));
        ClipRange = Schema.Check(clipRange, nameof(ClipRange));
        Epochs = Schema.Check(epochs, nameof(Epochs));
        MiniBatches = Schema.Check(miniBatches, nameof(MiniBatches), parallelEpisodes);
        ValueCoefficient = Schema.Check(valueCoefficient, nameof(ValueCoefficient));
        EntropyCoefficient = Schema.Check(entropyCoefficient, nameof(EntropyCoefficient));
        MaxGradNorm = Schema.Check(maxGradNorm, nameof(MaxGradNorm));
        HiddenUnits = Schema.Check(hiddenUnits, nameof(HiddenUnits));
        InitialLogStd = Schema.Check(initialLogStd, nameof(InitialLogStd));
        RewardScale = Schema.Check(rewardScale, nameof(RewardScale));
        AnnealLearningRate = annealLearningRate;
        EpisodesPerPath = Schema.Check(episodesPerPath, nameof(EpisodesPerPath), parallelEpisodes);
    }

    /// <summary>Episodes simulated in parallel per rollout; a rollout is one full batch of episodes. Allowed: [1, 100000].</summary>
    public int ParallelEpisodes { get; }

    /// <summary>Adam step size. Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision. Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>GAE λ, trading bias for variance in advantages. Allowed: [0, 1].</summary>
    public double GaeLambda { get; }

    /// <summary>PPO clipping ε of the probability ratio. Allowed: (0, 1].</summary>
    public double ClipRange { get; }

    /// <summary>Passes over each rollout per update. Allowed: [1, 1000].</summary>
    public int Epochs { get; }

    /// <summary>Minibatches each pass is split into (by episode-steps). Allowed: [1, ParallelEpisodes].</summary>
    public int MiniBatches { get; }

    /// <summary>Weight of the value-function loss. Allowed: [0, 100].</summary>
    public double ValueCoefficient { get; }

    /// <summary>Weight of the entropy bonus. Allowed: [0, 10].</summary>
    public double EntropyCoefficient { get; }

    /// <summary>Global gradient-norm clip. Allowed: (0, ∞).</summary>
    public double MaxGradNorm { get; }

    /// <summary>Units in each of the two hidden layers of actor and critic. Allowed: [1, 4096].</summary>
    public int HiddenUnits { get; }

    /// <summary>Initial log standard deviation of the Gaussian before the sigmoid squashing. Allowed: [−10, 2].</summary>
    public double InitialLogStd { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning, keeping value targets near unit scale. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }

    /// <summary>Whether the learning rate decays linearly to 0 over the training budget.</summary>
    public bool AnnealLearningRate { get; }

    /// <summary>
    /// Episodes of a rollout that share one market path. With more than one, each advantage is taken relative to the
    /// mean advantage of the other episodes on its path (a leave-one-out baseline that cancels the common price noise).
    /// Allowed: [1, ParallelEpisodes], dividing ParallelEpisodes.
    /// </summary>
    public int EpisodesPerPath { get; }
}

/// <summary>
/// Proximal policy optimisation with a squashed Gaussian policy: u ~ N(μ(s), σ), action = sigmoid(u) × mask, i.e. a
/// fraction of the largest legal fraction of the remainder. The log-probability is taken on u, whose Jacobian term
/// cancels in the PPO ratio.
/// </summary>
/// <remarks>Schulman et al. (2017), "Proximal policy optimization algorithms", clipped objective eq. (7) with value
/// loss and entropy bonus eq. (9); advantages by GAE (<see cref="Gae"/>). Structure follows CleanRL's ppo_continuous_action.py.</remarks>
public sealed class PpoAgent : IExecutionAgent
{
    private readonly PpoNetwork _net;

    private PpoAgent(PpoHyperparameters hyperparameters)
    {
        Parameters = hyperparameters;
        _net = new PpoNetwork(ExecutionEnvironment.FeatureCount, hyperparameters.HiddenUnits, hyperparameters.InitialLogStd);
    }

    /// <inheritdoc />
    public string Algorithm => "ppo";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public PpoHyperparameters Parameters { get; }

    /// <summary>Builds an untrained agent (random initial weights from the current torch seed).</summary>
    public static PpoAgent Create(PpoHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new PpoAgent(hyperparameters);
    }

    /// <summary>Restores an agent from weights written by <see cref="SaveWeights"/>.</summary>
    public static PpoAgent Load(PpoHyperparameters hyperparameters, Stream weights)
    {
        var agent = Create(hyperparameters);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Load(agent._net, reader);
        return agent;
    }

    /// <summary>Trains a new agent on <paramref name="env"/> until the session's budget is spent.</summary>
    public static PpoAgent Train(ExecutionEnvironment env, PpoHyperparameters hp, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(session);
        if (env.BatchSize != hp.ParallelEpisodes)
        {
            throw new ArgumentException($"The environment runs {env.BatchSize} episodes; ParallelEpisodes is {hp.ParallelEpisodes}.", nameof(env));
        }

        var agent = new PpoAgent(hp);
        var optimizer = new AdamOptimizer(agent._net.parameters(), hp.LearningRate, eps: 1e-5);
        int steps = env.Decisions, batch = env.BatchSize, features = ExecutionEnvironment.FeatureCount;
        var obs = new float[steps * batch * features];
        var u = new float[steps * batch];
        var logp = new float[steps * batch];
        var values = new float[steps * batch];
        var rewards = new float[steps * batch];
        var dones = new float[steps * batch];
        var fractions = new double[batch];
        var decision = new float[DecisionRows * batch];
        double lastLoss = double.NaN;

        // One input tensor for the whole training: each step copies the N observations into it and runs one forward pass.
        using var input = torch.empty(batch, features, ScalarType.Float32);
        while (!session.Finished)
        {
            if (hp.AnnealLearningRate)
            {
                double remaining = 1.0 - (double)session.EnvironmentSteps / session.TotalEnvironmentSteps;
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = hp.LearningRate * Math.Max(remaining, 0.01);
                }
            }

            env.Reset(session.NextBatchSeed(), hp.EpisodesPerPath);
            for (int t = 0; t < steps; t++)
            {
                var observations = env.Observations.AsSpan(0, batch * features);
                agent.Decide(input, observations, decision);
                observations.CopyTo(obs.AsSpan(t * batch * features));
                decision.AsSpan(0, batch).CopyTo(u.AsSpan(t * batch, batch));
                decision.AsSpan(batch, batch).CopyTo(logp.AsSpan(t * batch, batch));
                decision.AsSpan(2 * batch, batch).CopyTo(values.AsSpan(t * batch, batch));
                var squashed = decision.AsSpan(3 * batch, batch);
                for (int i = 0; i < batch; i++)
                {
                    fractions[i] = squashed[i] * env.MaxFraction[i];
                }

                bool done = env.Step(fractions);
                session.AddSteps(batch);
                float doneFlag = done ? 1 : 0;
                for (int i = 0; i < batch; i++)
                {
                    rewards[t * batch + i] = (float)(env.Rewards[i] * hp.RewardScale);
                    dones[t * batch + i] = doneFlag;
                }
            }

            lastLoss = agent.Update(optimizer, obs, u, logp, values, rewards, dones, steps, batch);
            session.EpisodesFinished(env, lastLoss);
        }

        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var mean = _net.Mean(Networks.Batch(observations, n, ExecutionEnvironment.FeatureCount));
        var squashed = System.Buffers.ArrayPool<float>.Shared.Rent(n);
        torch.sigmoid(mean).data<float>().CopyTo(squashed, 0, 0);
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = squashed[i] * maxFraction[i];
        }

        System.Buffers.ArrayPool<float>.Shared.Return(squashed);
    }

    /// <summary>Stochastic decision as used in training (for masking checks): samples u and squashes it.</summary>
    public void Sample(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (mean, logStd, _) = _net.Evaluate(Networks.Batch(observations, n, ExecutionEnvironment.FeatureCount));
        var squashed = torch.sigmoid(mean + logStd.exp() * torch.randn_like(mean)).data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = squashed[i] * maxFraction[i];
        }
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Save(_net, writer);
    }

    /// <inheritdoc />
    public void Dispose() => _net.Dispose();

    /// <summary>Rows of a rollout decision: pre-squash sample u, its log-probability, the value estimate, sigmoid(u).</summary>
    private const int DecisionRows = 4;

    /// <summary>
    /// One batched stochastic decision for all N episodes of a rollout step: copies the observations into the reused
    /// <paramref name="input"/> tensor, runs one forward pass without gradients, and writes u, log π(u), V(s) and
    /// sigmoid(u) as four rows of N into <paramref name="destination"/> with a single copy out of libtorch.
    /// </summary>
    private void Decide(Tensor input, ReadOnlySpan<float> observations, float[] destination)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        input.data<float>().CopyFrom(observations, 0, 0);
        var (mean, logStd, value) = _net.Evaluate(input);
        var sample = mean + logStd.exp() * torch.randn_like(mean);
        var lp = GaussianLogProb(sample, mean, logStd);
        torch.stack([sample, lp, value, torch.sigmoid(sample)]).data<float>().CopyTo(destination, 0, 0);
    }

    private static Tensor GaussianLogProb(Tensor x, Tensor mean, Tensor logStd) =>
        -0.5 * ((x - mean) / logStd.exp()).pow(2) - logStd - 0.5 * Math.Log(2 * Math.PI);

    private double Update(optim.Optimizer optimizer, float[] obs, float[] u, float[] logp, float[] values, float[] rewards, float[] dones, int steps, int batch)
    {
        var hp = Parameters;
        using var scope = torch.NewDisposeScope();
        var rewardT = torch.tensor(rewards, steps, batch);
        var valueT = torch.tensor(values, steps, batch);
        var doneT = torch.tensor(dones, steps, batch);
        var (advantages, returns) = Gae.Compute(rewardT, valueT, doneT, torch.zeros(batch), hp.Gamma, hp.GaeLambda);
        if (hp.EpisodesPerPath > 1)
        {
            int g = hp.EpisodesPerPath;
            var grouped = advantages.reshape(steps, batch / g, g);
            var others = (grouped.sum(2, keepdim: true) - grouped) / (g - 1);
            advantages = (grouped - others).reshape(steps, batch);
        }

        int total = steps * batch;
        var obsT = torch.tensor(obs, total, ExecutionEnvironment.FeatureCount);
        var uT = torch.tensor(u);
        var oldLogp = torch.tensor(logp);
        var advT = advantages.reshape(total);
        var retT = returns.reshape(total);
        int miniBatch = Math.Max(1, total / hp.MiniBatches);
        double lastLoss = double.NaN;
        for (int epoch = 0; epoch < hp.Epochs; epoch++)
        {
            var permutation = torch.randperm(total);
            for (int start = 0; start + miniBatch <= total; start += miniBatch)
            {
                using var inner = torch.NewDisposeScope();
                var idx = permutation.narrow(0, start, miniBatch);
                var (mean, logStd, value) = _net.Evaluate(obsT.index_select(0, idx));
                var newLogp = GaussianLogProb(uT.index_select(0, idx), mean, logStd);
                var adv = advT.index_select(0, idx);
                adv = (adv - adv.mean()) / (adv.std() + 1e-8);
                var ratio = (newLogp - oldLogp.index_select(0, idx)).exp();
                var policyLoss = -torch.minimum(ratio * adv, ratio.clamp(1 - hp.ClipRange, 1 + hp.ClipRange) * adv).mean();
                var valueLoss = (value - retT.index_select(0, idx)).pow(2).mean();
                var entropy = (0.5 + 0.5 * Math.Log(2 * Math.PI) + logStd).mean();
                var loss = policyLoss + hp.ValueCoefficient * valueLoss - hp.EntropyCoefficient * entropy;
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(_net.parameters(), hp.MaxGradNorm);
                optimizer.step();
                lastLoss = loss.item<float>();
            }
        }

        return lastLoss;
    }

    private sealed class PpoNetwork : nn.Module
    {
        private readonly nn.Module<Tensor, Tensor> actor;
        private readonly nn.Module<Tensor, Tensor> critic;
        private readonly Parameter log_std;

        public PpoNetwork(int inputs, int hidden, double initialLogStd)
            : base(nameof(PpoNetwork))
        {
            actor = Networks.Mlp(inputs, hidden, 1);
            critic = Networks.Mlp(inputs, hidden, 1);
            log_std = nn.Parameter(torch.full(1, initialLogStd));
            RegisterComponents();
        }

        /// <summary>The actor's mean alone (greedy decisions need neither the critic nor σ).</summary>
        public Tensor Mean(Tensor observations) => actor.forward(observations).squeeze(1);

        public (Tensor Mean, Tensor LogStd, Tensor Value) Evaluate(Tensor observations) =>
            (actor.forward(observations).squeeze(1), log_std.expand(observations.shape[0]), critic.forward(observations).squeeze(1));
    }
}
