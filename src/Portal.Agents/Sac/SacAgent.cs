using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Strategies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Agents.Sac;

/// <summary>SAC hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record SacHyperparameters
{
    /// <summary>The one declaration of every hyperparameter's range, unit and help; the constructor checks against it.</summary>
    public static HyperparameterSchema Schema { get; } = new(
        HyperparameterSpec.Between(nameof(ParallelEpisodes), 1, 100_000, "episodes", "Episodes simulated in parallel."),
        HyperparameterSpec.Positive(nameof(LearningRate), 1, "", "Adam step size of actor, critics and temperature."),
        HyperparameterSpec.Between(nameof(Gamma), 0, 1, "", "Discount factor γ per decision (1: an episode's return is its negated objective)."),
        HyperparameterSpec.Positive(nameof(Polyak), 1, "", "Polyak coefficient τ of the target critics' soft update."),
        HyperparameterSpec.Between(nameof(BatchSize), 1, 10_000_000, "transitions", "Transitions per gradient step.") with { MaxOf = "bufferCapacity" },
        HyperparameterSpec.Between(nameof(BufferCapacity), 1, 10_000_000, "transitions", "Replay buffer size."),
        HyperparameterSpec.Between(nameof(LearningStarts), 1, double.PositiveInfinity, "transitions", "Transitions collected with uniform random actions before learning.") with { MinOf = "batchSize" },
        HyperparameterSpec.Between(nameof(GradientStepsPerStep), 1, 1000, "steps", "Gradient steps after each batched environment step."),
        HyperparameterSpec.Between(nameof(HiddenUnits), 1, 4096, "units", "Units in each of the two hidden layers of actor and critics."),
        HyperparameterSpec.Positive(nameof(InitialAlpha), double.PositiveInfinity, "", "Initial entropy temperature α."),
        HyperparameterSpec.Between(nameof(TargetEntropy), -100, 100, "nats", "Entropy target of the automatic temperature tuning (−dim(action) is the usual choice)."),
        HyperparameterSpec.Positive(nameof(RewardScale), double.PositiveInfinity, "1/bps", "Multiplier applied to rewards (bps) before learning."));

    /// <summary>Creates a validated set of hyperparameters.</summary>
    public SacHyperparameters(
        int parallelEpisodes = 32, double learningRate = 1e-3, double gamma = 1.0, double polyak = 0.01,
        int batchSize = 256, int bufferCapacity = 100_000, int learningStarts = 2_000, int gradientStepsPerStep = 2,
        int hiddenUnits = 64, double initialAlpha = 0.1, double targetEntropy = -1.0, double rewardScale = 0.1)
    {
        ParallelEpisodes = Schema.Check(parallelEpisodes, nameof(ParallelEpisodes));
        LearningRate = Schema.Check(learningRate, nameof(LearningRate));
        Gamma = Schema.Check(gamma, nameof(Gamma));
        Polyak = Schema.Check(polyak, nameof(Polyak));
        BufferCapacity = Schema.Check(bufferCapacity, nameof(BufferCapacity));
        BatchSize = Schema.Check(batchSize, nameof(BatchSize), bufferCapacity);
        LearningStarts = Schema.Check(learningStarts, nameof(LearningStarts), batchSize);
        GradientStepsPerStep = Schema.Check(gradientStepsPerStep, nameof(GradientStepsPerStep));
        HiddenUnits = Schema.Check(hiddenUnits, nameof(HiddenUnits));
        InitialAlpha = Schema.Check(initialAlpha, nameof(InitialAlpha));
        TargetEntropy = Schema.Check(targetEntropy, nameof(TargetEntropy));
        RewardScale = Schema.Check(rewardScale, nameof(RewardScale));
    }

    /// <summary>Episodes simulated in parallel. Allowed: [1, 100000].</summary>
    public int ParallelEpisodes { get; }

    /// <summary>Adam step size of actor, critics and temperature. Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision. Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>Polyak coefficient τ of the target critics' soft update. Allowed: (0, 1].</summary>
    public double Polyak { get; }

    /// <summary>Transitions per gradient step. Allowed: [1, BufferCapacity].</summary>
    public int BatchSize { get; }

    /// <summary>Replay buffer size in transitions. Allowed: [1, 10⁷].</summary>
    public int BufferCapacity { get; }

    /// <summary>Transitions collected (uniform random actions) before learning. Allowed: [BatchSize, ∞).</summary>
    public int LearningStarts { get; }

    /// <summary>Gradient steps after each batched environment step. Allowed: [1, 1000].</summary>
    public int GradientStepsPerStep { get; }

    /// <summary>Units in each of the two hidden layers of actor and critics. Allowed: [1, 4096].</summary>
    public int HiddenUnits { get; }

    /// <summary>Initial entropy temperature α. Allowed: (0, ∞).</summary>
    public double InitialAlpha { get; }

    /// <summary>Entropy target of the automatic temperature tuning (−dim(action) is the usual choice). Allowed: [−100, 100].</summary>
    public double TargetEntropy { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }
}

