using Portal.Agents.Common;
using Portal.Agents.Environment;

namespace Portal.Agents.QLearning;

/// <summary>Tabular Q-learning hyperparameters; validated at construction, each message naming the field.</summary>
public sealed record QLearningHyperparameters
{
    /// <summary>Creates a validated set of hyperparameters.</summary>
    public QLearningHyperparameters(
        int parallelEpisodes = 64, double learningRate = 0.05, double gamma = 1.0, int remainingBuckets = 24,
        double epsilonStart = 1.0, double epsilonEnd = 0.02, double explorationFraction = 0.6, double rewardScale = 0.1,
        bool limitOrders = false)
    {
        ParallelEpisodes = Guard.InRange(parallelEpisodes, nameof(ParallelEpisodes), 1, 100_000);
        LearningRate = Guard.Positive(learningRate, nameof(LearningRate), 1);
        Gamma = Guard.InRange(gamma, nameof(Gamma), 0, 1);
        RemainingBuckets = Guard.InRange(remainingBuckets, nameof(RemainingBuckets), 1, 10_000);
        EpsilonStart = Guard.InRange(epsilonStart, nameof(EpsilonStart), 0, 1);
        EpsilonEnd = Guard.InRange(epsilonEnd, nameof(EpsilonEnd), 0, epsilonStart);
        ExplorationFraction = Guard.InRange(explorationFraction, nameof(ExplorationFraction), 0, 1);
        RewardScale = Guard.Positive(rewardScale, nameof(RewardScale));
        LimitOrders = limitOrders;
    }

    /// <summary>Episodes simulated in parallel. Allowed: [1, 100000].</summary>
    public int ParallelEpisodes { get; }

    /// <summary>Step size α of the tabular update. Allowed: (0, 1].</summary>
    public double LearningRate { get; }

    /// <summary>Discount factor γ per decision. Allowed: [0, 1].</summary>
    public double Gamma { get; }

    /// <summary>Buckets of the (normalised) remaining-quantity feature; the state is (decision index, bucket). Allowed: [1, 10000].</summary>
    public int RemainingBuckets { get; }

    /// <summary>Initial ε of ε-greedy exploration. Allowed: [0, 1].</summary>
    public double EpsilonStart { get; }

    /// <summary>Final ε. Allowed: [0, EpsilonStart].</summary>
    public double EpsilonEnd { get; }

    /// <summary>Share of the budget over which ε decays linearly. Allowed: [0, 1].</summary>
    public double ExplorationFraction { get; }

    /// <summary>Multiplier applied to rewards (bps) before learning. Allowed: (0, ∞).</summary>
    public double RewardScale { get; }

    /// <summary>Order types the agent chooses from: false = market orders only (the action is the size); true = the
    /// (size, aggressiveness) action of <see cref="OrderTypeActions"/> (market order or limit at the touch for one step),
    /// with the previous step's passive fill share in the state (<c>train --order-types market-limit</c>).</summary>
    public bool LimitOrders { get; init; }
}

/// <summary>
/// Classic tabular Q-learning on a discretised state (decision index × remaining-quantity bucket) over the
/// <see cref="DiscreteActions"/> set, with masked ε-greedy exploration and masked max in the target. With
/// <see cref="QLearningHyperparameters.LimitOrders"/> the action is the product (size, aggressiveness) of
/// <see cref="OrderTypeActions"/> and the state also holds the bucket of the previous step's passive fill share.
/// </summary>
/// <remarks>Watkins and Dayan (1992), "Q-learning", Machine Learning 8: Q(s,a) ← Q(s,a) + α(r + γ max_a′ Q(s′,a′) − Q(s,a)).
/// Applied to execution by Nevmyvaka, Feng and Kearns (2006), "Reinforcement learning for optimized trade execution", ICML;
/// their action too chose the limit price (an offset from the touch, a market order being the most aggressive one), here
/// with the portal's simulated book (docs/order-types.md).</remarks>
public sealed class QLearningAgent : IOrderTypeAgent
{
    private const double BucketRange = 2.5;
    private static readonly int RemainingFeature = ExecutionObservation.IndexOf(nameof(ExecutionObservation.RemainingFraction));
    private readonly double[] _q;
    private readonly int _decisions;

