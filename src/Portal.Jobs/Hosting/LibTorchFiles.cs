namespace Portal.Jobs.Hosting;

/// <summary>
/// Whether a build carries libtorch's native library. An image published with <c>-p:PublishLibTorch=false</c> (the
/// production web image, whose jobs run in separate workers) does not, and must not execute jobs: trainings and trained
/// agents need libtorch.
/// </summary>
public static class LibTorchFiles
{
    private static readonly string[] Names = ["libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"];

    /// <summary>True when libtorch's CPU library is in <paramref name="baseDirectory"/> (a RID-specific publish) or in
    /// one of its <c>runtimes/*/native</c> folders (a build or a portable publish).</summary>
    public static bool Shipped(string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        var runtimes = Path.Combine(baseDirectory, "runtimes");
        var folders = Directory.Exists(runtimes)
            ? Directory.EnumerateDirectories(runtimes).Select(r => Path.Combine(r, "native")).Prepend(baseDirectory)
            : [baseDirectory];
        return folders.Any(folder => Names.Any(name => File.Exists(Path.Combine(folder, name))));
    }

    /// <summary>Refuses to host a job server in a build without libtorch, saying what to do instead.</summary>
    /// <exception cref="InvalidOperationException">Jobs would run here but libtorch is not in <paramref name="baseDirectory"/>.</exception>
    public static void EnsureShippedForJobs(string baseDirectory)
    {
        if (!Shipped(baseDirectory))
        {
            throw new InvalidOperationException(
                $"This build carries no libtorch ({baseDirectory} was published with PublishLibTorch=false), so it cannot execute jobs: " +
                "set Jobs:RunServerInProcess=false and run jobs in separate workers (the worker image), or publish with libtorch.");
        }
    }
}
