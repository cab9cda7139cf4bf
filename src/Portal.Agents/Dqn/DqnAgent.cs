using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Dqn;

/// <summary>DQN hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record DqnHyperparameters
{
    /// <summary>The one declaration of every hyperparameter's range, unit and help; the constructor checks against it.</summary>
    public static HyperparameterSchema Schema { get; } = new(
        HyperparameterSpec.Between(nameof(ParallelEpisodes), 1, 100_000, "episodes", "Episodes simulated in parallel."),
        HyperparameterSpec.Positive(nameof(LearningRate), 1, "", "Adam step size."),
        HyperparameterSpec.Between(nameof(Gamma), 0, 1, "", "Discount factor γ per decision (1: an episode's return is its negated objective)."),
        HyperparameterSpec.Between(nameof(BatchSize), 1, 10_000_000, "transitions", "Transitions per gradient step.") with { MaxOf = "bufferCapacity" },
        HyperparameterSpec.Between(nameof(BufferCapacity), 1, 10_000_000, "transitions", "Replay buffer size."),
        HyperparameterSpec.Between(nameof(LearningStarts), 1, double.PositiveInfinity, "transitions", "Transitions collected before the first gradient step.") with { MinOf = "batchSize" },
        HyperparameterSpec.Between(nameof(GradientStepsPerStep), 1, 1000, "steps", "Gradient steps after each batched environment step."),
        HyperparameterSpec.Between(nameof(TargetUpdateInterval), 1, double.PositiveInfinity, "steps", "Gradient steps between hard copies of the online network into the target network."),
        HyperparameterSpec.Between(nameof(EpsilonStart), 0, 1, "", "Initial ε of ε-greedy exploration."),
        HyperparameterSpec.Between(nameof(EpsilonEnd), 0, 1, "", "Final ε, reached after the exploration share of the budget.") with { MaxOf = "epsilonStart" },
        HyperparameterSpec.Between(nameof(ExplorationFraction), 0, 1, "", "Share of the budget over which ε decays linearly."),
        HyperparameterSpec.Between(nameof(HiddenUnits), 1, 4096, "units", "Units in each of the two hidden layers."),
        HyperparameterSpec.Positive(nameof(RewardScale), double.PositiveInfinity, "1/bps", "Multiplier applied to rewards (bps) before learning."));

    /// <summary>Creates a validated set of hyperparameters.</summary>
    public DqnHyperparameters(
        int parallelEpisodes = 32, double learningRate = 5e-4, double gamma = 1.0, int batchSize = 256,
        int bufferCapacity = 50_000, int learningStarts = 1_000, int gradientStepsPerStep = 2,
        int targetUpdateInterval = 500, double epsilonStart = 1.0, double epsilonEnd = 0.02,
        double explorationFraction = 0.5, int hiddenUnits = 64, double rewardScale = 0.1)
    {
        ParallelEpisodes = Schema.Check(parallelEpisodes, nameof(ParallelEpisodes));
        LearningRate = Schema.Check(learningRate, nameof(LearningRate));
        Gamma = Schema.Check(gamma, nameof(Gamma));
        BufferCapacity = Schema.Check(bufferCapacity, nameof(BufferCapacity));
        BatchSize = Schema.Check(batchSize, nameof(BatchSize), bufferCapacity);
        LearningStarts = Schema.Check(learningStarts, nameof(LearningStarts), batchSize);
        GradientStepsPerStep = Schema.Check(gradientStepsPerStep, nameof(GradientStepsPerStep));
        TargetUpdateInterval = Schema.Check(targetUpdateInterval, nameof(TargetUpdateInterval));
        EpsilonStart = Schema.Check(epsilonStart, nameof(EpsilonStart));
        EpsilonEnd = Schema.Check(epsilonEnd, nameof(EpsilonEnd), epsilonStart);
        ExplorationFraction = Schema.Check(explorationFraction, nameof(ExplorationFraction));
        HiddenUnits = Schema.Check(hiddenUnits, nameof(HiddenUnits));
        RewardScale = Schema.Check(rewardScale, nameof(RewardScale));
    }

    /// <summary>Episodes simulated in parallel. Allowed: [1, 100000].</summary>
    public int ParallelEpisodes { get; }

    /// <summary>Adam step size. Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision. Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>Transitions per gradient step. Allowed: [1, BufferCapacity].</summary>
    public int BatchSize { get; }

    /// <summary>Replay buffer size in transitions. Allowed: [1, 10⁷].</summary>
    public int BufferCapacity { get; }

    /// <summary>Transitions collected before the first gradient step. Allowed: [BatchSize, ∞).</summary>
    public int LearningStarts { get; }

    /// <summary>Gradient steps after each batched environment step. Allowed: [1, 1000].</summary>
    public int GradientStepsPerStep { get; }

    /// <summary>Gradient steps between hard copies of the online network into the target network. Allowed: [1, ∞).</summary>
    public int TargetUpdateInterval { get; }

    /// <summary>Initial ε of ε-greedy exploration. Allowed: [0, 1].</summary>
    public double EpsilonStart { get; }

    /// <summary>Final ε. Allowed: [0, EpsilonStart].</summary>
    public double EpsilonEnd { get; }

    /// <summary>Share of the budget over which ε decays linearly. Allowed: [0, 1].</summary>
    public double ExplorationFraction { get; }

    /// <summary>Units in each of the two hidden layers. Allowed: [1, 4096].</summary>
    public int HiddenUnits { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }
}

