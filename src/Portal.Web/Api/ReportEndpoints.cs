using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Api;

/// <summary>A run's CSV and PDF reports, for the run page's download buttons and for scripts.</summary>
public static class ReportEndpoints
{
    public static void MapReportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs/{id:guid}").RequireAuthorization().RequireTeam().WithTags("Reports");

        api.MapGet("/report.pdf", async (Guid id, TeamContext team, RunReports reports,
            RunPdfReport pdf, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, team, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.Pdf(report), RunReportFiles.PdfContentType);
            await pdf.WriteAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunPdfReport");

        api.MapGet("/summary.csv", async (Guid id, TeamContext team, RunReports reports,
            RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, team, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.SummaryCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteSummaryAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunSummaryCsv");

        api.MapGet("/episodes.csv", async (Guid id, TeamContext team, RunReports reports,
            RunReportBuilder episodes, RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, team, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.EpisodesCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteEpisodesAsync(episodes.EpisodesAsync(report, ct), http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunEpisodesCsv");
    }

    /// <summary>The run's frozen report (frozen now for a run completed before reports were), when the caller's team owns it.</summary>
    private static Task<RunReport?> Report(Guid id, TeamContext team, RunReports reports, CancellationToken ct) =>
        reports.GetAsync(team.TeamId, id, ct);

    private static void Attach(HttpContext http, string fileName, string contentType)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
    }
}
