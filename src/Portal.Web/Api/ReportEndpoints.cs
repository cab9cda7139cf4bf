using System.Security.Claims;
using Portal.Web.Auth;
using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Api;

/// <summary>A run's CSV and PDF reports, for the run page's download buttons and for scripts.</summary>
public static class ReportEndpoints
{
    public static void MapReportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs/{id:guid}").RequireAuthorization().WithTags("Reports");

        api.MapGet("/report.pdf", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReports reports,
            RunPdfReport pdf, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.Pdf(report), RunReportFiles.PdfContentType);
            await pdf.WriteAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunPdfReport");

        api.MapGet("/summary.csv", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReports reports,
            RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.SummaryCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteSummaryAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunSummaryCsv");

        api.MapGet("/episodes.csv", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReports reports,
            RunReportBuilder episodes, RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.EpisodesCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteEpisodesAsync(episodes.EpisodesAsync(report, ct), http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunEpisodesCsv");
    }

    /// <summary>The run's frozen report (frozen now for a run completed before reports were), when the caller's team owns it.</summary>
    private static async Task<RunReport?> Report(Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReports reports, CancellationToken ct) =>
        await teams.ResolveAsync(user, ct) is { } access ? await reports.GetAsync(access.TeamId, id, ct) : null;

    private static void Attach(HttpContext http, string fileName, string contentType)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
    }
}
