using System.Globalization;
using Portal.Domain.Backtesting;

namespace Portal.Application.Reports;

/// <summary>
/// A guarded strategy's result in one sentence, the same on the run page, in the PDF, on the study page and in the CLI's
/// stress report: the paired cost difference guarded − unguarded with its 95% interval and what it rests on, then how
/// often each guard fired (docs/guards.md).
/// </summary>
public static class GuardLines
{
    /// <summary>E.g. "guarded:agent:… − agent:…: −1.20 [−2.00, −0.40] bps, paired on the same 2,000 paths; fired: breaker in 12 of 2,000 episodes (30 of 24,000 decisions)".</summary>
    public static string Describe(GuardResult guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        var d = guard.GuardedMinusUnguarded;
        string fired = string.Join(", ", guard.Firings.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Guard} in {f.EpisodesFired:N0} of {guard.Episodes:N0} episodes ({f.StepsFired:N0} of {f.Decisions:N0} decisions)")));
        string threshold = guard.FallbackThreshold is { } t ? string.Create(CultureInfo.InvariantCulture, $"; fallback above an uncertainty of {t:G4}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{guard.GuardedId} − {guard.InnerId}: {d.MeanBps:F2} [{d.CiLowBps:F2}, {d.CiHighBps:F2}] bps, paired on the same {guard.Episodes:N0} paths; fired: {(fired.Length == 0 ? "no guard" : fired)}{threshold}");
    }
}
