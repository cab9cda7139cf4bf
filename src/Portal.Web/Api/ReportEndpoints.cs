using System.Security.Claims;
using Portal.Web.Auth;
using Portal.Web.Features.Reports;

namespace Portal.Web.Api;

/// <summary>A run's CSV and PDF reports, for the run page's download buttons and for scripts.</summary>
public static class ReportEndpoints
{
    public static void MapReportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs/{id:guid}").RequireAuthorization().WithTags("Reports");

        api.MapGet("/report.pdf", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReportBuilder reports,
            RunPdfReport pdf, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.Pdf(report), RunReportFiles.PdfContentType);
            await pdf.WriteAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunPdfReport");

        api.MapGet("/summary.csv", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReportBuilder reports,
            RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.SummaryCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteSummaryAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunSummaryCsv");

        api.MapGet("/episodes.csv", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReportBuilder reports,
            RunCsvReport csv, HttpContext http, CancellationToken ct) =>
        {
            if (await Report(id, user, teams, reports, ct) is not { } report) return Results.NotFound();
            Attach(http, RunReportFiles.EpisodesCsv(report), RunReportFiles.CsvContentType);
            await csv.WriteEpisodesAsync(reports.EpisodesAsync(report.RunId, report.Strategies, ct), http.Response.Body, ct);
            return Results.Empty;
        }).WithName("RunEpisodesCsv");
    }

    private static async Task<RunReport?> Report(Guid id, ClaimsPrincipal user, TeamAccessResolver teams, RunReportBuilder reports, CancellationToken ct) =>
        await teams.ResolveAsync(user, ct) is { } access ? await reports.BuildAsync(access, id, ct) : null;

    private static void Attach(HttpContext http, string fileName, string contentType)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
    }
}
