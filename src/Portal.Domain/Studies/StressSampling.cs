using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Studies;

/// <summary>
/// Whether a trained agent's numbers on one stress variant are in-sample, by the out-of-sample rule (<see cref="OutOfSample"/>)
/// applied to the variant as it is run: the agent drew the variant's very paths in training (the same simulated world and
/// an untagged training stream holding the report's seed), or the variant is the market the agent trained on (the same
/// world: order, market model with its events, costs and constraints), so its result there measures no stress, or the
/// agent has no record of its training data.
/// </summary>
/// <remarks>The trainer draws every training and normaliser batch from tagged streams (Portal.Agents' TrainingSession),
/// which no backtest seed reaches, so a report's paths never repeat a portal-trained agent's training paths; the path check
/// matters for agents whose record holds untagged streams. A flagged agent's guarded twin is flagged with it.</remarks>
public static class StressSampling
{
    /// <summary>The flag shown beside a strategy in the stress table.</summary>
    public const string Flag = "in-sample for this variant";

    /// <summary>Checks one agent against one variant's scenario (as run: the base with the variant's events).</summary>
    /// <returns>The check: <see cref="SampleVerdict.InSample"/> with a reason naming the overlap when the paths or the
    /// world are the training ones, <see cref="SampleVerdict.Unknown"/> without a training record, else out-of-sample.</returns>
    public static AgentSampleCheck Check(string agentId, TrainingExposure? exposure, Scenario variant, string variantName)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(variant);
        var data = OutOfSample.Simulated(variant);
        var paths = OutOfSample.Check(agentId, exposure, data);
        if (paths.Verdict != SampleVerdict.OutOfSample) return paths with { Reason = $"Variant '{variantName}': {paths.Reason}" };
        if (exposure!.Sources.Any(s => s.WorldHash is not null && s.WorldHash == data.WorldHash))
        {
            return new AgentSampleCheck(agentId, SampleVerdict.InSample,
                $"Variant '{variantName}': agent {agentId} trained on this very market (same order, market model and events, costs and constraints), " +
                "on other paths: its result here is in its training distribution, not a stress test.");
        }
        return paths;
    }

    /// <summary>Whether the check says the agent drew the variant's own paths in training (not merely its distribution):
    /// a report must not score it there.</summary>
    public static bool SharesPaths(TrainingExposure? exposure, Scenario variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return exposure is not null && OutOfSample.Check("agent", exposure, OutOfSample.Simulated(variant)).Verdict == SampleVerdict.InSample;
    }
}
