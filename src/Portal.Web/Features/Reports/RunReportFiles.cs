using System.Globalization;
using System.Text;

using Portal.Application.Reports;

namespace Portal.Web.Features.Reports;

/// <summary>Download names and media types of a run's report files, the same for the run page and the HTTP API.</summary>
public static class RunReportFiles
{
    /// <summary>Media type of both CSV files.</summary>
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>Media type of the PDF report.</summary>
    public const string PdfContentType = "application/pdf";

    private const int MaxSlugLength = 60;

    /// <summary>For example <c>liquid-large-cap-schedule-comparison-6f1c2b9e-summary.csv</c>.</summary>
    public static string SummaryCsv(RunReport report) => Name(report, "summary.csv");

    /// <summary>For example <c>liquid-large-cap-schedule-comparison-6f1c2b9e-episodes.csv</c>.</summary>
    public static string EpisodesCsv(RunReport report) => Name(report, "episodes.csv");

    /// <summary>For example <c>liquid-large-cap-schedule-comparison-6f1c2b9e.pdf</c>.</summary>
    public static string Pdf(RunReport report) => Name(report, null) + ".pdf";

    /// <summary>
    /// The title reduced to lower-case letters, digits and single hyphens, then the first eight hex digits of the run
    /// id. Letters outside ASCII are kept: ASP.NET Core sends such a name in the RFC 6266 <c>filename*</c> parameter.
    /// </summary>
    private static string Name(RunReport report, string? suffix)
    {
        ArgumentNullException.ThrowIfNull(report);
        var slug = new StringBuilder();
        foreach (var c in report.Title)
        {
            if (char.IsLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= MaxSlugLength)
            {
                break;
            }
        }

        var stem = slug.ToString().Trim('-');
        var id = report.RunId.ToString("N", CultureInfo.InvariantCulture)[..8];
        var name = stem.Length > 0 ? $"{stem}-{id}" : $"run-{id}";
        return suffix is null ? name : $"{name}-{suffix}";
    }
}
