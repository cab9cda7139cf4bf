using Portal.Agents.Environment;
using static TorchSharp.torch;

namespace Portal.Agents.Offline;

/// <summary>A minibatch of an offline dataset as tensors; actions are in [−1, 1] (the agents' internal action range).</summary>
/// <param name="Observations">[n, features] normalised observations.</param>
/// <param name="Actions">[n, 1] logged actions on the learner's [−1, 1] scale (<see cref="OfflineActionScale"/>).</param>
/// <param name="Rewards">[n] scaled rewards.</param>
/// <param name="NextObservations">[n, features] normalised next observations.</param>
/// <param name="NotDone">[n] 0 where the episode ended, else 1.</param>
internal sealed record OfflineBatch(Tensor Observations, Tensor Actions, Tensor Rewards, Tensor NextObservations, Tensor NotDone);

/// <summary>
/// An offline dataset prepared for learning: observations normalised once with the agent's normaliser (optionally
/// standardised again, as TD3+BC does), rewards scaled, actions mapped to [−1, 1] by an <see cref="OfflineActionScale"/>
/// (decision k of a row is its position in its episode: the logger writes episodes' decisions consecutively); minibatches
/// drawn uniformly with replacement from a seeded generator.
/// </summary>
internal sealed class OfflineBatches
{
    private readonly float[] _obs, _next, _actions, _rewards, _notDone;
    private readonly Random _random;
    private readonly int _features = ExecutionEnvironment.FeatureCount;

    public OfflineBatches(OfflineDataset data, ObservationNormalizer normalizer, double rewardScale, long seed, float[]? mean = null, float[]? std = null,
        string actionScale = OfflineActionScale.Fraction)
    {
        int n = data.Count, f = _features, steps = data.Header.Steps, decisions = Math.Max(1, steps - 1);
        _obs = new float[n * f];
        _next = new float[n * f];
        _actions = new float[n];
        _rewards = new float[n];
        _notDone = new float[n];
        for (int i = 0; i < n; i++)
        {
            normalizer.Normalize(data.Observations.AsSpan(i * f, f), _obs.AsSpan(i * f, f));
            normalizer.Normalize(data.NextObservations.AsSpan(i * f, f), _next.AsSpan(i * f, f));
            _actions[i] = actionScale == OfflineActionScale.Fraction
                ? 2 * data.Actions[i] - 1
                : OfflineActionScale.ToAction(actionScale, data.Fractions[i], data.MaxFractions[i], i % decisions, steps);
            _rewards[i] = (float)(data.Rewards[i] * rewardScale);
            _notDone[i] = data.Dones[i] ? 0 : 1;
        }

        if (mean is not null && std is not null)
        {
            for (int i = 0; i < n * f; i++)
            {
                _obs[i] = (_obs[i] - mean[i % f]) / std[i % f];
                _next[i] = (_next[i] - mean[i % f]) / std[i % f];
            }
        }

        _random = new Random(unchecked((int)(seed ^ (seed >> 32))) ^ 0x0FF11E);
    }

    /// <summary>Mean and standard deviation (+ <paramref name="epsilon"/>) of the normalised observations of a dataset.</summary>
    public static (float[] Mean, float[] Std) StateStatistics(OfflineDataset data, ObservationNormalizer normalizer, double epsilon)
    {
        int n = data.Count, f = ExecutionEnvironment.FeatureCount;
        var sum = new double[f];
        var sq = new double[f];
        var row = new float[f];
        for (int i = 0; i < n; i++)
        {
            normalizer.Normalize(data.Observations.AsSpan(i * f, f), row);
            for (int j = 0; j < f; j++)
            {
                sum[j] += row[j];
                sq[j] += (double)row[j] * row[j];
            }
        }

        var mean = new float[f];
        var std = new float[f];
        for (int j = 0; j < f; j++)
        {
            double m = sum[j] / n;
            mean[j] = (float)m;
            std[j] = (float)(Math.Sqrt(Math.Max(0, sq[j] / n - m * m)) + epsilon);
        }

        return (mean, std);
    }

    /// <summary>Draws <paramref name="size"/> transitions uniformly with replacement.</summary>
    public OfflineBatch Sample(int size)
    {
        int f = _features, n = _actions.Length;
        var obs = new float[size * f];
        var next = new float[size * f];
        var actions = new float[size];
        var rewards = new float[size];
        var notDone = new float[size];
        for (int k = 0; k < size; k++)
        {
            int i = _random.Next(n);
            _obs.AsSpan(i * f, f).CopyTo(obs.AsSpan(k * f));
            _next.AsSpan(i * f, f).CopyTo(next.AsSpan(k * f));
            actions[k] = _actions[i];
            rewards[k] = _rewards[i];
            notDone[k] = _notDone[i];
        }

        return new OfflineBatch(tensor(obs, size, f), tensor(actions, size, 1), tensor(rewards), tensor(next, size, f), tensor(notDone));
    }
}
