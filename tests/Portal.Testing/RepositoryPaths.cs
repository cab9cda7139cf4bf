namespace Portal.Testing;

/// <summary>Finds the repository and the shared market data from wherever a test runs.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>ExecutionLab.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built in (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built output folder of a project under <c>src/</c>, e.g. <c>Portal.Jobs</c>.</summary>
    public static string ProjectOutput(string project) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionLab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"ExecutionLab.sln not found above {AppContext.BaseDirectory}.");
    }
}
