using System.Globalization;
using Portal.Data.Entities;

namespace Portal.Application.Agents;

/// <summary>
/// One progress report of a training, as the worker stores it: which seed is training, how far it is, and how long it
/// should still take. The estimate is linear in environment steps (elapsed × steps left / steps done): every seed has
/// the same budget and the same market, so its steps cost about the same throughout.
/// </summary>
/// <param name="SeedIndex">The seed being trained, 0-based.</param>
/// <param name="SeedShare">Share of the seed's environment steps done, in [0, 1].</param>
/// <param name="SeedSecondsLeft">Estimated training time left for this seed; null before the first step.</param>
/// <param name="SeedSecondsTotal">Estimated training time of one whole seed; null before the first step.</param>
public sealed record SeedProgressReport(int SeedIndex, double SeedShare, double? SeedSecondsLeft, double? SeedSecondsTotal)
{
    /// <summary>The report after <paramref name="steps"/> of a seed's <paramref name="totalSteps"/> took <paramref name="elapsed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative index, step count or time, or a budget below 1.</exception>
    public static SeedProgressReport From(int seedIndex, long steps, long totalSteps, TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seedIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        var share = Math.Min(1.0, (double)steps / totalSteps);
        if (steps == 0)
        {
            return new SeedProgressReport(seedIndex, 0, null, null);
        }
        var whole = elapsed.TotalSeconds / share;
        return new SeedProgressReport(seedIndex, share, whole - elapsed.TotalSeconds, whole);
    }
}

/// <summary>
/// What the agents pages show of a running training: seed k of n, the seed's percentage and the time left for the seed
/// and for the whole training, counted down from the worker's last report so a reloaded page (or another portal
/// instance) shows the same figures.
/// </summary>
/// <param name="SeedNumber">The seed being trained, 1-based (k of <paramref name="SeedCount"/>).</param>
/// <param name="SeedCount">Seeds the training runs (n).</param>
/// <param name="SeedShare">Share of the current seed's environment steps done, in [0, 1].</param>
/// <param name="SeedTimeLeft">Estimated time left for the current seed (never negative); null before an estimate exists.</param>
/// <param name="TotalTimeLeft">Estimated time left for all seeds' training; null before an estimate exists.</param>
public sealed record TrainingEstimate(int SeedNumber, int SeedCount, double SeedShare, TimeSpan? SeedTimeLeft, TimeSpan? TotalTimeLeft)
{
    /// <summary>The estimate for a running training at <paramref name="nowUtc"/>; null when the worker has not reported yet.</summary>
    public static TrainingEstimate? Of(TrainedAgentEntity agent, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Status != TrainingStatus.Running || agent.CurrentSeedIndex is not { } index)
        {
            return null;
        }
        var count = Math.Max(index + 1, agent.Seeds.Split(',', StringSplitOptions.RemoveEmptyEntries).Length);
        TimeSpan? seedLeft = null, totalLeft = null;
        if (agent.SeedSecondsLeft is { } left && agent.SeedSecondsTotal is { } whole && agent.ProgressUtc is { } at)
        {
            var since = Math.Max(0, (nowUtc - at).TotalSeconds);
            var seedSeconds = Math.Max(0, left - since);
            seedLeft = TimeSpan.FromSeconds(seedSeconds);
            totalLeft = TimeSpan.FromSeconds(seedSeconds + (count - index - 1) * whole);
        }
        return new TrainingEstimate(index + 1, count, Math.Clamp(agent.SeedProgress ?? 0, 0, 1), seedLeft, totalLeft);
    }

    /// <summary>True when the current seed's steps are all done (the policy is being evaluated on held-out paths).</summary>
    public bool SeedStepsDone => SeedShare >= 1;

    /// <summary>"Seed 2 of 3 · 45% · about 1 min 20 s left for this seed, about 4 min for all seeds".</summary>
    public string Describe()
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"Seed {SeedNumber} of {SeedCount} · {SeedShare * 100:F0}%");
        if (SeedStepsDone)
        {
            return head + " · evaluating this seed's policy on held-out paths";
        }
        if (SeedTimeLeft is not { } seed || TotalTimeLeft is not { } total)
        {
            return head + " · estimating time left";
        }
        return SeedNumber == SeedCount
            ? $"{head} · {About(seed)} left"
            : $"{head} · {About(seed)} left for this seed, {About(total)} for all seeds";
    }

    private static string About(TimeSpan span) => span < TimeSpan.FromSeconds(0.5) ? "under 1 s" : "about " + Duration(span);

    /// <summary>A rounded, readable duration: "under 1 s", "42 s", "3 min 5 s", "1 h 12 min".</summary>
    public static string Duration(TimeSpan span)
    {
        var s = (long)Math.Round(Math.Max(0, span.TotalSeconds));
        return s switch
        {
            < 1 => "under 1 s",
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{s} s"),
            < 3600 => s % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{s / 60} min") : string.Create(CultureInfo.InvariantCulture, $"{s / 60} min {s % 60} s"),
            _ => (s % 3600) / 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{s / 3600} h") : string.Create(CultureInfo.InvariantCulture, $"{s / 3600} h {(s % 3600) / 60} min"),
        };
    }
}