/// <summary>
/// Soft actor–critic with a tanh-squashed Gaussian actor mapped to [0, 1] (a fraction of the legal maximum), twin
/// critics with target copies, and automatic entropy tuning.
/// </summary>
/// <remarks>Haarnoja et al. (2018), "Soft actor-critic algorithms and applications", arXiv:1812.05905: clipped double-Q
/// target r + γ(min_j Q̄_j(s′, a′) − α log π(a′|s′)), tanh log-likelihood correction (appendix C), temperature loss
/// −α(log π + H̄). Structure follows CleanRL's sac_continuous_action.py.</remarks>
public sealed class SacAgent : IExecutionAgent
{
    private readonly SacActor _actor;

    private SacAgent(SacHyperparameters hyperparameters)
    {
        Parameters = hyperparameters;
        _actor = new SacActor(ExecutionEnvironment.FeatureCount, hyperparameters.HiddenUnits);
    }

    /// <inheritdoc />
    public string Algorithm => "sac";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public SacHyperparameters Parameters { get; }

    /// <summary>Builds an untrained agent (random initial weights from the current torch seed).</summary>
    public static SacAgent Create(SacHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new SacAgent(hyperparameters);
    }

    /// <summary>Restores an agent from weights written by <see cref="SaveWeights"/> (the actor is all a policy needs).</summary>
    public static SacAgent Load(SacHyperparameters hyperparameters, Stream weights)
    {
        var agent = Create(hyperparameters);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Load(agent._actor, reader);
        return agent;
    }

    /// <summary>Trains a new agent on <paramref name="env"/> until the session's budget is spent.</summary>
    public static SacAgent Train(ExecutionEnvironment env, SacHyperparameters hp, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(session);
        var agent = new SacAgent(hp);
        int f = ExecutionEnvironment.FeatureCount;
        using var q1 = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q2 = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q1Target = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        using var q2Target = Networks.Mlp(f + 1, hp.HiddenUnits, 1);
        Networks.CopyParameters(q1, q1Target);
        Networks.CopyParameters(q2, q2Target);
        var logAlpha = new Parameter(torch.tensor(Math.Log(hp.InitialAlpha), dtype: ScalarType.Float32));
        var criticOptimizer = new AdamOptimizer(q1.parameters().Concat(q2.parameters()), hp.LearningRate);
        var actorOptimizer = new AdamOptimizer(agent._actor.parameters(), hp.LearningRate);
        var alphaOptimizer = new AdamOptimizer([logAlpha], hp.LearningRate);
        var buffer = new ReplayBuffer(hp.BufferCapacity, f, session.Seed);
        var random = new Random(unchecked((int)session.Seed) ^ 0x2545F49);
        int batch = env.BatchSize;
        var obs = new float[batch * f];
        var action01 = new float[batch];
        var fractions = new double[batch];
        double lastLoss = double.NaN;

        while (!session.Finished)
        {
            env.Reset(session.NextBatchSeed());
            while (!env.Done)
            {
                Array.Copy(env.Observations, obs, obs.Length);
                if (buffer.Count < hp.LearningStarts)
                {
                    for (int i = 0; i < batch; i++)
                    {
                        action01[i] = (float)random.NextDouble();
                    }
                }
                else
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var (a, _) = agent._actor.Sample(Networks.Batch(obs, batch, f));
                    a.data<float>().CopyTo(action01);
                }

                for (int i = 0; i < batch; i++)
                {
                    fractions[i] = action01[i] * env.MaxFraction[i];
                }

                bool done = env.Step(fractions);
                session.AddSteps(batch);
                for (int i = 0; i < batch; i++)
                {
                    buffer.Add(obs.AsSpan(i * f, f), action01[i], (float)(env.Rewards[i] * hp.RewardScale),
                        env.Observations.AsSpan(i * f, f), done, env.MaxFraction[i], 0);
                }

                if (buffer.Count >= hp.LearningStarts)
                {
                    for (int g = 0; g < hp.GradientStepsPerStep; g++)
                    {
                        lastLoss = agent.Update(buffer.Sample(hp.BatchSize), q1, q2, q1Target, q2Target, logAlpha, criticOptimizer, actorOptimizer, alphaOptimizer);
                    }
                }
            }

            session.EpisodesFinished(env, lastLoss);
        }

