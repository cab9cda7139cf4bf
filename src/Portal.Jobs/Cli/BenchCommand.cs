using System.CommandLine;
using Portal.Domain.Benchmarks;
using Portal.Domain.MarketData;

namespace Portal.Jobs.Cli;

/// <summary><c>bench</c>: fixed-workload benchmarks of the simulator and of market-data parsing and replay.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var episodes = new Option<int>("--episodes") { Description = "Episodes per simulation workload.", DefaultValueFactory = _ => 100_000 };
        var steps = new Option<int>("--steps") { Description = "Decision steps per episode.", DefaultValueFactory = _ => 100 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions; the median is reported.", DefaultValueFactory = _ => 3 };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder with the shared market data samples; adds the parse and replay benchmarks." };
        var command = new Command("bench", "Run the fixed-workload benchmarks and print medians.") { episodes, steps, repetitions, data };
        command.SetAction(parse =>
        {
            var report = SimulationBenchmark.Run(parse.GetValue(episodes), parse.GetValue(steps), parse.GetValue(repetitions));
            parse.InvocationConfiguration.Output.WriteLine(report.ToText());
            if (parse.GetValue(data) is { } folder)
            {
                var m = MarketDataBenchmark.Run(folder.FullName, parse.GetValue(repetitions));
                parse.InvocationConfiguration.Output.WriteLine($"LOBSTER parse + validate: {m.LobsterRows:N0} rows, median {m.LobsterRowsPerSecond / 1e6:F2} M rows/s ({m.LobsterMegabytesPerSecond:F0} MB/s)");
                parse.InvocationConfiguration.Output.WriteLine($"Binary form: {m.BinaryBytes / 1e6:F1} MB, write {m.BinaryWriteMilliseconds:F0} ms, read {m.BinaryReadMilliseconds:F0} ms");
                parse.InvocationConfiguration.Output.WriteLine($"Replay: {m.ReplayBookUpdates:N0} book updates, median {m.ReplayBookUpdatesPerSecond / 1e6:F2} M updates/s");
            }
            return 0;
        });
        return command;
    }
}