/// <summary>
/// Double DQN over the <see cref="DiscreteActions"/> set, with a target network, a replay buffer and action masking
/// (illegal actions get −∞ value in both action selection and the bootstrap target).
/// </summary>
/// <remarks>Mnih et al. (2015), "Human-level control through deep reinforcement learning", Nature 518; van Hasselt, Guez
/// and Silver (2016), "Deep reinforcement learning with double Q-learning", AAAI (target r + γQ_target(s′, argmax_a Q(s′, a))).
/// Structure follows CleanRL's dqn.py.</remarks>
public sealed class DqnAgent : IExecutionAgent
{
    private const float Illegal = -1e9f;
    private readonly nn.Module<Tensor, Tensor> _q;

    private DqnAgent(DqnHyperparameters hyperparameters)
    {
        Parameters = hyperparameters;
        _q = Networks.Mlp(ExecutionEnvironment.FeatureCount, hyperparameters.HiddenUnits, DiscreteActions.Count);
    }

    /// <inheritdoc />
    public string Algorithm => "dqn";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public DqnHyperparameters Parameters { get; }

    /// <summary>Builds an untrained agent (random initial weights from the current torch seed).</summary>
    public static DqnAgent Create(DqnHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new DqnAgent(hyperparameters);
    }

    /// <summary>Restores an agent from weights written by <see cref="SaveWeights"/>.</summary>
    public static DqnAgent Load(DqnHyperparameters hyperparameters, Stream weights)
    {
        var agent = Create(hyperparameters);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Load(agent._q, reader);
        return agent;
    }

    /// <summary>Trains a new agent on <paramref name="env"/> until the session's budget is spent.</summary>
    public static DqnAgent Train(ExecutionEnvironment env, DqnHyperparameters hp, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(session);
        var agent = new DqnAgent(hp);
        using var target = Networks.Mlp(ExecutionEnvironment.FeatureCount, hp.HiddenUnits, DiscreteActions.Count);
        Networks.CopyParameters(agent._q, target);
        var optimizer = new AdamOptimizer(agent._q.parameters(), hp.LearningRate);
        var buffer = new ReplayBuffer(hp.BufferCapacity, ExecutionEnvironment.FeatureCount, session.Seed);
        var random = new Random(unchecked((int)session.Seed) ^ 0x5DEECE6);
        int batch = env.BatchSize, features = ExecutionEnvironment.FeatureCount, steps = env.Market.Steps;
        var obs = new float[batch * features];
        var actions = new int[batch];
        var fractions = new double[batch];
        var greedy = new int[batch];
        long gradientSteps = 0;
        double lastLoss = double.NaN;

        while (!session.Finished)
        {
            env.Reset(session.NextBatchSeed());
            while (!env.Done)
            {
                int stepsLeft = steps - env.DecisionIndex;
                double progress = (double)session.EnvironmentSteps / Math.Max(1, hp.ExplorationFraction * session.TotalEnvironmentSteps);
                double epsilon = hp.EpsilonEnd + (hp.EpsilonStart - hp.EpsilonEnd) * Math.Max(0, 1 - progress);
                agent.Greedy(env.Observations, env.MaxFraction, stepsLeft, greedy);
                Array.Copy(env.Observations, obs, obs.Length);
                for (int i = 0; i < batch; i++)
                {
                    actions[i] = random.NextDouble() < epsilon ? RandomLegal(random, stepsLeft, env.MaxFraction[i]) : greedy[i];
                    fractions[i] = DiscreteActions.Fraction(actions[i], stepsLeft);
                }

                bool done = env.Step(fractions);
                session.AddSteps(batch);
                int nextStepsLeft = steps - env.DecisionIndex;
                for (int i = 0; i < batch; i++)
                {
                    buffer.Add(obs.AsSpan(i * features, features), actions[i], (float)(env.Rewards[i] * hp.RewardScale),
                        env.Observations.AsSpan(i * features, features), done, env.MaxFraction[i], nextStepsLeft);
                }

                if (buffer.Count >= hp.LearningStarts)
                {
                    for (int g = 0; g < hp.GradientStepsPerStep; g++)
                    {
                        lastLoss = agent.Update(optimizer, target, buffer.Sample(hp.BatchSize));
                        if (++gradientSteps % hp.TargetUpdateInterval == 0)
                        {
                            Networks.CopyParameters(agent._q, target);
                        }
                    }
                }
            }

            session.EpisodesFinished(env, lastLoss);
        }

        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        int n = maxFraction.Length;
        int stepsLeft = steps - decisionIndex;
        var actions = new int[n];
        Greedy(observations, maxFraction, stepsLeft, actions);
        for (int i = 0; i < n; i++)
        {
            fractionOfRemaining[i] = DiscreteActions.Fraction(actions[i], stepsLeft);
        }
    }