        logAlpha.Dispose();
        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = _actor.Deterministic(Networks.Batch(observations, n, ExecutionEnvironment.FeatureCount)).data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = a[i] * maxFraction[i];
        }
    }

    /// <summary>Stochastic decision as used in training (for masking checks).</summary>
    public void Sample(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (a, _) = _actor.Sample(Networks.Batch(observations, n, ExecutionEnvironment.FeatureCount));
        var values = a.data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = values[i] * maxFraction[i];
        }
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Save(_actor, writer);
    }

    /// <inheritdoc />
    public void Dispose() => _actor.Dispose();

    private double Update(TransitionBatch b, nn.Module<Tensor, Tensor> q1, nn.Module<Tensor, Tensor> q2,
        nn.Module<Tensor, Tensor> q1Target, nn.Module<Tensor, Tensor> q2Target, Tensor logAlpha,
        optim.Optimizer criticOptimizer, optim.Optimizer actorOptimizer, optim.Optimizer alphaOptimizer)
    {
        var hp = Parameters;
        int n = b.Rewards.Length, f = ExecutionEnvironment.FeatureCount;
        using var scope = torch.NewDisposeScope();
        var obs = torch.tensor(b.Observations, n, f);
        var next = torch.tensor(b.NextObservations, n, f);
        var actions = torch.tensor(b.Actions).unsqueeze(1);
        var rewards = torch.tensor(b.Rewards);
        var dones = torch.tensor(b.Dones);
        var alpha = logAlpha.exp().detach();

        Tensor target;
        using (torch.no_grad())
        {
            var (nextAction, nextLogp) = _actor.Sample(next);
            var nextInput = torch.cat([next, nextAction.unsqueeze(1)], 1);
            var minQ = torch.minimum(q1Target.forward(nextInput), q2Target.forward(nextInput)).squeeze(1) - alpha * nextLogp;
            target = rewards + hp.Gamma * (1 - dones) * minQ;
        }

        var input = torch.cat([obs, actions], 1);
        var criticLoss = (q1.forward(input).squeeze(1) - target).pow(2).mean() + (q2.forward(input).squeeze(1) - target).pow(2).mean();
        criticOptimizer.zero_grad();
        criticLoss.backward();
        criticOptimizer.step();

        var (a, logp) = _actor.Sample(obs);
        var actorInput = torch.cat([obs, a.unsqueeze(1)], 1);
        var qPi = torch.minimum(q1.forward(actorInput), q2.forward(actorInput)).squeeze(1);
        var actorLoss = (alpha * logp - qPi).mean();
        actorOptimizer.zero_grad();
        actorLoss.backward();
        actorOptimizer.step();

        var alphaLoss = -(logAlpha * (logp.detach() + hp.TargetEntropy)).mean();
        alphaOptimizer.zero_grad();
        alphaLoss.backward();
        alphaOptimizer.step();

        Networks.SoftUpdate(q1, q1Target, hp.Polyak);
        Networks.SoftUpdate(q2, q2Target, hp.Polyak);
        return criticLoss.item<float>();
    }

    private sealed class SacActor : nn.Module
    {
        private readonly nn.Module<Tensor, Tensor> body;

        public SacActor(int inputs, int hidden)
            : base(nameof(SacActor))
        {
            body = Networks.Mlp(inputs, hidden, 2);
            RegisterComponents();
        }

        /// <summary>Action in [0, 1] and its log-density (tanh change of variables, then the affine map to [0, 1]).</summary>
        public (Tensor Action, Tensor LogProb) Sample(Tensor observations)
        {
            var output = body.forward(observations);
            var mean = output[.., 0];
            var logStd = output[.., 1].clamp(-5, 2);
            var std = logStd.exp();
            var u = mean + std * torch.randn_like(mean);
            var y = torch.tanh(u);
            var logProb = -0.5 * ((u - mean) / std).pow(2) - logStd - 0.5 * Math.Log(2 * Math.PI)
                - torch.log(1 - y.pow(2) + 1e-6) + Math.Log(2);
            return ((y + 1) / 2, logProb);
        }

        public Tensor Deterministic(Tensor observations) => (torch.tanh(body.forward(observations)[.., 0]) + 1) / 2;
    }
}
