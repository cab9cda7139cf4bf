using Portal.Application.Reports;
using Portal.Application.Runs;
using Portal.Web.Features.Compare;
using Portal.Web.Features.Reports;

namespace Portal.Web.Api;

/// <summary>The compare view for scripts and downloads: the same runs, reference, tables and charts as the page.</summary>
public static class CompareEndpoints
{
    public static void MapCompareApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().RequireTeam().WithTags("Runs");

        // GET /api/compare?runs=ID,ID[,...]&reference=ID&format=json|csv|pdf
        api.MapGet("/compare", async (string? runs, string? reference, string? format, TeamContext team, RunService runService,
            RunReports reports, RunPdfReport pdf, HttpContext http, CancellationToken ct) =>
        {
            var ids = RunComparison.ParseIds(runs);
            var kind = (format ?? "json").Trim().ToLowerInvariant();
            if (kind is not ("json" or "csv" or "pdf"))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "format must be json, csv or pdf.");
            }
            if (ids.Count < 2)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "runs must name at least 2 run ids, comma-separated.");
            }

            var referenceId = RunComparison.ParseIds(reference).FirstOrDefault();
            var document = await CompareDocument.BuildAsync(runService, reports, team.Require(), ids, referenceId == Guid.Empty ? null : referenceId, ct);
            if (document is null)
            {
                return Results.NotFound();
            }
            if (document.Runs.Count < 2)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail:
                    $"A comparison needs at least 2 succeeded runs; {document.Runs.Count} of the requested runs have succeeded.");
            }

            switch (kind)
            {
                case "csv":
                    Attach(http, "comparison.csv", RunReportFiles.CsvContentType);
                    await http.Response.WriteAsync(document.ToCsv(), ct);
                    return Results.Empty;
                case "pdf":
                    Attach(http, "comparison.pdf", RunReportFiles.PdfContentType);
                    await pdf.WriteComparisonAsync(document, http.Response.Body, ct);
                    return Results.Empty;
                default:
                    return Results.Ok(new
                    {
                        reference = document.Reference.Id,
                        runs = document.Runs.Select((r, i) => new { id = r.Id, name = r.DisplayName, reference = i == 0, r.Seed, r.Episodes, createdUtc = r.CreatedUtc }),
                        parameters = document.Parameters.Select(p => new { field = p.Field, values = p.Values }),
                        strategies = document.Rows.Select(row => new
                        {
                            id = row.StrategyId,
                            name = row.DisplayName,
                            runs = row.Cells.Select(c => c is null ? null : new
                            {
                                meanCostBps = c.MeanBps, meanCiLowBps = c.CiLowBps, meanCiHighBps = c.CiHighBps, episodes = c.Episodes,
                                diffVsReferenceBps = c.DiffBps, diffVsReferenceCiLowBps = c.DiffCiLowBps, diffVsReferenceCiHighBps = c.DiffCiHighBps,
                                verdict = c.Verdict,
                            }),
                        }),
                        missing = document.Missing,
                        unfinished = document.Unfinished.Select(r => r.Id),
                    });
            }
        }).WithName("CompareRuns");
    }

    private static void Attach(HttpContext http, string fileName, string contentType)
    {
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
    }
}
