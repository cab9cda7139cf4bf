using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Studies;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;
using Portal.Testing;

namespace Portal.Application.Tests.Studies;

/// <summary>The study write path on both providers: one study row and one queued run per cell, queued for the workers.</summary>
public sealed class StudyServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static StudySpec Grid(string name = "grid") => new()
    {
        Name = name,
        Scenario = ScenarioPresets.Demo() with { Episodes = 200, Seed = 7 },
        Axes = new StudyAxes { SizePctAdv = [1, 5, 10], HorizonMinutes = [30, 60, 120] },
        Strategies = ["twap", "vwap", "ac"],
    };

    private static async Task<Guid> TeamAsync(TestStore store, string name = "Desk")
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = name };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_study_stores_one_queued_run_per_cell_on_the_same_seed_and_queues_each(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await TeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new StudyService(store.Factory, queue, new StudyLimits());

        var study = await service.SubmitAsync(team, "ana", Grid());

        await using var db = await store.Factory.CreateDbContextAsync();
        var runs = await db.Runs.AsNoTracking().Where(r => r.StudyId == study.Id).OrderBy(r => r.StudyCell).ToListAsync();
        Assert.Equal(9, runs.Count);
        Assert.Equal(Enumerable.Range(0, 9), runs.Select(r => r.StudyCell!.Value));
        Assert.All(runs, r => Assert.Equal(RunStatus.Queued, r.Status));
        Assert.All(runs, r => Assert.Equal(7, r.Seed));
        Assert.All(runs, r => Assert.StartsWith("grid · ", r.ScenarioName, StringComparison.Ordinal));
        Assert.Equal(9, runs.Select(r => r.ScenarioHash).Distinct().Count());
        Assert.Equal(Grid().Expand().Select(c => ScenarioJson.Serialize(c.Scenario)), runs.Select(r => r.ScenarioJson));
        Assert.Equal(runs.Select(r => r.Id).Order(), queue.Jobs.Where(j => j.Kind == JobKind.Run).Select(j => j.Id).Order());
        var stored = await db.Studies.AsNoTracking().SingleAsync();
        Assert.Equal(StudyStatus.Running, stored.Status);
        Assert.Equal(9, stored.CellCount);
        Assert.Equal("ana", stored.CreatedBy);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_studys_cells_are_in_the_runs_list_with_their_order_and_name_found_by_size_and_horizon(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await TeamAsync(store);
        var study = await new StudyService(store.Factory, new RecordingJobQueue(), new StudyLimits()).SubmitAsync(team, "ana", Grid());
        var list = new Portal.Application.Runs.RunListQuery(store.Factory);

        // The cells of 10% ADV, whatever their horizon: the size filter reads the order columns each cell now carries.
        var large = await list.ListAsync(team, new Portal.Application.Runs.RunListFilter { SizePctAdvMin = 8 });
        Assert.Equal(3, large.Total);
        Assert.All(large.Items, r => Assert.Equal((10.0, "sell"), (r.SizePctAdv!.Value, r.Side!)));
        Assert.Equal([30.0, 60.0, 120.0], large.Items.Select(r => r.HorizonMinutes!.Value).Order());

        var shortest = await list.ListAsync(team, new Portal.Application.Runs.RunListFilter { HorizonMinutesMax = 30 });
        Assert.Equal(3, shortest.Total);

        // Each cell is named after its scenario, as a run submitted without a name, so it sorts by name among the team's runs.
        await using var db = await store.Factory.CreateDbContextAsync();
        var cells = await db.Runs.AsNoTracking().Where(r => r.StudyId == study.Id).ToListAsync();
        Assert.Equal(9, cells.Count);
        Assert.All(cells, r => Assert.Equal(r.ScenarioName, r.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_active_study_limit_holds_and_frees_when_the_cells_finish(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await TeamAsync(store);
        var service = new StudyService(store.Factory, new RecordingJobQueue(), new StudyLimits(MaxActiveStudiesPerTeam: 1));
        var first = await service.SubmitAsync(team, "ana", Grid("one"));

        var refused = await Assert.ThrowsAsync<ScenarioValidationException>(() => service.SubmitAsync(team, "ana", Grid("two")));
        Assert.Equal("studies", refused.Errors[0].Field);
        Assert.Contains("Limits:MaxActiveStudiesPerTeam", refused.Message, StringComparison.Ordinal);
        // Another team is not held back.
        await service.SubmitAsync(await TeamAsync(store, "Other"), "bob", Grid("theirs"));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Runs.Where(r => r.StudyId == first.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Cancelled));
        }
        var second = await service.SubmitAsync(team, "ana", Grid("two"));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Results_come_from_the_cells_stored_summaries_and_the_status_is_written_when_all_finish(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await TeamAsync(store);
        var service = new StudyService(store.Factory, new RecordingJobQueue(), new StudyLimits());
        var study = await service.SubmitAsync(team, "ana", Grid());
        Assert.Null(await service.GetAsync(await TeamAsync(store, "Other"), study.Id));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            foreach (var run in await db.Runs.Where(r => r.StudyId == study.Id).ToListAsync())
            {
                run.Status = run.StudyCell == 8 ? RunStatus.Failed : RunStatus.Succeeded;
                run.Progress = 1;
                if (run.Status != RunStatus.Succeeded) continue;
                double size = ScenarioJson.Parse(run.ScenarioJson).Order.SizePctAdv;
                run.Strategies.Add(new RunStrategyResult { Index = 0, StrategyId = "twap", DisplayName = "TWAP", MeanBps = 10 * size, StdBps = 5, MeanCiLowBps = 10 * size - 1, MeanCiHighBps = 10 * size + 1 });
                run.Strategies.Add(new RunStrategyResult { Index = 1, StrategyId = "ac", DisplayName = "AC", MeanBps = 10 * size - 2, StdBps = 5, MeanCiLowBps = 10 * size - 3, MeanCiHighBps = 10 * size - 1, Summary = new RunStrategySummary { VsTwapMeanBps = -2, VsTwapCiLowBps = -2.5, VsTwapCiHighBps = -1.5 } });
            }
            await db.SaveChangesAsync();
        }

        var details = (await service.GetAsync(team, study.Id))!;
        Assert.Equal(StudyStatus.Finished, details.Study.Status);
        Assert.Equal(8, details.Results.Succeeded);
        Assert.Equal(1, details.Results.Failed);
        var cell = details.Results.Cells[3]; // size 5, horizon 30
        Assert.Equal(5, cell.Coordinates.SizePctAdv);
        Assert.Equal(30, cell.Coordinates.HorizonMinutes);
        Assert.Equal(50, cell.Strategy("twap")!.MeanCostBps);
        Assert.Equal("ac", cell.Best!.Id);
        Assert.True(cell.Best.SignificantVsTwap);
        Assert.Null(details.Results.Cells[8].Best);
        var list = Assert.Single(await service.ListAsync(team));
        Assert.Equal((StudyStatus.Finished, 9, 9), (list.Status, list.CellCount, list.CellsDone));
    }
}