    /// <summary>Masked greedy action indices.</summary>
    public void Greedy(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int stepsLeft, Span<int> actions)
    {
        int n = maxFraction.Length;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var q = _q.forward(Networks.Batch(observations, n, ExecutionEnvironment.FeatureCount)) + MaskTensor(maxFraction, Enumerable.Repeat(stepsLeft, n).ToArray());
        var best = q.argmax(1).data<long>();
        for (int i = 0; i < n; i++)
        {
            actions[i] = (int)best[i];
        }
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Networks.Save(_q, writer);
    }

    /// <inheritdoc />
    public void Dispose() => _q.Dispose();

    /// <summary>Picks a uniformly random legal action.</summary>
    public static int RandomLegal(Random random, int stepsLeft, double maxFraction)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<int> legal = stackalloc int[DiscreteActions.Count];
        int count = 0;
        for (int a = 0; a < DiscreteActions.Count; a++)
        {
            if (DiscreteActions.IsLegal(a, stepsLeft, maxFraction))
            {
                legal[count++] = a;
            }
        }

        return legal[random.Next(count)];
    }

    private static Tensor MaskTensor(ReadOnlySpan<double> maxFraction, ReadOnlySpan<int> stepsLeft)
    {
        int n = maxFraction.Length, k = DiscreteActions.Count;
        var mask = new float[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < k; a++)
            {
                mask[i * k + a] = DiscreteActions.IsLegal(a, stepsLeft[i], maxFraction[i]) ? 0f : Illegal;
            }
        }

        return torch.tensor(mask, n, k);
    }

    private double Update(optim.Optimizer optimizer, nn.Module<Tensor, Tensor> target, TransitionBatch b)
    {
        var hp = Parameters;
        int n = b.Rewards.Length, f = ExecutionEnvironment.FeatureCount;
        using var scope = torch.NewDisposeScope();
        var obs = torch.tensor(b.Observations, n, f);
        var next = torch.tensor(b.NextObservations, n, f);
        var actions = torch.tensor(b.Actions).to_type(ScalarType.Int64).unsqueeze(1);
        var rewards = torch.tensor(b.Rewards);
        var dones = torch.tensor(b.Dones);
        Tensor targetValue;
        using (torch.no_grad())
        {
            var mask = MaskTensor(b.NextMaxFractions, b.NextStepsLeft);
            var nextAction = (_q.forward(next) + mask).argmax(1, keepdim: true);
            var nextValue = target.forward(next).gather(1, nextAction).squeeze(1);
            targetValue = rewards + hp.Gamma * (1 - dones) * nextValue;
        }

        var q = _q.forward(obs).gather(1, actions).squeeze(1);
        var loss = nn.functional.smooth_l1_loss(q, targetValue);
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(_q.parameters(), 10);
        optimizer.step();
        return loss.item<float>();
    }
}
