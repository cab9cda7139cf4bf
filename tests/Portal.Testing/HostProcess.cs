using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Testing;

/// <summary>A built host (<c>Portal.Jobs</c> with a verb, or <c>Portal.Web</c>) in its own OS process, configured through its environment.</summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The project that runs, or the worker name given to <see cref="StartWorker"/>.</summary>
    public string Name { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="project">The project under <c>src/</c> whose build output runs, e.g. <c>Portal.Jobs</c>.</param>
    /// <param name="workingDirectory">Where the process starts (default: its build output folder).</param>
    /// <param name="name">What <see cref="Name"/> says (default: <paramref name="project"/>).</param>
    public static HostProcess Start(string project, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, string? name = null)
    {
        var dll = Path.Combine(RepositoryPaths.ProjectOutput(project), project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return new HostProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {project}."), name ?? project);
    }

    /// <summary>A standalone worker (<c>Portal.Jobs worker</c>) named <paramref name="name"/>, sharing the portal's PostgreSQL.</summary>
    /// <param name="settings">Extra configuration as environment variables, e.g. <c>Jobs__HeartbeatTimeoutSeconds</c>.</param>
    public static HostProcess StartWorker(string postgresConnectionString, string name, int invisibilityTimeoutSeconds = 180, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = postgresConnectionString,
            ["Jobs__WorkerName"] = name,
            ["Jobs__InvisibilityTimeoutSeconds"] = invisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Jobs__PollIntervalSeconds"] = "0.5",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return Start("Portal.Jobs", ["worker"], environment, name: name);
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(int timeoutSeconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not end within {timeoutSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>The address a web host printed (<c>Now listening on: …</c>), once it listens, or null if it exited first.</summary>
    public async Task<Uri?> WaitForListeningAsync(int timeoutSeconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            var match = ListeningLine().Match(Output);
            if (match.Success)
            {
                return new Uri(match.Groups[1].Value);
            }
            if (HasExited)
            {
                return null;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The web host did not listen within {timeoutSeconds} s:\n{Output}");
    }

    /// <summary>Kills the process at once, as a crash or an OOM kill would: no shutdown, no clean-up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
