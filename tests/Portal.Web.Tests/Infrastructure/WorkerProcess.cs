using System.Diagnostics;
using System.Text;
using Portal.Testing;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>A standalone worker (<c>Portal.Jobs worker</c>) in its own OS process, sharing the portal's PostgreSQL.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="settings">Extra configuration as environment variables, e.g. <c>Jobs__HeartbeatTimeoutSeconds</c>.</param>
    public static WorkerProcess Start(string postgresConnectionString, string name, int invisibilityTimeoutSeconds = 180, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(RepositoryPaths.ProjectOutput("Portal.Jobs"), "Portal.Jobs.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "worker" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = "Postgres";
        start.Environment["Database__ConnectionString"] = postgresConnectionString;
        start.Environment["Jobs__WorkerName"] = name;
        start.Environment["Jobs__InvisibilityTimeoutSeconds"] = invisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Jobs__PollIntervalSeconds"] = "0.5";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker process."), name);
    }

    /// <summary>Kills the worker at once, as a crash or an OOM kill would: no shutdown, no clean-up.</summary>
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
}
