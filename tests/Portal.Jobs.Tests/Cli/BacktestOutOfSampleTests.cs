using Portal.Domain.Backtesting;
using Portal.Agents.Training;
using Portal.Domain.Scenarios;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>backtest --agent … --strategies agent:…</c> refuses to score an agent on paths it trained on.</summary>
public sealed class BacktestOutOfSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backtest-oos-").FullName;

    [Fact]
    public async Task The_verb_exits_non_zero_naming_the_seeds_and_runs_on_a_seed_the_agent_never_drew()
    {
        // The demo scenario is the verb's default: train on exactly its world.
        var demo = ScenarioPresets.Demo();
        var (agent, artifact) = AgentTrainer.TrainOne(new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(demo, riskAversion: 0),
            Seeds = [0],
            EnvironmentSteps = 1_000,
            EvaluationEpisodes = 10,
        }, 0);
        agent.Dispose();
        string path = Path.Combine(_dir, "ql");
        artifact.Save(path);
        // The trainer's own streams are tagged, so no backtest seed is refused for it.
        var stream = artifact.Exposure!.Sources.Single().SeedStreams.Single(s => s.Purpose == "training");
        Assert.NotEqual(0UL, stream.Tag);
        var (taggedExit, taggedError) = await InvokeAsync("--agent", path, "--strategies", "twap", "agent:ql", "--episodes", "20", "--seed", "0");
        Assert.True(taggedExit == 0, taggedError);
        Assert.DoesNotContain("Refused", taggedError);

        // A record of untagged streams (the backtests' own) over seeds 0–99 is refused on seed 99 and not on 100.
        path = Path.Combine(_dir, "untagged");
        (artifact with
        {
            Exposure = new TrainingExposure
            {
                Sources = [OutOfSample.SimulatedTraining(demo, [new SeedStreamRange { Purpose = "training", Seed = 0, BatchCount = 100, FirstPathSeed = 0 }])],
            },
        }).Save(path);
        long trained = 99, unseen = 100;

        var (refusedExit, refusedError) = await InvokeAsync("--agent", path, "--strategies", "twap", "agent:untagged", "--episodes", "20", "--seed", $"{trained}");
        Assert.NotEqual(0, refusedExit);
        Assert.Contains("Refused", refusedError);
        Assert.Contains("agent:untagged", refusedError);
        Assert.Contains($"seed {trained}", refusedError);

        var (exit, error) = await InvokeAsync("--agent", path, "--strategies", "twap", "agent:untagged", "--episodes", "20", "--seed", $"{unseen}");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("Refused", error);

        // An artifact without a training record runs, with a warning that says so.
        string oldPath = Path.Combine(_dir, "old");
        (artifact with { Exposure = null }).Save(oldPath);
        var (oldExit, oldError) = await InvokeAsync("--agent", oldPath, "--strategies", "twap", "agent:old", "--episodes", "20", "--seed", $"{trained}");
        Assert.True(oldExit == 0, oldError);
        Assert.Contains("no record of its training data", oldError);
    }

    private static readonly SemaphoreSlim Console1 = new(1, 1);

    private static async Task<(int Exit, string Error)> InvokeAsync(params string[] args)
    {
        await Console1.WaitAsync();
        var previous = Console.Error;
        var error = new StringWriter();
        try
        {
            Console.SetError(error);
            int exit = await PortalCommandLine.Build().Parse(["backtest", .. args]).InvokeAsync();
            return (exit, error.ToString());
        }
        finally
        {
            Console.SetError(previous);
            Console1.Release();
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
