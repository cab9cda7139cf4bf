using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Application.Reports;

/// <summary>
/// A <see cref="RunReport"/> frozen as versioned JSON: <c>{"version": N, "report": {...}}</c>. Doubles are written as the
/// shortest text that round-trips, so a report read back renders byte for byte as it did when it was written.
/// </summary>
public static class RunReportSnapshot
{
    /// <summary>Version of the snapshot format written today. A stored snapshot of another version is rebuilt.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Learning-curve series are (seed, values) tuples.
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>The snapshot of <paramref name="report"/> in the current version.</summary>
    public static string Serialize(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(new Envelope(CurrentVersion, report), Options);
    }

    /// <summary>The report of a snapshot in the current version; null for a snapshot of another version or unreadable JSON.</summary>
    public static RunReport? TryDeserialize(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(json, Options);
            return envelope is { Version: CurrentVersion, Report: { } report } ? report : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record Envelope(int Version, RunReport? Report);
}
