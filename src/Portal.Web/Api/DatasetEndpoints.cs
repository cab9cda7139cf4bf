using Microsoft.AspNetCore.Http.Features;
using Portal.Application.Datasets;
using Portal.Data.Entities;
using Portal.Domain.MarketData;
using Portal.Web.Features.Datasets;

namespace Portal.Web.Api;

/// <summary>Market data over HTTP: upload (multipart), list, calibrate, read profiles.</summary>
public static class DatasetEndpoints
{
    public static void MapDatasetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().RequireTeam().WithTags("Datasets");

        api.MapPost("/datasets", async (HttpRequest request, TeamContext team, DatasetImportService imports,
            DatasetOptions options, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot upload data.", statusCode: StatusCodes.Status403Forbidden);
            if (!request.HasFormContentType) return Results.Problem("Send the files as multipart/form-data (field 'files').", statusCode: StatusCodes.Status400BadRequest);
            request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = options.MaxUploadBytes;
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.MaxUploadBytes }, ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Problem($"The upload is larger than the limit of {options.MaxUploadBytes:N0} bytes (limit Datasets:MaxUploadBytes).", statusCode: StatusCodes.Status413PayloadTooLarge);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return Results.Problem($"The multipart form could not be read: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
            }
            var files = form.Files.Select(f => new UploadedFile(f.FileName, f.OpenReadStream)).ToList();
            try
            {
                var stored = await imports.ImportAsync(access, form["name"], form["format"].FirstOrDefault() ?? "auto", form["instrument"], files, null, ct);
                var view = DatasetView.From(stored.Dataset);
                return stored.AlreadyStored ? Results.Ok(view with { AlreadyStored = true }) : Results.Created($"/api/datasets/{view.Id}", view);
            }
            catch (MarketDataValidationException e) when (e.Errors.FirstOrDefault(x => x.Limit is not null) is { } limit)
            {
                return Results.Problem(
                    detail: $"{limit.File}: {limit.Message} (limit Limits:{limit.Limit}); nothing was stored.",
                    title: "The upload is past a limit",
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }
            catch (MarketDataValidationException e)
            {
                return Results.Problem(
                    detail: $"{e.Errors.Count} problem(s); nothing was stored.",
                    title: "The data was rejected",
                    statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["errors"] = e.Errors.Select(x => new { x.File, x.Row, x.Column, Value = x.SafeValue, x.Message, Text = x.ToString() }) });
            }
            catch (LimitExceededException e)
            {
                return Results.Problem(e.Message, statusCode: e.StatusCode);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        }).DisableAntiforgery().WithName("UploadDataset");

        api.MapGet("/datasets", async (TeamContext team, DatasetService datasets, CancellationToken ct) =>
        {
            var list = await datasets.ListAsync(team.Require(), ct);
            return Results.Ok(list.Select(DatasetView.From));
        }).WithName("ListDatasets");

        api.MapGet("/datasets/{id:guid}", async (Guid id, TeamContext team, DatasetService datasets, CancellationToken ct) =>
        {
            var d = await datasets.GetAsync(team.Require(), id, ct);
            return d is null ? Results.NotFound() : Results.Ok(DatasetView.From(d));
        }).WithName("GetDataset");

        api.MapPost("/datasets/{id:guid}/calibrate", async (Guid id, TeamContext team, DatasetService datasets, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot start calibrations.", statusCode: StatusCodes.Status403Forbidden);
            var profile = await datasets.CalibrateAsync(access, id, ct);
            return profile is null ? Results.NotFound() : Results.Accepted($"/api/profiles/{profile.Id}", new { profile.Id, Status = profile.Status.ToString() });
        }).WithName("CalibrateDataset");

        api.MapGet("/profiles/{id:guid}", async (Guid id, TeamContext team, DatasetService datasets, CancellationToken ct) =>
        {
            var p = await datasets.GetProfileAsync(team.Require(), id, ct);
            return p is null
                ? Results.NotFound()
                : Results.Ok(new ProfileView(p.Id, p.DatasetId, p.Name, p.Status.ToString(), p.FailureReason, p.CreatedUtc, p.FinishedUtc,
                    p.Json is null ? null : System.Text.Json.JsonDocument.Parse(p.Json).RootElement));
        }).WithName("GetProfile");
    }
}

public sealed record DatasetView(Guid Id, string Name, string Format, string Instrument, DateTime TradingDate, DateTime Start, DateTime End,
    int Levels, long BookRows, long TradeRows, string ContentHash, long SizeBytes, string SourceFiles, DateTime CreatedUtc, bool AlreadyStored)
{
    public static DatasetView From(Dataset d) => new(d.Id, d.Name, d.Format, d.Instrument, d.TradingDate,
        Utc(d.StartTimeNs), Utc(d.EndTimeNs), d.Levels, d.BookRows, d.TradeRows, d.ContentHash, d.SizeBytes,
        d.SourceFiles, d.CreatedUtc, false);

    /// <summary>IANA id of the exchange clock <see cref="Start"/> and <see cref="End"/> are read on: a dataset's times are the
    /// exchange's wall clock (LOBSTER: America/New_York), whatever offset their JSON form carries.</summary>
    public string TimeZone => Portal.Domain.MarketData.ExchangeTimeZone.Of(Format);

    /// <summary>Nanoseconds since 1970-01-01 as a UTC time.</summary>
    public static DateTime Utc(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100);
}

public sealed record ProfileView(Guid Id, Guid DatasetId, string Name, string Status, string? FailureReason, DateTime CreatedUtc,
    DateTime? FinishedUtc, System.Text.Json.JsonElement? Profile);
