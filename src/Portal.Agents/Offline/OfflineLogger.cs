using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Offline;

/// <summary>Logs a behaviour policy's transitions on a market into an <see cref="OfflineDataset"/>.</summary>
public static class OfflineLogger
{
    /// <summary>Episodes simulated per batch while logging.</summary>
    public const int BatchSize = 250;

    /// <summary>
    /// Runs <paramref name="behaviour"/> for <paramref name="episodes"/> episodes of <paramref name="market"/> (training
    /// purpose: batch b resets with <see cref="TrainingSession.TrainingBatchSeed"/>(seed, b), a stream no evaluation uses)
    /// and records every decision's transition with the behaviour's own performance.
    /// </summary>
    public static OfflineDataset Log(MarketSource market, BehaviourPolicy behaviour, int episodes, long seed, bool priceNoiseControlVariate = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(behaviour);
        if (episodes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be >= 2.");
        }

        if (seed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be >= 0.");
        }

        int batch = Math.Min(BatchSize, episodes), f = ExecutionEnvironment.FeatureCount;
        var env = new ExecutionEnvironment(market.CreateMarket(batch, MarketPurpose.Training), ObservationNormalizer.Identity, priceNoiseControlVariate);
        int decisions = env.Decisions, count = episodes * decisions;
        var obs = new float[count * f];
        var next = new float[count * f];
        var actions = new float[count];
        var fractionsLogged = new float[count];
        var max = new float[count];
        var rewards = new float[count];
        var dones = new bool[count];
        var shortfall = new double[episodes];
        var objective = new double[episodes];
        var fractions = new double[batch];
        var before = new float[batch * f];
        var mask = new double[batch];
        for (int b = 0, done = 0; done < episodes; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long batchSeed = TrainingSession.TrainingBatchSeed(seed, b);
            int take = Math.Min(batch, episodes - done);
            env.Reset(batchSeed);
            while (!env.Done)
            {
                int k = env.DecisionIndex;
                Array.Copy(env.Observations, before, before.Length);
                Array.Copy(env.MaxFraction, mask, mask.Length);
                behaviour.Decide(env, batchSeed, fractions);
                bool over = env.Step(fractions);
                for (int i = 0; i < take; i++)
                {
                    int row = (done + i) * decisions + k;
                    before.AsSpan(i * f, f).CopyTo(obs.AsSpan(row * f, f));
                    env.Observations.AsSpan(i * f, f).CopyTo(next.AsSpan(row * f, f));
                    fractionsLogged[row] = (float)fractions[i];
                    max[row] = (float)mask[i];
                    actions[row] = mask[i] > 0 ? (float)Math.Clamp(fractions[i] / mask[i], 0, 1) : 0f;
                    rewards[row] = (float)env.Rewards[i];
                    dones[row] = over;
                }
            }

            Array.Copy(env.EpisodeShortfallBps, 0, shortfall, done, take);
            Array.Copy(env.EpisodeObjectiveBps, 0, objective, done, take);
            done += take;
        }

        var header = new OfflineDatasetHeader(OfflineDataset.FormatVersion, OfflineDataset.HashOf(market), behaviour.Spec, seed, episodes, count,
            market.Steps, priceNoiseControlVariate, market.Lambda, BehaviourPerformance.Of(shortfall, objective));
        return new OfflineDataset(header, obs, actions, fractionsLogged, max, rewards, next, dones);
    }

    /// <summary>Logs with the behaviour named by <paramref name="spec"/> (see <see cref="BehaviourPolicy"/>).</summary>
    public static OfflineDataset Log(MarketSource market, string spec, int episodes, long seed, bool priceNoiseControlVariate = true, CancellationToken cancellationToken = default)
    {
        using var behaviour = BehaviourPolicy.Create(spec, market);
        return Log(market, behaviour, episodes, seed, priceNoiseControlVariate, cancellationToken);
    }

    /// <summary>
    /// Runs the behaviour greedily on evaluation paths (the same paths and batching as
    /// <see cref="PolicyEvaluation.RunAgent(IExecutionAgent, MarketSource, ObservationNormalizer, int, long)"/>), so it can be
    /// paired with an agent trained on its data.
    /// </summary>
    public static EpisodeOutcomes Evaluate(MarketSource market, string spec, int episodes, long baseSeed)
    {
        using var behaviour = BehaviourPolicy.Create(spec, market);
        return PolicyEvaluation.Run(market, ObservationNormalizer.Identity, episodes, baseSeed, (env, seed, fractions) => behaviour.Decide(env, seed, fractions));
    }
}
