namespace Portal.Agents.Common;

/// <summary>A sampled minibatch of transitions, row-major.</summary>
/// <param name="Observations">[n, features] normalised observations.</param>
/// <param name="Actions">[n] actions (index for discrete agents, pre-mask fraction in [0, 1] for continuous ones).</param>
/// <param name="Rewards">[n] scaled rewards.</param>
/// <param name="NextObservations">[n, features] next observations.</param>
/// <param name="Dones">[n] 1 where the episode ended.</param>
/// <param name="NextMaxFractions">[n] action mask of the next state.</param>
/// <param name="NextStepsLeft">[n] trading steps left in the next state.</param>
public sealed record TransitionBatch(float[] Observations, float[] Actions, float[] Rewards, float[] NextObservations, float[] Dones, double[] NextMaxFractions, int[] NextStepsLeft);

/// <summary>Fixed-capacity ring buffer of transitions with uniform sampling from a seeded generator.</summary>
public sealed class ReplayBuffer
{
    private readonly int _features;
    private readonly float[] _obs, _next, _actions, _rewards, _dones;
    private readonly double[] _nextMax;
    private readonly int[] _nextStepsLeft;
    private readonly Random _random;
    private int _head;

    /// <summary>Creates an empty buffer.</summary>
    public ReplayBuffer(int capacity, int features, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Capacity = capacity;
        _features = features;
        _obs = new float[capacity * features];
        _next = new float[capacity * features];
        _actions = new float[capacity];
        _rewards = new float[capacity];
        _dones = new float[capacity];
        _nextMax = new double[capacity];
        _nextStepsLeft = new int[capacity];
        _random = new Random(unchecked((int)(seed ^ (seed >> 32))));
    }

    /// <summary>Maximum number of transitions kept.</summary>
    public int Capacity { get; }

    /// <summary>Transitions currently stored.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one transition, overwriting the oldest when full.</summary>
    public void Add(ReadOnlySpan<float> observation, float action, float reward, ReadOnlySpan<float> next, bool done, double nextMaxFraction, int nextStepsLeft)
    {
        observation[.._features].CopyTo(_obs.AsSpan(_head * _features, _features));
        next[.._features].CopyTo(_next.AsSpan(_head * _features, _features));
        _actions[_head] = action;
        _rewards[_head] = reward;
        _dones[_head] = done ? 1 : 0;
        _nextMax[_head] = nextMaxFraction;
        _nextStepsLeft[_head] = nextStepsLeft;
        _head = (_head + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>Samples <paramref name="size"/> transitions uniformly with replacement.</summary>
    public TransitionBatch Sample(int size)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The replay buffer is empty.");
        }

        var b = new TransitionBatch(new float[size * _features], new float[size], new float[size], new float[size * _features], new float[size], new double[size], new int[size]);
        for (int k = 0; k < size; k++)
        {
            int i = _random.Next(Count);
            _obs.AsSpan(i * _features, _features).CopyTo(b.Observations.AsSpan(k * _features));
            _next.AsSpan(i * _features, _features).CopyTo(b.NextObservations.AsSpan(k * _features));
            b.Actions[k] = _actions[i];
            b.Rewards[k] = _rewards[i];
            b.Dones[k] = _dones[i];
            b.NextMaxFractions[k] = _nextMax[i];
            b.NextStepsLeft[k] = _nextStepsLeft[i];
        }

        return b;
    }
}
