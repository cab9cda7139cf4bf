using System.Globalization;
using System.Text.Json;
using Portal.Data.Entities;

namespace Portal.Application.Agents;

/// <summary>One seed's learning curve: mean episode shortfall (bps) of each training batch against environment steps so far.</summary>
public sealed record SeedCurve(long Seed, IReadOnlyList<(long Steps, double ShortfallBps)> Points);

/// <summary>Every seed's curve on one shared axis of environment steps, ready for a line chart.</summary>
/// <param name="Steps">The shared x positions: the union of the seeds' recorded steps where every seed has a curve.</param>
/// <param name="Values">Per seed, its shortfall at each of <paramref name="Steps"/> (linear between its own recorded points).</param>
public sealed record AlignedCurves(IReadOnlyList<long> Steps, IReadOnlyList<(long Seed, double[] Values)> Values);

/// <summary>Reads the learning curves stored with an agent's seeds.</summary>
public static class LearningCurves
{
    /// <summary>The curve of one stored seed; points whose shortfall is not a finite number are left out.</summary>
    public static SeedCurve Parse(TrainedAgentSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var points = new List<(long, double)>();
        using var document = JsonDocument.Parse(seed.LearningCurveJson);
        if (document.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in document.RootElement.EnumerateArray())
            {
                if (p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("environmentSteps", out var steps) && steps.TryGetInt64(out var n)
                    && p.TryGetProperty("meanShortfallBps", out var value) && Number(value) is { } bps && double.IsFinite(bps))
                {
                    points.Add((n, bps));
                }
            }
        }
        return new SeedCurve(seed.Seed, points.OrderBy(p => p.Item1).ToList());
    }

    /// <summary>
    /// Puts the seeds' curves on one axis. Seeds of one agent record after the same batches, so their steps normally
    /// coincide; where they do not, each seed is read linearly between its own points, and only the range every seed
    /// covers is shown (nothing is extrapolated).
    /// </summary>
    public static AlignedCurves Align(IReadOnlyList<SeedCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var usable = curves.Where(c => c.Points.Count > 0).ToList();
        if (usable.Count == 0)
        {
            return new AlignedCurves([], []);
        }
        var from = usable.Max(c => c.Points[0].Steps);
        var to = usable.Min(c => c.Points[^1].Steps);
        var steps = usable.SelectMany(c => c.Points.Select(p => p.Steps)).Where(s => s >= from && s <= to).Distinct().Order().ToList();
        var values = usable.Select(c => (c.Seed, steps.Select(s => At(c.Points, s)).ToArray())).ToList();
        return new AlignedCurves(steps, values);
    }

    /// <summary>"12k", "1.5M": environment steps for an axis label.</summary>
    public static string StepLabel(long steps) => steps switch
    {
        >= 1_000_000 => (steps / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (steps / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => steps.ToString(CultureInfo.InvariantCulture),
    };

    private static double At(IReadOnlyList<(long Steps, double ShortfallBps)> points, long step)
    {
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Steps == step)
            {
                return points[i].ShortfallBps;
            }
            if (points[i].Steps > step)
            {
                var (x0, y0) = points[i - 1];
                var (x1, y1) = points[i];
                return y0 + (y1 - y0) * (step - x0) / (x1 - x0);
            }
        }
        return points[^1].ShortfallBps;
    }

    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