    private QLearningAgent(QLearningHyperparameters hyperparameters, int decisions)
    {
        Parameters = hyperparameters;
        _decisions = Guard.InRange(decisions, nameof(decisions), 1, 100_000);
        _actions = hyperparameters.LimitOrders ? OrderTypeActions.Count : DiscreteActions.Count;
        _fillBuckets = hyperparameters.LimitOrders ? OrderTypeActions.FillBuckets : 1;
        _q = new double[decisions * hyperparameters.RemainingBuckets * _fillBuckets * _actions];
    }

    private readonly int _actions;
    private readonly int _fillBuckets;

    /// <inheritdoc />
    public bool UsesLimitOrders => Parameters.LimitOrders;

    /// <inheritdoc />
    public string Algorithm => "qlearning";

    /// <inheritdoc />
    public object Hyperparameters => Parameters;

    /// <summary>The hyperparameters.</summary>
    public QLearningHyperparameters Parameters { get; }

    /// <summary>Builds an untrained agent (all action values 0) for episodes with <paramref name="decisions"/> decisions.</summary>
    public static QLearningAgent Create(QLearningHyperparameters hyperparameters, int decisions)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new QLearningAgent(hyperparameters, decisions);
    }

    /// <summary>Restores an agent from a table written by <see cref="SaveWeights"/>.</summary>
    public static QLearningAgent Load(QLearningHyperparameters hyperparameters, Stream weights)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        using var reader = new BinaryReader(weights, System.Text.Encoding.UTF8, leaveOpen: true);
        int decisions = reader.ReadInt32();
        var agent = new QLearningAgent(hyperparameters, decisions);
        int count = reader.ReadInt32();
        if (count != agent._q.Length)
        {
            throw new InvalidDataException($"Stored table has {count} entries; expected {agent._q.Length}.");
        }

        for (int i = 0; i < count; i++)
        {
            agent._q[i] = reader.ReadDouble();
        }

        return agent;
    }

    /// <summary>Trains a new agent on <paramref name="env"/> until the session's budget is spent.</summary>
    public static QLearningAgent Train(ExecutionEnvironment env, QLearningHyperparameters hp, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(session);
        var agent = new QLearningAgent(hp, env.Decisions);
        bool limit = hp.LimitOrders;
        if (limit && !env.SupportsLimitOrders)
        {
            throw new ArgumentException($"{env.Market.GetType().Name} cannot post limit orders: train with market orders only (limitOrders false).", nameof(env));
        }

        var random = new Random(unchecked((int)session.Seed) ^ 0x1F123BB5);
        int batch = env.BatchSize, f = ExecutionEnvironment.FeatureCount, steps = env.Market.Steps;
        var states = new int[batch];
        var actions = new int[batch];
        var fractions = new double[batch];
        var shares = new double[batch];
        double lastError = double.NaN;
        while (!session.Finished)
        {
            env.Reset(session.NextBatchSeed());
            while (!env.Done)
            {
                int d = env.DecisionIndex, stepsLeft = steps - d;
                double progress = (double)session.EnvironmentSteps / Math.Max(1, hp.ExplorationFraction * session.TotalEnvironmentSteps);
                double epsilon = hp.EpsilonEnd + (hp.EpsilonStart - hp.EpsilonEnd) * Math.Max(0, 1 - progress);
                for (int i = 0; i < batch; i++)
                {
                    states[i] = agent.State(d, env.Observations[i * f + RemainingFeature], env.LastPassiveFillShare[i]);
                    actions[i] = random.NextDouble() < epsilon
                        ? agent.RandomLegal(random, stepsLeft, env.MaxFraction[i])
                        : agent.BestLegal(states[i], stepsLeft, env.MaxFraction[i]).Action;
                    fractions[i] = agent.Fraction(actions[i], stepsLeft);
                    shares[i] = agent.PassiveShare(actions[i]);
                }

                bool done = limit ? env.Step(fractions, shares) : env.Step(fractions);
                session.AddSteps(batch);
                double sumSq = 0;
                for (int i = 0; i < batch; i++)
                {
                    double target = env.Rewards[i] * hp.RewardScale;
                    if (!done)
                    {
                        int next = agent.State(env.DecisionIndex, env.Observations[i * f + RemainingFeature], env.LastPassiveFillShare[i]);
                        target += hp.Gamma * agent.BestLegal(next, steps - env.DecisionIndex, env.MaxFraction[i]).Value;
                    }

                    int cell = states[i] * agent._actions + actions[i];
                    double error = target - agent._q[cell];
                    agent._q[cell] += hp.LearningRate * error;
                    sumSq += error * error;
                }

                lastError = sumSq / batch;
            }

            session.EpisodesFinished(env, lastError);
        }

        return agent;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining)
    {
        if (UsesLimitOrders)
        {
            throw new InvalidOperationException("This agent chooses the order type as well: call the overload with the passive fill shares.");
        }

        int f = ExecutionEnvironment.FeatureCount, stepsLeft = steps - decisionIndex;
        for (int i = 0; i < maxFraction.Length; i++)
        {
            int action = BestLegal(State(decisionIndex, observations[i * f + RemainingFeature], double.NaN), stepsLeft, maxFraction[i]).Action;
            fractionOfRemaining[i] = DiscreteActions.Fraction(action, stepsLeft);
        }
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> lastPassiveFillShare, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps,
        Span<double> fractionOfRemaining, Span<double> passiveShare)
    {
        int f = ExecutionEnvironment.FeatureCount, stepsLeft = steps - decisionIndex;
        for (int i = 0; i < maxFraction.Length; i++)
        {
            int action = BestLegal(State(decisionIndex, observations[i * f + RemainingFeature], lastPassiveFillShare[i]), stepsLeft, maxFraction[i]).Action;
            fractionOfRemaining[i] = Fraction(action, stepsLeft);
            passiveShare[i] = PassiveShare(action);
        }
    }

    /// <summary>Whether action index <paramref name="action"/> of this agent's action set respects the mask.</summary>
    public bool IsLegal(int action, int stepsLeft, double maxFraction) => UsesLimitOrders
        ? OrderTypeActions.IsLegal(action, stepsLeft, maxFraction)
        : DiscreteActions.IsLegal(action, stepsLeft, maxFraction);

    /// <summary>Number of actions of this agent's action set.</summary>
    public int ActionCount => _actions;

    private double Fraction(int action, int stepsLeft) =>
        UsesLimitOrders ? OrderTypeActions.Fraction(action, stepsLeft) : DiscreteActions.Fraction(action, stepsLeft);

    private double PassiveShare(int action) => UsesLimitOrders ? OrderTypeActions.PassiveShare(action) : 0;

    private int RandomLegal(Random random, int stepsLeft, double maxFraction)
    {
        if (!UsesLimitOrders)
        {
            return Dqn.DqnAgent.RandomLegal(random, stepsLeft, maxFraction);
        }

        Span<int> legal = stackalloc int[_actions];
        int count = 0;
        for (int a = 0; a < _actions; a++)
        {
            if (IsLegal(a, stepsLeft, maxFraction))
            {
                legal[count++] = a;
            }
        }

        return legal[random.Next(count)];
    }

    /// <inheritdoc />
    public void SaveWeights(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(_decisions);
        writer.Write(_q.Length);
        foreach (double v in _q)
        {
            writer.Write(v);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private int State(int decision, float normalisedRemaining, double lastPassiveFillShare)
    {
        int buckets = Parameters.RemainingBuckets;
        double z = Math.Clamp((normalisedRemaining + BucketRange) / (2 * BucketRange), 0, 0.999999);
        int fill = UsesLimitOrders ? OrderTypeActions.FillBucket(lastPassiveFillShare) : 0;
        return (Math.Min(decision, _decisions - 1) * buckets + (int)(z * buckets)) * _fillBuckets + fill;
    }

    private (int Action, double Value) BestLegal(int state, int stepsLeft, double maxFraction)
    {
        int best = 0;
        double value = double.NegativeInfinity;
        for (int a = 0; a < _actions; a++)
        {
            double q = _q[state * _actions + a];
            if (IsLegal(a, stepsLeft, maxFraction) && q > value)
            {
                best = a;
                value = q;
            }
        }

        return (best, value);
    }
}
