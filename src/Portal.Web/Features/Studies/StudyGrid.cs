using System.Globalization;
using Portal.Application.Studies;
using Portal.Domain.Studies;

namespace Portal.Web.Features.Studies;

/// <summary>
/// How a study's cells are laid out on a heatmap: rows are the first axis with more than one value, columns the second;
/// every further varying axis is fixed at a chosen value (<see cref="Fixed"/>).
/// </summary>
public sealed class StudyGrid
{
    private readonly StudyResults _results;

    public StudyGrid(StudySpec spec, StudyResults results, IReadOnlyDictionary<string, string>? fixedValues = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _results = results ?? throw new ArgumentNullException(nameof(results));
        var varying = spec.VaryingAxes();
        Row = varying.Count > 0 ? varying[0] : ("", ["all"]);
        Column = varying.Count > 1 ? varying[1] : ("", ["all"]);
        Others = [.. varying.Skip(2)];
        Fixed = Others.ToDictionary(o => o.Axis, o => fixedValues?.GetValueOrDefault(o.Axis) is { } v && o.Values.Contains(v) ? v : o.Values[0]);
    }

    public (string Axis, IReadOnlyList<string> Values) Row { get; }

    public (string Axis, IReadOnlyList<string> Values) Column { get; }

    /// <summary>Varying axes beyond rows and columns.</summary>
    public IReadOnlyList<(string Axis, IReadOnlyList<string> Values)> Others { get; }

    /// <summary>The value each of <see cref="Others"/> is fixed at.</summary>
    public IReadOnlyDictionary<string, string> Fixed { get; }

    public string RowTitle => Row.Axis.Length == 0 ? "" : StudyAxisNames.Title(Row.Axis);

    public string ColumnTitle => Column.Axis.Length == 0 ? "" : StudyAxisNames.Title(Column.Axis);

    /// <summary>The cell at row value <paramref name="row"/> and column value <paramref name="column"/> (with the fixed axes).</summary>
    public StudyCellResult? At(string row, string column) => _results.Cells.FirstOrDefault(c =>
        (Row.Axis.Length == 0 || StudySpec.ValueOf(c.Coordinates, Row.Axis) == row)
        && (Column.Axis.Length == 0 || StudySpec.ValueOf(c.Coordinates, Column.Axis) == column)
        && Fixed.All(f => StudySpec.ValueOf(c.Coordinates, f.Key) == f.Value));

    /// <summary>A background from green (low) through yellow to red (high) for <paramref name="value"/> within [min, max].</summary>
    public static string Sequential(double value, double min, double max)
    {
        double t = max > min ? Math.Clamp((value - min) / (max - min), 0, 1) : 0.5;
        int hue = (int)Math.Round(120 * (1 - t));
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue}, 70%, 80%)");
    }

    /// <summary>A background for a paired difference: green below 0 (cheaper than TWAP), red above, white at 0.</summary>
    public static string Diverging(double value, double absMax)
    {
        double t = absMax > 0 ? Math.Clamp(Math.Abs(value) / absMax, 0, 1) : 0;
        int hue = value < 0 ? 120 : 0;
        int light = (int)Math.Round(97 - 22 * t);
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue}, 70%, {light}%)");
    }
}
