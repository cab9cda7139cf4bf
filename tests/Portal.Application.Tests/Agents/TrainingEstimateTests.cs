using Portal.Application.Agents;
using Portal.Data.Entities;

namespace Portal.Application.Tests.Agents;

/// <summary>Seed k of n, its percentage and the time left, as the agents pages and the API show a running training.</summary>
public sealed class TrainingEstimateTests
{
    private static readonly DateTime At = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    private static TrainedAgentEntity Running(int seedIndex, double share, double? left, double? whole, string seeds = "1,2,3") => new()
    {
        Name = "ppo", Algorithm = "ppo", ScenarioName = "s", ScenarioJson = "{}", Seeds = seeds, Status = TrainingStatus.Running,
        CurrentSeedIndex = seedIndex, SeedProgress = share, SeedSecondsLeft = left, SeedSecondsTotal = whole, ProgressUtc = At,
    };

    [Fact]
    public void A_quarter_of_a_seed_done_in_30_seconds_leaves_90_seconds_of_a_120_second_seed()
    {
        var report = SeedProgressReport.From(1, 2_500, 10_000, TimeSpan.FromSeconds(30));

        Assert.Equal(1, report.SeedIndex);
        Assert.Equal(0.25, report.SeedShare, 12);
        Assert.Equal(90, report.SeedSecondsLeft!.Value, 9);
        Assert.Equal(120, report.SeedSecondsTotal!.Value, 9);
    }

    [Fact]
    public void Before_the_first_step_there_is_no_estimate_and_a_budget_overrun_reads_as_done()
    {
        var start = SeedProgressReport.From(0, 0, 10_000, TimeSpan.FromSeconds(3));
        Assert.Equal((0.0, (double?)null, (double?)null), (start.SeedShare, start.SeedSecondsLeft, start.SeedSecondsTotal));

        // Rollouts finish whole episodes, so a seed can pass its budget by a few steps.
        var over = SeedProgressReport.From(0, 10_040, 10_000, TimeSpan.FromSeconds(50));
        Assert.Equal(1.0, over.SeedShare);
        Assert.Equal(0, over.SeedSecondsLeft!.Value, 9);

        Assert.Throws<ArgumentOutOfRangeException>(() => SeedProgressReport.From(-1, 1, 10, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedProgressReport.From(0, 1, 0, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedProgressReport.From(0, 1, 10, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void The_page_counts_down_from_the_workers_report_and_adds_the_seeds_still_to_come()
    {
        // Seed 2 of 3 at 25%: 90 s left of a 120 s seed when reported; the page reads it 10 s later.
        var estimate = TrainingEstimate.Of(Running(1, 0.25, 90, 120), At.AddSeconds(10));

        Assert.NotNull(estimate);
        Assert.Equal((2, 3, 0.25), (estimate.SeedNumber, estimate.SeedCount, estimate.SeedShare));
        Assert.Equal(TimeSpan.FromSeconds(80), estimate.SeedTimeLeft);
        Assert.Equal(TimeSpan.FromSeconds(80 + 120), estimate.TotalTimeLeft);
        Assert.Equal("Seed 2 of 3 · 25% · about 1 min 20 s left for this seed, about 3 min 20 s for all seeds", estimate.Describe());

        // Long after the estimate ran out it says zero, never a negative time.
        var late = TrainingEstimate.Of(Running(2, 0.9, 5, 50), At.AddMinutes(5))!;
        Assert.Equal(TimeSpan.Zero, late.SeedTimeLeft);
        Assert.Equal("Seed 3 of 3 · 90% · under 1 s left", late.Describe());
    }

    [Fact]
    public void Nothing_is_estimated_before_the_first_report_or_once_the_training_stopped()
    {
        var queued = Running(0, 0, null, null);
        queued.CurrentSeedIndex = null;
        Assert.Null(TrainingEstimate.Of(queued, At));

        var done = Running(2, 1, 0, 60);
        done.Status = TrainingStatus.Succeeded;
        Assert.Null(TrainingEstimate.Of(done, At));

        var first = TrainingEstimate.Of(Running(0, 0, null, null, "1"), At)!;
        Assert.Equal("Seed 1 of 1 · 0% · estimating time left", first.Describe());
        Assert.Null(first.TotalTimeLeft);

        var evaluating = TrainingEstimate.Of(Running(0, 1, 0, 60, "1,2"), At)!;
        Assert.Equal("Seed 1 of 2 · 100% · evaluating this seed's policy on held-out paths", evaluating.Describe());
    }

    [Theory]
    [InlineData(0.4, "under 1 s")]
    [InlineData(42, "42 s")]
    [InlineData(185, "3 min 5 s")]
    [InlineData(240, "4 min")]
    [InlineData(4_320, "1 h 12 min")]
    [InlineData(7_200, "2 h")]
    public void Durations_read_in_the_largest_sensible_units(double seconds, string expected) =>
        Assert.Equal(expected, TrainingEstimate.Duration(TimeSpan.FromSeconds(seconds)));
}
