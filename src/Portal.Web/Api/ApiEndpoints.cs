using System.Text.Json;
using Portal.Application.Reports;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>The HTTP API: the same actions as the pages, for scripts (cookie or personal access token).</summary>
public static class ApiEndpoints
{
    public static void MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().RequireTeam().WithTags("Runs");

        api.MapPost("/runs", async (RunSubmission body, TeamContext team, RunService runs, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun)
            {
                return Results.Problem("Viewers cannot submit runs.", statusCode: StatusCodes.Status403Forbidden);
            }
            try
            {
                var run = await runs.SubmitAsync(access, new RunRequest(body.ScenarioId, body.Scenario is { } inline ? ScenarioStore.Parse(inline.GetRawText()) : null, body.Episodes, body.Seed, body.Strategies)
                    { Name = body.Name, Tags = body.Tags, Notes = body.Notes, AgentSeed = body.AgentSeed }, ct);
                return Results.Accepted($"/api/runs/{run.Id}", new RunAccepted(run.Id, run.Status.ToString()));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            catch (KeyNotFoundException)
            {
                return Results.NotFound();
            }
        }).WithName("SubmitRun").Produces<RunAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();

        api.MapGet("/runs/{id:guid}", async (Guid id, TeamContext team, RunService runs, CancellationToken ct) =>
        {
            var run = await runs.GetAsync(team.Require(), id, ct);
            return run is null ? Results.NotFound() : Results.Ok(RunView.From(run));
        }).WithName("GetRun").Produces<RunView>();

        api.MapPost("/runs/{id:guid}/cancel", async (Guid id, TeamContext team, RunService runs, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun)
            {
                return Results.Problem("Viewers cannot cancel runs.", statusCode: StatusCodes.Status403Forbidden);
            }
            return await runs.CancelAsync(access, id, ct) ? Results.Accepted($"/api/runs/{id}") : Results.NotFound();
        }).WithName("CancelRun");
    }
}

/// <summary>Body of <c>POST /api/runs</c>: a saved scenario's id or an inline scenario, with optional overrides.</summary>
public sealed record RunSubmission(Guid? ScenarioId, JsonElement? Scenario, int? Episodes, long? Seed, IReadOnlyList<string>? Strategies)
{
    /// <summary>The run's name; the scenario's name when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>The run's tags (letters, digits and - _ . : /; stored in lower case).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Notes on the run.</summary>
    public string? Notes { get; init; }

    /// <summary>Which trained seed's policy the run's agents use (the training seed, 1 for the first; sets
    /// <c>strategySettings.agentSeed</c>). Omitted: the scenario's choice, by default the first seed.</summary>
    public long? AgentSeed { get; init; }
}

public sealed record RunAccepted(Guid Id, string Status);

public sealed record RunView(
    Guid Id, string ScenarioName, string Status, double Progress, string? FailureReason, int Episodes, long Seed,
    int Attempts, string? WorkerName, DateTime CreatedUtc, DateTime? StartedUtc, DateTime? FinishedUtc, string? OptimumName, double? OptimumExpectedCostBps,
    IReadOnlyList<StrategyView> Results)
{
    /// <summary>What the run found wrong with its scenario's parameters (e.g. that they admit price manipulation).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Whether the results count on leaderboards (false for a replay of training data or an agent scored in-sample).</summary>
    public bool IsOutOfSample { get; init; } = true;

    /// <summary>Why an agent in the run is scored in-sample (on request, or without a training record); null otherwise.</summary>
    public string? InSampleReason { get; init; }

    /// <summary>The run's name (the scenario's name unless a member renamed it).</summary>
    public string Name { get; init; } = "";

    /// <summary>The run's tags, lower case and sorted.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Notes on the run; null when there are none.</summary>
    public string? Notes { get; init; }

    public static RunView From(Run run) => new(
        run.Id, run.ScenarioName, run.Status.ToString(), run.Progress, run.FailureReason, run.Episodes, run.Seed,
        run.Attempts, run.WorkerName, run.CreatedUtc, run.StartedUtc, run.FinishedUtc, run.OptimumName, run.OptimumExpectedCostBps,
        run.Strategies.OrderBy(s => s.Index).Select(s => StrategyView.From(ReportStrategySummary.From(s))).ToList())
    {
        Warnings = run.Warnings,
        IsOutOfSample = run.IsOutOfSample,
        InSampleReason = run.InSampleReason,
        Name = run.DisplayName,
        Tags = RunTags.Split(run.Tags),
        Notes = run.Notes,
    };
}

public sealed record StrategyView(
    string StrategyId, string DisplayName, int Episodes, double MeanBps, double StdBps, double MeanCiLowBps, double MeanCiHighBps,
    double P5Bps, double P50Bps, double P95Bps, double Cvar95Bps, double? CostSharpe, double Completion, double MeanShortfallCurrency,
    double? VsTwapMeanBps, double? VsTwapCiLowBps, double? VsTwapCiHighBps, double? RegretBps, IReadOnlyList<double> MeanInventory,
    IReadOnlyList<double> MeanParticipation, int IndependentUnits, string UnitKind)
{
    /// <summary>Mean paired difference (this − best static schedule) in bps; null for the best static schedule itself.</summary>
    public double? VsBestStaticBps { get; init; }

    /// <summary>Lower end of the 95% confidence interval of <see cref="VsBestStaticBps"/>.</summary>
    public double? VsBestStaticCiLowBps { get; init; }

    /// <summary>Upper end of the 95% confidence interval of <see cref="VsBestStaticBps"/>.</summary>
    public double? VsBestStaticCiHighBps { get; init; }

    /// <summary>Paired difference (this − best static schedule) of the run's objective E + λ·Var in bps (λ =
    /// strategySettings.riskAversion, per currency unit): what the best static schedule minimises. Null where
    /// <see cref="VsBestStaticBps"/> is, and for runs stored before it was recorded.</summary>
    public double? VsBestStaticObjectiveBps { get; init; }

    /// <summary>Lower end of the 95% confidence interval of <see cref="VsBestStaticObjectiveBps"/> (delta method).</summary>
    public double? VsBestStaticObjectiveCiLowBps { get; init; }

    /// <summary>Upper end of the 95% confidence interval of <see cref="VsBestStaticObjectiveBps"/>.</summary>
    public double? VsBestStaticObjectiveCiHighBps { get; init; }

    /// <summary>Share of the parent quantity executed by the horizon (passively or by market orders); null for runs stored
    /// before it was recorded.</summary>
    public double? FillRate { get; init; }

    /// <summary>Share of the parent quantity filled by limit orders; null for runs stored before it was recorded.</summary>
    public double? PassiveShare { get; init; }

    /// <summary>Shares filled passively over shares posted; null when nothing was posted.</summary>
    public double? PostedFillRatio { get; init; }

    /// <summary>What the passive fills earned against the mid, bps of their notional; null without passive fills.</summary>
    public double? SpreadCapturedBps { get; init; }

    /// <summary>Mid move against the passive fills over the next decision step, bps (positive = adverse selection).</summary>
    public double? MarkoutBps { get; init; }

    /// <summary>Mid move against the passive fills 1 s, 10 s and 60 s after each fill, bps (replayed books only).</summary>
    public double? Markout1sBps { get; init; }

    /// <summary>See <see cref="Markout1sBps"/>.</summary>
    public double? Markout10sBps { get; init; }

    /// <summary>See <see cref="Markout1sBps"/>.</summary>
    public double? Markout60sBps { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="FillRate"/>; null for runs stored before it was recorded.</summary>
    public double? FillRateCiLow { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="FillRate"/>.</summary>
    public double? FillRateCiHigh { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="PassiveShare"/>.</summary>
    public double? PassiveShareCiLow { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="PassiveShare"/>.</summary>
    public double? PassiveShareCiHigh { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="SpreadCapturedBps"/> (delta method).</summary>
    public double? SpreadCapturedCiLowBps { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="SpreadCapturedBps"/>.</summary>
    public double? SpreadCapturedCiHighBps { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="MarkoutBps"/> (delta method).</summary>
    public double? MarkoutCiLowBps { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="MarkoutBps"/>.</summary>
    public double? MarkoutCiHighBps { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="Markout1sBps"/>.</summary>
    public double? Markout1sCiLowBps { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="Markout1sBps"/>.</summary>
    public double? Markout1sCiHighBps { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="Markout10sBps"/>.</summary>
    public double? Markout10sCiLowBps { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="Markout10sBps"/>.</summary>
    public double? Markout10sCiHighBps { get; init; }

    /// <summary>Lower end of the 95% interval of <see cref="Markout60sBps"/>.</summary>
    public double? Markout60sCiLowBps { get; init; }

    /// <summary>Upper end of the 95% interval of <see cref="Markout60sBps"/>.</summary>
    public double? Markout60sCiHighBps { get; init; }

    /// <summary>How many independent units the limit-order intervals rest on (episodes or market windows).</summary>
    public int? OrderIntervalUnits { get; init; }

    /// <summary>What a unit of <see cref="OrderIntervalUnits"/> is: <c>episode</c> or <c>window</c>.</summary>
    public string? OrderIntervalUnitKind { get; init; }

    /// <summary>Largest child order over its step's market volume in any episode (a fraction).</summary>
    public double MaxParticipation { get; init; }

    /// <summary>95th percentile across episodes of each episode's largest participation (a fraction); null for runs stored before it was recorded.</summary>
    public double? MaxParticipationP95 { get; init; }

    /// <summary>99th percentile of the shortfall in bps; null for runs stored before it was recorded.</summary>
    public double? P99Bps { get; init; }

    /// <summary>For a guarded strategy (<c>guarded:ID</c>): the paired cost difference to ID on the same paths and how often
    /// each guard fired; null for other strategies and for runs stored before it was recorded.</summary>
    public GuardView? Guard { get; init; }

    /// <summary>A strategy's row of the run report as the API writes it: the only mapping to this shape, whose field names and
    /// values scripts rely on (<c>RunApiShapeTests</c> pins them).</summary>
    public static StrategyView From(ReportStrategySummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var x = s.Execution;
        var ci = x.Intervals;
        return new(
            s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.P5Bps, s.P50Bps, s.P95Bps,
            s.Cvar95Bps, s.CostSharpe, s.Completion, s.MeanShortfallCurrency, s.VsTwapMeanBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
            s.RegretBps, s.MeanInventoryFraction, s.MeanParticipation, s.IndependentUnits, s.UnitKind)
        {
            VsBestStaticBps = s.VsBestStaticMeanBps,
            VsBestStaticCiLowBps = s.VsBestStaticCiLowBps,
            VsBestStaticCiHighBps = s.VsBestStaticCiHighBps,
            VsBestStaticObjectiveBps = s.VsBestStaticObjectiveBps,
            VsBestStaticObjectiveCiLowBps = s.VsBestStaticObjectiveCiLowBps,
            VsBestStaticObjectiveCiHighBps = s.VsBestStaticObjectiveCiHighBps,
            FillRate = x.FillRate,
            PassiveShare = x.PassiveShare,
            PostedFillRatio = x.PostedFillRatio,
            SpreadCapturedBps = x.SpreadCapturedBps,
            MarkoutBps = x.MarkoutBps,
            Markout1sBps = x.Markout1sBps,
            Markout10sBps = x.Markout10sBps,
            Markout60sBps = x.Markout60sBps,
            FillRateCiLow = ci?.FillRate?.Low,
            FillRateCiHigh = ci?.FillRate?.High,
            PassiveShareCiLow = ci?.PassiveShare?.Low,
            PassiveShareCiHigh = ci?.PassiveShare?.High,
            SpreadCapturedCiLowBps = ci?.SpreadCapturedBps?.Low,
            SpreadCapturedCiHighBps = ci?.SpreadCapturedBps?.High,
            MarkoutCiLowBps = ci?.MarkoutBps?.Low,
            MarkoutCiHighBps = ci?.MarkoutBps?.High,
            Markout1sCiLowBps = ci?.Markout1sBps?.Low,
            Markout1sCiHighBps = ci?.Markout1sBps?.High,
            Markout10sCiLowBps = ci?.Markout10sBps?.Low,
            Markout10sCiHighBps = ci?.Markout10sBps?.High,
            Markout60sCiLowBps = ci?.Markout60sBps?.Low,
            Markout60sCiHighBps = ci?.Markout60sBps?.High,
            OrderIntervalUnits = ci?.IndependentUnits,
            OrderIntervalUnitKind = ci?.UnitKind,
            MaxParticipation = x.MaxParticipation,
            MaxParticipationP95 = x.MaxParticipationP95,
            P99Bps = ReportMetric.All.Single(m => m.Key == "p99_bps").ValueOf(s),
            Guard = s.Guard is { } g ? GuardView.From(g) : null,
        };
    }
}

/// <summary>A guarded strategy's comparison with the same strategy unguarded, on the same paths (docs/guards.md).</summary>
/// <param name="InnerId">The strategy inside the guards.</param>
/// <param name="GuardedMinusInnerBps">Mean paired cost difference guarded − unguarded in bps (negative = the guards saved).</param>
/// <param name="CiLowBps">Lower end of its 95% interval.</param>
/// <param name="CiHighBps">Upper end of its 95% interval.</param>
/// <param name="IndependentUnits">Independent units the interval rests on.</param>
/// <param name="UnitKind"><c>episode</c> or <c>window</c>.</param>
/// <param name="FallbackThreshold">Uncertainty above which the confidence fallback traded the safe schedule; null when off.</param>
/// <param name="Firings">Per guard: episodes and decisions it fired in, of the decisions it saw.</param>
public sealed record GuardView(string InnerId, double GuardedMinusInnerBps, double CiLowBps, double CiHighBps, int IndependentUnits, string UnitKind,
    double? FallbackThreshold, IReadOnlyList<GuardFiringView> Firings)
{
    public static GuardView From(Portal.Domain.Backtesting.GuardResult g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var d = g.GuardedMinusUnguarded;
        return new(g.InnerId, d.MeanBps, d.CiLowBps, d.CiHighBps, d.IndependentUnits, d.UnitKind, g.FallbackThreshold,
            [.. g.Firings.Select(f => new GuardFiringView(f.Guard, f.EpisodesFired, g.Episodes, f.StepsFired, f.Decisions))]);
    }
}

/// <summary>How often one guard fired: in <paramref name="EpisodesFired"/> of <paramref name="Episodes"/> episodes and
/// <paramref name="StepsFired"/> of <paramref name="Decisions"/> decisions.</summary>
public sealed record GuardFiringView(string Guard, int EpisodesFired, int Episodes, long StepsFired, long Decisions);
